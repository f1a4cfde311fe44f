"""The desk for people who work in it all day: the overview by permission, the article list's filters and
controls, "View on site", the preview's wording, the chart and the coverage suggestions."""

import re
from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from clippings.admin.press_releases import suggest_coverage
from clippings.models import Article, ImportRun, PressRelease, RelatedLink, Status

from .conftest import _user
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


def url(name, *args):
    return reverse(f"admin:clippings_{name}", args=args)


def desk_of(page: str) -> str:
    return page.split('id="desk"')[1].split("</section>")[0] if 'id="desk"' in page else ""


# The overview -----------------------------------------------------------------------------


@pytest.fixture
def busy_day(db):
    ArticleFactory(title="Secret draft in review", status=Status.REVIEW)
    PressReleaseFactory(title="Release in review", status=Status.REVIEW)
    ImportRun.objects.create(started_at=timezone.now(), finished_at=timezone.now(),
                             counts={"article": {"created": 7}})


def test_staff_without_a_group_see_no_desk(client, busy_day, django_assert_max_num_queries):
    client.force_login(_user("nobody"))
    with django_assert_max_num_queries(8):
        page = client.get(reverse("admin:index")).content.decode()
    assert "Secret draft in review" not in page and "Release in review" not in page
    assert 'id="desk"' not in page and "Last imports" not in page and "7 created" not in page


def test_the_desk_shows_only_what_the_user_may_view(client, busy_day):
    user = _user("auditor")
    user.user_permissions.add(Permission.objects.get(codename="view_importrun"))
    client.force_login(user)
    desk = desk_of(client.get(reverse("admin:index")).content.decode())
    assert "Last imports" in desk and "article: 7 created" in desk
    assert "Secret draft" not in desk and "Release in review" not in desk and "desk-status" not in desk
    assert "desk-chart" not in desk and "Scheduled" not in desk

    user.user_permissions.add(Permission.objects.get(codename="view_pressrelease"))
    client.force_login(user)
    desk = desk_of(client.get(reverse("admin:index")).content.decode())
    assert "Release in review" in desk and "Secret draft" not in desk
    assert "<th scope=\"col\" class=\"nowrap\">Press releases</th>" in desk and ">Articles<" not in desk


def test_editors_see_the_whole_desk(client, editor, busy_day, django_assert_max_num_queries):
    client.force_login(editor)
    with django_assert_max_num_queries(20):
        desk = desk_of(client.get(reverse("admin:index")).content.decode())
    assert "Secret draft in review" in desk and "Release in review" in desk and "article: 7 created" in desk


# The article list and change form ------------------------------------------------------------


def test_provider_filter_lists_only_providers_with_articles(client, editor, django_assert_max_num_queries):
    cache.clear()  # the filter remembers the providers for ten minutes
    article = ArticleFactory(provider=ProviderFactory(name="Has coverage"))
    ArticleFactory(provider=ProviderFactory(name="Has coverage too"))
    RelatedLink.objects.create(article=article, url="https://elsewhere.example/a", title="Elsewhere",
                               provider=ProviderFactory(name="Only in related links"))
    client.force_login(editor)
    with django_assert_max_num_queries(15):
        response = client.get(url("article_changelist"))
    choices = [spec for spec in response.context["cl"].filter_specs if spec.title == "provider"][0]
    names = [choice["display"] for choice in choices.choices(response.context["cl"])]
    assert "Has coverage" in names and "Has coverage too" in names and "Only in related links" not in names


def test_list_edit_controls_are_named_for_their_column_and_row(client, publisher):
    article = ArticleFactory(title="Named row")
    client.force_login(publisher)
    page = client.get(url("article_changelist")).content.decode()
    assert re.search(r'<select name="form-0-status" aria-label="Status: Named row"', page)
    assert re.search(r'<input type="checkbox" name="form-0-featured" aria-label="Featured: Named row"', page)
    change = client.get(url("article_change", article.pk)).content.decode()
    assert 'aria-label="Date, date"' in change and 'aria-label="Publish at, time"' in change

    for title in ("First related", "Second related"):  # each row its own names, whichever page came before
        other = ArticleFactory()
        RelatedLinkFactory(article=other, title=title)
        change = client.get(url("article_change", other.pk)).content.decode()
        named = re.findall(r'aria-label="([^"]+)"', change)
        assert f"Provider: {title}" in named and f"Title: {title}" in named and f"Delete: {title}" in named
        assert f"Date: {title}, date" in named and f"Date: {title}, time" in named
        assert not [name for name in named if "related" in name and title not in name and "new" not in name]


@pytest.mark.parametrize("model", ["article", "pressrelease"])
def test_view_on_site_opens_the_preview_until_readers_can_see_it(client, editor, model):
    draft = ArticleFactory() if model == "article" else PressReleaseFactory()
    public = PublishedArticleFactory() if model == "article" else PublishedPressReleaseFactory()
    withdrawn = (PublishedArticleFactory if model == "article" else PublishedPressReleaseFactory)(
        unpublish_at=timezone.now() - timedelta(hours=1))
    client.force_login(editor)
    for item, expected in [(draft, url(f"{model}_preview", draft.pk)), (public, public.get_absolute_url()),
                           (withdrawn, url(f"{model}_preview", withdrawn.pk))]:
        response = client.get(url(f"{model}_change", item.pk))
        assert response.context["absolute_url"] == expected
        assert f'href="{expected}" class="viewsitelink"' in response.content.decode()


