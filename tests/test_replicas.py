"""Read replicas: which requests read from one, and what stays on the primary.

The replica here is `replica_1` of newsroom/test_settings.py, a TEST MIRROR: the test database
itself under a second connection, so a test sees on which connection each query ran. Transactional
tests, so that what one connection commits the other sees, as a replica would after replaying it.
"""

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clippings import cache as public_cache
from clippings.models import Article, Status
from newsroom.replicas import ReadReplicaRouter, replica_reads
from tests.factories import ArticleFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica_1"])


@pytest.fixture(autouse=True)
def replica(settings, monkeypatch):
    settings.NEWSROOM_READ_REPLICAS = ["replica_1"]
    settings.NEWSROOM_REPLICA_LAG_SECONDS = 0
    # Each test reads the version once: the pages' queries are then the replica's or the primary's alone.
    monkeypatch.setattr(public_cache, "VERSION_RECHECK_SECONDS", 60)
    public_cache.clear()
    yield
    public_cache.clear()  # and this process's memory of a shared cache that failed, for later tests


@contextmanager
def queries():
    """The queries run on the primary and on the replica within the block."""
    primary, replica = CaptureQueriesContext(connections["default"]), CaptureQueriesContext(connections["replica_1"])
    with primary, replica:
        yield SimpleNamespace(primary=primary, replica=replica)


def test_an_anonymous_readers_pages_read_from_the_replica(client):
    PublishedArticleFactory(title="Drones over the stadium")
    public_cache.current_version()
    with queries() as ran:
        coverage = client.get(reverse("clippings:article_list")).content.decode()
        search = client.get(reverse("clippings:search"), {"q": "drones"}).content.decode()
    assert "Drones over the stadium" in coverage
    assert "Drones over the stadium" in search
    assert len(ran.replica) >= 4
    assert len(ran.primary) == 0


def test_logged_in_editors_read_from_the_primary(client, superuser):
    article = PublishedArticleFactory(title="Drones over the stadium")
    client.force_login(superuser)
    with queries() as ran:
        assert "Drones over the stadium" in client.get(reverse("clippings:article_list")).content.decode()
        assert client.get(reverse("admin:clippings_article_change", args=[article.pk])).status_code == 200
    assert len(ran.primary) > 0
    assert len(ran.replica) == 0


def test_the_admin_and_posts_read_from_the_primary(client):
    with queries() as ran:
        assert client.get(reverse("admin:login")).status_code == 200
        client.post(reverse("admin:login"), {"username": "nobody", "password": "wrong"})
    assert len(ran.replica) == 0


def test_just_after_a_change_pages_read_from_the_primary(client, settings):
    """A replica may not have replayed the change yet, and the page would be cached as current."""
    settings.NEWSROOM_REPLICA_LAG_SECONDS = 60
    article = ArticleFactory(title="Drones over the stadium")
    article.status = Status.PUBLISHED
    article.save()
    with queries() as ran:
        assert "Drones over the stadium" in client.get(reverse("clippings:article_list")).content.decode()
    assert len(ran.primary) > 0
    assert len(ran.replica) == 0


def test_without_replicas_everything_reads_from_the_primary(client, settings):
    settings.NEWSROOM_READ_REPLICAS = []
    public_cache.current_version()
    with queries() as ran:
        assert client.get(reverse("clippings:article_list")).status_code == 200
    assert len(ran.primary) > 0
    assert len(ran.replica) == 0


def test_a_write_or_a_transaction_sends_reads_back_to_the_primary():
    PublishedArticleFactory()
    with queries() as ran, replica_reads():
        Article.objects.count()
        assert (len(ran.primary), len(ran.replica)) == (0, 1)
        with transaction.atomic():
            Article.objects.count()
        assert len(ran.replica) == 1
        ArticleFactory()
        written = len(ran.primary)
        Article.objects.count()
        assert len(ran.replica) == 1
        assert len(ran.primary) == written + 1
    with queries() as ran:
        Article.objects.count()
    assert (len(ran.primary), len(ran.replica)) == (1, 0)


def test_migrations_and_writes_go_to_the_primary_only():
    router = ReadReplicaRouter()
    assert router.allow_migrate("default", "clippings")
    assert not router.allow_migrate("replica_1", "clippings")
    with replica_reads():
        assert router.db_for_write(Article) == "default"


def test_replicas_serve_while_the_shared_cache_does_not_answer(client, settings):
    # When content last changed is in the database, whatever the shared cache does.
    PublishedArticleFactory(title="Drones over the stadium")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens there
    public_cache.current_version()
    with queries() as ran:
        response = client.get(reverse("clippings:article_list"))
    assert response.status_code == 200 and "Drones over the stadium" in response.content.decode()
    assert len(ran.replica) > 0
