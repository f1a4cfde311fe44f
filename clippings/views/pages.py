"""The home page, search across coverage and press releases, and robots.txt."""

from django.http import HttpResponse
from django.urls import reverse
from django.views.generic import ListView, TemplateView

from clippings import search
from clippings.models import Article, PressRelease
from clippings.search import search_articles, search_press_releases

from .mixins import CoverageListMixin, search_notes
from .topics import topics_with_coverage


class HomeView(TemplateView):
    template_name = "clippings/home.html"

    def get_context_data(self, **kwargs):
        coverage = Article.objects.for_readers().for_listing()
        return super().get_context_data(
            featured=coverage.filter(featured=True)[:3],
            latest=coverage[:10],
            press_releases=PressRelease.objects.for_readers()[:5],
            topics=topics_with_coverage(),
            **kwargs,
        )


class SearchView(CoverageListMixin, ListView):
    """Coverage matching the query, the best of the newest matches first, how many match (up to
    "1,000 or more"), and the first few matching press releases."""

    template_name = "clippings/search.html"

    def get_query(self) -> str:
        return self.request.GET.get("q", "").strip()[:200]

    def get_queryset(self):
        query = self.get_query()
        return search_articles(super().get_queryset(), query) if query else Article.objects.none()

    def get_context_data(self, **kwargs):
        query = self.get_query()
        press_releases = list(search_press_releases(PressRelease.objects.for_readers(), query)[:5]) if query else []
        context = super().get_context_data(query=query, press_releases=press_releases, **kwargs)
        return {
            **context, **search_notes(super().get_queryset(), query, context["object_list"]),
            "press_releases_capped": bool(press_releases)
            and press_releases[0].search_matches >= search.RANKED_PRESS_RELEASES,
            "ranked_press_releases": search.RANKED_PRESS_RELEASES,
        }


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("clippings:sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
