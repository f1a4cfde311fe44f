"""sitemap.xml: every public page, published content only."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, PressRelease, Provider
from .views.topics import topics_with_coverage


class NewsroomSitemap(Sitemap):
    limit = 10000

    def lastmod(self, item):
        return item.updated_at


class ArticleSitemap(NewsroomSitemap):
    def items(self):
        return Article.objects.published().only("pk", "slug", "updated_at").order_by("pk")


class PressReleaseSitemap(NewsroomSitemap):
    def items(self):
        return PressRelease.objects.published().only("pk", "slug", "updated_at").order_by("pk")


class TopicSitemap(NewsroomSitemap):
    def items(self):
        return topics_with_coverage()

    def lastmod(self, item):
        return None


class ProviderSitemap(Sitemap):
    limit = 10000

    def items(self):
        return Provider.objects.with_published_coverage().order_by("pk")


class PagesSitemap(Sitemap):
    def items(self):
        return ["clippings:home", "clippings:article_list", "clippings:press_release_list", "clippings:topic_list"]

    def location(self, item):
        return reverse(item)


sitemaps = {
    "pages": PagesSitemap, "coverage": ArticleSitemap, "press-releases": PressReleaseSitemap,
    "topics": TopicSitemap, "providers": ProviderSitemap,
}
