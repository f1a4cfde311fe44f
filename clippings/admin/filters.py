"""List filters the desk uses beside the ordinary field filters."""

from django.contrib import admin
from django.db.models import Exists, OuterRef

from ..cache import shared_get_or_set
from ..models import RelatedLink


class HasRelatedCoverageFilter(admin.SimpleListFilter):
    title = "related coverage"
    parameter_name = "has_related"

    def lookups(self, request, model_admin):
        return [("yes", "Has related coverage"), ("no", "No related coverage")]

    def queryset(self, request, queryset):
        related = Exists(RelatedLink.objects.filter(article=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(related)
        if self.value() == "no":
            return queryset.filter(~related)
        return queryset


class ProposedChangesFilter(admin.SimpleListFilter):
    title = "proposed changes"
    parameter_name = "proposals"

    def lookups(self, request, model_admin):
        return [("waiting", "Proposals waiting")]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.with_proposed_changes()
        return queryset


class KindFilter(admin.SimpleListFilter):
    """The clipping's type (article, video, ...), listed from the values in use."""

    title = "type"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        # The distinct values take a scan of the table: remembered for ten minutes.
        kinds = shared_get_or_set(
            f"desk:{model_admin.opts.label_lower}:kinds",
            lambda: list(model_admin.model.objects.order_by("kind").values_list("kind", flat=True).distinct()),
            600)
        return [(kind, kind.capitalize()) for kind in kinds if kind]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset
