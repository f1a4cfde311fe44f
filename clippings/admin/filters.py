"""List filters the desk uses beside the ordinary field filters."""

from django.contrib import admin
from django.db.models import Exists, OuterRef

from ..cache import shared_get_or_set
from ..models import Provider, RelatedLink


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


class ProviderFilter(admin.RelatedFieldListFilter):
    """Only the providers with articles: those known from related links alone would filter to nothing."""

    def field_choices(self, field, request, model_admin):
        # Finding them probes the articles' provider index once per provider: remembered for ten minutes.
        with_articles = shared_get_or_set(
            f"desk:{model_admin.opts.label_lower}:providers",
            lambda: list(Provider.objects.filter(Exists(model_admin.model.objects.filter(provider=OuterRef("pk"))))
                         .values_list("pk", flat=True)),
            600)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to={"pk__in": with_articles})
