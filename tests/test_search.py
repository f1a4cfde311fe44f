"""Full-text search: the reader's query language, matching, ranking, and an index that stays current.

Every test that touches the database runs on SQLite (FTS5) and, in CI, on PostgreSQL (tsvector):
the same fixtures must give the same results in the same order on both.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.generate import write as generate_documents
from clippings import cache as public_cache
from clippings import search
from clippings.filters import ArticleFilter
from clippings.importer import Importer
from clippings.models import Article, PressRelease, Status, Topic
from clippings.search import (
    Query,
    Term,
    fts5_query,
    matching_articles,
    older_matches_left_out,
    parse_query,
    search_articles,
    search_press_releases,
)
from tests.factories import (
    ArticleFactory,
    ProviderFactory,
    PublishedArticleFactory,
    PublishedPressReleaseFactory,
    TopicFactory,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HOSTILE = [
    '"', '""', '"""', "-", "--", "- -", '-"', "*", "facial*", "AND OR NOT", "NOT facial", "facial AND",
    "NEAR(", "NEAR(facial recognition, 2)", '"facial recognition', 'facial "recognition', "'", "facial'",
    "(", ")", "{title}: facial", "title:facial", "facial:A", "facial & !recognition | x", "<->", "^facial",
    "\\", "%", "%s", "_", "'; DROP TABLE clippings_article; --", "\x00", "😀", "fa\u0301cial", "²",
    "a" * 5000, " ".join(["facial"] * 500), "the", "-the", '"the of"',
]


def titles(queryset):
    return [article.title for article in queryset]


# ---------------------------------------------------------------------------------------------
# The query language, without a database


def test_words_phrases_and_exclusions():
    assert parse_query('Facial "recognition technology" -police -"New York"') == Query((
        Term(("facial",)),
        Term(("recognition", "technology")),
        Term(("police",), excluded=True),
        Term(("new", "york"), excluded=True),
    ))


def test_punctuation_separates_words_and_joins_them_into_a_phrase():
    assert parse_query("state-wide, schools!") == Query((Term(("state", "wide")), Term(("schools",))))
    assert parse_query("AI.") == Query((Term(("ai",)),))


def test_an_unclosed_quote_runs_to_the_end():
    assert parse_query('schools "facial recognition') == Query((Term(("schools",)), Term(("facial", "recognition"))))


def test_stop_words_are_dropped_except_inside_phrases():
    assert parse_query("the police and the schools") == Query((Term(("police",)), Term(("schools",))))
    assert parse_query('"freedom of speech"') == Query((Term(("freedom", "of", "speech")),))
    assert parse_query('"the police of" "near and or not') == Query((Term(("police",)), Term(("near",))))
    assert not parse_query("the of and")


def test_operators_of_either_database_are_plain_words():
    assert parse_query("AND OR NOT NEAR") == Query((Term(("near",)),))
    assert parse_query("facial:A & !police") == Query((Term(("facial",)), Term(("police",))))


def test_nothing_to_look_for():
    for text in ("", "   ", "-police", '"', "-", "*", "--", "!!!", None):
        assert not parse_query(text), text


def test_the_query_is_bounded():
    assert len(parse_query(" ".join(f"word{n}" for n in range(100))).terms) == 12
    assert len(parse_query('"' + " ".join(f"w{n}" for n in range(20)) + '"').terms[0].words) == 8


def test_fts5_expression_quotes_every_term():
    expression = fts5_query(parse_query('near "civil rights" -police'), search.ARTICLE_INDEX)
    assert expression == '("near" AND "civil rights") NOT ("police")'


# ---------------------------------------------------------------------------------------------
# Matching and ranking, on the database


