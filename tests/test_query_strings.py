"""Whatever a reader puts in the query string, a public page answers 200 or 404, never 500.

A page number past the end, or too large for the database's integers, is a 404 (there is no such
page); a date or choice the filters cannot use is ignored, as a mistyped filter is.
"""

import pytest
from django.urls import reverse

from clippings import cache as public_cache
from tests.factories import PublishedArticleFactory, PublishedPressReleaseFactory, TopicFactory

HUGE = "99999999999999999999"  # past any 64-bit integer


@pytest.fixture(autouse=True)
def empty_cache():
    public_cache.clear()


@pytest.fixture
def coverage(db):
    topic = TopicFactory(name="Surveillance", slug="surveillance")
    article = PublishedArticleFactory(title="Cameras in schools", topics=[topic])
    PublishedPressReleaseFactory(title="A release")
    return article


def paginated_pages(article) -> list[str]:
    return [
        reverse("clippings:article_list"), reverse("clippings:press_release_list"),
        article.topics.get().get_absolute_url(), article.provider.get_absolute_url(),
        reverse("clippings:search") + "?q=cameras",
    ]


def with_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


@pytest.mark.parametrize("page", [HUGE, "9223372036854775807", "-" + HUGE, "1e9", "0", "-1", "2", "abc",
                                  "1.5", "", "%00", "last"])
def test_a_page_number_that_is_not_a_page_is_a_404_on_every_paginated_page(client, coverage, page):
    for url in paginated_pages(coverage):
        response = client.get(with_query(url, f"page={page}"))
        # An empty `page=` is the first page; "last" is the last page (here the first).
        expected = 200 if page in ("", "last") else 404
        assert response.status_code == expected, url


def test_the_first_page_by_number_is_the_first_page(client, coverage):
    for url in paginated_pages(coverage):
        response = client.get(with_query(url, "page=1"))
        assert response.status_code == 200, url
        assert "Cameras in schools" in response.content.decode() or "A release" in response.content.decode()


DATES = ["10000-01-01", "2024-02-30", "2024-13-01", "yesterday", HUGE, "%00",
         "-2024-01-01", "2024-01-01T00:00", "1-1-1"]


@pytest.mark.parametrize("value", DATES)
@pytest.mark.parametrize("name", ["since", "until"])
def test_a_malformed_date_is_ignored(client, coverage, name, value):
    response = client.get(f"{reverse('clippings:article_list')}?{name}={value}")
    assert response.status_code == 200
    assert "Cameras in schools" in response.content.decode()


@pytest.mark.parametrize("time_zone", ["America/New_York", "Pacific/Kiritimati", "Etc/GMT+12"])
def test_the_ends_of_the_calendar_filter_as_any_other_day(client, coverage, settings, time_zone):
    # Regression: ?until=9999-12-31 answered 500 on SQLite (its end in New York is year 10000 in UTC),
    # and ?since=0001-01-01 likewise where the newsroom's time zone is east of UTC.
    settings.TIME_ZONE = time_zone
    url = reverse("clippings:article_list")
    for query in ["since=0001-01-01", "until=9999-12-31", "since=0001-01-01&until=9999-12-31"]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, query
        assert "Cameras in schools" in response.content.decode(), query
    for query in ["since=9999-12-31", "until=0001-01-01"]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, query
        assert "Cameras in schools" not in response.content.decode(), query


@pytest.mark.parametrize("query", [
    "topic=" + HUGE, "provider=%00", "type=" + "x" * 5000, "sort=" + HUGE, "sort=%00", "q=%00", "q=" + "a" * 5000,
    "q=cameras%00", "page=1&page=" + HUGE, "since=2024-01-01&since=" + HUGE, "topic[]=x", "q=%ff%fe",
])
def test_other_parameters_out_of_range_or_malformed_never_answer_500(client, coverage, query):
    for url in [*paginated_pages(coverage), "/", reverse("clippings:coverage_feed_rss"), "/sitemap.xml"]:
        response = client.get(with_query(url, query))
        assert response.status_code in (200, 404), (url, response.status_code)


@pytest.mark.parametrize("path", [
    f"/coverage/{HUGE}/a-slug/", "/coverage/9223372036854775808/a-slug/", f"/sitemap-coverage.xml?p={HUGE}",
    "/sitemap-coverage.xml?p=0", "/sitemap-coverage.xml?p=abc", "/sitemap-nothing.xml",
])
def test_numbers_in_paths_out_of_range_are_a_404(client, coverage, path):
    assert client.get(path).status_code == 404
