from .articles import ARTICLE_SOURCE_FIELDS, Article, ArticleQuerySet, Image, RelatedLink
from .editorial import Editorial, EditorialQuerySet, Imported, Status
from .imports import ImportRun
from .press_releases import PRESS_RELEASE_SOURCE_FIELDS, PressRelease
from .providers import Provider
from .tagging import add_topic, delete_topics, merge_topics, remove_topic
from .topics import Topic
from .versions import ContentVersion

__all__ = [
    "ARTICLE_SOURCE_FIELDS", "PRESS_RELEASE_SOURCE_FIELDS", "Article", "ArticleQuerySet", "ContentVersion", "Editorial",
    "EditorialQuerySet", "Image", "ImportRun", "Imported", "PressRelease", "Provider", "RelatedLink",
    "Status", "Topic", "add_topic", "delete_topics", "merge_topics", "remove_topic",
]