@pytest.fixture
def coverage(db):
    """Articles that each mention "surveillance" in a different field, and some that do not."""
    now = timezone.now()
    tech = TopicFactory(name="Surveillance")
    press = ProviderFactory(name="Surveillance Weekly", domain="surveillance.example")
    other = ProviderFactory(name="Daily Planet", domain="planet.example")

    def article(title, excerpt="", provider=other, days_ago=0, topics=()):
        return ArticleFactory(title=title, excerpt=excerpt, provider=provider,
                              published_at=now - timedelta(days=days_ago), topics=list(topics))

    return {
        "title": article("Surveillance cameras in schools", days_ago=5),
        "topic": article("Cameras at the border", topics=[tech], days_ago=1),
        "excerpt": article("City council votes", "A vote on surveillance of protesters.", days_ago=2),
        "provider": article("Budget hearing postponed", provider=press, days_ago=0),
        "none": article("Garden show opens", "Tulips and roses."),
        "stemmed": article("Police photograph protesters", "Officers were photographing a march.", days_ago=3),
    }


def test_a_word_is_found_in_every_field_and_ranked_by_the_field(coverage):
    found = search_articles(Article.objects.all(), "surveillance")
    assert titles(found) == [
        "Surveillance cameras in schools",  # title
        "Cameras at the border",  # topic
        "City council votes",  # excerpt
        "Budget hearing postponed",  # provider
    ]


def test_words_are_stemmed_and_case_is_ignored(coverage):
    assert titles(search_articles(Article.objects.all(), "PHOTOGRAPHED")) == ["Police photograph protesters"]
    assert "Surveillance cameras in schools" in titles(search_articles(Article.objects.all(), "camera"))


def test_every_word_must_be_found(coverage):
    assert titles(search_articles(Article.objects.all(), "surveillance schools")) == [
        "Surveillance cameras in schools"
    ]


def test_a_phrase_must_be_found_as_written(coverage):
    ArticleFactory(title="Schools use cameras for surveillance")
    assert titles(search_articles(Article.objects.all(), '"surveillance cameras"')) == [
        "Surveillance cameras in schools"
    ]


def test_a_phrase_does_not_run_from_the_title_into_the_excerpt(db):
    ArticleFactory(title="Report on facial", excerpt="Recognition is everywhere.")
    assert not search_articles(Article.objects.all(), '"facial recognition"').exists()


def test_a_phrase_at_the_edge_of_a_field_is_excluded_only_within_it(db):
    ArticleFactory(title="Report on facial", excerpt="Recognition is everywhere.")
    assert titles(search_articles(Article.objects.all(), 'report -"facial recognition"')) == ["Report on facial"]


def test_stop_words_at_the_ends_of_a_phrase_are_not_required(db):
    ArticleFactory(title="Protest near the courthouse", excerpt="")
    assert titles(search_articles(Article.objects.all(), '"near and or"')) == ["Protest near the courthouse"]


def test_exclusions(coverage):
    found = search_articles(Article.objects.all(), "surveillance -cameras -budget")
    assert titles(found) == ["City council votes"]
    found = search_articles(Article.objects.all(), 'cameras -"border"')
    assert titles(found) == ["Surveillance cameras in schools"]


def test_ties_go_to_the_newer_then_the_higher_id(db):
    now = timezone.now()
    old = ArticleFactory(title="Drone policy", published_at=now - timedelta(days=3))
    new_a = ArticleFactory(title="Drone rules", published_at=now)
    new_b = ArticleFactory(title="Drone ban", published_at=now)
    undated = ArticleFactory(title="Drone story", published_at=None)
    found = list(search_articles(Article.objects.all(), "drone"))
    assert found == [new_b, new_a, old, undated]


def test_a_word_in_the_excerpt_and_the_provider_scores_for_the_excerpt(db):
    provider = ProviderFactory(name="Drone Weekly", domain="drones.example")
    both = ArticleFactory(title="Budget", excerpt="On drones.", provider=provider, published_at=timezone.now())
    alone = ArticleFactory(title="Budget", excerpt="", provider=provider, published_at=timezone.now())
    found = {article: article.search_rank for article in search_articles(Article.objects.all(), "drones")}
    assert found == {both: 2, alone: 1}
    release = PublishedPressReleaseFactory(title="Budget", body="On drones.", organization="Drone Watch")
    assert [r.search_rank for r in search_press_releases(PressRelease.objects.filter(pk=release.pk), "drones")] == [2]


