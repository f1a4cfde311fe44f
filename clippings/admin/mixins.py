"""What the article and press release admins share: workflow, roles, history, preview, proposed changes."""

from datetime import datetime

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.views.decorators.cache import never_cache

from ..models import Status
from ..models.editorial import Origin, as_source_json
from ..models.history import change_reason, keep_imported_state
from ..signals import content_changed
from .controls import NamedControlsMixin, NamedTabularInline
from .dates import DateHierarchyLinks
from .fields import MultilineTextField
from .history import VersionHistoryAdmin
from .paginator import CappedCountPaginator
from .workflow import SCHEDULE_FIELDS, EditorialForm, check_status_change, may_publish

PROVENANCE_FIELDS = ("source_name", "source_hash", "first_imported_at", "last_imported_at")


class DeskAdmin(NamedControlsMixin, admin.ModelAdmin):
    """Lists that stay fast on a hundred thousand rows: no full count, every page reachable; text
    kept with the line breaks it was typed with; every control named."""

    formfield_overrides = {models.TextField: {"form_class": MultilineTextField}}
    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    def get_changelist_instance(self, request):
        if self.date_hierarchy:
            DateHierarchyLinks(self, request).check()
        changelist = super().get_changelist_instance(request)
        # The paginator may have learnt the exact count, or shown the last page for one past the end.
        changelist.result_count = changelist.paginator.count
        changelist.page_num = changelist.paginator.shown_page or changelist.page_num
        return changelist

    def changelist_view(self, request, extra_context=None):
        if self.date_hierarchy:
            extra_context = {"date_links": DateHierarchyLinks(self, request).links(), **(extra_context or {})}
        return super().changelist_view(request, extra_context)


