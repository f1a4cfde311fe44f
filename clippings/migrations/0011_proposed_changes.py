"""Upstream changes become proposed changes: one queue, whatever a change's origin (an editor's
edit of a live record, or a new source value), each proposal with its field, old and new value,
origin, who and when. Every pending upstream change is kept, as a proposal from the source."""

from datetime import UTC, datetime

from django.db import migrations, models

MODELS = ["article", "pressrelease", "historicalarticle", "historicalpressrelease"]


def as_json(value):
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def to_proposals(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("clippings", name)
        model.objects.filter(proposed_changes={}).update(proposed_changes=[])
        for record in model.objects.exclude(proposed_changes=[]).iterator(chunk_size=500):
            if not isinstance(record.proposed_changes, dict):
                continue
            at = as_json(record.last_imported_at)
            record.proposed_changes = [
                {"field": field, "old": _old(record, field), "new": value, "origin": "source", "by": "", "at": at}
                for field, value in sorted(record.proposed_changes.items())
            ]
            record.save(update_fields=["proposed_changes"])


def _old(record, field):
    if field == "topics":
        # A version's topics are rows of its own table; the record's, of the tagging table.
        topics = getattr(record, "topics", None)
        if topics is None or record._meta.model_name.startswith("historical"):
            return None
        return sorted(topic.name for topic in topics.all())
    return as_json(getattr(record, record._meta.get_field(field).attname))


def to_upstream_changes(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("clippings", name)
        for record in model.objects.exclude(proposed_changes=[]).iterator(chunk_size=500):
            record.proposed_changes = {p["field"]: p["new"] for p in record.proposed_changes
                                       if p.get("origin") == "source"}
            record.save(update_fields=["proposed_changes"])
        model.objects.filter(proposed_changes=[]).update(proposed_changes={})


class Migration(migrations.Migration):
    dependencies = [("clippings", "0010_article_search_document")]

    operations = [
        *(migrations.RenameField(name, "upstream_changes", "proposed_changes") for name in MODELS),
        migrations.RunPython(to_proposals, to_upstream_changes),
        # A new default and help text change no column: in the state only (on SQLite, altering the
        # field would rebuild the table, which migration 0003's search triggers forbid).
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(name, "proposed_changes", models.JSONField(
                blank=True, default=list, editable=False,
                help_text="Changes waiting for a decision: each with its field, old and new value (JSON), "
                          "origin (editor or source), who (`by`) and when (`at`).",
            )) for name in MODELS
        ]),
    ]
