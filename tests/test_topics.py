"""Topic curation survives every import: merges, renames, aliases and ignored names; old topic URLs
redirect; names are the same topic when the database folds them alike."""

import json
from io import StringIO

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from clippings.models import Article, Topic, TopicAlias, fold

from .factories import ArticleFactory, PublishedArticleFactory, TopicFactory, waiting
from .test_topics_admin import topic_form

pytestmark = pytest.mark.django_db


def clipping(folder, name: str, *, topics: list[str], title: str = "Facial recognition in schools"):
    """A clipping file of its own story (its URL from its file name), tagged with `topics`."""
    path = folder / name
    path.write_text("---\n" + f"title: {json.dumps(title)}\nwebUrl: https://news.example/{path.stem}\n"
                    f"topics: {json.dumps(topics)}\n---\n")
    return path


def run_import(*paths) -> str:
    out = StringIO()
    call_command("import_clippings", *map(str, paths), stdout=out, stderr=out)
    return out.getvalue()


def topics_of(stem: str) -> list[str]:
    return sorted(t.name for t in Article.objects.get(url=f"https://news.example/{stem}").topics.all())


def merge_in_admin(client, *, keep: Topic, merged: list[Topic]):
    selection = {"action": "merge", ACTION_CHECKBOX_NAME: [keep.pk, *(t.pk for t in merged)], "index": 0}
    return client.post(reverse("admin:clippings_topic_changelist"),
                       {**selection, "keep": keep.pk, "confirm": "yes"}, follow=True)


def rename_in_admin(client, topic: Topic, *, name: str, slug: str):
    response = client.post(reverse("admin:clippings_topic_change", args=[topic.pk]),
                           topic_form(name=name, slug=slug, aliases=[(a.pk, a.name, False)
                                                                    for a in topic.aliases.all()]))
    assert response.status_code == 302, response.content.decode()


# Merge, then import ----------------------------------------------------------------------------

def test_a_merged_topic_never_comes_back(client, editor, tmp_path):
    first = clipping(tmp_path, "first.md", topics=["AI"])
    run_import(first, clipping(tmp_path, "second.md", topics=["Artificial Intelligence"]))
    client.force_login(editor)
    merge_in_admin(client, keep=Topic.objects.get(name="Artificial Intelligence"),
                   merged=[Topic.objects.get(name="AI")])

    run_import(first)  # the very file that created "AI", unchanged
    clipping(tmp_path, "first.md", topics=["AI"], title="Facial recognition in schools, updated")
    output = run_import(first, clipping(tmp_path, "third.md", topics=["ai", "AI", "Privacy"]))

    assert "failed" not in output
    assert set(Topic.objects.values_list("name", flat=True)) == {"Artificial Intelligence", "Privacy"}
    assert topics_of("first") == ["Artificial Intelligence"]
    assert topics_of("third") == ["Artificial Intelligence", "Privacy"]
    assert TopicAlias.objects.get(name="AI").topic.name == "Artificial Intelligence"


def test_after_a_merge_a_new_source_tagging_waits_for_the_editor(client, editor, tmp_path):
    first = clipping(tmp_path, "first.md", topics=["AI"])
    run_import(first, clipping(tmp_path, "second.md", topics=["Artificial Intelligence"]))
    client.force_login(editor)
    merge_in_admin(client, keep=Topic.objects.get(name="Artificial Intelligence"),
                   merged=[Topic.objects.get(name="AI")])
    run_import(clipping(tmp_path, "first.md", topics=["AI", "Biometrics"]))
    article = Article.objects.get(url="https://news.example/first")
    assert topics_of("first") == ["Artificial Intelligence"]  # merged by an editor: kept
    assert waiting(article) == {"topics": ["AI", "Biometrics"]}
    Article.objects.filter(pk=article.pk).decide_proposals(accept=True, user=None)
    assert topics_of("first") == ["Artificial Intelligence", "Biometrics"]  # "AI" is its alias


# Rename, then import ---------------------------------------------------------------------------

