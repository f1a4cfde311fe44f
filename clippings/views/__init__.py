"""The public newsroom's views: thin classes over the published querysets."""

from .articles import ArticleDetailView, ArticleListView
from .pages import HomeView, SearchView, robots_txt
from .press_releases import PressReleaseDetailView, PressReleaseListView
from .topics import ProviderDetailView, TopicDetailView, TopicListView

__all__ = [
    "ArticleDetailView", "ArticleListView", "HomeView", "PressReleaseDetailView", "PressReleaseListView",
    "ProviderDetailView", "SearchView", "TopicDetailView", "TopicListView", "robots_txt",
]
