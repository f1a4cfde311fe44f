"""Coverage: the filterable list and the article page."""

from django.db.models import Prefetch
from django.shortcuts import redirect
from django.views.generic import DetailView
from django_filters.views import FilterView

from clippings.filters import ArticleFilter
from clippings.models import Article, PressRelease, RelatedLink

from .mixins import CoverageListMixin, search_notes


class ArticleListView(CoverageListMixin, FilterView):
    filterset_class = ArticleFilter
    template_name = "clippings/article_filter.html"
    # An invalid filter (a mistyped date) shows everything rather than nothing.
    strict = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        searched = context["filter"].searched  # None without a text search
        if searched is None:
            return context
        return {**context, **search_notes(searched.queryset, searched.text, context["object_list"],
                                          topic=searched.topic)}


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.for_readers().for_listing().prefetch_related(
            Prefetch("related_links", queryset=RelatedLink.objects.select_related("target", "provider").defer(
                *(f"target__{name}" for name in Article.PRIVATE_FIELDS)
            )),
            Prefetch("press_releases", queryset=PressRelease.objects.for_readers(), to_attr="public_press_releases"),
            "images",
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.slug and self.object.slug != kwargs["slug"]:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))
