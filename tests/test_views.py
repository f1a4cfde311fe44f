"""The public pages: what readers see, and that they see only what is published."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clippings import cache as public_cache
from clippings.models import Article, PressRelease, Status
from tests.factories import (
    ArticleFactory,
    PressReleaseFactory,
    ProviderFactory,
    PublishedArticleFactory,
    PublishedPressReleaseFactory,
    RelatedLinkFactory,
    TopicFactory,
)


@pytest.fixture(autouse=True)
def empty_cache():
    public_cache.clear()


@pytest.fixture
def published_seeds(seeds):
    Article.objects.update(status=Status.PUBLISHED)
    PressRelease.objects.update(status=Status.PUBLISHED)
    public_cache.clear()


def test_home_shows_latest_coverage_press_releases_and_topics(client, published_seeds):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Schools suspend use of facial recognition after backlash" in html
    assert "NYCLU Urges State to Block Facial Recognition" in html
    assert "Computer Vision" in html


def test_every_public_page_of_the_seeds_answers(client, published_seeds):
    article = Article.objects.first()
    press_release = PressRelease.objects.get()
    topic = article.topics.first()
    for url in [
        "/", reverse("clippings:article_list"), article.get_absolute_url(), reverse("clippings:press_release_list"),
        press_release.get_absolute_url(), reverse("clippings:topic_list"), topic.get_absolute_url(),
        article.provider.get_absolute_url(), reverse("clippings:search") + "?q=facial",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.decode().count("<h1") == 1, url


def test_drafts_are_not_found_anywhere(client, seeds):
    article = Article.objects.first()
    press_release = PressRelease.objects.get()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(press_release.get_absolute_url()).status_code == 404
    assert client.get(article.topics.first().get_absolute_url()).status_code == 404
    assert client.get(article.provider.get_absolute_url()).status_code == 404
    for url in ["/", reverse("clippings:article_list"), reverse("clippings:press_release_list"),
                reverse("clippings:search") + "?q=facial"]:
        html = client.get(url).content.decode()
        assert article.title not in html
        assert press_release.title not in html


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.ARCHIVED])
def test_unpublished_article_is_a_404(client, db, status):
    article = ArticleFactory(status=status)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_article_past_its_unpublish_time_is_a_404(client, db):
    article = PublishedArticleFactory(unpublish_at=timezone.now() - timedelta(minutes=1))
    assert client.get(article.get_absolute_url()).status_code == 404


def test_article_page_redirects_to_its_canonical_slug(client, db):
    article = PublishedArticleFactory(title="Police drones over protests")
    response = client.get(reverse("clippings:article_detail", kwargs={"pk": article.pk, "slug": "old-title"}))
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_article_page_links_out_safely_and_shows_what_it_covers(client, db):
    article = PublishedArticleFactory(
        original_url="https://news.example/original", topics=[TopicFactory(name="Drones")]
    )
    release = PublishedPressReleaseFactory(title="NYCLU sues over drones")
    draft_release = PressReleaseFactory(title="Draft release about drones")
    release.coverage.add(article)
    draft_release.coverage.add(article)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<a class="read-original" href="https://news.example/original" rel="noopener noreferrer">' in html
    assert "Drones" in html
    assert "NYCLU sues over drones" in html
    assert "Draft release about drones" not in html


def test_related_coverage_links_inside_only_to_published_articles(client, db):
    article = PublishedArticleFactory()
    published_target = PublishedArticleFactory(url="https://here.example/published")
    draft_target = ArticleFactory(url="https://here.example/draft")
    RelatedLinkFactory(article=article, title="Published here", url=published_target.url, target=published_target)
    RelatedLinkFactory(article=article, title="Draft here", url=draft_target.url, web_url="https://here.example/draft",
                       target=draft_target)
    RelatedLinkFactory(article=article, title="Elsewhere", web_url="https://elsewhere.example/story")
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<a href="{published_target.get_absolute_url()}">Published here</a>' in html
    assert draft_target.get_absolute_url() not in html
    assert '<a href="https://here.example/draft" rel="noopener noreferrer">Draft here' in html
    assert '<a href="https://elsewhere.example/story" rel="noopener noreferrer">Elsewhere' in html


def test_remote_images_are_never_hot_linked(client, db):
    article = PublishedArticleFactory()
    article.images.create(url="https://cdn.example/picture.jpg", width=600, height=400)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "cdn.example" not in html
    assert "img/placeholder.svg" in html


def test_press_release_page_shows_paragraphs_and_published_coverage_only(client, db):
    release = PublishedPressReleaseFactory(dateline="ALBANY", body="First paragraph.\n\nSecond paragraph.")
    release.coverage.add(PublishedArticleFactory(title="Covered and published"), ArticleFactory(title="Covered draft"))
    html = client.get(release.get_absolute_url()).content.decode()
    assert "<p>First paragraph.</p>" in html and "<p>Second paragraph.</p>" in html
    assert "ALBANY" in html
    assert "Covered and published" in html
    assert "Covered draft" not in html


def test_source_text_is_escaped_and_private_fields_never_shown(client, db):
    article = PublishedArticleFactory(
        title="<script>alert(1)</script>", excerpt="<img src=x onerror=alert(1)>",
        editor_notes="EDITOR-NOTE-123", secured="SECURED-BLOB-123", source_data={"leak": "SOURCE-DATA-123"},
    )
    for url in [article.get_absolute_url(), "/", reverse("clippings:article_list")]:
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;" in html
        for secret in ("EDITOR-NOTE-123", "SECURED-BLOB-123", "SOURCE-DATA-123"):
            assert secret not in html


def test_public_pages_never_load_private_fields(client, db, django_assert_max_num_queries):
    """Source data, the secured blob and editors' notes stay in the database when readers visit:
    they cannot leak from a template, and a list's query does not carry them."""
    article = PublishedArticleFactory(secured="SECURED-BLOB-123", source_data={"leak": "SOURCE-DATA-123"})
    RelatedLinkFactory(article=article, target=PublishedArticleFactory())
    press_release = PublishedPressReleaseFactory()
    press_release.coverage.add(article)
    for url in [
        "/", reverse("clippings:article_list"), article.get_absolute_url(), reverse("clippings:press_release_list"),
        press_release.get_absolute_url(), article.provider.get_absolute_url(), reverse("clippings:search") + "?q=a",
        reverse("clippings:coverage_feed_rss"),
    ]:
        with django_assert_max_num_queries(8) as queries:
            assert client.get(url).status_code == 200, url
        for query in queries.captured_queries:
            for name in ("source_data", "secured", "editor_notes", "proposed_changes"):
                assert f'."{name}"' not in query["sql"], (url, name, query["sql"])


