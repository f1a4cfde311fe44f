"""What every imported record carries: its editorial state and its provenance.

Source data and editorial state live side by side. An import writes the source fields, but never
over a field an editor corrected, nor over what readers see: the record's value stays, and the
import's new value waits as a proposed change. An Editor's edit of a live record waits the same
way, in the same queue (`proposed_changes`), until a Publisher accepts or rejects it.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from ..signals import content_changed
from .history import change_reason, keep_imported_state, relations_without_versions


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


# The workflow: draft → in review → published → archived. Each move, and the statuses it starts from.
TRANSITIONS = {
    "send_to_review": (Status.REVIEW, {Status.DRAFT}),
    "publish": (Status.PUBLISHED, {Status.DRAFT, Status.REVIEW, Status.ARCHIVED}),
    "unpublish": (Status.DRAFT, {Status.PUBLISHED}),
    "archive": (Status.ARCHIVED, {Status.DRAFT, Status.REVIEW, Status.PUBLISHED}),
}
_WORKFLOW_FIELDS = ["status", "went_live_at", "publish_at", "unpublish_at", "updated_at"]


class Origin(models.TextChoices):
    """Where a proposed change comes from."""

    EDITOR = "editor", "An editor"
    SOURCE = "source", "The source (re-import)"


def needs_publish_permission(before: str, after: str) -> bool:
    """A change of status that makes something public, or stops it being public, is a publisher's."""
    return before != after and Status.PUBLISHED in (before, after)


class EditorialQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, and not past its unpublish time."""
        return self.filter(status=Status.PUBLISHED).filter(
            Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=timezone.now())
        )

    def for_readers(self):
        """What readers may see, loaded without what they never see: source data, the secured blob,
        editors' notes and pending changes stay in the database. Public pages never show them, and
        fetching and decoding them cost more than the rest of a list page's query."""
        return self.published().defer(*self.model.PRIVATE_FIELDS)

    def with_proposed_changes(self):
        return self.exclude(proposed_changes=[])

    def due_to_publish(self, now=None):
        return self.filter(status__in=[Status.DRAFT, Status.REVIEW], publish_at__lte=now or timezone.now())

    def due_to_unpublish(self, now=None):
        return self.filter(status=Status.PUBLISHED, unpublish_at__lte=now or timezone.now())

    # Workflow moves. Each moves only the records its move starts from, records who did it in the
    # history, sends content_changed, and returns how many records it moved.

    def send_to_review(self, *, user=None, reason: str = "") -> int:
        return self.move("send_to_review", user=user, reason=reason)

    def publish(self, *, user=None, reason: str = "") -> int:
        return self.move("publish", user=user, reason=reason)

    def unpublish(self, *, user=None, reason: str = "", to: str = Status.DRAFT) -> int:
        return self.move("unpublish", user=user, reason=reason, to=to)

    def archive(self, *, user=None, reason: str = "") -> int:
        return self.move("archive", user=user, reason=reason)

    def move(self, transition: str, *, user=None, reason: str = "", to: str | None = None) -> int:
        target, sources = TRANSITIONS[transition]
        now = timezone.now()
        with transaction.atomic():
            # Lock the rows through a plain query: the caller's may be annotated (FOR UPDATE forbids GROUP BY).
            plain = self.model._default_manager.filter(pk__in=self.order_by().values("pk"))
            # In id order, as every writer of many rows locks them (the importer too): two of them
            # locking in other orders could each wait for the other, a deadlock.
            records = list(plain.filter(status__in=sources).order_by("pk").select_for_update())
            keep_imported_state(records)
            for record in records:
                record.move_to(to or target, now=now)
            if records:
                bulk_update_with_history(
                    records, self.model, _WORKFLOW_FIELDS, default_user=user,
                    default_change_reason=reason or f"{transition.replace('_', ' ')}", default_date=now,
                )
        if records:
            content_changed.send(sender=self.model, instances=records)
        return len(records)

    def set_featured(self, featured: bool, *, user=None) -> int:
        """Feature (or stop featuring) those not already so; returns how many changed."""
        with transaction.atomic():
            records = list(self.model._default_manager.filter(pk__in=self.order_by().values("pk"))
                           .exclude(featured=featured).order_by("pk").select_for_update())  # id order: see move()
            keep_imported_state(records)
            for record in records:
                record.featured = featured
            if records:
                bulk_update_with_history(records, self.model, ["featured"], default_user=user,
                                         default_change_reason="featured" if featured else "unfeatured")
        if records:
            content_changed.send(sender=self.model, instances=records)
        return len(records)

    def propose_changes(self, changes: Callable[[Any], dict[str, Any]], *, user, reason: str) -> int:
        """Record, as proposed changes by `user`, the new values `changes(record)` gives for each
        record (field: value in JSON form); returns how many records' proposals changed."""
        with transaction.atomic():
            records = list(self._locked().prefetch_related(*self.model.related_content_fields()))
            keep_imported_state(records)
            proposed = []
            for record in records:
                before = list(record.proposed_changes)
                for name, value in changes(record).items():
                    record.propose(name, value, origin=Origin.EDITOR, by=user)
                if record.proposed_changes != before:  # proposed, or withdrawn: a value back to the record's
                    proposed.append(record)
            if proposed:
                bulk_update_with_history(proposed, self.model, ["proposed_changes"], default_user=user,
                                         default_change_reason=change_reason(reason))
        return len(proposed)

    def decide_proposals(self, *, accept: bool, user, only: tuple[str, str] | None = None) -> int:
        """Accept (or reject) the records' proposed changes, or only the one of (field, origin);
        returns how many records had one."""
        with transaction.atomic():
            records = [r for r in self._locked() if r.proposed_changes]
            keep_imported_state(records)
            fields = {"proposed_changes", "edited_fields", "updated_at"}
            decided = []
            for record in records:
                chosen = [p for p in record.proposed_changes if only is None or (p["field"], p["origin"]) == only]
                with relations_without_versions(record):  # topics are set now; the versions below hold them
                    for proposal in chosen:
                        record.decide(proposal["field"], proposal["origin"], accept=accept)
                        if accept and (attname := record.content_attname(proposal["field"])):
                            fields.add(attname)
                if chosen:
                    verb = "Accepted" if accept else "Rejected"
                    names = ", ".join(record.content_label(p["field"]) for p in chosen)
                    record._change_reason = change_reason(f"{verb} the proposed {names}")
                    record.updated_at = timezone.now()
                    decided.append(record)
            if decided:
                bulk_update_with_history(decided, self.model, sorted(fields), default_user=user)
        if decided and accept:
            content_changed.send(sender=self.model, instances=decided)
        return len(decided)

    def _locked(self):
        """The records, locked in id order (see move()), through a plain query."""
        return (self.model._default_manager.filter(pk__in=self.order_by().values("pk"))
                .order_by("pk").select_for_update())


