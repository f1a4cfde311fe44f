"""Who may do what to editorial state: the one place the publish permission is checked.

Editors curate, tag and send to review; only Publishers make something public or withdraw it
(including scheduling either), change what readers see of a live item (an Editor's change waits as
a proposed change), and decide what is featured. The change form, the list's inline edits, history
reverts and the bulk actions all go through `may_publish` and `EditorialForm`.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.views.defaults import permission_denied

from ..models import Status
from ..models.editorial import needs_publish_permission
from .history import VersionForm

SCHEDULE_FIELDS = ("publish_at", "unpublish_at")


def may_publish(user, model) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{get_permission_codename('publish', opts)}")


def check_status_change(user, model, before: str, after: str) -> None:
    """Refuse, on the server, a change of status the user may not make."""
    if needs_publish_permission(before, after) and not may_publish(user, model):
        raise PermissionDenied("Only Publishers can publish or unpublish.")


class EditorialForm(VersionForm):
    """Validates status and schedule changes against the user's role (set as `may_publish`)."""

    may_publish = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status_before = self.instance.status if self.instance.pk else Status.DRAFT
        for name in SCHEDULE_FIELDS:
            if name in self.fields:
                self.fields[name].help_text += f" Time zone: {settings.TIME_ZONE}."
        if not self.may_publish and "featured" in self.fields:  # the list's inline edit: a value posted is ignored
            self.fields["featured"].disabled = True
            self.fields["featured"].help_text = "Only Publishers decide what is featured."

    def clean(self):
        cleaned = super().clean()
        if self.may_publish:
            return cleaned
        status = cleaned.get("status", self.status_before)
        if needs_publish_permission(self.status_before, status):
            self.add_error("status", "Only Publishers can publish or unpublish. Send it to review instead.")
        for name in SCHEDULE_FIELDS:
            if name in self.changed_data:
                self.add_error(name, "Only Publishers can schedule publishing.")
        return cleaned


def refused(request, exception=None):
    """The page of a refused request (403): in the admin, the admin's own page with the reason;
    elsewhere, Django's."""
    match = getattr(request, "resolver_match", None)
    if match is None or admin.site.name not in match.namespaces:
        return permission_denied(request, exception)
    reason = str(exception or "") or "You do not have permission to do that."
    return TemplateResponse(request, "admin/refused.html", {
        **admin.site.each_context(request), "title": "Not allowed", "reason": reason,
    }, status=403)
