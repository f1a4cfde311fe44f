"""sitemap.xml and robots.txt: every public page, and nothing unpublished."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from clippings import cache as public_cache
from tests.factories import ArticleFactory, PressReleaseFactory, PublishedArticleFactory, PublishedPressReleaseFactory

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def empty_cache():
    public_cache.clear()


def locations(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]


def test_sitemap_lists_published_content_only(client, db):
    published = PublishedArticleFactory(topics=[], provider__name="Gazette")
    draft = ArticleFactory()
    release, draft_release = PublishedPressReleaseFactory(), PressReleaseFactory()
    sections = locations(client, reverse("clippings:sitemap"))
    assert "http://testserver/sitemap-coverage.xml" in sections
    urls = [url for section in sections for url in locations(client, section)]
    assert f"http://testserver{published.get_absolute_url()}" in urls
    assert f"http://testserver{release.get_absolute_url()}" in urls
    assert f"http://testserver{published.provider.get_absolute_url()}" in urls
    assert "http://testserver/" in urls
    assert f"http://testserver{draft.get_absolute_url()}" not in urls
    assert f"http://testserver{draft_release.get_absolute_url()}" not in urls
    assert f"http://testserver{draft.provider.get_absolute_url()}" not in urls


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text
