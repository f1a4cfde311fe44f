"""What every imported record carries: its editorial state and its provenance.

Source data and editorial state live side by side. An import writes the source fields, but never
over a field an editor corrected: the editor's value stays, and the import's new value waits in
`upstream_changes` for the editor to accept or dismiss.
"""

from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class EditorialQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, and not past its unpublish time."""
        return self.filter(status=Status.PUBLISHED).filter(
            Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=timezone.now())
        )

    def with_upstream_changes(self):
        return self.exclude(upstream_changes={})


def as_source_json(value: Any) -> Any:
    """The form in which a source value is kept in JSON (and compared)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


class Editorial(models.Model):
    """Editorial state, owned by editors; an import never writes it."""

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    featured = models.BooleanField(default=False)
    publish_at = models.DateTimeField(
        "publish at", null=True, blank=True, help_text="Published automatically at this time."
    )
    unpublish_at = models.DateTimeField(
        "unpublish at", null=True, blank=True, help_text="Withdrawn automatically at this time."
    )
    went_live_at = models.DateTimeField(
        "first published", null=True, blank=True, editable=False,
        help_text="When readers could first see it.",
    )
    editor_notes = models.TextField(blank=True)
    edited_fields = models.JSONField(
        default=list, blank=True, editable=False,
        help_text="Source fields an editor corrected; imports leave them alone.",
    )
    upstream_changes = models.JSONField(
        default=dict, blank=True, editable=False,
        help_text="New source values for corrected fields, waiting for an editor.",
    )
    source_values = models.JSONField(
        default=dict, blank=True, editable=False, help_text="The source's values as last imported."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED and (
            self.unpublish_at is None or self.unpublish_at > timezone.now()
        )

    def mark_edited(self, *names: str) -> None:
        """Record that an editor corrected these source fields: imports will not overwrite them."""
        for name in names:
            if name not in self.edited_fields:
                self.edited_fields.append(name)

    def take_source_values(self, incoming: dict[str, Any]) -> dict[str, Any]:
        """Record an import's values; return those to apply now (the fields no editor corrected).

        For a corrected field whose source value changed since the last import, the new value is
        kept in `upstream_changes` unless it already equals the editor's value.
        """
        to_apply = {}
        for name, value in incoming.items():
            kept = as_source_json(value)
            previous = self.source_values.get(name)
            self.source_values[name] = kept
            if name not in self.edited_fields:
                to_apply[name] = value
            elif kept != previous and kept != self.current_source_json(name):
                self.upstream_changes[name] = kept
            elif kept == self.current_source_json(name):
                self.upstream_changes.pop(name, None)
        return to_apply

    def current_source_json(self, name: str) -> Any:
        field = self._meta.get_field(name)
        if field.many_to_many:
            return None
        return as_source_json(getattr(self, field.attname))

    def accept_upstream_change(self, name: str) -> None:
        """Take the source's new value for a corrected field; imports follow the source again."""
        value = self.upstream_changes.pop(name)
        self.set_source_json(name, value)
        if name in self.edited_fields:
            self.edited_fields.remove(name)

    def dismiss_upstream_change(self, name: str) -> None:
        """Keep the editor's value; the field stays corrected."""
        self.upstream_changes.pop(name, None)

    def set_source_json(self, name: str, value: Any) -> None:
        field = self._meta.get_field(name)
        setattr(self, field.attname, field.to_python(value))


class Imported(models.Model):
    """Provenance: where a record came from, and the whole source document, kept losslessly."""

    source_name = models.CharField("source file", max_length=500, blank=True, editable=False)
    source_hash = models.CharField("content hash", max_length=64, blank=True, editable=False)
    first_imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    source_data = models.JSONField(
        default=dict, blank=True, editable=False,
        help_text="Every key of the source document, as imported, including those not modelled.",
    )

    class Meta:
        abstract = True
