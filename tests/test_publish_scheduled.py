"""`manage.py publish_scheduled`: publishes and withdraws what is due, once."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from clippings.models import Article, PressRelease, Status

from .factories import ArticleFactory, PressReleaseFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("publish_scheduled", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def due():
    past, future = timezone.now() - timedelta(minutes=5), timezone.now() + timedelta(hours=1)
    return {
        "in": ArticleFactory(status=Status.REVIEW, publish_at=past),
        "draft_in": ArticleFactory(status=Status.DRAFT, publish_at=past),
        "later": ArticleFactory(status=Status.REVIEW, publish_at=future),
        "out": PublishedArticleFactory(unpublish_at=past),
        "stays": PublishedArticleFactory(unpublish_at=future),
        "release": PressReleaseFactory(status=Status.REVIEW, publish_at=past),
    }


def status(record):
    record.refresh_from_db()
    return record.status


def test_publishes_and_withdraws_what_is_due(due):
    output = run()
    assert "Articles: Published 2, withdrew 1." in output
    assert "Press releases: Published 1, withdrew 0." in output
    assert status(due["in"]) == status(due["draft_in"]) == Status.PUBLISHED
    assert due["in"].went_live_at is not None and due["in"].publish_at is None
    assert status(due["later"]) == Status.REVIEW
    assert status(due["out"]) == Status.ARCHIVED
    assert status(due["stays"]) == Status.PUBLISHED
    assert status(due["release"]) == Status.PUBLISHED
    assert due["in"].history.first().history_change_reason == "scheduled"


def test_is_idempotent(due):
    run()
    assert "Published 0, withdrew 0." in run()


def test_an_article_unpublished_by_hand_is_not_published_again(due):
    run()
    due["in"].unpublish()
    run()
    assert status(due["in"]) == Status.DRAFT


def test_dry_run_changes_nothing(due):
    output = run("--dry-run", "--verbosity", "2")
    assert "Would publish 2, would withdraw 1." in output
    assert f"publish article {due['in'].pk}" in output
    assert status(due["in"]) == Status.REVIEW


def test_quiet_at_verbosity_zero(due):
    assert run("--verbosity", "0") == ""


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_do_the_work_once():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("threads cannot share SQLite's in-memory test database")
    past = timezone.now() - timedelta(minutes=1)
    ArticleFactory.create_batch(20, status=Status.REVIEW, publish_at=past)
    outputs, errors = [], []

    def worker():
        try:
            outputs.append(run())
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(o.splitlines()[0] for o in outputs) == [
        "Articles: Published 0, withdrew 0.", "Articles: Published 20, withdrew 0."]
    assert Article.objects.filter(status=Status.PUBLISHED).count() == 20
    # Each article was published once: one history record for the move, not two.
    assert Article.history.filter(history_change_reason="scheduled").count() == 20
    assert PressRelease.objects.count() == 0
