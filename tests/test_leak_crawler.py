"""The public site, crawled as a reader would: only what a Publisher approved ever shows.

Articles and press releases in every state carry marker strings in every field, public and
private. From the home page the crawler follows every same-origin link (pages, pagination, facets,
feeds, the sitemap) and runs searches for every marker; no answer may be a 500, set a cookie, or
carry a marker of an unpublished item or of a private field, and every published item's public
markers must have been reached.
"""

import json
import re
from collections import deque
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlencode, urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from clippings import cache as public_cache
from clippings.models import Status

from .factories import (
    ArticleFactory,
    PressReleaseFactory,
    ProviderFactory,
    PublishedArticleFactory,
    PublishedPressReleaseFactory,
    RelatedLinkFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

MAX_PAGES = 1500  # far more than the site below has, so a crawl that loops is stopped, not one that is long
HIDDEN_STATES = ("draft", "review", "archived", "scheduled", "expired")
PUBLIC_PARTS = {"article": ("title", "excerpt", "related"), "pressrelease": ("title", "body")}
PRIVATE_PARTS = ("notes", "secured", "source", "proposed")
PAGE_SIZE = 20  # the public lists' page size: enough published items that each has a second page


def marker(kind: str, state: str, part: str) -> str:
    """One word, found by search, that no other marker contains."""
    return f"zz{kind}{state}{part}zz"


def state_fields(state: str) -> dict:
    now = timezone.now()
    return {
        "draft": {"status": Status.DRAFT},
        "review": {"status": Status.REVIEW},
        "archived": {"status": Status.ARCHIVED, "went_live_at": now - timedelta(days=30)},
        "scheduled": {"status": Status.REVIEW, "publish_at": now + timedelta(days=1)},
        "expired": {"status": Status.PUBLISHED, "went_live_at": now - timedelta(days=2),
                    "unpublish_at": now - timedelta(hours=1)},
        "published": {"status": Status.PUBLISHED, "went_live_at": now},
    }[state]


def private_fields(kind: str, state: str, public_field: str) -> dict:
    """Editors' notes, source data, a proposed change (and for articles the `secured` blob)."""
    fields = {
        "editor_notes": marker(kind, state, "notes"),
        "source_data": {"title": marker(kind, state, "title"), "tracking": marker(kind, state, "source")},
        "source_values": {"unmodelled": marker(kind, state, "source")},
        "edited_fields": [public_field],
        "proposed_changes": [{"field": public_field, "old": "", "new": marker(kind, state, "proposed"),
                              "origin": "source", "by": "", "at": "2026-01-01T00:00:00+00:00"}],
    }
    if kind == "article":
        fields["secured"] = marker(kind, state, "secured")
    return fields


@pytest.fixture
def newsroom(db):
    """Every state of both kinds, with markers; a topic and a provider only unpublished items use;
    enough published coverage and releases for every list to have a second page."""
    public_cache.clear()
    public_topic = TopicFactory(name="Surveillance", slug="surveillance")
    private_topic = TopicFactory(name="zzprivatetopiczz", slug="zzprivatetopiczz")
    public_provider = ProviderFactory(name="City Paper", domain="citypaper.example")
    private_provider = ProviderFactory(name="zzprivateproviderzz", domain="zzprivateproviderzz.example")
    articles, releases = {}, {}
    for state in (*HIDDEN_STATES, "published"):
        published = state == "published"
        article = ArticleFactory(
            title=marker("article", state, "title"), excerpt=marker("article", state, "excerpt"),
            provider=public_provider if published else private_provider,
            topics=[public_topic] if published else [public_topic, private_topic],
            kind="video" if published else "zzprivatekindzz",
            **state_fields(state), **private_fields("article", state, "excerpt"),
        )
        RelatedLinkFactory(article=article, title=marker("article", state, "related"),
                           provider=public_provider if published else private_provider)
        articles[state] = article
        releases[state] = PressReleaseFactory(
            title=marker("pressrelease", state, "title"), title_key=marker("pressrelease", state, "title"),
            slug=marker("pressrelease", state, "title"), body=marker("pressrelease", state, "body"),
            **state_fields(state), **private_fields("pressrelease", state, "body"),
        )
    # Links between public and hidden items: each must show only its public side.
    RelatedLinkFactory(article=articles["published"], target=articles["draft"], title="The same story elsewhere",
                       url="https://elsewhere.example/story")
    releases["published"].coverage.set(articles.values())
    for release in releases.values():
        release.coverage.add(articles["published"])
    fillers = PublishedArticleFactory.create_batch(PAGE_SIZE + 5, provider=public_provider, topics=[public_topic])
    ArticleFactory.create_batch(3, provider=public_provider, topics=[public_topic])  # drafts matching a search too
    PublishedPressReleaseFactory.create_batch(PAGE_SIZE + 2)
    public_cache.clear()
    return {"articles": articles, "releases": releases, "published_articles": [articles["published"], *fillers],
            "private_topic": private_topic, "private_provider": private_provider}


def forbidden_markers() -> list[str]:
    """Every marker of an unpublished item, every private field's, and the private topic's, provider's
    and type's names."""
    hidden = [marker(kind, state, part) for kind, parts in PUBLIC_PARTS.items() for state in HIDDEN_STATES
              for part in (*parts, *PRIVATE_PARTS)]
    private = [marker(kind, "published", part) for kind in PUBLIC_PARTS for part in PRIVATE_PARTS]
    return [*hidden, *private, "zzprivatetopiczz", "zzprivateproviderzz", "zzprivatekindzz"]


def expected_markers() -> list[str]:
    return [marker(kind, "published", part) for kind, parts in PUBLIC_PARTS.items() for part in parts]


# Every marker, public or not, and words the hidden items share with the published ones.
SEARCHES = [*forbidden_markers(), *expected_markers(), "facial recognition", "story", "nyclu", "paragraph"]
RESULT_LINK = re.compile(r'href="(/coverage/\d+/[^"]*|/press-releases/[^"?]+)"')


def search_urls(words: list[str]) -> list[str]:
    return [f"{page}?{urlencode({'q': word})}" for word in words for page in ("/search/", "/coverage/")]


class Links(HTMLParser):
    """The same-origin addresses an HTML page leads to: `<a href>`, `<link href>`, and each choice of
    each `<select>` of a GET form (the coverage list's facets), as a reader's browser would submit it."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._form_action = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("a", "link") and attrs.get("href"):
            self.found.append(attrs["href"])
        elif tag == "form" and attrs.get("method", "get").lower() == "get":
            self._form_action = attrs.get("action") or ""
        elif tag == "select" and self._form_action is not None:
            self._select = attrs.get("name")
        elif tag == "option" and self._select and attrs.get("value"):
            self.found.append(f"{self._form_action}?{urlencode({self._select: attrs['value']})}")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form_action = None
        elif tag == "select":
            self._select = None


def links_in(response) -> list[str]:
    """The addresses a page, sitemap or feed leads to, whatever its format."""
    content_type = response.headers.get("Content-Type", "")
    body = response.content.decode()
    if "html" in content_type:
        parser = Links()
        parser.feed(body)
        return parser.found
    if "json" in content_type:
        feed = json.loads(body)
        return [feed["home_page_url"], feed["feed_url"], *(item["url"] for item in feed["items"])]
    if "xml" in content_type:  # sitemaps (<loc>), RSS (<link>, <guid>) and Atom (<link href>, <id>)
        found = []
        for element in ElementTree.fromstring(response.content).iter():
            name = element.tag.rsplit("}", 1)[-1]
            if name in ("loc", "link", "guid", "id") and (element.text or "").strip():
                found.append(element.text.strip())
            if name == "link" and element.get("href"):
                found.append(element.get("href"))
        return found
    return []


def same_origin_path(base: str, href: str) -> str | None:
    parts = urlsplit(urljoin(f"http://testserver{base}", href))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, start: list[str]) -> dict[str, object]:
    """Every response reachable from `start`, by path; fails at the first 5xx or cookie."""
    queue, seen = deque(start), {}
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        assert len(seen) < MAX_PAGES, f"more than {MAX_PAGES} pages: does a link loop? ({path})"
        response = client.get(path)
        seen[path] = response
        assert response.status_code < 500, f"{path} answered {response.status_code}"
        assert not response.cookies and "Set-Cookie" not in response.headers, f"{path} sets a cookie for readers"
        if response.status_code == 200 and not path.startswith("/static/"):
            for href in links_in(response):
                target = same_origin_path(path, href)
                if target is not None and target not in seen:
                    queue.append(target)
    return seen


def without_request(path: str, text: str) -> str:
    """The page without what the reader typed: a search page repeats the query, a 404 page the
    address, which is no leak."""
    parts = urlsplit(path)
    for value in [*parse_qs(parts.query).get("q", []), unquote(parts.path)]:
        text = text.replace(value, "")
    return text


def leaks(responses: dict) -> list[str]:
    """Each marker that shows where readers can see it, with the first page it shows on."""
    found = []
    texts = {path: without_request(path, response.content.decode(errors="replace") + str(response.headers))
             for path, response in responses.items()}
    for word in forbidden_markers():
        where = next((path for path, text in texts.items() if word in text), None)
        if where is not None:
            found.append(f"{word} on {where}")
    return found


def test_readers_see_every_published_item_and_nothing_else(client, newsroom):
    responses = crawl(client, ["/", "/sitemap.xml", "/robots.txt", *search_urls(SEARCHES)])

    assert leaks(responses) == []
    # A search for a private or unpublished word finds nothing at all (not even a published item
    # whose hidden fields hold it): its results link to no article and no press release.
    found = {path: RESULT_LINK.findall(responses[path].content.decode())
             for path in search_urls(forbidden_markers())}
    assert {path: links for path, links in found.items() if links} == {}
    assert RESULT_LINK.findall(responses[search_urls([marker("article", "published", "title")])[0]].content.decode())
    shown = "".join(response.content.decode(errors="replace") for response in responses.values())
    assert [word for word in expected_markers() if word not in shown] == []
    # The crawl really went everywhere: every published article's page, a second page of each list,
    # every facet and every feed format.
    paths = set(responses)
    assert {article.get_absolute_url() for article in newsroom["published_articles"]} <= paths
    assert {"/coverage/?page=2", "/press-releases/?page=2", "/topics/surveillance/?page=2",
            "/providers/citypaper-example/?page=2", "/coverage/?topic=surveillance",
            "/coverage/?provider=citypaper-example", "/coverage/?type=video", "/coverage/?sort=quality",
            "/feeds/coverage.rss", "/feeds/coverage.atom", "/feeds/coverage.json", "/feeds/press-releases.rss",
            "/topics/surveillance/feed.atom", "/sitemap-coverage.xml"} <= paths


def test_search_counts_only_published_coverage(client, newsroom):
    # Every factory article's excerpt mentions facial recognition: the fillers, published or not.
    published = sum("facial recognition" in article.excerpt.lower() for article in newsroom["published_articles"])
    page = client.get("/search/?q=recognition").content.decode()
    assert f"{published} articles match." in page


def test_unpublished_items_answer_404_at_their_own_address(client, newsroom):
    hidden = [*(newsroom["articles"][state] for state in HIDDEN_STATES),
              *(newsroom["releases"][state] for state in HIDDEN_STATES)]
    addresses = [item.get_absolute_url() for item in hidden]
    addresses += [newsroom["private_topic"].get_absolute_url(), newsroom["private_provider"].get_absolute_url()]
    responses = {address: client.get(address) for address in addresses}
    assert {address: response.status_code for address, response in responses.items()} == dict.fromkeys(addresses, 404)
    assert leaks(responses) == []


@pytest.mark.parametrize("extension", ["rss", "atom", "json"])
def test_feeds_of_a_topic_with_no_published_coverage_answer_404(client, newsroom, extension):
    address = f"/topics/zzprivatetopiczz/feed.{extension}"
    response = client.get(address)
    assert (response.status_code, leaks({address: response})) == (404, [])  # the address typed is not a leak
