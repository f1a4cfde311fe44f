"""The editors' desk: every changelist loads in bounded queries, and roles are enforced on the server."""

import html
import json
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from clippings.models import Article, ImportRun, PressRelease, RelatedLink, Status

from .factories import (
    ArticleFactory,
    PressReleaseFactory,
    PublishedArticleFactory,
    PublishedPressReleaseFactory,
    RelatedLinkFactory,
    TopicFactory,
    proposals,
)

pytestmark = pytest.mark.django_db

CHANGELISTS = ["article", "pressrelease", "provider", "topic", "relatedlink", "importrun"]


@pytest.fixture
def desk(db):
    """Sixty articles over several providers and topics, with related links and a press release."""
    topics = TopicFactory.create_batch(3)
    articles = ArticleFactory.create_batch(60, topics=topics[:2])
    for article in articles[:10]:
        RelatedLinkFactory(article=article)
    release = PressReleaseFactory()
    release.coverage.set(articles[:5])
    return articles


def url(name, *args):
    return reverse(f"admin:clippings_{name}", args=args)


@pytest.mark.parametrize("model", CHANGELISTS)
@pytest.mark.parametrize("query", ["", "?q=facial", "?status__exact=draft&has_related=yes&o=-3"])
def test_changelist_queries_do_not_grow_with_rows(client, superuser, desk, model, query,
                                                  django_assert_max_num_queries):
    client.force_login(superuser)
    with django_assert_max_num_queries(15):
        response = client.get(url(f"{model}_changelist") + (query if model == "article" else ""))
    assert response.status_code == 200


def test_article_changelist_does_not_count_the_whole_table(client, superuser, desk, django_capture_on_commit_callbacks,
                                                          settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(superuser)
    with CaptureQueriesContext(connection) as queries:
        client.get(url("article_changelist"))
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "clippings_article" in q["sql"]]
    assert counts and all("LIMIT" in sql.upper() for sql in counts), counts


@pytest.mark.parametrize("model", ["article", "pressrelease", "provider", "topic"])
def test_editors_can_open_every_page(client, editor, desk, model):
    client.force_login(editor)
    assert client.get(url(f"{model}_changelist")).status_code == 200
    assert client.get(url(f"{model}_add")).status_code == 200


def test_article_change_page_shows_inlines_provenance_and_links(client, editor, seeds):
    article = Article.objects.filter(related_links__isnull=False).first()
    client.force_login(editor)
    page = client.get(url("article_change", article.pk)).content.decode()
    assert "Related links" in page and "Images" in page
    assert article.source_hash in page and "Provenance" in page
    assert url("article_preview", article.pk) in page
    assert article.link_out in page
    assert "America/New_York" in page



def test_related_link_page_shows_its_entry_of_the_article_source_document(client, superuser, seeds):
    link = RelatedLink.objects.filter(article__source_data__has_key="related").first()
    client.force_login(superuser)
    page = client.get(url("relatedlink_change", link.pk)).content.decode()
    assert html.escape(json.dumps(link.source_entry["title"], ensure_ascii=False)[1:-1]) in page
    assert client.get(url("relatedlink_add")).status_code == 200  # no article yet: nothing to show

# Roles -------------------------------------------------------------------------------------


def action(client, model, name, records, **extra):
    return client.post(url(f"{model}_changelist"), {
        "action": name, ACTION_CHECKBOX_NAME: [r.pk for r in records], "index": 0, **extra}, follow=True)


def test_editor_sends_to_review_but_cannot_publish_by_action(client, editor):
    articles = ArticleFactory.create_batch(3)
    client.force_login(editor)
    response = action(client, "article", "send_to_review", articles)
    assert "Sent to review 3 articles." in response.content.decode()
    response = action(client, "article", "publish", articles)
    assert set(Article.objects.values_list("status", flat=True)) == {Status.REVIEW}
    assert "publish" not in [choice for choice, _ in response.context["action_form"].fields["action"].choices]