def test_scores_add_up_over_terms(db):
    both_in_title = ArticleFactory(title="Drone surveillance", published_at=timezone.now() - timedelta(days=9))
    one_in_title = ArticleFactory(title="Drone news", excerpt="On surveillance.", published_at=timezone.now())
    found = list(search_articles(Article.objects.all(), "drone surveillance"))
    assert found == [both_in_title, one_in_title]
    assert [a.search_rank for a in found] == [16, 10]


def test_only_what_the_queryset_holds(coverage):
    coverage["title"].status = Status.PUBLISHED
    coverage["title"].save()
    assert titles(search_articles(Article.objects.published(), "surveillance")) == [
        "Surveillance cameras in schools"
    ]


def test_results_count_paginate_and_nest_in_another_query(coverage):
    found = search_articles(Article.objects.all(), "surveillance")
    assert found.count() == 4
    assert titles(found[1:3]) == ["Cameras at the border", "City council votes"]
    nested = Article.objects.filter(pk__in=found.values("pk")).order_by("pk")
    assert nested.count() == 4
    assert search_articles(Article.objects.for_listing(), "surveillance").count() == 4


# ---------------------------------------------------------------------------------------------
# Only the newest matches are ranked


@pytest.fixture
def few_ranked(monkeypatch):
    monkeypatch.setattr(search, "RANKED_MATCHES", 3)


@pytest.fixture
def drones(db):
    """Five drone stories, one a day; the oldest has the word in its title, the best place."""
    now = timezone.now()
    topic = TopicFactory(name="Airspace", slug="airspace")
    return [
        PublishedArticleFactory(title="Drones banned" if days == 4 else f"Story {days}", excerpt="Drones overhead.",
                       published_at=now - timedelta(days=days), topics=[topic] if days % 2 else [])
        for days in range(5)
    ]


def test_only_the_newest_matches_are_ranked(drones, few_ranked):
    found = list(search_articles(Article.objects.all(), "drones"))
    assert titles(found) == ["Story 0", "Story 1", "Story 2"]  # "Drones banned" is not among the newest 3
    assert {article.search_matches for article in found} == {3}
    assert matching_articles(Article.objects.all(), "drones").count() == 5


def test_the_newest_are_chosen_after_the_other_filters(drones, few_ranked):
    airspace = ArticleFilter({"q": "drones", "topic": "airspace"}, queryset=Article.objects.published())
    assert titles(airspace.qs) == ["Story 1", "Story 3"]
    oldest_first = ArticleFilter({"q": "drones", "sort": "oldest"}, queryset=Article.objects.all())
    assert titles(oldest_first.qs) == ["Drones banned", "Story 3", "Story 2", "Story 1", "Story 0"]


def test_the_search_page_tells_readers_the_rule(client, drones, few_ranked):
    public_cache.clear()
    html = client.get(reverse("clippings:search"), {"q": "drones"}).content.decode()
    assert "3 or more articles match. Shown: the best matches among the newest 3." in html
    assert "Drones banned" not in html
    html = client.get(reverse("clippings:search"), {"q": "drones -story"}).content.decode()
    assert "1 article matches." in html
    assert "Drones banned" in html


@pytest.mark.parametrize("common", [1, 10**9])
def test_a_common_word_finds_what_a_rare_one_would(drones, few_ranked, monkeypatch, common):
    """On SQLite a query with COMMON_MATCHES matches or more walks the date index instead."""
    monkeypatch.setattr(search, "COMMON_MATCHES", common)
    ArticleFactory(title="Undated drones", published_at=None)
    assert titles(search_articles(Article.objects.all(), "drones -banned")) == ["Story 0", "Story 1", "Story 2"]
    monkeypatch.setattr(search, "RANKED_MATCHES", 10)
    assert titles(search_articles(Article.objects.all(), "drones")) == [
        "Drones banned", "Undated drones", "Story 0", "Story 1", "Story 2", "Story 3",
    ]


