"""Feeds: RSS 2.0, Atom and JSON Feed 1.1 of coverage, of a topic, and of press releases."""

import json
import xml.etree.ElementTree as ET
from datetime import datetime

import feedparser
import pytest
from django.urls import reverse

from clippings import cache as public_cache
from tests.factories import (
    ArticleFactory,
    PressReleaseFactory,
    PublishedArticleFactory,
    PublishedPressReleaseFactory,
    TopicFactory,
)

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def empty_cache():
    public_cache.clear()


@pytest.fixture
def content(db):
    topic = TopicFactory(name="Drones", slug="drones")
    PublishedArticleFactory(title="Drones & <b>protests</b>", excerpt="<script>x</script> Police drones.",
                            topics=[topic], editor_notes="EDITOR-NOTE", secured="SECURED-BLOB")
    PublishedArticleFactory(title="Schools story")
    ArticleFactory(title="Draft story", topics=[topic])
    PublishedPressReleaseFactory(title="NYCLU sues", body="First.\n\nSecond.")
    PressReleaseFactory(title="Draft release")
    return topic


def get(client, name, **kwargs):
    response = client.get(reverse(f"clippings:{name}", kwargs=kwargs))
    assert response.status_code == 200
    text = response.content.decode()
    for hidden in ("Draft story", "Draft release", "EDITOR-NOTE", "SECURED-BLOB"):
        assert hidden not in text
    return response


def test_rss_coverage_feed(client, content):
    response = get(client, "coverage_feed_rss")
    assert response["Content-Type"].startswith("application/rss+xml")
    rss = ET.fromstring(response.content)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel.findtext("title") and channel.findtext("link") and channel.findtext("description")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Schools story", "Drones & <b>protests</b>"]
    drones = items[1]
    # Readers treat a description as HTML: source text arrives escaped, as text.
    assert drones.findtext("description") == "&lt;script&gt;x&lt;/script&gt; Police drones."
    assert drones.findtext("link").startswith("http://testserver/coverage/")
    assert drones.findtext("pubDate") and drones.findtext("guid")
    assert [category.text for category in drones.findall("category")] == ["Drones"]


def test_atom_coverage_feed(client, content):
    response = get(client, "coverage_feed_atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{required}")
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{required}")


def test_json_feed(client, content):
    response = get(client, "coverage_feed_json")
    assert response["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["home_page_url"].startswith("http://testserver/")
    assert feed["feed_url"] == "http://testserver/feeds/coverage.json"
    assert [item["title"] for item in feed["items"]] == ["Schools story", "Drones & <b>protests</b>"]
    for item in feed["items"]:
        assert item["id"] and item["url"].startswith("http://testserver/coverage/")
        assert "content_html" in item and item["date_published"]
    assert feed["items"][1]["content_html"] == "&lt;script&gt;x&lt;/script&gt; Police drones."
    assert feed["items"][1]["tags"] == ["Drones"]


@pytest.mark.parametrize("extension", ["rss", "atom", "json"])
def test_topic_feed_has_only_that_topic(client, content, extension):
    text = get(client, f"topic_feed_{extension}", slug="drones").content.decode()
    assert "protests" in text
    assert "Schools story" not in text


def test_topic_feed_of_unknown_topic_is_a_404(client, db):
    assert client.get(reverse("clippings:topic_feed_rss", kwargs={"slug": "nope"})).status_code == 404


@pytest.mark.parametrize("extension", ["rss", "atom", "json"])
def test_press_release_feed(client, content, extension):
    text = get(client, f"press_release_feed_{extension}").content.decode()
    assert "NYCLU sues" in text
    assert "protests" not in text


@pytest.mark.parametrize(("name", "kwargs"), [
    ("coverage_feed", {}), ("topic_feed", {"slug": "drones"}), ("press_release_feed", {}),
])
@pytest.mark.parametrize(("extension", "version"), [("rss", "rss20"), ("atom", "atom10")])
def test_feeds_are_read_without_error_by_a_feed_reader(client, content, name, kwargs, extension, version):
    """feedparser, the reader library most aggregators build on, recognises each format and finds
    nothing malformed (`bozo` is its flag for a feed that breaks its format's rules)."""
    response = get(client, f"{name}_{extension}", **kwargs)
    parsed = feedparser.parse(response.content, response_headers={"content-type": response["Content-Type"]})
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == version
    assert parsed.feed.title and parsed.feed.link
    assert parsed.entries and all(entry.title and entry.link and entry.id for entry in parsed.entries)


@pytest.mark.parametrize(("name", "kwargs"), [
    ("coverage_feed", {}), ("topic_feed", {"slug": "drones"}), ("press_release_feed", {}),
])
def test_json_feeds_follow_the_json_feed_1_1_rules(client, content, name, kwargs):
    """What https://jsonfeed.org/version/1.1 requires (feedparser 6 does not read JSON Feed)."""
    feed = json.loads(get(client, f"{name}_json", **kwargs).content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert isinstance(feed["items"], list) and feed["items"]
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert isinstance(item.get("content_html", item.get("content_text")), str)
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None  # RFC 3339
        assert all(isinstance(tag, str) for tag in item.get("tags", []))
