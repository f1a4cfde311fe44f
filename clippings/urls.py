"""Public URLs of the newsroom. Every page goes through `public_page`: cached for anonymous
readers, conditional GET for everyone."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import views
from .cache import public_page
from .feeds import FORMATS, CoverageFeed, PressReleaseFeed, TopicCoverageFeed
from .sitemaps import sitemaps

app_name = "clippings"


def feed_paths(route: str, feed_class, name: str) -> list:
    """The feed in each format: `<route>.rss`, `.atom` and `.json`, named `<name>_rss`, ..."""
    return [
        path(f"{route}.{extension}", public_page(feed_class(feed_type)), name=f"{name}_{extension}")
        for extension, feed_type in FORMATS.items()
    ]


urlpatterns = [
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("coverage/", public_page(views.ArticleListView.as_view()), name="article_list"),
    path("coverage/<int:pk>/<str:slug>/", public_page(views.ArticleDetailView.as_view()), name="article_detail"),
    path("press-releases/", public_page(views.PressReleaseListView.as_view()), name="press_release_list"),
    path("press-releases/<slug:slug>/", public_page(views.PressReleaseDetailView.as_view()),
         name="press_release_detail"),
    path("topics/", public_page(views.TopicListView.as_view()), name="topic_list"),
    path("topics/<slug:slug>/", public_page(views.TopicDetailView.as_view()), name="topic_detail"),
    path("providers/<slug:slug>/", public_page(views.ProviderDetailView.as_view()), name="provider_detail"),
    path("search/", public_page(views.SearchView.as_view()), name="search"),
    *feed_paths("feeds/coverage", CoverageFeed, "coverage_feed"),
    *feed_paths("topics/<slug:slug>/feed", TopicCoverageFeed, "topic_feed"),
    *feed_paths("feeds/press-releases", PressReleaseFeed, "press_release_feed"),
    path("sitemap.xml", public_page(sitemap_views.index), {"sitemaps": sitemaps,
         "sitemap_url_name": "clippings:sitemap_section"}, name="sitemap"),
    path("sitemap-<section>.xml", public_page(sitemap_views.sitemap), {"sitemaps": sitemaps},
         name="sitemap_section"),
    path("robots.txt", public_page(views.robots_txt), name="robots_txt"),
]