def test_hostile_input_never_raises(coverage):
    for text in HOSTILE:
        list(search_articles(Article.objects.all(), text))
        list(search_press_releases(PressRelease.objects.all(), text))


def test_nothing_to_look_for_finds_nothing(coverage):
    assert not search_articles(Article.objects.all(), "-surveillance").exists()
    assert not search_articles(Article.objects.all(), "").exists()


# ---------------------------------------------------------------------------------------------
# The index follows every way of writing


def test_an_edit_is_found_at_once(coverage):
    article = coverage["none"]
    article.title = "Garden show bans drones"
    article.save()
    assert titles(search_articles(Article.objects.all(), "drones")) == ["Garden show bans drones"]
    assert not search_articles(Article.objects.all(), "tulips drones -garden").exists()


def test_bulk_create_bulk_update_and_update_are_indexed(db):
    provider = ProviderFactory()
    Article.objects.bulk_create([
        Article(title=f"Biometric story {n}", url=f"https://bulk.example/{n}", provider=provider) for n in range(3)
    ])
    assert search_articles(Article.objects.all(), "biometric").count() == 3
    articles = list(Article.objects.order_by("pk"))
    articles[0].title = "Licence plate readers"
    Article.objects.bulk_update(articles[:1], ["title"])
    assert search_articles(Article.objects.all(), "biometric").count() == 2
    assert search_articles(Article.objects.all(), "licence plate").count() == 1
    Article.objects.filter(pk=articles[1].pk).update(excerpt="Geofence warrants")
    assert titles(search_articles(Article.objects.all(), "geofence")) == ["Biometric story 1"]


def test_tagging_renaming_and_deleting_are_indexed(coverage):
    article = coverage["none"]
    topic = TopicFactory(name="Beekeeping")
    article.topics.add(topic)
    assert titles(search_articles(Article.objects.all(), "beekeeping")) == ["Garden show opens"]
    Topic.objects.filter(pk=topic.pk).update(name="Apiculture")
    assert not search_articles(Article.objects.all(), "beekeeping").exists()
    assert titles(search_articles(Article.objects.all(), "apiculture")) == ["Garden show opens"]
    article.topics.remove(topic)
    assert not search_articles(Article.objects.all(), "apiculture").exists()

    provider = article.provider
    provider.name = "Evening Chronicle"
    provider.save()
    assert "Garden show opens" in titles(search_articles(Article.objects.all(), "chronicle"))
    article.delete()
    assert "Garden show opens" not in titles(search_articles(Article.objects.all(), "chronicle"))


def test_imported_seeds_are_searchable(seeds):
    found = search_articles(Article.objects.all(), '"facial recognition" schools')
    assert found.count() == Article.objects.filter(title__icontains="facial recognition").count() > 0
    assert search_articles(Article.objects.all(), '"computer vision"').count() > 0  # a topic name
    assert search_press_releases(PressRelease.objects.all(), PressRelease.objects.get().title).count() == 1


