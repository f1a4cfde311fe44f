"""The history page and restoring a version, with the many-to-many fields a version keeps (topics).

simple-history's admin shows a restored version's current topics rather than its own, records a
version per change of topics on top of the save's, diffs topics with two queries per version, and
shows values as the database holds them (`review`, UTC times, "None"): the page here shows them as
editors read them. A restore brings back content only (`restore_content_only`).
"""

from datetime import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange, ModelDelta
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_m2m_reverse_field_name

from ..models.history import (
    change_reason,
    related_objects,
    related_pks,
    relations_without_versions,
    restore_content_only,
    retake_relations,
    tracked_relations,
)


class VersionForm(forms.ModelForm):
    """A form whose save records one version, topics included; on a version, its topics first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = getattr(self.instance, "_history", None)  # set on a record rebuilt from a version
        if version is not None:
            for field in self._relations():
                self.initial[field.name] = related_pks(version, field)

    def _relations(self) -> list:
        return [field for field in tracked_relations(self._meta.model) if field.name in self.fields]

    def _save_m2m(self):
        if not self._relations():
            return super()._save_m2m()
        # The record was saved first, with a version holding its old topics: give it the new ones.
        with relations_without_versions(self.instance):
            super()._save_m2m()
        latest = self.instance.history.first()
        if latest is not None:
            retake_relations(latest)
        return None


class ReadableChanges(HistoricalRecordContextHelper):
    """A version's changes as editors read them: labels for statuses, local times, a dash for nothing."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if value is None or value == "" or value == []:
            return "—"
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return value


class VersionHistoryAdmin(SimpleHistoryAdmin):
    object_history_list_template = "admin/clippings/object_history_list.html"
    object_history_form_template = "admin/clippings/restore_form.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(request, object_id, {"time_zone": settings.TIME_ZONE, **(extra_context or {})})

    def get_form(self, request, obj=None, change=False, **kwargs):
        if getattr(obj, "_history", None) is not None and not getattr(obj, "_content_only", False):
            restore_content_only(obj)  # before the form, and the fields it makes read-only, see the record
            obj._content_only = True
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        version = getattr(obj, "_history", None)
        if version is not None:
            when = timezone.localtime(version.history_date).strftime("%Y-%m-%d %H:%M")
            proposed = getattr(obj, "_change_reason", "")  # set when the restore is an Editor's proposal
            obj._change_reason = change_reason("; ".join(filter(None, [f"Restored the version of {when}", proposed])))
        super().save_model(request, obj, form, change)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each version's changes against the one before, the topics read in one query per page."""
        relations = tracked_relations(self.model)
        versions = list(historical_records)
        if not relations or not versions:
            return super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        related = {field.name: related_objects(type(versions[0]), versions, field) for field in relations}
        for newer, older in zip(versions, versions[1:], strict=False):
            changes = list(newer.diff_against(older, excluded_fields=list(related),
                                              foreign_keys_are_objs=foreign_keys_are_objs).changes)
            for field in relations:
                before, after = related[field.name].get(older.pk, []), related[field.name].get(newer.pk, [])
                if {obj.pk for obj in before} != {obj.pk for obj in after}:
                    changes.append(ModelChange(field.name, _rows(field, before), _rows(field, after)))
            changes.sort(key=lambda change: change.field)
            delta = ModelDelta(changes, [change.field for change in changes], older, newer)
            helper = self.get_historical_record_context_helper(request, newer)
            newer.history_delta_changes = helper.context_for_delta_changes(delta)
        return None


def _rows(field, objects: list) -> list[dict]:
    """Related objects as simple-history's diff gives them (rows of the through table), by name."""
    return [{get_m2m_reverse_field_name(field): obj} for obj in sorted(objects, key=str)]