def test_publisher_publishes_by_action(client, publisher):
    articles = ArticleFactory.create_batch(2, status=Status.REVIEW)
    client.force_login(publisher)
    response = action(client, "article", "publish", [*articles, PublishedArticleFactory()])
    assert "Published 2 articles. 1 left as they were (already published)." in response.content.decode()
    assert Article.objects.published().count() == 3
    record = Article.history.filter(id=articles[0].pk).first()
    assert record.history_user == publisher and record.status == Status.PUBLISHED


def change_data(article, **changes):
    data = {
        "title": article.title, "excerpt": article.excerpt, "provider": article.provider_id,
        "published_at_0": "2024-05-01", "published_at_1": "10:00:00", "topics": [],
        "status": article.status, "featured": "", "editor_notes": "", "url": article.url, "web_url": "",
        "category": "", "kind": article.kind, "quality": article.quality or "", "heat": "", "slug": article.slug,
        "publish_at_0": "", "publish_at_1": "", "unpublish_at_0": "", "unpublish_at_1": "",
        **{f"{prefix}-{key}": value for prefix in ("related_links", "images")
           for key, value in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000}.items()},
    }
    data.update(changes)
    return data


def test_editor_cannot_publish_through_the_change_form(client, editor):
    article = ArticleFactory(status=Status.REVIEW)
    client.force_login(editor)
    response = client.post(url("article_change", article.pk), change_data(article, status="published"))
    assert response.status_code == 200
    assert "Only Publishers can publish" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_editor_cannot_schedule_publishing(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    client.post(url("article_change", article.pk), change_data(
        article, publish_at_0="2030-01-01", publish_at_1="09:00:00"))
    article.refresh_from_db()
    assert article.publish_at is None  # the field is read-only for editors: the value is ignored


def test_publisher_publishes_and_schedules_through_the_change_form(client, publisher):
    article = ArticleFactory(status=Status.REVIEW)
    client.force_login(publisher)
    response = client.post(url("article_change", article.pk), change_data(
        article, status="published", unpublish_at_0="2030-01-01", unpublish_at_1="09:00:00"))
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.went_live_at
    # Entered in the newsroom's time zone: 09:00 in New York is 14:00 UTC in winter.
    assert article.unpublish_at.isoformat() == "2030-01-01T14:00:00+00:00"


def list_edit(client, records, status):
    data = {"form-TOTAL_FORMS": len(records), "form-INITIAL_FORMS": len(records), "form-MIN_NUM_FORMS": 0,
            "form-MAX_NUM_FORMS": 1000, "_save": "Save"}
    for i, record in enumerate(records):
        data.update({f"form-{i}-id": record.pk, f"form-{i}-status": status, f"form-{i}-featured": ""})
    return client.post(url("article_changelist"), data)


def test_editor_cannot_publish_through_the_list(client, editor):
    articles = ArticleFactory.create_batch(2, status=Status.REVIEW)
    client.force_login(editor)
    response = list_edit(client, articles, "published")
    assert response.status_code == 200
    assert "Only Publishers can publish" in response.content.decode()
    assert not Article.objects.filter(status=Status.PUBLISHED).exists()


def test_editor_cannot_unpublish_through_the_list(client, editor):
    article = PublishedArticleFactory()
    client.force_login(editor)
    list_edit(client, [article], "draft")
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


def test_publisher_publishes_through_the_list(client, publisher):
    articles = ArticleFactory.create_batch(2, status=Status.REVIEW)
    client.force_login(publisher)
    assert list_edit(client, articles, "published").status_code == 302
    assert Article.objects.published().count() == 2
    assert all(a.went_live_at for a in Article.objects.all())


def test_editor_cannot_publish_by_reverting_history(client, editor):
    article = ArticleFactory(status=Status.REVIEW)
    article.publish()
    article.unpublish()
    published_version = article.history.filter(status=Status.PUBLISHED).first()
    client.force_login(editor)
    response = client.post(url("article_simple_history", article.pk, published_version.history_id),
                           change_data(article, status="published"))
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert response.status_code in (200, 403)


def test_press_release_roles(client, editor, publisher):
    release = PressReleaseFactory(status=Status.REVIEW)
    client.force_login(editor)
    action(client, "pressrelease", "publish", [release])
    release.refresh_from_db()
    assert release.status == Status.REVIEW
    client.force_login(publisher)
    action(client, "pressrelease", "publish", [release])
    release.refresh_from_db()
    assert release.status == Status.PUBLISHED


def test_unpublish_and_archive_ask_first(client, publisher):
    article = PublishedArticleFactory()
    client.force_login(publisher)
    response = action(client, "article", "unpublish", [article])
    assert "Readers will no longer see them" in response.content.decode()
    assert Article.objects.get().status == Status.PUBLISHED
    response = action(client, "article", "unpublish", [article], confirm="yes")
    assert "Unpublished 1 article." in response.content.decode()
    assert Article.objects.get().status == Status.DRAFT


def test_editor_archives_drafts_but_not_what_is_published(client, editor):
    draft, published = ArticleFactory(), PublishedArticleFactory()
    client.force_login(editor)
    response = action(client, "article", "archive", [draft, published], confirm="yes")
    assert "Archived 1 article. 1 left as they were" in response.content.decode()
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED


def test_feature_action(client, publisher):
    articles = ArticleFactory.create_batch(2)
    client.force_login(publisher)
    response = action(client, "article", "feature", articles)
    assert "Featured 2 articles." in response.content.decode()
    assert Article.objects.filter(featured=True).count() == 2


# Topics in bulk, corrections and proposed changes -----------------------------------------


def test_add_and_remove_a_topic_in_bulk_marks_topics_edited(client, editor):
    topic = TopicFactory(name="Surveillance")
    articles = ArticleFactory.create_batch(3)
    client.force_login(editor)
    response = action(client, "article", "add_topic", articles)
    assert "Choose the topic" in response.content.decode()
    response = action(client, "article", "add_topic", articles, topic=topic.pk, confirm="yes")
    assert "Added “Surveillance” to 3 articles." in response.content.decode()
    assert all(list(a.topics.all()) == [topic] and a.edited_fields == ["topics"] for a in Article.objects.all())
    response = action(client, "article", "remove_topic", articles[:1], topic=topic.pk, confirm="yes")
    assert "Removed “Surveillance” from 1 article." in response.content.decode()
    assert topic.articles.count() == 2


def test_editing_a_source_field_marks_it_edited(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    response = client.post(url("article_change", article.pk), change_data(article, title="A corrected title"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert "title" in article.edited_fields and "editor_notes" not in article.edited_fields
    record = article.history.first()
    assert record.history_user == editor
    delta = record.diff_against(record.prev_record)
    assert [change.field for change in delta.changes if change.field == "title"] == ["title"]


def test_a_source_proposal_of_a_draft_is_shown_and_accepted_or_rejected_by_an_editor(client, editor):
    article = ArticleFactory(title="Ours", excerpt="Ours too", edited_fields=["title", "excerpt"],
                             proposed_changes=proposals(title="Theirs", excerpt="Theirs too"))
    client.force_login(editor)
    assert client.get(url("article_changelist") + "?proposals=waiting").context["cl"].result_count == 1
    page = client.get(url("article_change", article.pk)).content.decode()
    assert "Theirs" in page and "The source (re-import)" in page and ">Accept</button>" in page
    response = client.post(url("article_proposals", article.pk), {"accept": "title:source"}, follow=True)
    assert "Accepted the proposed change of “title”." in response.content.decode()
    client.post(url("article_proposals", article.pk), {"reject": "excerpt:source"})
    article.refresh_from_db()
    assert (article.title, article.excerpt) == ("Theirs", "Ours too")
    assert article.proposed_changes == [] and article.edited_fields == ["excerpt"]


# Preview -----------------------------------------------------------------------------------


def test_preview_is_for_staff_only(client, editor):
    article = ArticleFactory(title="Not yet public")
    release = PressReleaseFactory(title="Release draft")
    assert client.get(url("article_preview", article.pk)).status_code == 404
    client.force_login(editor)
    response = client.get(url("article_preview", article.pk))
    assert response.status_code == 200 and "Not yet public" in response.content.decode()
    assert response.context["preview"] is True and response.context["article"] == article
    response = client.get(url("pressrelease_preview", release.pk))
    assert "Release draft" in response.content.decode()
    assert response.context["press_release"] == release


# Press release coverage ---------------------------------------------------------------------


def test_coverage_suggestions_share_distinctive_terms(client, editor, seeds):
    release = PressRelease.objects.get()
    lockport = ArticleFactory(title="Lockport schools turn on facial recognition")
    client.force_login(editor)
    page = client.get(url("pressrelease_change", release.pk)).content.decode()
    assert "Lockport" in page and f'name="add_coverage" value="{lockport.pk}"' in page


# Desk overview -----------------------------------------------------------------------------


def test_desk_overview(client, editor, seeds, django_assert_max_num_queries):
    Article.objects.filter(pk=Article.objects.first().pk).send_to_review()
    client.force_login(editor)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("admin:index")).content.decode()
    assert "Waiting for review" in page and "Last imports" in page
    assert "<svg" in page and "America/New_York" in page
    assert ImportRun.objects.exists()
    assert "<script" not in page.split('id="desk"')[1].split("</section>")[0]


def test_desk_schedule_lists_articles_and_press_releases(client, editor, django_assert_max_num_queries):
    soon = timezone.now() + timedelta(hours=2)
    article = ArticleFactory(title="Article due", status=Status.REVIEW, publish_at=soon + timedelta(hours=1))
    release = PressReleaseFactory(title="Release due", status=Status.DRAFT, publish_at=soon)
    leaving = PublishedPressReleaseFactory(title="Release leaving", unpublish_at=soon)
    PressReleaseFactory(title="Release unscheduled")
    PublishedPressReleaseFactory(title="Release already out", publish_at=soon)
    client.force_login(editor)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("admin:index")).content.decode()
    scheduled = page.split('id="desk-scheduled"')[1].split("</ul>")[0]
    local = timezone.localtime(soon)
    assert f'Publishes {local:%b} {local.day}, {local:%H:%M}: <a href="{url("pressrelease_change", release.pk)}">' \
           "Release due</a> <small>press release</small>" in scheduled
    assert scheduled.index("Release due") < scheduled.index("Article due")  # soonest first, whatever the kind
    assert f'<a href="{url("article_change", article.pk)}">Article due</a>' in scheduled
    assert f'Withdrawn {local:%b} {local.day}, {local:%H:%M}: <a href="{url("pressrelease_change", leaving.pk)}">' \
        in scheduled
    assert "unscheduled" not in scheduled and "already out" not in scheduled


def test_desk_chart_draws_topics_per_month(client, editor, seeds):
    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    chart = page.split('id="desk-chart"')[1]
    assert "<polyline" in chart and "Computer Vision" in chart


def test_date_hierarchy_links_cost_no_scan(client, superuser, desk):
    client.force_login(superuser)
    response = client.get(url("article_changelist"))
    year = str(Article.objects.first().published_at.year)
    assert (year, f"?published_at__year={year}") in response.context["date_links"]["choices"]
    response = client.get(url("article_changelist") + f"?published_at__year={year}&status__exact=draft")
    assert response.status_code == 200
    first_month = response.context["date_links"]["choices"][0][1]
    assert "status__exact=draft" in first_month and "published_at__month=1" in first_month