def test_imported_articles_are_indexed_as_the_trigger_would_index_them(db, tmp_path):
    """On PostgreSQL the importer computes its new articles' search vectors itself, a batch at a
    time (search.insert_articles, migration 0010): they are those the trigger computes for each."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's triggers index what the importer writes (FTS5)")
    generate_documents(tmp_path / "generated", 40, seed=3)  # varied providers, one to three topics
    (tmp_path / "untagged.txt").write_text('---\ntitle: "Untagged story"\nwebUrl: https://untagged.example/a\n---\n')

    def vectors():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, search_vector::text FROM clippings_article ORDER BY id")
            return cursor.fetchall()

    with connection.cursor() as cursor:  # the vectors are the importer's own (rolled back with the test)
        cursor.execute("ALTER TABLE clippings_article DISABLE TRIGGER clippings_article_search")
    assert Importer().import_paths([tmp_path, FIXTURES]).ok
    imported = vectors()
    assert len(imported) > 40 and all(vector for _, vector in imported)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks the foreign keys now, as a commit would
        cursor.execute("ALTER TABLE clippings_article ENABLE TRIGGER clippings_article_search")
        cursor.execute("UPDATE clippings_article SET search_vector = NULL")  # the trigger computes them again
    assert vectors() == imported
    assert titles(search_articles(Article.objects.all(), "untagged")) == ["Untagged story"]
    assert search_articles(Article.objects.all(), '"computer vision"').count() > 0  # a topic name


def test_press_releases_are_found_in_title_body_and_organization(db):
    now = timezone.now().date()
    in_title = PublishedPressReleaseFactory(title="NYCLU sues over stop-and-frisk", date=now - timedelta(days=30))
    in_body = PublishedPressReleaseFactory(title="Court hearing today", body="The frisk policy is unlawful.",
                                           date=now)
    by_org = PublishedPressReleaseFactory(title="Statement on budget", organization="Frisk Watch", date=now)
    found = list(search_press_releases(PressRelease.objects.published(), "frisk"))
    assert found == [in_title, in_body, by_org]
    in_body.body = "Nothing to see."
    in_body.save()
    assert list(search_press_releases(PressRelease.objects.published(), "frisk")) == [in_title, by_org]


def test_the_index_lives_in_the_database(db):
    """Migration 0003's storage exists (a later migration that rebuilds a table on SQLite drops it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'clippings_%%search%%'")
            assert len(cursor.fetchall()) == 7
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%search_vector'")
            assert len(cursor.fetchall()) == 2
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%fts%'")
            assert len(cursor.fetchall()) == 11


def test_the_coverage_list_tells_readers_the_rule_when_searching(client, drones, few_ranked):
    public_cache.clear()
    html = client.get(reverse("clippings:article_list"), {"q": "drones"}).content.decode()
    assert "3 or more articles match. Shown: the best matches among the newest 3." in html
    assert "Drones banned" not in html
    html = client.get(reverse("clippings:article_list"), {"q": "drones", "sort": "oldest"}).content.decode()
    assert "or more articles match" not in html
    assert "Drones banned" in html


@pytest.mark.parametrize("text", ["drones -drones", '"police drones" -drones', 'drones -"drones" city'])
def test_a_query_excluding_what_it_requires_matches_nothing_without_reading_the_index(db, text):
    PublishedArticleFactory(title="Police drones over the city")
    assert not parse_query(text)
    with CaptureQueriesContext(connection) as queries:
        assert list(search_articles(Article.objects.all(), text)) == []
    assert len(queries) == 0


def test_an_exclusion_that_is_not_required_still_narrows(db):
    PublishedArticleFactory(title="Police drones over the city")
    PublishedArticleFactory(title="Drones over the farm")
    assert parse_query('"police drones" -farm')
    assert titles(search_articles(Article.objects.all(), "drones -police")) == ["Drones over the farm"]


# ---------------------------------------------------------------------------------------------
# Exclusions rule out records among the newest matches of the rest of the query only


@pytest.fixture
def small_window(monkeypatch):
    monkeypatch.setattr(search, "EXCLUSION_WINDOW", 3)