def as_source_json(value: Any) -> Any:
    """The form in which a source value is kept in JSON (and compared)."""
    if isinstance(value, datetime):
        # In UTC, so that one moment written in two zones compares equal (a feed may move zones).
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


class ContentBeside:
    """Content readers see beside a record rather than in a field of it (an article's related
    coverage), which an import writes and a proposal may change: how a proposal reads it (JSON
    form), writes an accepted value, and shows a value to a Publisher."""

    name: str = ""
    verbose_name: str = ""

    def current_json(self, record) -> Any:
        raise NotImplementedError

    def set_json(self, record, value: Any) -> None:
        raise NotImplementedError

    def shown(self, value: Any) -> str:
        raise NotImplementedError


class Editorial(models.Model):
    """Editorial state, owned by editors; an import never writes it."""

    SOURCE_FIELDS: tuple[str, ...] = ()  # what an import writes
    CONTENT_FIELDS: tuple[str, ...] = ()  # what readers see: what a proposal, and a restore, may change
    # What an import writes beside the fields, by name; a proposal names it as it names a field.
    CONTENT_BESIDE: dict[str, ContentBeside] = {}

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
    proposed_changes = models.JSONField(
        default=list, blank=True, editable=False,
        help_text="Changes waiting for a decision: each with its field, old and new value (JSON), "
                  "origin (editor or source), who (`by`) and when (`at`).",
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

    def move_to(self, status: str, *, now=None, previous: str | None = None) -> None:
        """Change the status, with what goes with it (not saved): publishing sets when it first went
        live and uses up a due publish time; leaving "published" uses up a due unpublish time."""
        now = now or timezone.now()
        previous = previous or self.status
        self.status = status
        self.updated_at = now
        if status == Status.PUBLISHED:
            self.went_live_at = self.went_live_at or now
            if self.publish_at and self.publish_at <= now:
                self.publish_at = None
        elif previous == Status.PUBLISHED and self.unpublish_at and self.unpublish_at <= now:
            self.unpublish_at = None

    def _move(self, transition: str, **kwargs) -> bool:
        moved = getattr(type(self)._default_manager.filter(pk=self.pk), transition)(**kwargs)
        self.refresh_from_db(fields=_WORKFLOW_FIELDS)
        return bool(moved)

    def send_to_review(self, **kwargs) -> bool:
        return self._move("send_to_review", **kwargs)

    def publish(self, **kwargs) -> bool:
        return self._move("publish", **kwargs)

    def unpublish(self, **kwargs) -> bool:
        return self._move("unpublish", **kwargs)

    def archive(self, **kwargs) -> bool:
        return self._move("archive", **kwargs)

    def mark_edited(self, *names: str) -> None:
        """Record that an editor corrected these source fields: imports will not overwrite them."""
        for name in names:
            if name not in self.edited_fields:
                self.edited_fields.append(name)

    @property
    def is_live(self) -> bool:
        """Whether a change to its content is a change to what readers see (or will, until withdrawn)."""
        return self.status == Status.PUBLISHED

    @classmethod
    def related_content_fields(cls) -> list[str]:
        return [name for name in cls.CONTENT_FIELDS if cls._meta.get_field(name).many_to_many]

    def take_source_values(self, incoming: dict[str, Any]) -> dict[str, Any]:
        """Record an import's values; return those to apply now: the fields no editor corrected, of
        a record that is not live.

        For the other fields, a source value that changed since the last import waits as a proposed
        change (origin: source), unless it already equals the record's value.
        """
        to_apply = {}
        for name, value in incoming.items():
            kept = as_source_json(value)
            previous = self.source_values.get(name)
            self.source_values[name] = kept
            if not self.is_live and name not in self.edited_fields:
                to_apply[name] = value
                self.withdraw_proposal(name, Origin.SOURCE)
            elif kept == self.current_source_json(name):
                self.withdraw_proposal(name, Origin.SOURCE)
            elif kept != previous:
                self.propose(name, kept, origin=Origin.SOURCE)
        return to_apply

    @classmethod
    def content_label(cls, name: str) -> str:
        """What editors call a field, or content beside the fields, that a proposal names."""
        beside = cls.CONTENT_BESIDE.get(name)
        return beside.verbose_name if beside else str(cls._meta.get_field(name).verbose_name)

    @classmethod
    def content_attname(cls, name: str) -> str | None:
        """The column an accepted proposal of `name` writes; None when it writes rows of its own."""
        if name in cls.CONTENT_BESIDE:
            return None
        field = cls._meta.get_field(name)
        return None if field.many_to_many else field.attname

    def current_source_json(self, name: str) -> Any:
        if beside := self.CONTENT_BESIDE.get(name):
            return beside.current_json(self)
        field = self._meta.get_field(name)
        if field.many_to_many:
            return self.related_json(name, getattr(self, name).all()) if self.pk else []
        return as_source_json(getattr(self, field.attname))

    def related_json(self, name: str, objects) -> list:
        """Related objects (of a many-to-many field) in the JSON form a proposal keeps them in."""
        return sorted(obj.pk for obj in objects)

    def set_source_json(self, name: str, value: Any) -> None:
        if beside := self.CONTENT_BESIDE.get(name):
            beside.set_json(self, value)
            return
        field = self._meta.get_field(name)
        if field.many_to_many:
            getattr(self, name).set(field.related_model._default_manager.filter(pk__in=value))
        else:
            setattr(self, field.attname, field.to_python(value))

    # Proposed changes -----------------------------------------------------------------------

    def propose(self, name: str, value: Any, *, origin: str, by=None) -> bool:
        """Record a proposed new value (JSON form) for a field, in place of an earlier proposal of
        the field from the same origin; a value equal to the record's withdraws it. Not saved."""
        current = self.current_source_json(name)
        self.withdraw_proposal(name, origin)
        if value == current:
            return False
        self.proposed_changes.append({
            "field": name, "old": current, "new": value, "origin": str(origin),
            "by": getattr(by, "username", "") if by is not None else "", "at": as_source_json(timezone.now()),
        })
        return True

    def proposal(self, name: str, origin: str) -> dict | None:
        return next((p for p in self.proposed_changes if (p["field"], p["origin"]) == (name, origin)), None)

    def withdraw_proposal(self, name: str, origin: str) -> None:
        self.proposed_changes = [p for p in self.proposed_changes if (p["field"], p["origin"]) != (name, origin)]

    def decide(self, name: str, origin: str, *, accept: bool) -> None:
        """Accept a proposed change (its value is taken) or reject it (the record's value stays). Not
        saved; topics are set at once.

        Accepting the source's value lets imports follow the source again; accepting an editor's
        marks the field corrected, as an editor's own edit does. Rejecting the source's value keeps
        the record's: the field counts as corrected, so that no later import applies what was refused.
        """
        proposal = self.proposal(name, origin)
        if proposal is None:
            return
        self.withdraw_proposal(name, origin)
        if accept:
            self.set_source_json(name, proposal["new"])
        if name not in self.SOURCE_FIELDS and name not in self.CONTENT_BESIDE:
            return
        if accept and origin == Origin.SOURCE:
            if name in self.edited_fields:
                self.edited_fields.remove(name)
        elif accept or origin == Origin.SOURCE:
            self.mark_edited(name)


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
