"""The history of an article: every change of its topics is a version, with who, when and why,
shown field by field on the admin's history page, and restoring a version restores its topics."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clippings.models import Article, Status, Topic
from clippings.models.history import related_pks

from .factories import ArticleFactory, TopicFactory, proposals
from .test_admin import action, change_data, url

pytestmark = pytest.mark.django_db


def topic_names(record) -> list[str]:
    """The topics a version holds (or an article has), by name."""
    if isinstance(record, Article):
        return sorted(topic.name for topic in record.topics.all())
    return sorted(Topic.objects.filter(pk__in=record.topics.values("topic_id")).values_list("name", flat=True))


def history_page(client, article) -> str:
    response = client.get(url("article_history", article.pk))
    assert response.status_code == 200
    return response.content.decode()


def test_editing_topics_in_the_form_records_one_version_with_them(client, editor):
    ai, privacy = TopicFactory(name="AI"), TopicFactory(name="Privacy")
    article = ArticleFactory(topics=[ai])
    versions_before = article.history.count()
    client.force_login(editor)
    response = client.post(url("article_change", article.pk), change_data(article, topics=[ai.pk, privacy.pk]))
    assert response.status_code == 302
    assert article.history.count() == versions_before + 1  # one version, not one per topic added
    latest = article.history.first()
    assert latest.history_user == editor and topic_names(latest) == ["AI", "Privacy"]
    page = history_page(client, article)
    assert "<strong>Topics:</strong>" in page and "[AI]" in page and "[AI, Privacy]" in page


def test_adding_an_article_records_its_topics(client, editor):
    ai = TopicFactory(name="AI")
    client.force_login(editor)
    data = change_data(ArticleFactory.build(provider=ArticleFactory().provider), topics=[ai.pk])
    assert client.post(url("article_add"), data).status_code == 302
    article = Article.objects.latest("id")
    assert [(v.history_type, topic_names(v)) for v in article.history.all()] == [("+", ["AI"])]


def test_bulk_tagging_records_a_version_per_article_without_a_query_per_article(client, editor):
    surveillance = TopicFactory(name="Surveillance")
    few, many = ArticleFactory.create_batch(2), ArticleFactory.create_batch(20)
    client.force_login(editor)
    costs = []
    for articles in (few, many):
        with CaptureQueriesContext(connection) as queries:
            action(client, "article", "add_topic", articles, topic=surveillance.pk, confirm="yes")
        costs.append(len(queries))
    assert costs[1] <= costs[0], costs
    for article in [*few, *many]:
        latest = article.history.first()
        assert latest.history_change_reason == "Topic “Surveillance” added (bulk action)"
        assert latest.history_user == editor and topic_names(latest) == ["Surveillance"]

    response = action(client, "article", "remove_topic", few, topic=surveillance.pk, confirm="yes")
    assert "Removed “Surveillance” from 2 articles." in response.content.decode()
    latest = few[0].history.first()
    assert latest.history_change_reason == "Topic “Surveillance” removed (bulk action)"
    assert topic_names(latest) == []
    page = history_page(client, few[0])
    assert "Topic “Surveillance” removed (bulk action)" in page and "[Surveillance]" in page


def test_bulk_tagging_skips_articles_it_does_not_change(client, editor):
    topic = TopicFactory(name="Surveillance")
    tagged, untagged = ArticleFactory(topics=[topic]), ArticleFactory()
    versions = {a.pk: a.history.count() for a in (tagged, untagged)}
    client.force_login(editor)
    response = action(client, "article", "add_topic", [tagged, untagged], topic=topic.pk, confirm="yes")
    assert "Added “Surveillance” to 1 article." in response.content.decode()
    assert tagged.history.count() == versions[tagged.pk]
    assert untagged.history.count() == versions[untagged.pk] + 1


def test_merging_topics_records_a_version_of_each_article_it_retags(client, editor):
    keep, merged = TopicFactory(name="AI"), TopicFactory(name="ai-old")
    both, only_merged, untouched = ArticleFactory(topics=[keep, merged]), ArticleFactory(topics=[merged]), \
        ArticleFactory(topics=[keep])
    untouched_versions = untouched.history.count()
    client.force_login(editor)
    client.post(url("topic_changelist"), {"action": "merge", ACTION_CHECKBOX_NAME: [keep.pk, merged.pk],
                                          "index": 0, "keep": keep.pk, "confirm": "yes"})
    for article in (both, only_merged):
        latest = article.history.first()
        assert latest.history_change_reason == "Topics merged: “ai-old” into “AI”"
        assert latest.history_user == editor and topic_names(latest) == ["AI"]
    assert untouched.history.count() == untouched_versions
    page = history_page(client, only_merged)
    # The merged topic no longer exists; the earlier version still says which it was.
    assert "Topics merged: “ai-old” into “AI”" in page and "[AI]" in page and "ai-old (deleted since)" in page


def test_deleting_a_topic_records_a_version_of_its_articles(client, superuser):
    gone, kept = TopicFactory(name="Obsolete"), TopicFactory(name="AI")
    article = ArticleFactory(topics=[gone, kept])
    client.force_login(superuser)
    client.post(url("topic_delete", gone.pk), {"post": "yes"})
    assert not Topic.objects.filter(pk=gone.pk).exists()
    latest = article.history.first()
    assert latest.history_change_reason == "Topic “Obsolete” deleted" and topic_names(latest) == ["AI"]
    article.refresh_from_db()
    assert "topics" in article.edited_fields


def test_workflow_versions_keep_the_topics(client, publisher):
    article = ArticleFactory(status=Status.REVIEW, topics=[TopicFactory(name="AI")])
    client.force_login(publisher)
    action(client, "article", "publish", [article])
    action(client, "article", "feature", [article])
    assert [topic_names(v) for v in article.history.all()[:2]] == [["AI"], ["AI"]]
    featured, published = client.get(url("article_history", article.pk)).context["page_obj"][:2]
    assert [change["field"] for change in featured.history_delta_changes] == ["Featured"]
    assert "Topics" not in [change["field"] for change in published.history_delta_changes]


def test_restoring_a_version_restores_its_topics(client, editor):
    ai, privacy = TopicFactory(name="AI"), TopicFactory(name="Privacy")
    article = ArticleFactory(topics=[ai])
    tagged_ai = article.history.first()
    client.force_login(editor)
    client.post(url("article_change", article.pk), change_data(article, topics=[privacy.pk], title="Retitled"))
    article.refresh_from_db()
    assert topic_names(article) == ["Privacy"]

    revert = url("article_simple_history", article.pk, tagged_ai.history_id)
    form = client.get(revert).context["adminform"].form
    assert [int(pk) for pk in form["topics"].value()] == [ai.pk]  # the version's topics, not today's
    response = client.post(revert, change_data(article, title=tagged_ai.title, topics=[ai.pk]))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == tagged_ai.title and topic_names(article) == ["AI"]
    latest = article.history.first()
    assert latest.history_user == editor and topic_names(latest) == ["AI"]
    assert latest.history_change_reason.startswith("Restored the version of ")


def test_accepting_proposed_topics_records_one_version(client, editor):
    ai, privacy = TopicFactory(name="AI"), TopicFactory(name="Privacy")
    article = ArticleFactory(topics=[ai], edited_fields=["topics"], proposed_changes=proposals(topics=["Privacy"]))
    versions = article.history.count()
    client.force_login(editor)
    client.post(url("article_proposals", article.pk), {"accept": "topics:source"})
    assert article.history.count() == versions + 1
    assert topic_names(article.history.first()) == ["Privacy"] and privacy.articles.get() == article


def test_changes_from_the_topic_side_record_versions_of_the_articles():
    topic = TopicFactory(name="Privacy")
    first, second = ArticleFactory.create_batch(2)
    versions = {a.pk: a.history.count() for a in (first, second)}
    topic.articles.add(first, second)
    topic.articles.remove(first)
    topic.articles.clear()
    assert [topic_names(v) for v in first.history.all()[:2]] == [[], ["Privacy"]]
    assert [topic_names(v) for v in second.history.all()[:2]] == [[], ["Privacy"]]
    assert (first.history.count() - versions[first.pk], second.history.count() - versions[second.pk]) == (2, 2)


def test_history_page_reads_topics_in_bounded_queries(client, editor, django_assert_max_num_queries):
    topics = TopicFactory.create_batch(4)
    article = ArticleFactory(topics=topics[:1])
    client.force_login(editor)
    for i in range(30):
        client.post(url("article_change", article.pk), change_data(article, topics=[topics[i % 4].pk],
                                                                    title=f"Title {i}"))
    assert article.history.count() > 30
    with django_assert_max_num_queries(15):
        page = history_page(client, article)
    assert page.count("<strong>Topics:</strong>") >= 30


# Imported articles -------------------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_imports_record_no_versions_and_the_first_change_keeps_the_imported_state(client, editor, seeds, tmp_path):
    assert not Article.history.exists()  # imports write in bulk and record no version
    article = Article.objects.filter(topics__isnull=False).distinct().first()
    imported_topics = topic_names(article)
    privacy = TopicFactory(name="Privacy")
    client.force_login(editor)
    client.post(url("article_change", article.pk), change_data(article, topics=[privacy.pk]))
    as_imported, edited = article.history.order_by("history_date", "history_id")
    assert (as_imported.history_change_reason, as_imported.history_user, topic_names(as_imported)) == (
        "as imported", None, imported_topics)
    assert as_imported.history_date == article.last_imported_at
    assert edited.history_user == editor and topic_names(edited) == ["Privacy"]
    page = history_page(client, article)
    assert "<strong>Topics:</strong>" in page and "[Privacy]" in page

    # A later change needs no second copy of the imported state.
    action(client, "article", "feature", [article])
    assert article.history.filter(history_change_reason="as imported").count() == 1


def test_reimport_with_new_topics_records_no_version(seeds, tmp_path):
    for source in FIXTURES.iterdir():
        text = source.read_text()
        (tmp_path / source.name).write_text(text.replace("Computer Vision", "Machine Vision"))
    call_command("import_clippings", str(tmp_path), stdout=StringIO())
    assert Topic.objects.filter(name="Machine Vision").exists()
    assert not Article.history.exists()


# A restore brings back content only; the page speaks the editors' language -----------------------


def restore(client, article, version, **changes):
    revert = url("article_simple_history", article.pk, version.history_id)
    assert client.get(revert).status_code == 200
    local = timezone.localtime(version.published_at)
    return client.post(revert, change_data(article, **{
        "title": version.title, "excerpt": version.excerpt, "topics": related_pks(version, Article.topics.field),
        "published_at_0": local.strftime("%Y-%m-%d"), "published_at_1": local.strftime("%H:%M:%S"),
        "status": Article.objects.get(pk=article.pk).status, **changes}))


def test_restoring_the_imported_version_keeps_a_live_article_published(client, publisher, seeds):
    article = Article.objects.get(title__startswith="State of New York")
    client.force_login(publisher)
    action(client, "article", "publish", [article])
    article.refresh_from_db()
    client.post(url("article_change", article.pk), change_data(article, title="Retitled", status="published",
                                                               published_at_0="2023-10-12", published_at_1="07:00:00"))
    imported = article.history.get(history_change_reason="as imported")
    assert imported.status == Status.DRAFT
    assert restore(client, article, imported).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.status) == (imported.title, Status.PUBLISHED)
    assert imported.title in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize("field", ["publish_at", "unpublish_at"])
def test_restoring_a_version_with_a_schedule_schedules_nothing(client, editor, field):
    due = timezone.now() - timedelta(minutes=5)
    article = ArticleFactory(status=Status.REVIEW if field == "publish_at" else Status.PUBLISHED, **{field: due})
    scheduled = article.history.first()
    Article.objects.filter(pk=article.pk).update(**{field: None})
    article.refresh_from_db()
    client.force_login(editor)
    assert restore(client, article, scheduled).status_code == 302
    article.refresh_from_db()
    assert getattr(article, field) is None
    call_command("publish_scheduled", stdout=StringIO())
    article.refresh_from_db()
    assert article.status == (Status.REVIEW if field == "publish_at" else Status.PUBLISHED)


def test_an_editors_restore_of_a_live_article_is_a_proposal(client, editor):
    article = ArticleFactory(title="First headline", status=Status.PUBLISHED)
    first = article.history.first()
    Article.objects.filter(pk=article.pk).update(title="Approved headline")
    article.refresh_from_db()
    client.force_login(editor)
    page = client.get(url("article_simple_history", article.pk, first.history_id)).content.decode()
    assert 'id="restore-content-only"' in page and 'id="live-for-editor"' in page
    assert restore(client, article, first).status_code == 302
    article.refresh_from_db()
    assert article.title == "Approved headline" and article.status == Status.PUBLISHED
    assert [(p["field"], p["new"], p["origin"]) for p in article.proposed_changes] == [
        ("title", "First headline", "editor")]
    assert article.history.first().history_change_reason.endswith("; Proposed a change of title")


def test_the_history_page_speaks_the_editors_language(client, publisher, editor, seeds):
    article = Article.objects.get(title__startswith="State of New York")
    ai = Topic.objects.get(name="AI")
    client.force_login(editor)
    action(client, "article", "send_to_review", [article])
    old = TopicFactory(name="Facial recognition (old)")
    client.post(url("article_change", article.pk), change_data(
        article, topics=[ai.pk, old.pk], status="review", published_at_0="2023-10-12", published_at_1="07:00:00"))
    client.force_login(publisher)
    client.post(url("topic_changelist"), {"action": "merge", ACTION_CHECKBOX_NAME: [ai.pk, old.pk],
                                          "index": 0, "keep": ai.pk, "confirm": "yes"})
    page = history_page(client, article)
    assert "In review" in page and "→&nbsp;&nbsp;review" not in page
    assert "Facial recognition (old) (deleted since)" in page and "Deleted topic" not in page
    assert "None" not in page.split('id="change-history"')[1]
    assert f"Date/time ({settings.TIME_ZONE})" in page
    when = timezone.localtime(article.history.first().history_date).strftime("%Y-%m-%d %H:%M")
    assert when in page


def test_a_refused_action_shows_the_admins_page_with_the_reason(client, editor):
    article = ArticleFactory(status=Status.PUBLISHED)
    client.force_login(editor)
    response = client.post(url("article_proposals", article.pk), {"accept": "title:editor"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Only Publishers accept or reject" in page and 'id="site-name"' in page
