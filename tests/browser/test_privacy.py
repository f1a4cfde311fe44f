"""A reader's visit to every kind of public page: no request leaves for another site, no cookie."""

from urllib.parse import urlsplit

import pytest

from clippings import cache as public_cache
from clippings.models import Article, PressRelease, Status


@pytest.fixture
def published_seeds(transactional_db, seeds):
    Article.objects.update(status=Status.PUBLISHED)
    PressRelease.objects.update(status=Status.PUBLISHED)
    public_cache.clear()


def reader_pages() -> dict[str, str]:
    article = Article.objects.filter(images__isnull=False, related_links__isnull=False).first()
    topic = article.topics.first()
    return {
        "home": "/",
        "coverage": "/coverage/",
        "coverage-filtered": f"/coverage/?topic={topic.slug}&sort=quality",
        "article": article.get_absolute_url(),
        "press-releases": "/press-releases/",
        "press-release": PressRelease.objects.get().get_absolute_url(),
        "topics": "/topics/",
        "topic": topic.get_absolute_url(),
        "provider": article.provider.get_absolute_url(),
        "search": "/search/?q=facial+recognition",
        "not-found": "/no-such-page/",
    }


def test_a_readers_visit_sends_nothing_to_third_parties_and_sets_no_cookie(page, live_server, published_seeds):
    own_origin = urlsplit(live_server.url).netloc
    requests, cookie_headers = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: cookie_headers.extend(
        [response.url] if response.header_value("set-cookie") else []
    ))
    for name, url in reader_pages().items():
        response = page.goto(url)
        assert response.status == (404 if name == "not-found" else 200), name
        page.wait_for_load_state("networkidle")
    assert len(requests) > len(reader_pages())  # the stylesheet and images were requested too
    third_party = [url for url in requests if urlsplit(url).scheme not in ("data", "blob")
                   and urlsplit(url).netloc != own_origin]
    assert third_party == []
    assert cookie_headers == []
    assert page.context.cookies() == []


def test_pages_are_usable_by_keyboard_and_screen_reader(page, published_seeds):
    for name, url in reader_pages().items():
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").count() == 1, name
        for landmark in ("header", "nav", "main", "footer"):
            assert page.locator(landmark).count() >= 1, (name, landmark)
        unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
            .filter(el => el.type !== 'hidden' && !el.labels.length && !el.getAttribute('aria-label'))
            .map(el => el.name)""")
        assert unlabelled == [], name
        assert page.evaluate("() => [...document.images].filter(img => !img.hasAttribute('alt')).length") == 0
        # The first Tab reaches the skip link, and it is visible when focused.
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.className")
        assert focused == "skip-link", name
        assert page.locator(".skip-link").bounding_box()["y"] >= 0
