"""The merge of source values and editors' corrections (models/editorial.py), record by record."""

from datetime import UTC, date, datetime, timedelta, timezone

from clippings.models import PressRelease, Status, Topic
from clippings.models.editorial import as_source_json

from .factories import ArticleFactory, PressReleaseFactory, TopicFactory, proposals, waiting

EASTERN = timezone(timedelta(hours=-4))


def source(**values):
    return {"title": "Title", "dateline": "NEW YORK", "body": "Body.", "copyright_year": 2024, **values}


def test_an_uncorrected_record_takes_every_source_value():
    release = PressRelease()
    assert release.take_source_values(source()) == source()
    assert release.source_values == source()
    assert (waiting(release), release.status) == ({}, Status.DRAFT)


def test_a_corrected_field_is_not_applied_and_its_new_value_waits():
    release = PressRelease(title="Editor's title", source_values=source(), edited_fields=["title"])
    to_apply = release.take_source_values(source(title="New source title", body="New body."))
    assert "title" not in to_apply and to_apply["body"] == "New body."
    assert waiting(release) == {"title": "New source title"}
    assert release.source_values["title"] == "New source title"


def test_no_proposed_change_when_the_source_value_did_not_change():
    release = PressRelease(title="Editor's title", source_values=source(), edited_fields=["title"])
    release.take_source_values(source())
    assert waiting(release) == {}


def test_a_source_that_comes_round_to_the_editor_clears_the_waiting_change():
    release = PressRelease(title="Editor's title", source_values=source(), edited_fields=["title"],
                           proposed_changes=proposals(title="Something else"))
    release.take_source_values(source(title="Editor's title"))
    assert waiting(release) == {}


def test_mark_edited_is_idempotent():
    release = PressRelease()
    release.mark_edited("title", "body")
    release.mark_edited("title")
    assert release.edited_fields == ["title", "body"]


def test_accept_takes_the_value_and_follows_the_source_again():
    release = PressRelease(title="Editor's", copyright_year=2023, edited_fields=["title", "copyright_year"],
                           proposed_changes=proposals(title="Source's", copyright_year=2024))
    release.decide("title", "source", accept=True)
    release.decide("copyright_year", "source", accept=True)
    assert (release.title, release.copyright_year) == ("Source's", 2024)
    assert (release.edited_fields, waiting(release)) == ([], {})


def test_dismiss_keeps_the_correction():
    release = PressRelease(title="Editor's", edited_fields=["title"], proposed_changes=proposals(title="Source's"))
    release.decide("title", "source", accept=False)
    assert (release.title, release.edited_fields, waiting(release)) == ("Editor's", ["title"], {})


def test_the_same_moment_in_another_zone_is_not_a_change():
    moment = datetime(2023, 10, 12, 11, 0, tzinfo=UTC)
    assert as_source_json(moment) == as_source_json(moment.astimezone(EASTERN)) == "2023-10-12T11:00:00+00:00"


def test_a_corrected_date_sees_no_change_when_the_source_moves_only_its_zone(db):
    article = ArticleFactory(published_at=datetime(2023, 10, 12, 11, 0, tzinfo=UTC))
    article.source_values = {"published_at": "2023-10-10T00:00:00+00:00"}
    article.mark_edited("published_at")
    article.take_source_values({"published_at": datetime(2023, 10, 12, 7, 0, tzinfo=EASTERN)})  # = the editor's
    assert waiting(article) == {}


def test_accepting_a_date_restores_an_aware_datetime(db):
    article = ArticleFactory(edited_fields=["published_at"],
                             proposed_changes=proposals(published_at="2023-10-14T09:30:00+00:00"))
    article.decide("published_at", "source", accept=True)
    article.save()
    article.refresh_from_db()
    assert article.published_at == datetime(2023, 10, 14, 9, 30, tzinfo=UTC)


def test_corrected_topics_are_compared_by_name(db):
    ai, vision = TopicFactory(name="AI"), TopicFactory(name="Computer Vision")
    article = ArticleFactory(topics=[ai], source_values={"topics": ["AI", "Computer Vision"]},
                             edited_fields=["topics"])
    article.take_source_values({"topics": ["AI", "Computer Vision"]})
    assert waiting(article) == {}
    article.take_source_values({"topics": ["AI", "Computer Vision", "Privacy"]})
    assert waiting(article) == {"topics": ["AI", "Computer Vision", "Privacy"]}
    article.take_source_values({"topics": ["AI"]})  # the source now agrees with the editor
    assert waiting(article) == {}
    article.proposed_changes = proposals(topics=["AI", "Computer Vision"])
    article.decide("topics", "source", accept=True)
    assert set(article.topics.all()) == {ai, vision}


def test_a_press_release_factory_record_is_a_draft(db):
    assert PressReleaseFactory().status == Status.DRAFT


def test_topics_are_found_by_name_ignoring_case_beyond_ascii(db):
    # Regression: on SQLite, LOWER() folds ASCII letters only, and "énergie" did not find "Énergie".
    energy, ai = TopicFactory(name="Énergie"), TopicFactory(name="AI")
    TopicFactory(name="Energie")  # another topic: the accent is not case
    assert set(Topic.objects.for_names(["énergie", "ai"])) == {energy, ai}
    assert set(Topic.objects.for_names(["ÉNERGIE"])) == {energy}
    assert set(Topic.objects.for_names(["ai"])) == {ai}


def test_accepting_proposed_topics_keeps_a_topic_spelt_in_other_case(db):
    energy = TopicFactory(name="Énergie")
    article = ArticleFactory(edited_fields=["topics"], proposed_changes=proposals(topics=["énergie"]))
    article.decide("topics", "source", accept=True)
    assert list(article.topics.all()) == [energy]


def test_a_corrected_date_of_issue_that_the_source_comes_round_to_is_no_proposal():
    # Regression: a date was compared as a date with the source's ISO text, and never matched.
    release = PressRelease(date=date(2024, 1, 2), edited_fields=["date"], source_values={"date": "2024-01-01"})
    release.take_source_values({"date": "2024-01-02"})
    assert waiting(release) == {}


def test_a_published_record_takes_no_source_value_and_proposes_each_change():
    release = PressRelease(title="Approved", body="Body.", status=Status.PUBLISHED,
                           source_values=source(title="Approved"))
    assert release.take_source_values(source(title="Approved", body="New body.")) == {}
    assert waiting(release) == {"body": "New body."} and release.body == "Body."
    assert [p["old"] for p in release.proposed_changes] == ["Body."]