def test_a_renamed_topic_keeps_its_articles_and_takes_the_old_name(client, editor, tmp_path):
    first = clipping(tmp_path, "first.md", topics=["Facial recogniton"])
    run_import(first)
    client.force_login(editor)
    rename_in_admin(client, Topic.objects.get(), name="Facial recognition", slug="facial-recognition")

    run_import(first)
    clipping(tmp_path, "first.md", topics=["Facial recogniton"], title="A new title")
    output = run_import(first, clipping(tmp_path, "second.md", topics=["FACIAL RECOGNITON"]))

    assert "failed" not in output
    topic = Topic.objects.get()
    assert (topic.name, topic.slug) == ("Facial recognition", "facial-recognition")
    assert topics_of("first") == topics_of("second") == ["Facial recognition"]
    assert "topics" not in Article.objects.get(url="https://news.example/first").edited_fields
    page = client.get(reverse("admin:clippings_topic_change", args=[topic.pk])).content.decode()
    assert 'value="Facial recogniton"' in page  # the alias, editable
    assert "<code>facial-recogniton</code>" in page  # the old address


def test_renaming_back_drops_the_alias(client, editor):
    topic = TopicFactory(name="AI", slug="ai")
    client.force_login(editor)
    rename_in_admin(client, topic, name="Artificial intelligence", slug="artificial-intelligence")
    rename_in_admin(client, topic, name="ai", slug="ai")
    topic.refresh_from_db()
    assert list(topic.aliases.values_list("name", flat=True)) == ["Artificial intelligence"]
    assert list(topic.old_slugs.values_list("slug", flat=True)) == ["artificial-intelligence"]


# Ignored names -------------------------------------------------------------------------------

def test_an_ignored_name_is_dropped_by_imports_and_offered_nowhere(client, editor, tmp_path):
    client.force_login(editor)
    response = client.post(reverse("admin:clippings_topicalias_add"), {"name": "Uncategorized", "topic": ""},
                           follow=True)
    assert "was added successfully" in response.content.decode()
    output = run_import(clipping(tmp_path, "first.md", topics=["UNCATEGORIZED", "Privacy"]),
                        clipping(tmp_path, "second.md", topics=["uncategorized"]))
    assert "failed" not in output
    assert list(Topic.objects.values_list("name", flat=True)) == ["Privacy"]
    assert topics_of("first") == ["Privacy"]
    assert topics_of("second") == []

    choose = client.post(reverse("admin:clippings_article_changelist"),
                         {"action": "add_topic", ACTION_CHECKBOX_NAME: [Article.objects.first().pk], "index": 0})
    assert "Privacy" in choose.content.decode()
    assert "ncategorized" not in choose.content.decode()
    found = client.get(reverse("admin:autocomplete"), {"term": "uncat", "app_label": "clippings",
                                                       "model_name": "article", "field_name": "topics"}).json()
    assert found["results"] == []
    aliases = client.get(reverse("admin:clippings_topicalias_changelist"), {"ignored": "yes"}).content.decode()
    assert "Uncategorized" in aliases and "ignore this name" in aliases


def test_the_autocomplete_finds_a_topic_by_its_alias(client, editor):
    topic = TopicFactory(name="Artificial intelligence")
    TopicAlias.objects.create(name="AI", topic=topic)
    client.force_login(editor)
    found = client.get(reverse("admin:autocomplete"), {"term": "AI", "app_label": "clippings",
                                                       "model_name": "article", "field_name": "topics"}).json()
    assert [result["text"] for result in found["results"]] == ["Artificial intelligence"]


def test_a_topic_cannot_take_an_ignored_name_or_an_alias(client, editor):
    TopicAlias.objects.create(name="Misc")
    TopicAlias.objects.create(name="AI", topic=TopicFactory(name="Artificial intelligence"))
    client.force_login(editor)
    misc = client.post(reverse("admin:clippings_topic_add"), topic_form(name="misc", slug="misc")).content.decode()
    assert "“Misc” is an ignored name" in misc
    ai = client.post(reverse("admin:clippings_topic_add"), topic_form(name="ai", slug="ai")).content.decode()
    assert "“AI” is an alias of the topic “Artificial intelligence”" in ai
    assert Topic.objects.count() == 1


# Old URLs ------------------------------------------------------------------------------------

