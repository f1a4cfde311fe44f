"""What the article and press release admins share: workflow, roles, history, preview, upstream changes."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.cache import never_cache

from ..models import Status
from ..models.history import keep_imported_state, relations_without_versions
from ..signals import content_changed
from .dates import DateHierarchyLinks
from .history import VersionHistoryAdmin
from .paginator import CappedCountPaginator
from .workflow import SCHEDULE_FIELDS, EditorialForm, check_status_change, may_publish

PROVENANCE_FIELDS = ("source_name", "source_hash", "first_imported_at", "last_imported_at")


class DeskAdmin(admin.ModelAdmin):
    """Lists that stay fast on a hundred thousand rows: no full count, every page reachable."""

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
    source_fields: tuple[str, ...] = ()
    preview_template = ""
    preview_context_name = ""
    actions = ["send_to_review", "publish", "unpublish", "archive", "feature", "unfeature"]
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
            readonly += SCHEDULE_FIELDS
            if obj is not None and obj.status == Status.PUBLISHED:
                readonly.append("status")
        return readonly

    def save_model(self, request, obj, form, change):
        before = Status.DRAFT
        if change:
            stored = type(obj)._default_manager.get(pk=obj.pk)
            keep_imported_state([stored])
            before = stored.status
            edited = [name for name in form.changed_data if name in self.source_fields]
            obj.mark_edited(*edited)
        check_status_change(request.user, self.model, before, obj.status)
        if before != obj.status:
            obj.move_to(obj.status, previous=before)
        super().save_model(request, obj, form, change)

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

    @admin.action(description="Feature selected %(verbose_name_plural)s")
    def feature(self, request, queryset):
        self._set_featured(request, queryset, True)

    @admin.action(description="Stop featuring selected %(verbose_name_plural)s")
    def unfeature(self, request, queryset):
        self._set_featured(request, queryset, False)

    def _set_featured(self, request, queryset, featured: bool) -> None:
        selected = queryset.count()
        changed = queryset.set_featured(featured, user=request.user)
        self._report(request, "Featured" if featured else "Stopped featuring", changed, selected, "already so")

    # Preview and upstream changes -----------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<path:object_id>/preview/", never_cache(self.preview_view), name=f"{prefix}_preview"),
            path("<path:object_id>/upstream/", self.admin_site.admin_view(self.upstream_view),
                 name=f"{prefix}_upstream"),
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

    def upstream_view(self, request, object_id):
        """Accept or dismiss a new source value for a field an editor corrected."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        decision = "accept" if "upstream_accept" in request.POST else "dismiss"
        name = request.POST.get(f"upstream_{decision}", "")
        if name not in obj.upstream_changes:
            self.message_user(request, "That upstream change is no longer pending.", messages.WARNING)
        else:
            keep_imported_state([obj])
            with relations_without_versions(obj):  # accepting topics sets them now; the save records them
                if decision == "accept":
                    obj.accept_upstream_change(name)
                else:
                    obj.dismiss_upstream_change(name)
            obj._history_user = request.user
            obj._change_reason = f"{decision}ed the source's new {name}"
            obj.save()
            content_changed.send(sender=self.model, instances=[obj])
            verb = "Took the source's new value" if decision == "accept" else "Kept your value"
            self.message_user(request, f"{verb} for “{self._field_label(name)}”.")
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                                            args=[obj.pk]))

    def _field_label(self, name: str) -> str:
        return str(self.opts.get_field(name).verbose_name)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, admin.utils.unquote(object_id))
        context = {"time_zone": settings.TIME_ZONE, **(extra_context or {})}
        if obj is not None and obj.upstream_changes:
            context["upstream_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_upstream", args=[obj.pk])
            context["upstream_changes"] = [
                (name, self._field_label(name), obj.current_source_json(name), value)
                for name, value in sorted(obj.upstream_changes.items())
            ]
        return super().change_view(request, object_id, form_url, context)

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
