"""The product's URLs plus the views every public page is measured against:

- trivial: a constant response, through the same middleware (the baseline of the ratios);
- floor, queries: the coverage list's first page fetched as the page fetches it (the newest 21
  published articles, their providers and topics), nothing rendered;
- floor, minimal page: the same, rendered with the least a list page shows (each title linked,
  its provider and date) in one small template: no layout, facets, excerpts or topics.

The two floors tell how much of a page's cost is the fetching, and what a page listing anything
costs at the least on this server, whatever else it shows.
"""

from django.http import HttpResponse
from django.template import Context, Template
from django.urls import include, path

from clippings.views.mixins import CoverageListMixin

MINIMAL_PAGE = Template(
    "<!doctype html><html lang=\"en\"><title>Coverage</title><h1>Coverage</h1><ul>"
    "{% for article in articles %}<li><a href=\"{{ article.get_absolute_url }}\">{{ article.title }}</a> "
    "{{ article.provider.name }} {{ article.published_at|date:'N j, Y' }}</li>{% endfor %}</ul></html>"
)


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


def newest():
    # The coverage list's own queryset (in the model's order, newest first), and the 21 rows its
    # paginator reads to know whether a next page exists.
    return list(CoverageListMixin().get_queryset()[:21])


def floor_queries(request):
    return HttpResponse(f"{len(newest())}", content_type="text/plain")


def floor_page(request):
    return HttpResponse(MINIMAL_PAGE.render(Context({"articles": newest()[:20]})))


urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/floor/queries/", floor_queries),
    path("bench/floor/page/", floor_page),
    path("", include("newsroom.urls")),
]
