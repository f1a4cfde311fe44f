"""The public pages at phone and desktop widths, without JavaScript, for a person to look at."""

import pytest
from test_privacy import reader_pages  # tests/browser is not a package: pytest puts it on sys.path

from clippings import cache as public_cache
from clippings.models import Article, PressRelease, Status
from tests.factories import PublishedArticleFactory

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def newsroom(transactional_db, seeds):
    Article.objects.update(status=Status.PUBLISHED)
    Article.objects.filter(pk=Article.objects.order_by("pk").first().pk).update(featured=True)
    PressRelease.objects.update(status=Status.PUBLISHED)
    release = PressRelease.objects.get()
    release.coverage.add(*Article.objects.all()[:2])
    provider = Article.objects.first().provider
    PublishedArticleFactory.create_batch(22, provider=provider, topics=list(Article.objects.first().topics.all()))
    public_cache.clear()


@pytest.mark.parametrize("width", WIDTHS)
def test_screens(browser, live_server, newsroom, screenshot, width):
    context = browser.new_context(base_url=live_server.url, viewport=WIDTHS[width], java_script_enabled=False)
    page = context.new_page()
    for name, url in reader_pages().items():
        page.goto(url)
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTHS[width]["width"], name
        screenshot(page, f"{width}-{name}")
        if width == "phone":  # the first two screens, at a size a person can read
            screenshot(page, f"{width}-{name}-top", clip={"x": 0, "y": 0, "width": 390, "height": 1300})
    context.close()


def test_filters_and_pages_work_without_javascript(browser, live_server, newsroom):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/coverage/")
    topic = Article.objects.first().topics.first()
    page.select_option("#id_topic", topic.slug)
    page.click("form.filters button[type=submit]")
    assert f"topic={topic.slug}" in page.url
    assert page.locator(".active-filters").get_by_text(f"Topic: {topic.name}").count() == 1
    page.click("a[rel=next]")
    assert "page=2" in page.url and f"topic={topic.slug}" in page.url
    page.locator(".active-filters a").first.click()
    assert "topic=" not in page.url
    context.close()
