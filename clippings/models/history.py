"""Versions of articles and press releases: what django-simple-history records, completed.

simple-history records a version on every save, and an article's topics with it (`m2m_fields`).
It leaves three gaps, closed here:

- its bulk paths (`bulk_update_with_history`, used by the workflow and the bulk actions) copy no
  topics into the versions they create: `VersionManager` copies them, two queries per 500 versions;
- a form saves the record before its topics, and every change to the topics records a version of
  its own: `relations_without_versions` and `retake_relations` make one version of the whole edit;
- the importer writes in bulk and records no version: `keep_imported_state` records what an import
  left before the desk first changes it, so that change can be compared with, and undone;
- a change made from the relation's other side (`topic.articles.add(article)`) fails in
  simple-history, which takes the topic for the record: `VersionedRecords` records the articles.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords
from simple_history.utils import get_m2m_field_name, get_m2m_reverse_field_name

CHUNK = 500  # records per IN (...) list: well inside both databases' limits on query parameters
REASON_LENGTH = 100  # simple-history's history_change_reason column


class VersionedRecords(HistoricalRecords):
    """HistoricalRecords, also for many-to-many changes made from the other side: a version of each
    record added, removed or cleared, in bulk."""

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return None
        through = kwargs["sender"]
        if action == "pre_clear":  # which records lose it is known only before
            mine = next(f for f in through._meta.fields if f.related_model is type(instance))
            theirs = next(f for f in through._meta.fields if f.related_model is self.cls)
            instance._versioned_pks = set(through.objects.filter(**{mine.name: instance})
                                          .values_list(theirs.attname, flat=True))
        if action == "post_clear":
            pk_set = instance.__dict__.pop("_versioned_pks", set())
        if action in ("post_add", "post_remove", "post_clear") and pk_set:
            records = list(self.cls._default_manager.filter(pk__in=pk_set))
            getattr(self.cls, self.manager_name).bulk_history_create(records, update=True)
        return None


class VersionManager(HistoryManager):
    """The history manager of a model whose versions include many-to-many fields."""

    def bulk_history_create(self, objs, *args, **kwargs):
        versions = super().bulk_history_create(objs, *args, **kwargs)
        copy_relations(self.model, versions or [])
        return versions


def copy_relations(history_model, versions: list) -> None:
    """Copy each version's record's many-to-many rows, as they are now, into that version."""
    pk_name = history_model.instance_type._meta.pk.attname
    for field in history_model._history_m2m_fields:
        snapshot = getattr(history_model, field.name).model
        through = field.remote_field.through
        owner = through._meta.get_field(get_m2m_field_name(field)).attname
        columns = [f.attname for f in through._meta.fields]
        for chunk in _chunks(versions):
            rows = defaultdict(list)
            for values in through.objects.filter(
                    **{f"{owner}__in": {getattr(v, pk_name) for v in chunk}}).values_list(*columns):
                row = dict(zip(columns, values, strict=True))
                rows[row[owner]].append(row)
            snapshot.objects.bulk_create([snapshot(history_id=version.pk, **row)
                                          for version in chunk for row in rows[getattr(version, pk_name)]])


def retake_relations(version) -> None:
    """Replace a version's copy of its record's many-to-many rows with the rows as they are now."""
    for field in version._history_m2m_fields:
        getattr(type(version), field.name).model.objects.filter(history_id=version.pk).delete()
    copy_relations(type(version), [version])


@contextmanager
def relations_without_versions(instance) -> Iterator[None]:
    """Many-to-many changes made inside record no version of their own (simple-history records one
    per add, remove or clear): the caller records one version of the whole change."""
    instance.skip_history_when_saving = True
    try:
        yield
    finally:
        del instance.skip_history_when_saving


def tracked_relations(model) -> list:
    history = getattr(model, "history", None)
    return list(getattr(history.model, "_history_m2m_fields", [])) if history is not None else []


def related_pks(version, field) -> list:
    """The primary keys of the objects a version was related to through `field` (e.g. its topics)."""
    column = f"{get_m2m_reverse_field_name(field)}_id"
    return list(getattr(version, field.name).values_list(column, flat=True))


def related_objects(history_model, versions: list, field) -> dict[int, list]:
    """Each version's related objects through `field`, in one query per 500 versions (for the history
    page, where simple-history would run two per version). A deleted one is a `DeletedRecord`."""
    snapshot = getattr(history_model, field.name).model
    target = get_m2m_reverse_field_name(field)
    related = defaultdict(list)
    deleted = []
    for chunk in _chunks(versions):
        for row in snapshot.objects.filter(history_id__in=[v.pk for v in chunk]).select_related(target):
            obj = getattr(row, target) or DeletedRecord(getattr(row, f"{target}_id"))
            related[row.history_id].append(obj)
            if isinstance(obj, DeletedRecord):
                deleted.append(obj)
    names = deleted_names(field.related_model, {obj.pk for obj in deleted})
    for obj in deleted:
        obj.name = names.get(obj.pk, "")
    return related


@dataclass(eq=False)
class DeletedRecord:
    """A related record deleted since (a topic merged into another), known by the name it had."""

    pk: int
    name: str = ""

    def __str__(self):
        return f"{self.name} (deleted since)" if self.name else "a topic deleted since"


def deleted_names(model, pks: set) -> dict:
    """The names deleted records had, as the admin's log of deletions kept them."""
    if not pks:
        return {}
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), action_flag=DELETION,
                                      object_id__in=[str(pk) for pk in pks])
    return {int(object_id): name for object_id, name in entries.values_list("object_id", "object_repr")}


def keep_imported_state(records: Iterable) -> None:
    """Record, as a version of its own, the state an import left each record in, unless a version
    since that import has it already. Call it before changing the records.

    Imports write in bulk and record no version; without this, the desk's first change to an
    imported article would have no earlier version to be compared with or restored.
    """
    records = [r for r in records if getattr(r, "last_imported_at", None)]
    if not records:
        return
    model = type(records[0])
    latest = {}
    for chunk in _chunks(records):
        latest.update(model.history.filter(**{f"{model._meta.pk.attname}__in": [r.pk for r in chunk]})
                      .order_by().values_list(model._meta.pk.attname).annotate(latest=Max("history_date")))
    first = [r for r in records if r.pk not in latest]
    since = [r for r in records if r.pk in latest and latest[r.pk] < r.last_imported_at]
    for group, update in ((first, False), (since, True)):
        for record in group:
            record._history_date, record._history_user = record.last_imported_at, None
        model.history.bulk_history_create(group, update=update, default_change_reason="as imported")
        for record in group:
            del record._history_date, record._history_user


def restore_content_only(record) -> None:
    """Give a record rebuilt from a version everything but its content (`CONTENT_FIELDS`) as the
    record has it now: a restore brings back the version's content and topics, never its status,
    schedule, featuring or the desk's bookkeeping, which change only through the workflow."""
    current = type(record)._default_manager.filter(pk=record.pk).first()
    if current is None:
        return
    for field in record._meta.concrete_fields:
        if field.name not in record.CONTENT_FIELDS:
            setattr(record, field.attname, getattr(current, field.attname))


def change_reason(text: str) -> str:
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


def _chunks(items: list) -> Iterator[list]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]
