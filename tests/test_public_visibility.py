"""One visibility rule for topics and providers: public while they have published coverage.

A topic or provider whose coverage is all unpublished (or that has none) is a 404 on its page and
its feeds, and absent from the sitemap, the topic list and the coverage list's facets.
"""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clippings import cache as public_cache
from clippings.models import Status
from tests.factories import ArticleFactory, ProviderFactory, PublishedArticleFactory, TopicFactory

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FEEDS = ["topic_feed_rss", "topic_feed_atom", "topic_feed_json"]


@pytest.fixture(autouse=True)
def empty_cache():
    public_cache.clear()


def sitemap_urls(client) -> list[str]:
    index = ET.fromstring(client.get(reverse("clippings:sitemap")).content)
    urls = []
    for section in index.iter(f"{SITEMAP}loc"):
        page = ET.fromstring(client.get(section.text.removeprefix("http://testserver")).content)
        urls += [loc.text.removeprefix("http://testserver") for loc in page.iter(f"{SITEMAP}loc")]
    return urls


def public_urls_of(topic, provider) -> list[str]:
    return [topic.get_absolute_url(), provider.get_absolute_url(),
            *(reverse(f"clippings:{feed}", kwargs={"slug": topic.slug}) for feed in FEEDS)]


def hidden(**kwargs):
    return ArticleFactory(**kwargs)


@pytest.mark.parametrize("coverage", [
    pytest.param(lambda topic, provider: None, id="no coverage"),
    *(pytest.param(lambda topic, provider, status=status: hidden(status=status, topics=[topic], provider=provider),
                   id=status)
      for status in (Status.DRAFT, Status.REVIEW, Status.ARCHIVED)),
    pytest.param(lambda topic, provider: PublishedArticleFactory(
        topics=[topic], provider=provider, unpublish_at=timezone.now() - timedelta(minutes=1)), id="withdrawn"),
])
def test_a_topic_or_provider_without_published_coverage_is_nowhere_public(client, db, coverage):
    # Regression: the topic's feeds answered 200, titled with its name, while its page was a 404.
    topic = TopicFactory(name="Unseen topic", slug="unseen")
    provider = ProviderFactory(name="Unseen provider", domain="unseen.example", slug="unseen-example")
    coverage(topic, provider)
    for url in public_urls_of(topic, provider):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Unseen" not in response.content.decode(), url
    for url in [f"{topic.get_absolute_url()}?page=2", f"{provider.get_absolute_url()}?page=2"]:
        assert client.get(url).status_code == 404, url
    assert not {topic.get_absolute_url(), provider.get_absolute_url()} & set(sitemap_urls(client))
    for url in [reverse("clippings:topic_list"), reverse("clippings:article_list"), "/"]:
        assert "Unseen" not in client.get(url).content.decode(), url


def test_the_same_topic_and_provider_are_public_everywhere_once_coverage_is_published(client, db):
    topic = TopicFactory(name="Seen topic", slug="seen")
    provider = ProviderFactory(name="Seen provider", domain="seen.example", slug="seen-example")
    article = hidden(status=Status.DRAFT, topics=[topic], provider=provider, title="Now public")
    assert client.get(topic.get_absolute_url()).status_code == 404
    article.publish()
    for url in public_urls_of(topic, provider):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Now public" in response.content.decode(), url
    assert {topic.get_absolute_url(), provider.get_absolute_url()} <= set(sitemap_urls(client))
    assert "Seen topic" in client.get(reverse("clippings:topic_list")).content.decode()


def test_topic_and_provider_pages_and_feeds_run_a_bounded_number_of_queries(client, db, monkeypatch,
                                                                            django_assert_max_num_queries):
    # The version is read once, however long the page takes on a busy machine.
    monkeypatch.setattr(public_cache, "VERSION_RECHECK_SECONDS", 60)
    topic = TopicFactory(slug="counted")
    provider = ProviderFactory(domain="counted.example", slug="counted-example")
    for _ in range(25):
        PublishedArticleFactory(topics=[topic], provider=provider)
    # The page's owner, its page of coverage, their topics; not a query an article.
    for url in public_urls_of(topic, provider):
        public_cache.clear()
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200, url
