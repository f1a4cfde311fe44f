from .articles import ARTICLE_SOURCE_FIELDS, Article, ArticleQuerySet, Image, RelatedLink
from .editorial import Editorial, EditorialQuerySet, Imported, Status
from .imports import ImportRun
from .press_releases import PRESS_RELEASE_SOURCE_FIELDS, PressRelease
from .providers import Provider
from .tagging import Merged, add_topic, delete_topics, ignore_topics, merge_topics, remove_topic
from .topics import Topic, TopicAlias, TopicSlug, fold
from .versions import ContentVersion

__all__ = [
    "ARTICLE_SOURCE_FIELDS", "PRESS_RELEASE_SOURCE_FIELDS", "Article", "ArticleQuerySet", "ContentVersion", "Editorial",
    "EditorialQuerySet", "Image", "ImportRun", "Imported", "PressRelease", "Provider", "RelatedLink",
    "Merged", "Status", "Topic", "TopicAlias", "TopicSlug", "add_topic", "delete_topics", "fold", "ignore_topics",
    "merge_topics", "remove_topic",
]
