"""The page cache for anonymous readers, its invalidation, and conditional GET."""

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from clippings import cache as public_cache
from clippings.models import Article, Status
from clippings.signals import content_changed
from tests.factories import PublishedArticleFactory, RelatedLinkFactory, TopicFactory

LIST = "/coverage/"


@pytest.fixture(autouse=True)
def empty_cache():
    public_cache.clear()
    yield
    public_cache.clear()  # and this process's memory of a shared cache that failed, for later tests


def test_a_repeat_visit_is_served_from_the_cache_without_queries(client, db, django_assert_num_queries,
                                                                monkeypatch):
    monkeypatch.setattr(public_cache, "VERSION_RECHECK_SECONDS", 60)  # (then one query reads the version)
    PublishedArticleFactory(title="Cached story")
    first = client.get(LIST)
    with django_assert_num_queries(0):
        second = client.get(LIST)
    assert second.content == first.content
    assert not second.cookies
    assert "Cookie" in second["Vary"]


def test_publishing_shows_at_once_on_every_affected_page(client, db):
    topic = TopicFactory(name="Drones")
    PublishedArticleFactory(topics=[topic])
    article = PublishedArticleFactory(title="Newly published", status=Status.DRAFT, topics=[topic])
    pages = ["/", LIST, topic.get_absolute_url(), reverse("clippings:coverage_feed_rss")]
    for url in pages:
        assert "Newly published" not in client.get(url).content.decode()
    article.status = Status.PUBLISHED
    article.save()
    for url in pages:
        assert "Newly published" in client.get(url).content.decode(), url
    assert client.get(article.get_absolute_url()).status_code == 200


def in_another_thread(function):
    results = []
    thread = threading.Thread(target=lambda: results.append(function()))
    thread.start()
    thread.join()
    return results[0]


def test_a_change_is_seen_by_the_other_threads_when_it_commits(transactional_db, monkeypatch):
    """Until a change commits, other threads (their own connections) still read the old content: a
    page they render then must not be kept under the change's version."""
    monkeypatch.setattr(public_cache, "VERSION_RECHECK_SECONDS", 60)  # the others read no row meanwhile
    article = PublishedArticleFactory(status=Status.DRAFT)
    before = public_cache.current_version()["version"]
    with transaction.atomic():
        article.status = Status.PUBLISHED
        article.save()
        mine = public_cache.current_version()["version"]
        assert mine != before  # the writer reads its own change
        assert in_another_thread(lambda: public_cache.current_version()["version"]) == before
    assert in_another_thread(lambda: public_cache.current_version()["version"]) == mine


def test_a_change_of_many_rows_starts_one_version_not_one_a_row(db, django_assert_max_num_queries,
                                                                 django_capture_on_commit_callbacks):
    # Regression: each deleted row was announced, and each announcement started a version: an
    # article with 30 related links cost 60 queries more to delete, and 30 more versions at commit.
    article = PublishedArticleFactory()
    for number in range(30):
        RelatedLinkFactory(article=article, url=f"https://news.example/related-{number}")
    before = public_cache.current_version()["version"]
    # 11 queries to delete (with its history), one to write the version, 2 to find the next
    # withdrawal: not one a row, nor more at commit.
    with django_assert_max_num_queries(14), django_capture_on_commit_callbacks(execute=True):
        article.delete()
        during = public_cache.current_version()["version"]
    assert before != during == public_cache.current_version()["version"]


