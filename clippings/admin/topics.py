"""Topics: create, rename, merge two into one without losing a tagging, and delete.

Merging and deleting record a version of every article whose topics they change."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.db.models.functions import Lower
from django.template.response import TemplateResponse

from ..models import Topic, delete_topics, merge_topics
from ..signals import content_changed
from .mixins import DeskAdmin


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ("name", "slug", "description")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Topic.objects.alias(folded=Lower("name")).filter(folded=name.lower()).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                f"There is already a topic “{clash.first()}”. Topic names are the same whatever their case; "
                "to combine two topics, use “Merge into one topic” on the topic list.")
        return name


@admin.register(Topic)
class TopicAdmin(DeskAdmin):
    form = TopicForm
    list_display = ("name", "slug", "article_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, obj):
        return obj.article_total

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
        moved = merge_topics(keep=keep, merged=merged, user=request.user)
        self.message_user(request, f"Merged {names} into “{keep}”: {moved} taggings moved, "
                                   f"{len(merged)} topic{'s' if len(merged) != 1 else ''} removed.")
        return None
