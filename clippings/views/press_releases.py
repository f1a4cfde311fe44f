"""The organization's press releases: the list and the release with the coverage it earned."""

from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from clippings.models import Article, PressRelease
from clippings.pagination import UncountedPaginator


class PublishedPressReleasesMixin:
    paginate_by = 20
    paginator_class = UncountedPaginator

    def get_queryset(self):
        return PressRelease.objects.for_readers()


class PressReleaseListView(PublishedPressReleasesMixin, ListView):
    context_object_name = "press_releases"


class PressReleaseDetailView(PublishedPressReleasesMixin, DetailView):
    context_object_name = "press_release"

    def get_queryset(self):
        return super().get_queryset().prefetch_related(
            Prefetch("coverage", queryset=Article.objects.for_readers().for_listing(), to_attr="public_coverage"),
        )
