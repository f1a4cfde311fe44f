"""Dates at the ends of what the database holds (year 1, year 9999) never break a page.

The import refuses such dates (documents.ACCEPTED_DATES), but a row written another way may hold
one: the desk, the change form, the preview and every public page still answer."""

import re
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from clippings import cache as public_cache
from clippings.models import Article
from tests.factories import (
    ArticleFactory,
    PublishedArticleFactory,
    PublishedPressReleaseFactory,
    RelatedLinkFactory,
    TopicFactory,
)

EXTREMES = {
    "year 1": datetime(1, 1, 1, tzinfo=UTC),
    "year 9999": datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
}


@pytest.fixture(autouse=True)
def empty_cache():
    public_cache.clear()


def admin_url(name, *args):
    return reverse(f"admin:clippings_{name}", args=args)


@pytest.mark.parametrize("moment", EXTREMES.values(), ids=EXTREMES.keys())
def test_the_desk_opens_a_draft_dated_at_the_ends_of_time(client, editor, superuser, moment):
    article = ArticleFactory(published_at=moment, topics=[TopicFactory()])
    RelatedLinkFactory(article=article, published_at=moment)
    client.force_login(editor)
    year = moment.year
    for page in [
        reverse("admin:index"),
        admin_url("article_changelist"),
        admin_url("article_changelist") + f"?published_at__year={year}",
        admin_url("article_changelist") + f"?published_at__year={year}&published_at__month={moment.month}",
        admin_url("article_change", article.pk),
        admin_url("article_preview", article.pk),
        admin_url("article_history", article.pk),
        admin_url("provider_change", article.provider.pk),
    ]:
        assert client.get(page, follow=True).status_code == 200, page
    # And it can be deleted (by whoever may delete articles).
    client.force_login(superuser)
    assert client.get(admin_url("article_delete", article.pk)).status_code == 200
    response = client.post(admin_url("article_delete", article.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("moment", EXTREMES.values(), ids=EXTREMES.keys())
def test_every_public_page_answers_for_coverage_dated_at_the_ends_of_time(client, db, moment):
    topic = TopicFactory()
    article = PublishedArticleFactory(published_at=moment, topics=[topic])
    RelatedLinkFactory(article=article, published_at=moment)
    PublishedArticleFactory(topics=[topic])  # and an ordinary one beside it
    release = PublishedPressReleaseFactory(date=date(moment.year, moment.month, moment.day))
    for page in [
        "/", reverse("clippings:article_list"), reverse("clippings:article_list") + "?sort=oldest",
        article.get_absolute_url(), topic.get_absolute_url(), article.provider.get_absolute_url(),
        reverse("clippings:search") + "?q=facial", reverse("clippings:press_release_list"),
        release.get_absolute_url(), reverse("clippings:topic_list"),
        reverse("clippings:coverage_feed_rss"), reverse("clippings:coverage_feed_atom"),
        reverse("clippings:coverage_feed_json"), reverse("clippings:topic_feed_rss", args=[topic.slug]),
        reverse("clippings:press_release_feed_rss"), reverse("clippings:sitemap"),
        reverse("clippings:sitemap_section", args=["coverage"]),
    ]:
        response = client.get(page)
        assert response.status_code == 200, page
    assert article.title in client.get(article.get_absolute_url()).content.decode()


def test_the_date_hierarchy_offers_the_accepted_years_only(client, editor):
    for moment in [*EXTREMES.values(), datetime(2023, 5, 1, tzinfo=UTC), datetime(2021, 5, 1, tzinfo=UTC)]:
        ArticleFactory(published_at=moment)
    client.force_login(editor)
    page = client.get(admin_url("article_changelist")).content.decode()
    years = re.findall(r"published_at__year=(\d+)", page)
    assert years == ["2023", "2022", "2021"]
    # A year whose end Python cannot reckon is refused as a bad filter is, not answered with an error.
    response = client.get(admin_url("article_changelist") + "?published_at__year=9999")
    assert response.status_code == 302 and response.url.endswith("?e=1")
