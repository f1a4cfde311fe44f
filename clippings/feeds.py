"""Feeds of the published coverage and press releases, as RSS 2.0, Atom and JSON Feed 1.1.

One base class says how an item is shown; each feed sets only what differs. The format is chosen
when the URL is declared (`CoverageFeed(JSONFeed)`), so every feed exists in all three formats.
Descriptions are source text, escaped here because feed readers read them as HTML.
"""

import json
from datetime import datetime, time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils import feedgenerator, timezone
from django.utils.html import escape

from .models import Article, PressRelease, Topic
from .views.topics import redirect_moved_topic


class JSONFeed(feedgenerator.SyndicationFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.feed["title"],
            "home_page_url": self.feed["link"],
            "feed_url": self.feed["feed_url"],
            "description": self.feed["description"],
            "language": self.feed["language"],
            "authors": [{"name": self.feed["author_name"]}],
            "items": [self.json_item(item) for item in self.items],
        }
        outfile.write(json.dumps(feed, ensure_ascii=False, indent=1))

    def json_item(self, item) -> dict:
        entry = {
            "id": item["unique_id"] or item["link"],
            "url": item["link"],
            "title": item["title"],
            "content_html": item["description"],
            "tags": item["categories"],
        }
        if item["pubdate"]:
            entry["date_published"] = item["pubdate"].isoformat()
        if item["updateddate"]:
            entry["date_modified"] = item["updateddate"].isoformat()
        if item["author_name"]:
            entry["authors"] = [{"name": item["author_name"]}]
        return entry


FORMATS = {"rss": feedgenerator.Rss201rev2Feed, "atom": feedgenerator.Atom1Feed, "json": JSONFeed}


class NewsroomFeed(Feed):
    link = reverse_lazy("clippings:article_list")
    language = "en"

    def __init__(self, feed_type=feedgenerator.Rss201rev2Feed):
        super().__init__()
        self.feed_type = feed_type

    def author_name(self):
        return settings.NEWSROOM_ORGANIZATION

    def item_title(self, item):
        return item.title

    def item_updateddate(self, item):
        return item.updated_at


class CoverageFeed(NewsroomFeed):
    title = "Latest coverage"
    description = "Press coverage of the issues we campaign on."

    def items(self):
        return Article.objects.for_readers().for_listing()[:30]

    def item_description(self, item):
        return escape(item.excerpt)

    def item_pubdate(self, item):
        return item.published_at or item.went_live_at

    def item_author_name(self, item):
        return item.provider.name

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]


class TopicCoverageFeed(CoverageFeed):
    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except Http404:
            if moved := redirect_moved_topic(request, kwargs["slug"]):  # a renamed or merged topic
                return moved
            raise

    def get_object(self, request, slug):
        # Public as its page is: a topic without published coverage has no feed either.
        return get_object_or_404(Topic.objects.with_published_coverage(), slug=slug)

    def title(self, topic):
        return f"Coverage of {topic.name}"

    def link(self, topic):
        return topic.get_absolute_url()

    def items(self, topic):
        return Article.objects.for_readers().for_listing().filter(topics=topic)[:30]


class PressReleaseFeed(NewsroomFeed):
    title = "Press releases"
    description = "The organization's press releases."
    link = reverse_lazy("clippings:press_release_list")

    def items(self):
        return PressRelease.objects.for_readers()[:30]

    def item_description(self, item):
        return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in item.paragraphs)

    def item_pubdate(self, item):
        if item.date:
            return timezone.make_aware(datetime.combine(item.date, time(12)))
        return item.went_live_at
