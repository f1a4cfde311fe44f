"""The coverage list's facets and pages, and the query bounds of every public page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from clippings import cache as public_cache
from tests.factories import (
    ArticleFactory,
    ProviderFactory,
    PublishedArticleFactory,
    PublishedPressReleaseFactory,
    RelatedLinkFactory,
    TopicFactory,
)

NEW_YORK = ZoneInfo("America/New_York")
# A page's own queries, and with an empty cache 3 to learn the content version (its row, and the
# next withdrawal of articles and of press releases).
MAX_QUERIES = 9


@pytest.fixture(autouse=True)
def empty_cache():
    public_cache.clear()


def titles(response) -> list[str]:
    return [article.title for article in response.context["object_list"]]


@pytest.fixture
def coverage(db):
    drones, schools = TopicFactory(name="Drones", slug="drones"), TopicFactory(name="Schools", slug="schools")
    gazette, herald = ProviderFactory(name="Gazette", slug="gazette"), ProviderFactory(name="Herald", slug="herald")
    PublishedArticleFactory(title="Drones over the city", topics=[drones], provider=gazette, kind="article",
                            quality=20, published_at=datetime(2024, 3, 1, 12, tzinfo=NEW_YORK))
    PublishedArticleFactory(title="Cameras in schools", topics=[schools], provider=herald, kind="video",
                            quality=50, published_at=datetime(2024, 5, 1, 12, tzinfo=NEW_YORK))
    PublishedArticleFactory(title="Schools and drones", topics=[drones, schools], provider=herald, kind="article",
                            quality=None, published_at=datetime(2024, 7, 1, 12, tzinfo=NEW_YORK))
    ArticleFactory(title="Draft about drones", topics=[drones], provider=gazette)


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["Schools and drones", "Cameras in schools", "Drones over the city"]),
    ({"topic": "drones"}, ["Schools and drones", "Drones over the city"]),
    ({"provider": "herald"}, ["Schools and drones", "Cameras in schools"]),
    ({"type": "video"}, ["Cameras in schools"]),
    ({"since": "2024-04-01"}, ["Schools and drones", "Cameras in schools"]),
    ({"until": "2024-05-01"}, ["Cameras in schools", "Drones over the city"]),
    ({"since": "2024-04-01", "until": "2024-06-30"}, ["Cameras in schools"]),
    ({"q": "drones"}, ["Schools and drones", "Drones over the city"]),
    ({"sort": "quality"}, ["Cameras in schools", "Drones over the city", "Schools and drones"]),
    ({"sort": "oldest"}, ["Drones over the city", "Cameras in schools", "Schools and drones"]),
])
def test_coverage_facets(client, coverage, params, expected):
    response = client.get(reverse("clippings:article_list"), params)
    assert response.status_code == 200
    assert titles(response) == expected


def test_facet_choices_offer_only_published_coverage(client, coverage):
    ProviderFactory(name="Only drafts here", slug="drafts-only")
    ArticleFactory(provider__slug="x", kind="podcast")
    html = client.get(reverse("clippings:article_list")).content.decode()
    assert '<option value="gazette">Gazette</option>' in html
    assert "Only drafts here" not in html
    assert "Podcast" not in html


def test_current_filters_are_shown_with_links_removing_each(client, coverage):
    response = client.get(reverse("clippings:article_list"), {"topic": "drones", "provider": "herald", "page": "1"})
    html = response.content.decode()
    assert titles(response) == ["Schools and drones"]
    assert '<a href="?provider=herald"><span class="visually-hidden">Remove filter </span>Topic: Drones' in html
    assert '<a href="?topic=drones"><span class="visually-hidden">Remove filter </span>Provider: Herald' in html


def test_an_invalid_filter_shows_all_coverage(client, coverage):
    response = client.get(reverse("clippings:article_list"), {"since": "not-a-date"})
    assert response.status_code == 200
    assert len(titles(response)) == 3


def test_pages_have_stable_urls_and_no_count(client, db, django_assert_max_num_queries):
    PublishedArticleFactory.create_batch(45)
    url = reverse("clippings:article_list")
    first = client.get(url, {"topic": ""})
    assert first.context["page_obj"].has_next()
    assert 'href="?topic=&amp;page=2"' in first.content.decode()
    third = client.get(url, {"page": 3})
    assert len(third.context["object_list"]) == 5
    assert not third.context["page_obj"].has_next()
    assert client.get(url, {"page": 4}).status_code == 404
    assert client.get(url, {"page": "x"}).status_code == 404


def test_no_count_query_on_the_coverage_list(client, db, django_assert_max_num_queries):
    PublishedArticleFactory.create_batch(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("clippings:article_list"))
    assert not [query for query in queries if "COUNT(" in query["sql"].upper()]


@pytest.fixture
def many(db):
    """Enough of everything that a query per row would show."""
    topics = TopicFactory.create_batch(3)
    providers = ProviderFactory.create_batch(3)
    articles = [
        PublishedArticleFactory(topics=topics, provider=providers[n % 3], featured=n < 3) for n in range(25)
    ]
    for article in articles[:5]:
        RelatedLinkFactory.create_batch(3, article=article, target=articles[-1])
        article.images.create(url="https://cdn.example/a.jpg")
    releases = PublishedPressReleaseFactory.create_batch(8)
    for release in releases:
        release.coverage.add(*articles[:10])
    return {"article": articles[0], "topic": topics[0], "provider": providers[0], "release": releases[0]}


@pytest.mark.parametrize("page", [
    "home", "coverage", "coverage-filtered", "coverage-page-2", "article", "press-releases", "press-release",
    "topics", "topic", "provider", "search", "search-excluding", "coverage-excluding", "coverage-excluding-sorted",
    "search-excluding-all", "feed-rss", "feed-atom", "feed-json", "topic-feed", "release-feed",
    "sitemap", "sitemap-coverage", "sitemap-topics", "sitemap-providers",
])
def test_public_pages_run_a_bounded_number_of_queries(client, many, page, django_assert_max_num_queries,
                                                      monkeypatch):
    # The version is read once, however long the page takes on a busy machine.
    monkeypatch.setattr(public_cache, "VERSION_RECHECK_SECONDS", 60)
    url = {
        "home": "/",
        "coverage": reverse("clippings:article_list"),
        "coverage-filtered": reverse("clippings:article_list") + f"?topic={many['topic'].slug}&sort=quality&q=story",
        "coverage-page-2": reverse("clippings:article_list") + "?page=2",
        "article": many["article"].get_absolute_url(),
        "press-releases": reverse("clippings:press_release_list"),
        "press-release": many["release"].get_absolute_url(),
        "topics": reverse("clippings:topic_list"),
        "topic": many["topic"].get_absolute_url(),
        "provider": many["provider"].get_absolute_url(),
        "search": reverse("clippings:search") + "?q=facial+story",
        "search-excluding": reverse("clippings:search") + "?q=story+-police",
        "coverage-excluding": reverse("clippings:article_list") + "?q=story+-police",
        "coverage-excluding-sorted": reverse("clippings:article_list") + "?q=story+-police&sort=oldest",
        "search-excluding-all": reverse("clippings:search") + "?q=story+-facial",
        "feed-rss": reverse("clippings:coverage_feed_rss"),
        "feed-atom": reverse("clippings:coverage_feed_atom"),
        "feed-json": reverse("clippings:coverage_feed_json"),
        "topic-feed": reverse("clippings:topic_feed_rss", kwargs={"slug": many["topic"].slug}),
        "release-feed": reverse("clippings:press_release_feed_rss"),
        "sitemap": reverse("clippings:sitemap"),
        "sitemap-coverage": reverse("clippings:sitemap_section", kwargs={"section": "coverage"}),
        "sitemap-topics": reverse("clippings:sitemap_section", kwargs={"section": "topics"}),
        "sitemap-providers": reverse("clippings:sitemap_section", kwargs={"section": "providers"}),
    }[page]
    public_cache.clear()
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    if page in ("search-excluding", "coverage-excluding", "coverage-excluding-sorted"):
        assert b"Facial recognition story" in response.content  # a page of results, with their topics
