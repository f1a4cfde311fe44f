"""Topic and provider pages: the published coverage of one topic, or from one provider."""

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import ListView

from clippings.cache import cached_data
from clippings.models import Provider, Topic

from .mixins import CoverageListMixin


def topics_with_coverage() -> list[Topic]:
    """Topics that have published coverage (a topic with none is not shown to readers)."""
    return cached_data("topics-with-coverage", lambda: list(
        Topic.objects.with_published_coverage()
    ))


def redirect_moved_topic(request, slug: str) -> HttpResponsePermanentRedirect | None:
    """For an old slug of a renamed or merged topic, a 301 to the same page (or feed) of the topic
    it is now, query kept; None when there is none, or nothing of it is published (a redirect
    would name it)."""
    topic = Topic.objects.with_published_coverage().moved_from(slug)
    if topic is None:
        return None
    url = reverse(request.resolver_match.view_name, kwargs={**request.resolver_match.kwargs, "slug": topic.slug})
    query = request.META.get("QUERY_STRING")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


class TopicListView(ListView):
    template_name = "clippings/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        return topics_with_coverage()


class CoverageOfMixin(CoverageListMixin):
    """The coverage of one topic or provider; a 404 when none of it is published (the rule its
    feed and the sitemap follow too: `with_published_coverage()`)."""

    model_of_page = None
    context_name = None

    def get(self, request, *args, **kwargs):
        self.owner = get_object_or_404(self.model_of_page.objects.with_published_coverage(), slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), self.context_name: self.owner}


class TopicDetailView(CoverageOfMixin, ListView):
    model_of_page = Topic
    context_name = "topic"
    template_name = "clippings/topic_detail.html"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            if moved := redirect_moved_topic(request, kwargs["slug"]):
                return moved
            raise

    def get_queryset(self):
        return super().get_queryset().filter(topics=self.owner)


class ProviderDetailView(CoverageOfMixin, ListView):
    model_of_page = Provider
    context_name = "provider"
    template_name = "clippings/provider_detail.html"

    def get_queryset(self):
        return super().get_queryset().filter(provider=self.owner)
