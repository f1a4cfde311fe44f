"""Paging a changelist past the counted rows: every page reachable, the count an estimate said as
one, the page links going on, and a deep page read by its keys (no OFFSET over whole rows)."""

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clippings.admin.paginator import CappedCountPaginator
from clippings.models import Article, PressRelease

from .factories import ArticleFactory, PressReleaseFactory
from .test_admin import url

pytestmark = pytest.mark.django_db

PER_PAGE = 10


@pytest.fixture
def long_list(monkeypatch):
    """95 articles, 10 a page, counted up to 20: pages 3 to 10 lie past the counted rows."""
    cache.clear()  # counts are remembered by query
    monkeypatch.setattr(CappedCountPaginator, "limit", 20)
    for model in (Article, PressRelease):
        monkeypatch.setattr(admin.site._registry[model], "list_per_page", PER_PAGE)
    ArticleFactory.create_batch(95)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE clippings_article")  # the planner's estimate is the count's
    return list(Article.objects.order_by("-published_at", "-id").values_list("title", flat=True))


def titles(response) -> list[str]:
    return [article.title for article in response.context["cl"].result_list]


def test_first_page_says_about_how_many(client, superuser, long_list):
    client.force_login(superuser)
    response = client.get(url("article_changelist"))
    page = response.content.decode()
    assert "about 95 articles" in page
    assert titles(response) == long_list[:PER_PAGE]
    assert 'href="?p=10"' in page  # the last page, by the estimate


def test_a_page_past_the_counted_rows_shows_its_rows_and_links_on(client, superuser, long_list,
                                                                    django_assert_max_num_queries):
    client.force_login(superuser)
    with django_assert_max_num_queries(15):
        response = client.get(url("article_changelist") + "?p=7")
    assert response.status_code == 200  # not Django's "?e=1" redirect for an invalid page
    assert titles(response) == long_list[60:70]
    page = response.content.decode()
    assert '<span class="this-page">7</span>' in page
    assert 'href="?p=6"' in page and 'href="?p=8"' in page


def test_the_last_page_makes_the_count_exact(client, superuser, long_list):
    client.force_login(superuser)
    response = client.get(url("article_changelist") + "?p=10")
    assert titles(response) == long_list[90:]
    assert "about" not in response.content.decode().split('class="paginator"')[1]
    assert "95 articles" in response.content.decode()


def test_a_page_past_the_end_shows_the_last_page(client, superuser, long_list):
    client.force_login(superuser)
    response = client.get(url("article_changelist") + "?p=1500")
    assert response.status_code == 200
    assert titles(response) == long_list[90:]
    assert '<span class="this-page">10</span>' in response.content.decode()


def test_pages_go_on_past_a_low_estimate(client, superuser, long_list, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "estimate", 21)  # e.g. the planner on a search
    client.force_login(superuser)
    response = client.get(url("article_changelist") + "?p=5")
    assert titles(response) == long_list[40:50]
    assert 'href="?p=6"' in response.content.decode()  # page 5 is full and a row follows it


def test_a_deep_page_reads_only_its_own_rows(client, superuser, long_list):
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as queries:
        client.get(url("article_changelist") + "?p=9")
    reads = [q["sql"] for q in queries if '"clippings_article"."title"' in q["sql"]]
    assert reads and all("OFFSET" not in sql.upper() for sql in reads), reads


def test_a_sorted_annotated_list_pages_too(client, superuser, long_list):
    releases = PressReleaseFactory.create_batch(25)
    for n, release in enumerate(releases[:3]):
        release.coverage.set(Article.objects.all()[: n + 1])
    client.force_login(superuser)
    response = client.get(url("pressrelease_changelist") + "?o=-5&p=1")  # by coverage, most first
    assert [r.pk for r in response.context["cl"].result_list][:3] == [r.pk for r in reversed(releases[:3])]
    response = client.get(url("pressrelease_changelist") + "?o=-5&p=3")
    assert len(response.context["cl"].result_list) == 5


@pytest.mark.parametrize("model, order", [("provider", ""), ("provider", "&o=-3"), ("topic", "&o=-3"),
                                          ("relatedlink", "&o=1")])
def test_every_desk_list_pages_by_keys(client, superuser, model, order, monkeypatch):
    from .factories import RelatedLinkFactory, TopicFactory

    TopicFactory.create_batch(3)
    RelatedLinkFactory.create_batch(3)
    model_admin = next(m for m in admin.site._registry.values() if m.opts.model_name == model)
    monkeypatch.setattr(model_admin, "list_per_page", 1)
    client.force_login(superuser)
    first = client.get(url(f"{model}_changelist") + "?p=1" + order).context["cl"].result_list
    second = client.get(url(f"{model}_changelist") + "?p=2" + order).context["cl"].result_list
    assert len(first) == len(second) == 1 and first[0] != second[0]


def test_search_says_about_how_many_results(client, superuser, long_list):
    client.force_login(superuser)
    page = client.get(url("article_changelist") + "?q=facial").content.decode()
    assert "about 95 results" in page


def test_a_short_list_shows_its_last_page_for_one_past_the_end(client, superuser, monkeypatch):
    monkeypatch.setattr(admin.site._registry[Article], "list_per_page", PER_PAGE)
    ArticleFactory.create_batch(15)
    client.force_login(superuser)
    response = client.get(url("article_changelist") + "?p=9")
    assert response.status_code == 200 and len(response.context["cl"].result_list) == 5
    page = response.content.decode()
    assert "15 articles" in page and '<span class="this-page">2</span>' in page