def test_exclusions_apply_to_the_newest_matches_of_the_rest(drones, small_window):
    """Story 0-3 are the newest; "Drones banned", the oldest, is outside a window of 3."""
    articles = Article.objects.all()
    assert titles(search_articles(articles, "drones -story")) == []
    assert titles(matching_articles(articles, "drones -story")) == []
    assert older_matches_left_out(articles, "drones -story", [])
    # Within the window the answer is what it would be without one.
    found = list(search_articles(articles, "drones -banned -3"))
    assert titles(found) == ["Story 0", "Story 1", "Story 2"]
    assert all(article.search_window_full for article in found)
    assert older_matches_left_out(articles, "drones -banned -3", found)
    assert titles(search_articles(articles, 'drones -"story 1"')) == ["Story 0", "Story 2"]
    oldest_first = matching_articles(articles.order_by("published_at"), "drones -0")
    assert titles(oldest_first) == ["Story 2", "Story 1"]
    assert older_matches_left_out(articles, "drones -0", list(oldest_first))


def test_the_window_is_taken_after_the_other_filters(drones, small_window):
    articles = Article.objects.exclude(title__in=["Story 0", "Story 1"])
    found = list(search_articles(articles, "drones -story"))
    assert titles(found) == ["Drones banned"]
    assert not found[0].search_window_full
    assert not older_matches_left_out(articles, "drones -story", found)
    dated = ArticleFilter({"q": "drones -story", "until": timezone.localdate(timezone.now() - timedelta(days=2))},
                          queryset=Article.objects.published())
    assert titles(dated.qs) == ["Drones banned"]  # Story 2, 3 and the banned one: the window is not full


def test_pages_of_a_window_hold_every_match_once(drones, small_window, few_ranked, monkeypatch):
    monkeypatch.setattr(search, "EXCLUSION_WINDOW", 4)
    found = search_articles(Article.objects.all(), "drones -1")
    assert titles(found[:2]) + titles(found[2:]) == ["Story 0", "Story 2", "Story 3"]
    ordered = matching_articles(Article.objects.order_by("published_at"), "drones -1")
    assert titles(ordered[:2]) + titles(ordered[2:]) == ["Story 3", "Story 2", "Story 0"]


def test_without_exclusions_only_ranking_leaves_anything_out(drones, few_ranked):
    ranked = list(search_articles(Article.objects.all(), "drones"))
    every = list(matching_articles(Article.objects.all(), "drones"))
    with CaptureQueriesContext(connection) as queries:
        assert older_matches_left_out(Article.objects.all(), "drones", ranked)
        assert not older_matches_left_out(Article.objects.all(), "drones", every)
        assert not older_matches_left_out(Article.objects.all(), "zyzzogeton", [])
        assert not older_matches_left_out(Article.objects.all(), "drones -drones", [])
    assert len(queries) == 0


def test_a_large_enough_window_finds_the_oldest(drones):
    found = list(search_articles(Article.objects.all(), "drones -story"))
    assert titles(found) == ["Drones banned"]
    assert not older_matches_left_out(Article.objects.all(), "drones -story", found)


def test_press_releases_are_excluded_within_the_window_too(db, small_window):
    now = timezone.now()
    for days, title in enumerate(["Drones release", "Drones statement", "Drones letter", "Drones alone"]):
        PublishedPressReleaseFactory(title=title, body="On drones.", date=(now - timedelta(days=days)).date())
    releases = PressRelease.objects.all()
    # The newest three hold the word; "Drones alone" is the oldest. Ties go to the newer.
    assert [r.title for r in search_press_releases(releases, "drones -release")] == ["Drones statement",
                                                                                     "Drones letter"]
    assert [r.title for r in search_press_releases(releases, "drones -statement -letter")] == ["Drones release"]


def test_a_plural_excluded_from_its_singular_matches_nothing(db):
    PublishedArticleFactory(title="Drone over the school")
    for text in ("drones -drone", "drone -drones", '"school drones" -drone'):
        assert not parse_query(text)
    for text in ("drone -droned", "campus -campu", "glass -glas", "bus -bu", "schools -schoolyard"):
        assert parse_query(text), text


