"""Topics: create, rename, merge two into one without losing a tagging, and delete; their aliases
and the source names imports ignore.

Merging and deleting record a version of every article whose topics they change. A rename or a
merge keeps the old name as an alias, so that no import brings the old topic back."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.html import format_html_join

from ..importer import unique_slug
from ..models import Topic, TopicAlias, TopicSlug, delete_topics, fold, ignore_topics, merge_topics
from ..signals import content_changed
from .mixins import DeskAdmin

MERGE_HINT = "To combine two topics, use “Merge selected topics into one topic” on the topic list."


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ("name", "slug", "description")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if clash := Topic.objects.named(name).exclude(pk=self.instance.pk).first():
            raise forms.ValidationError(
                f"There is already a topic “{clash}”. Topic names are the same whatever their case; {MERGE_HINT}")
        alias = TopicAlias.objects.named(name).exclude(topic=self.instance.pk or -1).select_related("topic").first()
        if alias and alias.topic:
            raise forms.ValidationError(f"“{alias.name}” is an alias of the topic “{alias.topic}”. {MERGE_HINT}")
        if alias:
            raise forms.ValidationError(f"“{alias.name}” is an ignored name: imports drop it. Remove it from "
                                        "“Topic aliases and ignored names” first to use it as a topic’s name.")
        return name

    def clean(self):
        cleaned = super().clean()
        # A rename renames the address too, unless the editor chose one (the old one redirects).
        if self.instance.pk and "name" in self.changed_data and "slug" not in self.changed_data \
                and not self.errors:
            taken = {*Topic.objects.exclude(pk=self.instance.pk).values_list("slug", flat=True),
                     *TopicSlug.objects.exclude(topic=self.instance.pk).values_list("slug", flat=True)}
            cleaned["slug"] = unique_slug(Topic, cleaned["name"], taken, 100)
        return cleaned


class AliasFormSet(forms.BaseInlineFormSet):
    """Two new aliases the same whatever their case, or one the topic's own name, are form errors
    (not a failed save): the database folds them, so it is asked."""

    def clean(self):
        super().clean()
        rows = [form for form in self.forms if form.has_changed() and form.cleaned_data.get("name")
                and not form.cleaned_data.get("DELETE")]
        folded = fold([self.instance.name, *(form.cleaned_data["name"] for form in rows)])
        seen = {folded[self.instance.name]}
        for form in rows:
            key = folded[form.cleaned_data["name"]]
            if key in seen:
                form.add_error("name", "This name is the topic’s own name or another alias here, whatever its case.")
            seen.add(key)


class TopicAliasInline(admin.TabularInline):
    model = TopicAlias
    formset = AliasFormSet
    fields = ("name",)
    extra = 0
    verbose_name = "alias"
    verbose_name_plural = "aliases: source names that tag this topic (kept from renames and merges)"


@admin.register(Topic)
class TopicAdmin(DeskAdmin):
    form = TopicForm
    list_display = ("name", "slug", "article_count")
    # An editor typing an alias ("AI") finds the topic it tags; an ignored name tags none.
    search_fields = ("name", "slug", "aliases__name")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("old_addresses",)
    inlines = [TopicAliasInline]
    actions = ["merge", "ignore"]

    def get_queryset(self, request):
        # Distinct: a search by alias joins the aliases, which would count each article once per alias.
        # Ordered again: a GROUP BY drops Meta.ordering, and the autocomplete pages what it gets.
        return (super().get_queryset(request).annotate(article_total=Count("articles", distinct=True))
                .order_by("name"))

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, obj):
        return obj.article_total

    @admin.display(description="old addresses (redirect here)")
    def old_addresses(self, obj):
        slugs = list(obj.old_slugs.values_list("slug", flat=True)) if obj.pk else []
        return format_html_join(", ", "<code>{}</code>", ((slug,) for slug in slugs)) or "–"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        content_changed.send(sender=Topic, instances=[obj])

    # Deleting a topic untags its articles: each records a version, as a merge does.
    def delete_model(self, request, obj):
        delete_topics([obj], user=request.user)

    def delete_queryset(self, request, queryset):
        delete_topics(list(queryset), user=request.user)

    @admin.action(description="Merge selected topics into one topic", permissions=["change"])
    def merge(self, request, queryset):
        topics = list(queryset.order_by("name"))
        if len(topics) < 2:
            self.message_user(request, "Select at least two topics to merge.", messages.WARNING)
            return None
        keep = next((t for t in topics if str(t.pk) == request.POST.get("keep")), None)
        if keep is None or request.POST.get("confirm") != "yes":
            return TemplateResponse(request, "admin/clippings/merge_topics.html", {
                **self.admin_site.each_context(request), "title": "Merge topics", "opts": self.opts,
                "topics": topics, "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            })
        merged = [t for t in topics if t != keep]
        names = ", ".join(f"“{t}”" for t in merged)
        self.log_deletions(request, queryset.exclude(pk=keep.pk))  # the history page names them from the log
        counts = merge_topics(keep=keep, merged=merged, user=request.user)
        removed = f"{len(merged)} topic{'s' if len(merged) != 1 else ''}"
        summary = (f"Merged {names} into “{keep}”: {_articles(counts.tagged)} newly tagged “{keep}”, "
                   f"{_articles(counts.already_tagged)} already tagged; {removed} removed, "
                   f"{'their names kept as aliases' if len(merged) != 1 else 'its name kept as an alias'}.")
        self.log_change(request, keep, summary)
        self.message_user(request, summary)
        return None

    # A curation, as a merge is (which deletes topics too): an editor's to make.
    @admin.action(description="Delete selected topics and ignore their names in imports", permissions=["change"])
    def ignore(self, request, queryset):
        topics = list(queryset.order_by("name"))
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(request, "admin/clippings/ignore_topics.html", {
                **self.admin_site.each_context(request), "title": "Delete and ignore topics", "opts": self.opts,
                "topics": topics, "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            })
        names = ", ".join(f"“{t}”" for t in topics)
        self.log_deletions(request, queryset)
        untagged = ignore_topics(topics, user=request.user)
        self.message_user(request, f"Deleted {names} ({_articles(untagged)} untagged); imports now ignore "
                                   f"{'these names' if len(topics) != 1 else 'this name'} and "
                                   f"{'their' if len(topics) != 1 else 'its'} aliases.")
        return None


def _articles(number: int) -> str:
    return f"{number} article{'s' if number != 1 else ''}"


class MeaningFilter(admin.SimpleListFilter):
    title = "what imports do"
    parameter_name = "ignored"

    def lookups(self, request, model_admin):
        return [("no", "tag a topic (aliases)"), ("yes", "drop the name (ignored)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.ignored()
        if self.value() == "no":
            return queryset.exclude(topic=None)
        return queryset


@admin.register(TopicAlias)
class TopicAliasAdmin(DeskAdmin):
    """Every source name that is not a topic's own: an alias tags its topic; an ignored name
    (no topic) is dropped by imports."""

    list_display = ("name", "meaning", "created_at")
    list_filter = (MeaningFilter,)
    list_select_related = ("topic",)
    search_fields = ("name", "topic__name")
    autocomplete_fields = ("topic",)
    fields = ("name", "topic")

    @admin.display(description="imports", ordering="topic__name")
    def meaning(self, obj):
        return f"tag “{obj.topic}”" if obj.topic else "ignore this name"
