"""bulk.py: the importer's inserts, against the real database."""

from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from clippings import bulk
from clippings.models import ImportRun, Topic


def test_rows_take_defaults_and_the_time_of_the_insert(db):
    before = timezone.now()
    bulk.insert(Topic, [{"name": "AI", "slug": "ai"}])
    topic = Topic.objects.get()
    assert (topic.name, topic.slug, topic.description) == ("AI", "ai", "")
    assert before <= topic.created_at <= timezone.now()


def test_json_is_encoded_unless_it_already_is(db):
    moment = datetime(2023, 10, 12, 11, 0, tzinfo=UTC)
    bulk.insert(ImportRun, [{"started_at": moment, "finished_at": moment, "paths": ["a/b.txt"],
                             "counts": bulk.JSONText('{"articles": {"created": 2}}')}])
    run = ImportRun.objects.get()
    assert (run.started_at, run.paths, run.counts, run.failures) == (
        moment, ["a/b.txt"], {"articles": {"created": 2}}, [])


def test_ids_handed_out_are_new_and_later_rows_come_after_them(db):
    Topic.objects.create(name="Before", slug="before")
    with transaction.atomic():
        ids = bulk.new_ids(Topic, 3)
        bulk.insert(Topic, [{"id": pk, "name": f"T{pk}", "slug": f"t{pk}"} for pk in ids])
    assert len(set(ids)) == 3 and min(ids) > Topic.objects.get(slug="before").pk
    assert Topic.objects.create(name="After", slug="after").pk > max(ids)


def test_more_rows_than_one_statement_holds(db):
    bulk.insert(Topic, [{"name": f"Topic {n}", "slug": f"topic-{n}"} for n in range(bulk.ROWS_PER_STATEMENT * 2 + 7)])
    assert Topic.objects.count() == bulk.ROWS_PER_STATEMENT * 2 + 7
    assert Topic.objects.get(slug="topic-300").name == "Topic 300"