def test_the_preview_says_whether_readers_see_it(client, editor):
    draft, published = PressReleaseFactory(), PublishedPressReleaseFactory()
    client.force_login(editor)
    page = client.get(url("pressrelease_preview", published.pk)).content.decode()
    assert "readers cannot see" not in page and "this is published, and readers see this page" in page
    page = client.get(url("pressrelease_preview", draft.pk)).content.decode()
    assert "readers cannot see this page until it is published" in page
    page = client.get(url("article_preview", PublishedArticleFactory().pk)).content.decode()
    assert "readers cannot see" not in page


# The chart ----------------------------------------------------------------------------------


def test_chart_series_stay_distinguishable_where_they_coincide(client, editor):
    both = TopicFactory.create_batch(2)
    for months_ago in range(3):
        ArticleFactory(topics=both, published_at=timezone.now() - timedelta(days=31 * months_ago))
    client.force_login(editor)
    chart = client.get(reverse("admin:index")).content.decode().split('id="desk-chart"')[1].split("</ul>")[0]
    lines = re.findall(r'<polyline fill="none" stroke="([^"]+)" stroke-width="([^"]+)" '
                       r'stroke-dasharray="([^"]+)" points="([^"]+)"', chart)
    assert len(lines) == 2 and lines[0][3] == lines[1][3]  # the same points ...
    (_, wide, dashes, _), (_, narrow, other_dashes, _) = lines
    assert float(wide) > float(narrow) and dashes != other_dashes  # ... yet both show
    assert "<circle" in chart and "<polygon" in chart  # each series' own markers
    view_width = int(re.search(r'viewBox="0 0 (\d+) \d+"', chart).group(1))
    last_label = re.findall(r'<text x="([\d.]+)" y="\d+" font-size="10" text-anchor="middle">', chart)[-1]
    assert float(last_label) + 20 <= view_width  # "Dec 26", centred on its x, is about 30 units wide


# Coverage suggestions ----------------------------------------------------------------------------


def release_on(day: date, title: str, body: str) -> PressRelease:
    return PressReleaseFactory(title=title, body=body, date=day)


def at(day: date, days: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=days), datetime.min.time().replace(hour=12)))


def test_suggestions_rank_rare_shared_words_first_then_date_and_provider(client, editor):
    day = date(2025, 3, 10)
    release = release_on(day, "Lockport surveillance cameras", "The Lockport district bought surveillance cameras.\n\n"
                         "Surveillance of students in Lockport must end.")
    for n in range(30):  # "surveillance" and "cameras" are common among articles, "Lockport" is not
        ArticleFactory(title=f"Surveillance roundup {n}", excerpt="Surveillance cameras news.",
                       published_at=at(day, -200))
    # Both long after the release (no weight for the date): the rare word outweighs two common ones.
    rare = ArticleFactory(title="Lockport parents object", excerpt="Parents in Lockport.", published_at=at(day, 40))
    common = ArticleFactory(title="Surveillance cameras spread", excerpt="Surveillance cameras.",
                            published_at=at(day, 40))
    soon = ArticleFactory(title="Surveillance cameras spread again", excerpt="Surveillance cameras.",
                          published_at=at(day, 1))
    ranked = [suggestion.article for suggestion in suggest_coverage(release)]
    assert ranked.index(rare) < ranked.index(soon) < ranked.index(common)

    loyal = ProviderFactory(name="Loyal Gazette")
    PressReleaseFactory().coverage.add(ArticleFactory(provider=loyal, published_at=at(day, -300)))
    twin = ArticleFactory(title="Surveillance cameras spread again", excerpt="Surveillance cameras.",
                          published_at=at(day, 1), provider=loyal)
    ranked = [suggestion.article for suggestion in suggest_coverage(release)]
    assert ranked.index(twin) < ranked.index(soon)  # alike, but its provider covered another release


def test_suggestions_explain_themselves(client, editor, django_assert_max_num_queries):
    day = date(2025, 3, 10)
    release = release_on(day, "Lockport surveillance cameras", "Lockport bought surveillance cameras.")
    article = ArticleFactory(title="Lockport cameras go live", excerpt="In Lockport, surveillance cameras.",
                             published_at=at(day, 3))
    ArticleFactory.create_batch(3, title="Weather", excerpt="Rain.")
    client.force_login(editor)
    with django_assert_max_num_queries(40):
        page = client.get(url("pressrelease_change", release.pk)).content.decode()
    item = page.split(f'name="add_coverage" value="{article.pk}"')[1].split("</li>")[0]
    assert "“Lockport” (in 1 of 4 articles)" in item and "“surveillance” (in 1 of 4 articles)" in item
    assert "published 3 days after the release" in item
    assert Article.objects.count() == 4