def test_old_topic_urls_redirect_permanently(client, editor):
    ai, other = TopicFactory(name="AI", slug="ai"), TopicFactory(name="Artificial intelligence", slug="artificial")
    PublishedArticleFactory(topics=[ai])
    PublishedArticleFactory(topics=[other])
    client.force_login(editor)
    rename_in_admin(client, other, name="Artificial Intelligence", slug="artificial-intelligence")
    merge_in_admin(client, keep=Topic.objects.get(pk=other.pk), merged=[ai])
    client.logout()
    for old in ("ai", "artificial"):
        page = client.get(f"/topics/{old}/?page=1")
        assert (page.status_code, page["Location"]) == (301, "/topics/artificial-intelligence/?page=1")
        feed = client.get(f"/topics/{old}/feed.rss")
        assert (feed.status_code, feed["Location"]) == (301, "/topics/artificial-intelligence/feed.rss")
    assert client.get("/topics/artificial-intelligence/").status_code == 200


def test_a_new_topic_does_not_take_an_old_topics_address(client, editor, tmp_path):
    ai = TopicFactory(name="AI", slug="ai")
    client.force_login(editor)
    merge_in_admin(client, keep=TopicFactory(name="Artificial intelligence"), merged=[ai])
    run_import(clipping(tmp_path, "first.md", topics=["A.I"]))
    assert Topic.objects.get(name="A.I").slug == "ai-2"


def test_an_old_url_of_a_topic_with_nothing_published_is_not_found(client, editor):
    topic = TopicFactory(name="Drafts only", slug="drafts")
    ArticleFactory(topics=[topic])
    client.force_login(editor)
    rename_in_admin(client, topic, name="Still drafts", slug="still-drafts")
    client.logout()
    assert client.get("/topics/drafts/").status_code == 404  # a redirect would name the topic
    assert client.get("/topics/drafts/feed.rss").status_code == 404


# Case folding: the database's -----------------------------------------------------------------

@pytest.mark.parametrize("first, later", [
    ("İstanbul", ["İstanbul", "İSTANBUL"]),
    ("ǅemal", ["ǅemal", "ǄEMAL", "ǆemal"]),
    ("Straße", ["Straße", "STRAẞE", "straße"]),
    ("Énergie", ["énergie", "ÉNERGIE"]),
])
def test_a_name_imported_again_in_another_run_is_the_same_topic(tmp_path, first, later):
    run_import(clipping(tmp_path, "first.md", topics=[first]))
    stored = Topic.objects.get().name  # as the importer cleans it ("ǅ" is "Dž")
    output = run_import(*(clipping(tmp_path, f"later-{n}.md", topics=[name]) for n, name in enumerate(later)),
                        clipping(tmp_path, "all.md", topics=later))
    assert "failed" not in output, output
    assert list(Topic.objects.values_list("name", flat=True)) == [stored]
    assert topics_of("all") == [stored]


def test_names_the_database_folds_alike_are_one_topic(tmp_path):
    # PostgreSQL folds "İ" to "i", Python to "i̇": the database decides which are one topic.
    names = ["İstanbul", "istanbul", "ISTANBUL", "Straße", "STRASSE"]
    run_import(clipping(tmp_path, "first.md", topics=names[:1]))
    output = run_import(clipping(tmp_path, "second.md", topics=names),
                        *(clipping(tmp_path, f"one-{n}.md", topics=[name]) for n, name in enumerate(names)))
    assert "failed" not in output, output
    assert Topic.objects.count() == len(set(fold(names).values()))
    assert len(topics_of("second")) == Topic.objects.count()


def test_the_database_refuses_a_topic_differing_only_in_case_beyond_ascii(db):
    TopicFactory(name="Énergie")
    with pytest.raises(IntegrityError), transaction.atomic():
        TopicFactory(name="énergie")


def test_the_admin_refuses_a_name_the_database_folds_like_another(client, editor):
    TopicFactory(name="İstanbul", slug="istanbul")
    client.force_login(editor)
    response = client.post(reverse("admin:clippings_topic_add"), topic_form(name="İSTANBUL", slug="istanbul-2"))
    assert "There is already a topic “İstanbul”" in response.content.decode()
    assert Topic.objects.count() == 1