def test_the_search_page_says_when_exclusions_left_older_matches_out(client, drones, small_window):
    public_cache.clear()
    html = client.get(reverse("clippings:search"), {"q": "drones -story"}).content.decode()
    assert "Exclusions are applied to the newest 3 articles that match the rest of your search; " \
           "none of them are left." in html
    assert "No published coverage matches" not in html
    html = client.get(reverse("clippings:search"), {"q": "drones -banned"}).content.decode()
    assert "the rest of your search; 3 of them are left." in html
    html = client.get(reverse("clippings:search"), {"q": "drones -0 -1"}).content.decode()
    assert "the rest of your search; 1 of them is left." in html
    assert "Story 2" in html and "Story 3" not in html
    html = client.get(reverse("clippings:search"), {"q": "drones -drone"}).content.decode()
    assert "No published coverage matches" in html and "Exclusions are applied" not in html


def test_the_coverage_list_says_when_exclusions_left_older_matches_out(client, drones, small_window):
    public_cache.clear()
    for params in ({"q": "drones -story"}, {"q": "drones -story", "sort": "oldest"}):
        html = client.get(reverse("clippings:article_list"), params).content.decode()
        assert "Exclusions are applied to the newest 3 articles that match the rest of your search; none of them " \
               "are left. To reach older ones, narrow the dates." in html
        assert "No published coverage matches" not in html
    html = client.get(reverse("clippings:article_list"), {"q": "drones -0", "sort": "oldest"}).content.decode()
    assert "Exclusions are applied to the newest 3 articles that match the rest of your search. To reach" in html
    html = client.get(reverse("clippings:article_list"), {"q": "drones -story", "topic": "airspace"}).content.decode()
    assert "Exclusions are applied" not in html  # two drone stories in the topic: the window is not full
    assert "No published coverage matches these filters." in html


def test_the_coverage_list_never_promises_every_match_when_excluding(client, drones, small_window, few_ranked,
                                                                     monkeypatch):
    monkeypatch.setattr(search, "RANKED_MATCHES", 2)
    public_cache.clear()
    html = client.get(reverse("clippings:article_list"), {"q": "drones"}).content.decode()
    assert "2 or more articles match. Shown: the best matches among the newest 2. To reach older ones, narrow " \
           "the dates, or sort by date to list every match." in html
    html = client.get(reverse("clippings:article_list"), {"q": "drones -0"}).content.decode()
    assert "2 or more articles match. Shown: the best matches among the newest 2, once exclusions are applied " \
           "to the newest 3 that match the rest of your search. To reach older ones, narrow the dates." in html
    html = client.get(reverse("clippings:search"), {"q": "drones -0"}).content.decode()
    assert "2 or more articles match. Shown: the best matches among the newest 2, once exclusions are applied " \
           "to the newest 3 that match the rest of your search. To reach older ones, add words" in html


# ---------------------------------------------------------------------------------------------
# A topic filter's name narrows the index's search, and changes nothing else


@pytest.fixture
def tagged(db):
    law = TopicFactory(name="Law and Order", slug="law-and-order")
    housing = TopicFactory(name="Housing", slug="housing")
    now = timezone.now()
    PublishedArticleFactory(title="Drones and law", excerpt="Order in court.", topics=[law], published_at=now)
    PublishedArticleFactory(title="Drones over housing", excerpt="Law and order.", topics=[],
                            published_at=now - timedelta(days=1))  # the topics' words, not the topics
    PublishedArticleFactory(title="Drone rules", excerpt="Housing law.", topics=[housing, law],
                            published_at=now - timedelta(days=2))
    PublishedArticleFactory(title="Budget", excerpt="Drones for the police.", topics=[housing],
                            published_at=now - timedelta(days=3))
    return {"law": law, "housing": housing}


