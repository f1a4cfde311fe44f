"""The article desk: the list editors scan, and the page where they correct and tag a clipping."""

from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.utils.html import format_html

from ..models import Article, Image, RelatedLink, Status, Topic, add_topic, remove_topic
from .filters import HasRelatedCoverageFilter, KindFilter, ProposedChangesFilter
from .mixins import PROVENANCE_FIELDS, EditorialAdmin, LiveContentInline, confirm_page, confirmed


class RelatedLinkInline(LiveContentInline):
    model = RelatedLink
    fk_name = "article"
    fields = ("position", "title", "url", "web_url", "provider", "published_at", "kind", "quality", "target")
    autocomplete_fields = ("provider",)
    raw_id_fields = ("target",)  # a select of every article would list 100,000 of them


class ImageInline(LiveContentInline):
    model = Image
    fk_name = "article"
    fields = ("url", "width", "height", "cached_at_source", "file")


@admin.register(Article)
class ArticleAdmin(EditorialAdmin):
    preview_template = "clippings/article_detail.html"
    preview_context_name = "article"
    list_display = ("title", "provider", "published_at", "quality", "status", "topic_names", "featured")
    list_display_links = ("title",)
    list_editable = ("status", "featured")
    list_filter = ("status", "featured", "provider", "topics", KindFilter, "published_at",
                   HasRelatedCoverageFilter, ProposedChangesFilter)
    list_select_related = ("provider",)
    search_fields = ("title", "excerpt", "provider__name", "url")
    date_hierarchy = "published_at"
    sortable_by = ("title", "provider", "published_at", "quality", "status", "featured")
    ordering = ("-published_at", "-id")
    autocomplete_fields = ("provider", "topics")
    inlines = (RelatedLinkInline, ImageInline)
    actions = [*EditorialAdmin.actions, "add_topic", "remove_topic"]
    readonly_fields = ("links", *PROVENANCE_FIELDS, "original_link", "amp_link", "cdn_amp_link", "went_live_at",
                       "created_at", "updated_at", "edited_fields")
    fieldsets = (
        (None, {"fields": ("title", "excerpt", "provider", "published_at", "topics", "links")}),
        ("Editorial", {"fields": ("status", "featured", "publish_at", "unpublish_at", "went_live_at",
                                  "editor_notes")}),
        ("Source", {"fields": ("url", "web_url", "category", "kind", "quality", "heat", "source_published",
                               "slug")}),
        ("Provenance", {"classes": ("collapse",), "fields": (
            *PROVENANCE_FIELDS, "original_link", "amp_link", "cdn_amp_link", "edited_fields", "created_at",
            "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics")

    @admin.display(description="topics")
    def topic_names(self, obj):
        return ", ".join(topic.name for topic in obj.topics.all())

    @admin.display(description="original URL")
    def original_link(self, obj):
        return _link(obj.original_url)

    @admin.display(description="AMP URL")
    def amp_link(self, obj):
        return _link(obj.amp_url)

    @admin.display(description="CDN AMP URL")
    def cdn_amp_link(self, obj):
        return _link(obj.cdn_amp_url)

    # Tagging in bulk ------------------------------------------------------------------------

    @admin.action(description="Add a topic to selected articles")
    def add_topic(self, request, queryset):
        return self._retag(request, queryset, adding=True)

    @admin.action(description="Remove a topic from selected articles")
    def remove_topic(self, request, queryset):
        return self._retag(request, queryset, adding=False)

    def _retag(self, request, queryset, *, adding: bool):
        action, verb = ("add_topic", "Add a topic to") if adding else ("remove_topic", "Remove a topic from")
        topic = Topic.objects.filter(pk=request.POST.get("topic") or None).first()
        if topic is None or not confirmed(request):
            response = confirm_page(self, request, queryset, action, verb,
                                    "Choose the topic. The change is kept even when the articles are re-imported.")
            response.template_name = "admin/clippings/choose_topic.html"
            response.context_data["topics"] = Topic.objects.all()
            return response
        proposed = 0
        if not self.has_publish_permission(request):  # a live article's topics change when a Publisher accepts
            live, queryset = queryset.filter(status=Status.PUBLISHED), queryset.exclude(status=Status.PUBLISHED)
            proposed = live.propose_changes(lambda article: _retagged(article, topic, adding), user=request.user,
                                            reason=f"Proposed: topic “{topic}” {'added' if adding else 'removed'}")
        changed = (add_topic if adding else remove_topic)(queryset, topic, user=request.user)
        done = f"Added “{topic}” to" if adding else f"Removed “{topic}” from"
        self.message_user(request, f"{done} {changed} {model_ngettext(self.opts, changed)}.",
                          messages.SUCCESS if changed or proposed else messages.WARNING)
        if proposed:
            self.message_user(request, f"Proposed for {proposed} published {model_ngettext(self.opts, proposed)}: "
                                       "readers see the change once a Publisher accepts it.", messages.WARNING)
        return None


def _retagged(article: Article, topic: Topic, adding: bool) -> dict:
    """An article's topics (by name) with `topic` added or removed, on top of the editors' proposal if any."""
    proposal = article.proposal("topics", "editor")
    names = set(proposal["new"] if proposal else article.current_source_json("topics"))
    names = names | {topic.name} if adding else names - {topic.name}
    return {"topics": sorted(names)}


def _link(url: str):
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url) if url else "-"