class EditorialAdmin(DeskAdmin, VersionHistoryAdmin):
    """Workflow, roles, history and preview for anything with editorial state."""

    form = EditorialForm
    preview_template = ""
    preview_context_name = ""
    actions = ["send_to_review", "publish", "unpublish", "archive", "feature", "unfeature",
               "accept_proposed_changes", "reject_proposed_changes"]
    change_form_template = "admin/clippings/editorial_change_form.html"

    # Roles ----------------------------------------------------------------------------------

    def has_publish_permission(self, request) -> bool:
        return may_publish(request.user, self.model)

    def _with_role(self, request, form):
        return type(form.__name__, (form,), {"may_publish": self.has_publish_permission(request)})

    def get_form(self, request, obj=None, change=False, **kwargs):
        return self._with_role(request, super().get_form(request, obj, change, **kwargs))

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", EditorialForm)
        return self._with_role(request, super().get_changelist_form(request, **kwargs))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly += [*SCHEDULE_FIELDS, "featured"]
            if obj is not None and obj.status == Status.PUBLISHED:
                readonly.append("status")
        return readonly

    def save_model(self, request, obj, form, change):
        before = Status.DRAFT
        if change:
            stored = type(obj)._default_manager.get(pk=obj.pk)
            keep_imported_state([stored])
            before = stored.status
            changed = changed_content(stored, obj, form)
            if stored.is_live and not self.has_publish_permission(request):
                self._propose(request, stored, obj, form, changed)
                changed = {}
            obj.mark_edited(*(name for name in changed if name in obj.SOURCE_FIELDS))
        check_status_change(request.user, self.model, before, obj.status)
        if before != obj.status:
            obj.move_to(obj.status, previous=before)
        super().save_model(request, obj, form, change)

    def _propose(self, request, stored, obj, form, changed: dict) -> None:
        """An Editor's changes to a live record wait for a Publisher: the record keeps its values."""
        if not changed:
            return
        for name in changed:
            field = obj._meta.get_field(name)
            if field.many_to_many:  # the form sets them after the save: to what they are
                form.cleaned_data[name] = list(getattr(stored, name).all())
            else:
                setattr(obj, field.attname, getattr(stored, field.attname))
        for name, value in changed.items():
            obj.propose(name, value, origin=Origin.EDITOR, by=request.user)
        labels = ", ".join(self._field_label(name) for name in changed)
        obj._change_reason = change_reason(f"Proposed a change of {labels}")
        self.message_user(request, f"Readers still see the published version: your change of {labels} waits "
                                   "for a Publisher to accept it.", messages.WARNING)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        content_changed.send(sender=self.model, instances=[form.instance])

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        content_changed.send(sender=self.model)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        content_changed.send(sender=self.model, instances=[obj])

    # Bulk actions ---------------------------------------------------------------------------

    def _report(self, request, verb: str, moved: int, selected: int, why: str) -> None:
        message = f"{verb} {moved} {model_ngettext(self.opts, moved)}."
        if selected > moved:
            message += f" {selected - moved} left as they were ({why})."
        self.message_user(request, message, messages.SUCCESS if moved else messages.WARNING)

    @admin.action(description="Send selected %(verbose_name_plural)s to review")
    def send_to_review(self, request, queryset):
        selected = queryset.count()
        moved = queryset.send_to_review(user=request.user)
        self._report(request, "Sent to review", moved, selected, "only drafts go to review")

    @admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["publish"])
    def publish(self, request, queryset):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        selected = queryset.count()
        moved = queryset.publish(user=request.user)
        self._report(request, "Published", moved, selected, "already published")

    @admin.action(description="Unpublish selected %(verbose_name_plural)s (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        selected = queryset.count()
        if not confirmed(request):
            return confirm_page(self, request, queryset, "unpublish", "Unpublish",
                                "Readers will no longer see them. They go back to draft.")
        moved = queryset.unpublish(user=request.user)
        self._report(request, "Unpublished", moved, selected, "they were not published")

    @admin.action(description="Archive selected %(verbose_name_plural)s")
    def archive(self, request, queryset):
        selected = queryset.count()
        if not self.has_publish_permission(request):
            queryset = queryset.exclude(status=Status.PUBLISHED)
        if not confirmed(request):
            return confirm_page(self, request, queryset, "archive", "Archive",
                                "Archived items are hidden from readers and from the review queue.")
        moved = queryset.archive(user=request.user)
        why = "already archived, or published: only Publishers can archive what is published"
        self._report(request, "Archived", moved, selected, why)

    @admin.action(description="Feature selected %(verbose_name_plural)s", permissions=["publish"])
    def feature(self, request, queryset):
        self._set_featured(request, queryset, True)

    @admin.action(description="Stop featuring selected %(verbose_name_plural)s", permissions=["publish"])
    def unfeature(self, request, queryset):
        self._set_featured(request, queryset, False)

    def _set_featured(self, request, queryset, featured: bool) -> None:
        if not self.has_publish_permission(request):
            raise PermissionDenied("Only Publishers decide what is featured on the home page.")
        selected = queryset.count()
        changed = queryset.set_featured(featured, user=request.user)
        self._report(request, "Featured" if featured else "Stopped featuring", changed, selected, "already so")

    @admin.action(description="Accept the proposed changes of selected %(verbose_name_plural)s",
                  permissions=["publish"])
    def accept_proposed_changes(self, request, queryset):
        self._decide(request, queryset, accept=True)

    @admin.action(description="Reject the proposed changes of selected %(verbose_name_plural)s",
                  permissions=["publish"])
    def reject_proposed_changes(self, request, queryset):
        self._decide(request, queryset, accept=False)

    def _decide(self, request, queryset, *, accept: bool) -> None:
        if not self.has_publish_permission(request):
            raise PermissionDenied("Only Publishers accept or reject proposed changes in bulk.")
        selected = queryset.count()
        decided = queryset.decide_proposals(accept=accept, user=request.user)
        verb = "Accepted" if accept else "Rejected"
        self._report(request, f"{verb} the proposed changes of", decided, selected, "no proposed changes waited")

    # Preview and proposed changes -----------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<path:object_id>/preview/", never_cache(self.preview_view), name=f"{prefix}_preview"),
            path("<path:object_id>/proposals/", self.admin_site.admin_view(self.proposals_view),
                 name=f"{prefix}_proposals"),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        """The page exactly as readers will see it, whatever its status. Staff only: 404 for others."""
        if not (request.user.is_active and request.user.is_staff and self.has_view_permission(request)):
            raise Http404
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        template = select_template([self.preview_template, "admin/clippings/preview_fallback.html"])
        context = {self.preview_context_name: obj, "object": obj, "preview": True}
        return TemplateResponse(request, template, context)

    def view_on_site(self, obj):
        """Readers' page when readers can see it; otherwise the staff preview, not a reader's 404."""
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_preview", args=[obj.pk])

    def proposals_view(self, request, object_id):
        """Accept or reject one proposed change (the POST names it: `accept` or `reject`, field:origin)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if obj.is_live and not self.has_publish_permission(request):
            raise PermissionDenied("Only Publishers accept or reject changes to what readers see: "
                                   "this item is published.")
        accept = "accept" in request.POST
        name, _, origin = request.POST.get("accept" if accept else "reject", "").partition(":")
        if obj.proposal(name, origin) is None:
            self.message_user(request, "That proposed change is no longer waiting.", messages.WARNING)
        else:
            self.model._default_manager.filter(pk=obj.pk).decide_proposals(
                accept=accept, user=request.user, only=(name, origin))
            verb = "Accepted" if accept else "Rejected"
            self.message_user(request, f"{verb} the proposed change of “{self._field_label(name)}”.")
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                                            args=[obj.pk]))

    def _field_label(self, name: str) -> str:
        return self.model.content_label(name)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, admin.utils.unquote(object_id))
        context = {"time_zone": settings.TIME_ZONE, **(extra_context or {})}
        if obj is not None:
            context["live_for_editor"] = obj.is_live and not self.has_publish_permission(request)
            context["may_decide"] = not obj.is_live or self.has_publish_permission(request)
        if obj is not None and obj.proposed_changes:
            context["proposals_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_proposals", args=[obj.pk])
            context["proposed_changes"] = [{
                "key": f"{p['field']}:{p['origin']}", "label": self._field_label(p["field"]),
                "current": shown(obj, p["field"], obj.current_source_json(p["field"])),
                "new": shown(obj, p["field"], p["new"]), "origin": Origin(p["origin"]).label, "by": p["by"],
                "at": parse_datetime(p["at"]) if p.get("at") else None,
            } for p in sorted(obj.proposed_changes, key=lambda p: (p["field"], p["origin"]))]
        return super().change_view(request, object_id, form_url, context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, admin.utils.unquote(object_id))
        live_for_editor = obj is not None and obj.is_live and not self.has_publish_permission(request)
        return super().history_form_view(request, object_id, version_id,
                                         {"live_for_editor": live_for_editor, **(extra_context or {})})

    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, {"time_zone": settings.TIME_ZONE, **(extra_context or {})})

    @admin.display(description="Links")
    def links(self, obj):
        if not obj.pk:
            return "-"
        preview = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_preview", args=[obj.pk])
        parts = [format_html('<a href="{}" target="_blank">Preview as readers will see it</a>', preview)]
        if obj.is_public:
            parts.append(format_html('<a href="{}" target="_blank">Public page</a>', obj.get_absolute_url()))
        original = getattr(obj, "link_out", "")
        if original:
            parts.append(format_html('<a href="{}" target="_blank" rel="noopener">Original</a>', original))
        return format_html_join(" · ", "{}", ((part,) for part in parts))


def may_change_beside(user, record) -> bool:
    """Whether the user may change what is shown beside this record (its related links, images):
    of a live record, that is a Publisher's change."""
    return record is None or not record.is_live or may_publish(user, type(record))


class LiveContentInline(NamedTabularInline):
    """Records shown beside a live one (related links, images) are read-only for Editors: readers see
    them, and no proposal holds them."""

    extra = 0

    def _may_change(self, request, obj) -> bool:
        return may_change_beside(request.user, obj)

    def has_add_permission(self, request, obj):
        return self._may_change(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change(request, obj) and super().has_delete_permission(request, obj)


def changed_content(stored, obj, form) -> dict:
    """The content fields (`CONTENT_FIELDS`) whose value a form's save changes, with their new values
    in the JSON form a proposal keeps; many-to-many fields are read from the form, saved after."""
    changed = {}
    for name in obj.CONTENT_FIELDS:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            if name not in form.cleaned_data:
                continue
            value, current = obj.related_json(name, form.cleaned_data[name]), stored.current_source_json(name)
        else:
            value, current = getattr(obj, field.attname), getattr(stored, field.attname)
            widget = form.fields[name].widget if name in form.fields else None
            if isinstance(current, datetime) and widget is not None and not widget.supports_microseconds:
                current = current.replace(microsecond=0)  # the form shows, and posts, whole seconds
            value, current = as_source_json(value), as_source_json(current)
        if value != current:
            changed[name] = value
    return changed


def shown(obj, name: str, value):
    """A value of a proposal (JSON form) as an editor reads it: names for related records, local times."""
    if value in (None, "", []):
        return "—"
    if beside := obj.CONTENT_BESIDE.get(name):
        return beside.shown(value)
    field = obj._meta.get_field(name)
    if field.many_to_many and name != "topics":
        return ", ".join(map(str, field.related_model._default_manager.filter(pk__in=value)))
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if field.is_relation:
        return str(field.related_model._default_manager.filter(pk=value).first() or value)
    if field.get_internal_type() == "DateTimeField" and (moment := parse_datetime(str(value))):
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    return value


def confirmed(request) -> bool:
    return request.POST.get("confirm") == "yes"


def confirm_page(model_admin, request, queryset, action: str, verb: str, consequence: str):
    """An intermediate page that asks before a destructive bulk action."""
    return TemplateResponse(request, "admin/clippings/confirm_action.html", {
        **model_admin.admin_site.each_context(request),
        "title": f"{verb} {queryset.count()} {model_ngettext(model_admin.opts, queryset.count())}?",
        "opts": model_admin.opts, "queryset": queryset[:50], "count": queryset.count(), "action": action,
        "verb": verb, "consequence": consequence, "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
    })