@pytest.mark.parametrize("text", ["drones", "drone -police", '"drone rules"', "law", "order -budget", "housing"])
@pytest.mark.parametrize("slug", ["law-and-order", "housing"])
@pytest.mark.parametrize("sort", ["", "oldest"])
def test_a_topic_filter_finds_what_it_would_without_the_hint(tagged, text, slug, sort):
    public_cache.clear()
    within = Article.objects.published().filter(topics__slug=slug)
    expected = matching_articles(within.order_by("published_at", "id"), text) if sort \
        else search_articles(within, text)
    found = ArticleFilter({"q": text, "topic": slug, "sort": sort}, queryset=Article.objects.published()).qs
    assert titles(found) == titles(expected)
    name = Topic.objects.get(slug=slug).name
    assert f'{{topics}} : "{name}"' in str(found.query) or f"phraseto_tsquery('english'::regconfig, {name})" in str(
        found.query)  # the hint is used


@pytest.mark.parametrize("name", [
    "U.S. Immigration", "COVID-19", "9/11", "K-12 Education", "Web 2.0", "İstanbul", "ΣΟΦΟΣ", "Cafe\u0301s",
    'The "Quoted" Topic', "Stop-and-Frisk", "The Who", "Post-9/11 Surveillance Of Students In New York City Schools",
    "AI", "-5 Degrees", "ACLU.org", "Section 702/FISA", "Ph.D. Students",
])
@pytest.mark.parametrize("sort", ["", "oldest"])
def test_any_topic_name_finds_what_it_would_without_the_hint(db, name, sort):
    public_cache.clear()
    topic = TopicFactory(name=name, slug="the-topic")
    PublishedArticleFactory(title="Drones over the city", topics=[topic])
    PublishedArticleFactory(title="Drones and budgets", topics=[topic])
    PublishedArticleFactory(title="Drones elsewhere", topics=[])
    for text in ("drones", "drones -budgets"):
        found = ArticleFilter({"q": text, "topic": "the-topic", "sort": sort}, queryset=Article.objects.published()).qs
        expected = ["Drones over the city"] if "budgets" in text else ["Drones and budgets", "Drones over the city"]
        assert sorted(titles(found)) == expected, (name, text)


def test_results_of_the_fixture_for_hints(tagged):
    found = ArticleFilter({"q": "drones", "topic": "housing"}, queryset=Article.objects.published()).qs
    assert titles(found) == ["Drone rules", "Budget"]


def test_a_renamed_topic_is_still_found(tagged, client):
    public_cache.clear()
    tagged["housing"].name = "Affordable homes"
    tagged["housing"].save()
    html = client.get(reverse("clippings:article_list"), {"q": "drones", "topic": "housing"}).content.decode()
    assert "Budget" in html and "Drone rules" in html and "Drones over housing" not in html


def test_press_releases_are_ranked_among_the_newest(db, monkeypatch):
    monkeypatch.setattr(search, "RANKED_PRESS_RELEASES", 2)
    now = timezone.now()
    for days, title in enumerate(["Statement", "Letter", "Drones in the title"]):
        PublishedPressReleaseFactory(title=title, body="On drones.", date=(now - timedelta(days=days)).date())
    found = list(search_press_releases(PressRelease.objects.all(), "drones"))
    assert [r.title for r in found] == ["Statement", "Letter"]  # the best match is not among the newest 2
    assert {r.search_matches for r in found} == {2}


def test_the_search_page_says_when_press_releases_were_ranked_among_the_newest(client, db, monkeypatch):
    now = timezone.now()
    for days, title in enumerate(["Statement", "Letter", "Drones in the title"]):
        PublishedPressReleaseFactory(title=title, body="On drones.", date=(now - timedelta(days=days)).date())
    public_cache.clear()
    html = client.get(reverse("clippings:search"), {"q": "drones"}).content.decode()
    assert "press releases match" not in html
    monkeypatch.setattr(search, "RANKED_PRESS_RELEASES", 2)
    public_cache.clear()
    html = client.get(reverse("clippings:search"), {"q": "drones"}).content.decode()
    assert "2 or more press releases match. Shown: the best among the newest 2." in html
    assert "Drones in the title" not in html
