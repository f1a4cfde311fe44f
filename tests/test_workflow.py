"""The editorial workflow on the model: draft → in review → published → archived."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clippings.models import Article, Status
from clippings.models.editorial import needs_publish_permission
from clippings.signals import content_changed

from .factories import ArticleFactory, PressReleaseFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signals():
    sent = []

    def receiver(sender, **kwargs):
        sent.append((sender, kwargs.get("instances")))

    content_changed.connect(receiver)
    yield sent
    content_changed.disconnect(receiver)


def test_publish_sets_first_published_once_and_sends_content_changed(signals):
    article = ArticleFactory(status=Status.REVIEW)
    assert Article.objects.filter(pk=article.pk).publish() == 1
    article.refresh_from_db()
    first = article.went_live_at
    assert article.status == Status.PUBLISHED and first is not None
    assert signals and signals[-1][0] is Article

    article.unpublish()
    article.publish()
    assert article.went_live_at == first


def test_moves_only_touch_records_they_start_from():
    draft, published = ArticleFactory(), PublishedArticleFactory()
    assert Article.objects.all().send_to_review() == 1
    assert Article.objects.all().publish() == 1  # the one in review; the published one stays
    assert Article.objects.filter(pk=published.pk).unpublish() == 1
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert Article.objects.all().archive() == 2
    assert set(Article.objects.values_list("status", flat=True)) == {Status.ARCHIVED}


def test_moves_are_recorded_in_history_with_who(editor):
    release = PressReleaseFactory()
    release.send_to_review(user=editor)
    record = release.history.first()
    assert record.status == Status.REVIEW
    assert record.history_user == editor
    assert record.history_change_reason == "send to review"


def test_publishing_uses_up_a_due_publish_time():
    article = ArticleFactory(status=Status.REVIEW, publish_at=timezone.now() - timedelta(minutes=1))
    article.publish()
    assert article.publish_at is None


def test_only_publishing_and_withdrawing_need_a_publisher():
    assert needs_publish_permission(Status.REVIEW, Status.PUBLISHED)
    assert needs_publish_permission(Status.PUBLISHED, Status.ARCHIVED)
    assert not needs_publish_permission(Status.DRAFT, Status.REVIEW)
    assert not needs_publish_permission(Status.REVIEW, Status.ARCHIVED)
    assert not needs_publish_permission(Status.PUBLISHED, Status.PUBLISHED)