def test_readers_asking_for_one_page_at_once_wait_for_one_render(db):
    # Regression: after a change each waiting reader rendered the page anew, and under load a
    # publish took up to 2.6 s to show.
    public_cache.current_version()
    key, renders, pages = "public:page:a-page", [], []

    def render():
        renders.append(threading.current_thread().name)
        time.sleep(0.2)  # the others ask meanwhile
        response = HttpResponse("the page")
        public_cache._keep_page(key, response)
        return response

    readers = [threading.Thread(target=lambda: pages.append(public_cache.render_once(key, render).content))
               for _ in range(4)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert (len(renders), pages) == (1, [b"the page"] * 4)


def test_unpublishing_through_a_queryset_update_shows_once_content_changed_is_sent(client, db):
    article = PublishedArticleFactory(title="Soon withdrawn")
    assert "Soon withdrawn" in client.get(LIST).content.decode()
    assert client.get(article.get_absolute_url()).status_code == 200
    Article.objects.filter(pk=article.pk).update(status=Status.ARCHIVED)
    content_changed.send(sender=Article)
    assert "Soon withdrawn" not in client.get(LIST).content.decode()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_scheduled_withdrawal_ends_the_cached_pages(client, db):
    now = timezone.now()
    PublishedArticleFactory(title="Withdrawn at noon", unpublish_at=now + timedelta(minutes=5))
    assert "Withdrawn at noon" in client.get(LIST).content.decode()
    later = now + timedelta(minutes=6)
    with mock.patch("django.utils.timezone.now", return_value=later), \
            mock.patch("clippings.cache.time.time", return_value=later.timestamp()):
        assert "Withdrawn at noon" not in client.get(LIST).content.decode()


def test_staff_with_a_session_are_neither_served_nor_filling_the_cache(client, db, editor):
    PublishedArticleFactory(title="Story")
    client.get(LIST)  # cached for anonymous readers
    client.force_login(editor)
    assert settings.SESSION_COOKIE_NAME in client.cookies
    with mock.patch("clippings.cache.cache.set") as cache_set:
        response = client.get(LIST)
    assert response.status_code == 200
    assert not [call for call in cache_set.call_args_list if "public:page" in call.args[0]]


def test_conditional_get_answers_304_until_the_content_changes(client, db):
    PublishedArticleFactory()
    first = client.get(LIST)
    assert first["ETag"] and first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"]
    again = client.get(LIST, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    since = client.get(LIST, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    PublishedArticleFactory()
    assert client.get(LIST, headers={"If-None-Match": first["ETag"]}).status_code == 200


def test_error_pages_are_not_cached(client, db):
    article = PublishedArticleFactory(status=Status.DRAFT)
    assert client.get(article.get_absolute_url()).status_code == 404
    # No content_changed: had the 404 been cached, it would still be served.
    Article.objects.filter(pk=article.pk).update(status=Status.PUBLISHED)
    assert client.get(article.get_absolute_url()).status_code == 200


# The shared cache down: pages uncached rather than errors ----------------------------------------

NO_REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                        "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens there: refused at once
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                     "LOCATION": "redis://127.0.0.1:6379/11"}}


def redis_answers() -> bool:

    try:
        return redis.Redis.from_url(REDIS["default"]["LOCATION"], socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


def test_pages_are_served_while_the_shared_cache_does_not_answer(client, admin_client, db, settings):
    article = PublishedArticleFactory(title="Served anyway")
    settings.CACHES = NO_REDIS
    for url in ["/", LIST, article.get_absolute_url(), "/search/?q=served", "/robots.txt",
                reverse("clippings:coverage_feed_rss"), "/sitemap.xml"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.has_header("ETag"), url  # the version is in the database, not in Redis
    assert admin_client.get(reverse("admin:clippings_article_changelist")).status_code == 200


def test_a_change_is_made_and_shown_while_the_shared_cache_does_not_answer(client, db, settings):
    # Regression of a design that announced versions through Redis: a change was refused then.
    draft = PublishedArticleFactory(title="Published while Redis is down", status=Status.DRAFT)
    settings.CACHES = NO_REDIS
    assert "Published while Redis is down" not in client.get(LIST).content.decode()
    with transaction.atomic():  # as the admin saves
        draft.status = Status.PUBLISHED
        draft.save()
    assert "Published while Redis is down" in client.get(LIST).content.decode()


@pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379")
def test_pages_are_cached_again_once_the_shared_cache_answers(client, db, settings, django_assert_num_queries):
    settings.CACHES = REDIS
    public_cache.clear()
    try:
        PublishedArticleFactory(title="Before the outage")
        before = client.get(LIST).content.decode()
        assert "Before the outage" in before
        settings.CACHES = NO_REDIS
        assert client.get(LIST).content.decode() == before  # rendered again, not served from a copy
        settings.CACHES = REDIS  # it answers again, still holding the page of before
        time.sleep(public_cache.SHARED_RETRY_SECONDS)
        client.get(LIST)
        with django_assert_num_queries(0):
            assert "Before the outage" in client.get(LIST).content.decode()  # cached again
        PublishedArticleFactory(title="After the outage")
        assert "After the outage" in client.get(LIST).content.decode()
    finally:
        public_cache.clear()
