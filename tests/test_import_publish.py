"""`import_clippings --publish`: what a run creates is published, as the import's decision; nothing else."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from clippings.importer import PUBLISH_REASON
from clippings.models import Article, ImportRun, PressRelease, Status

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

pytestmark = pytest.mark.django_db


def run_import(*args) -> list[str]:
    out = StringIO()
    call_command("import_clippings", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue().splitlines()


@pytest.fixture
def inbox(tmp_path):
    """A copy of the seeds, to change and import again."""
    for path in FIXTURES.iterdir():
        shutil.copy(path, tmp_path)
    return tmp_path


def test_publish_publishes_what_the_run_creates_and_readers_see_it(client):
    assert run_import(FIXTURES, "--publish") == [
        "Imported:",
        "  articles: 4 created, 4 published",
        "  press releases: 1 created, 1 published",
        "  providers: 9 created",
        "  topics: 2 created",
    ]
    assert Article.objects.published().count() == 4
    release = PressRelease.objects.published().get()
    assert release.went_live_at is not None
    home = client.get(reverse("clippings:home")).content.decode()
    assert all(article.title in home for article in Article.objects.all())
    assert client.get(release.get_absolute_url()).status_code == 200
    assert ImportRun.objects.get().counts["articles"] == {"created": 4, "published": 4}


@pytest.mark.parametrize("model", [Article, PressRelease])
def test_the_history_says_the_import_published_it(model):
    run_import(FIXTURES, "--publish")
    record = model.objects.first().history.first()
    assert record.status == Status.PUBLISHED
    assert record.history_change_reason == PUBLISH_REASON == "published on import (--publish)"
    assert record.history_user is None


def test_publish_leaves_updated_records_and_what_an_editor_unpublished_as_they_are(inbox):
    run_import(inbox)  # drafts
    run_import(FIXTURES / next(p.name for p in FIXTURES.iterdir() if p.name.startswith("001_")), "--publish")
    assert not Article.objects.published().exists()  # unchanged
    article_file = next(inbox.glob("000_*"))
    article_file.write_text(article_file.read_text().replace("quality: 10", "quality: 11"))
    release_file = next(inbox.glob("002_*"))  # the press release
    release_file.write_text(release_file.read_text().replace("sent a letter today", "wrote today"))
    (inbox / "new.txt").write_text("---\ntitle: A new story\nwebUrl: https://news.example/new\n---\n")
    assert run_import(inbox, "--publish")[1:3] == [
        "  articles: 1 created, 1 published, 1 updated, 3 unchanged",
        "  press releases: 1 updated",
    ]
    assert list(Article.objects.published().values_list("title", flat=True)) == ["A new story"]
    assert not PressRelease.objects.published().exists()


def test_an_article_an_editor_unpublished_stays_unpublished(inbox):
    run_import(inbox, "--publish")
    article = Article.objects.get(quality=10)
    article.unpublish()
    article_file = next(inbox.glob("000_*"))
    article_file.write_text(article_file.read_text().replace("quality: 10", "quality: 11"))
    assert "  articles: 1 updated, 3 unchanged" in run_import(inbox, "--publish")
    article.refresh_from_db()
    assert (article.status, article.quality) == (Status.DRAFT, 11)


def test_a_dry_run_says_what_it_would_publish_and_writes_nothing():
    lines = run_import(FIXTURES, "--publish", "--dry-run")
    assert lines[:3] == [
        "Dry run, nothing written. Would have:",
        "  articles: 4 created, 4 published",
        "  press releases: 1 created, 1 published",
    ]
    assert not Article.objects.exists() and not PressRelease.objects.exists()
    assert not ImportRun.objects.exists()


def test_without_publish_the_import_publishes_nothing():
    assert run_import(FIXTURES)[1] == "  articles: 4 created"
    assert not Article.objects.published().exists() and not PressRelease.objects.published().exists()