def test_javascript_urls_are_not_linked(client, db):
    article = PublishedArticleFactory(original_url="javascript:alert(1)", web_url="", url="https://x.example/a")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "javascript:" not in html


def test_topic_and_provider_pages_list_published_coverage(client, db):
    topic = TopicFactory(name="Surveillance")
    provider = ProviderFactory(name="The Gazette")
    PublishedArticleFactory(title="Shown story", topics=[topic], provider=provider)
    ArticleFactory(title="Hidden story", topics=[topic], provider=provider)
    for url in [topic.get_absolute_url(), provider.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert "Shown story" in html
        assert "Hidden story" not in html
    assert client.get(reverse("clippings:topic_detail", kwargs={"slug": "nope"})).status_code == 404


def test_search_finds_articles_and_press_releases(client, published_seeds):
    html = client.get(reverse("clippings:search"), {"q": "Lockport"}).content.decode()
    assert "NYCLU Urges State to Block Facial Recognition" in html
    html = client.get(reverse("clippings:search"), {"q": "backlash"}).content.decode()
    assert "Schools suspend use of facial recognition after backlash" in html


def test_friendly_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


def test_pages_set_no_cookies(client, published_seeds):
    article = Article.objects.first()
    for url in ["/", reverse("clippings:article_list"), article.get_absolute_url(), reverse("clippings:search")]:
        response = client.get(url)
        assert not response.cookies, url
        assert "Set-Cookie" not in response.headers


def test_canonical_and_social_meta(client, db):
    article = PublishedArticleFactory(title="Facial recognition banned")
    html = client.get(article.get_absolute_url() + "?utm_source=x").content.decode()
    assert f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">' in html
    assert '<meta property="og:title" content="Facial recognition banned">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert '<meta name="referrer" content="no-referrer">' in html
