"""Who may do what at the editors' desk: every admin page and every change, for every role.

The two tables below are the permission policy. PAGES says what each role gets when it opens each
admin URL of our models; CHANGES says what each change (an action, a list edit, a form, a delete,
a restore from the history, taking a source's new value) leaves in the database, or shows readers,
when each role tries it. Every request is CSRF-valid (a token read from a form page, with
`Client(enforce_csrf_checks=True)`), so a refusal is the desk's, not the CSRF check's. A role
submits the form it is shown, with the case's change, even where the page did not show it that
field: the server, not the page, must refuse what a role may not do.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clippings import cache as public_cache
from clippings.models import ImportRun, Status, Topic, TopicAlias
from clippings.models.editorial import Origin

from .factories import (
    ArticleFactory,
    PressReleaseFactory,
    ProviderFactory,
    PublishedArticleFactory,
    PublishedPressReleaseFactory,
    RelatedLinkFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "no group", "Editor", "Publisher", "superuser")
LOGIN = "the login page"
FORBIDDEN = "403"
OK = "200"
NOT_FOUND = "404"
POST_ONLY = "405"
NOTHING_SHOWN = "a page that shows none of our records"


# Pages ------------------------------------------------------------------------------------

PAGES = {
    # admin URL name                       anonymous  no group   Editor     Publisher  superuser
    "index":                              (LOGIN, NOTHING_SHOWN, OK, OK, OK),
    "app_list":                           (LOGIN, NOT_FOUND, OK, OK, OK),
    "autocomplete":                       (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_article_changelist":       (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_article_add":              (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_article_change":           (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_article_delete":           (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "clippings_article_history":          (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_article_simple_history":   (LOGIN, FORBIDDEN, OK, OK, OK),
    # The preview hides itself (404), rather than asking to log in, from all but staff who may view.
    "clippings_article_preview":          (NOT_FOUND, NOT_FOUND, OK, OK, OK),
    "clippings_article_proposals":        (LOGIN, POST_ONLY, POST_ONLY, POST_ONLY, POST_ONLY),
    "clippings_pressrelease_changelist":  (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_pressrelease_add":         (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_pressrelease_change":      (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_pressrelease_delete":      (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "clippings_pressrelease_history":     (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_pressrelease_simple_history": (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_pressrelease_preview":     (NOT_FOUND, NOT_FOUND, OK, OK, OK),
    "clippings_pressrelease_proposals":   (LOGIN, POST_ONLY, POST_ONLY, POST_ONLY, POST_ONLY),
    "clippings_provider_changelist":      (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_provider_add":             (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_provider_change":          (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_provider_delete":          (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "clippings_provider_history":         (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_topic_changelist":         (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_topic_add":                (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_topic_change":             (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_topic_delete":             (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "clippings_topic_history":            (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_topicalias_changelist":    (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_topicalias_add":           (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_topicalias_change":        (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_topicalias_delete":        (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_topicalias_history":       (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_relatedlink_changelist":   (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_relatedlink_add":          (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_relatedlink_change":       (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_relatedlink_delete":       (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_relatedlink_history":      (LOGIN, FORBIDDEN, OK, OK, OK),
    # Import runs are written by the importer only: no one adds or edits one.
    "clippings_importrun_changelist":     (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_importrun_add":            (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "clippings_importrun_change":         (LOGIN, FORBIDDEN, OK, OK, OK),
    "clippings_importrun_delete":         (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "clippings_importrun_history":        (LOGIN, FORBIDDEN, OK, OK, OK),
}
SITE_PAGES = {"index", "app_list", "autocomplete"}


# Changes ----------------------------------------------------------------------------------

BOTH = ("article", "pressrelease")
# Article only where the press release goes through the same code with the same permission, tried by another row.
ARTICLE = ("article",)

CHANGES = {
    # (what is tried, on which kinds)                     anonymous  no group   Editor  Publisher  superuser
    # The workflow, by action.
    ("send a draft to review", BOTH):                    (LOGIN, FORBIDDEN, "in review", "in review", "in review"),
    ("publish an item in review", BOTH):                 (LOGIN, FORBIDDEN, "in review", "published", "published"),
    ("unpublish a published item", BOTH):                (LOGIN, FORBIDDEN, "published", "draft", "draft"),
    ("archive a draft", ARTICLE):                        (LOGIN, FORBIDDEN, "archived", "archived", "archived"),
    ("archive a published item", BOTH):                  (LOGIN, FORBIDDEN, "published", "archived", "archived"),
    ("feature a published item", BOTH):                  (LOGIN, FORBIDDEN, "not featured", "featured",
                                                          "featured"),
    ("stop featuring a featured item", BOTH):            (LOGIN, FORBIDDEN, "featured", "not featured",
                                                          "not featured"),
    ("delete by action", (*BOTH, "provider", "topic", "importrun")): (LOGIN, FORBIDDEN, "kept", "kept", "deleted"),
    ("delete an alias by action", ("topicalias",)):      (LOGIN, FORBIDDEN, "deleted", "deleted", "deleted"),
    ("delete a draft article's related link by action", ("relatedlink",)): (LOGIN, FORBIDDEN, "deleted", "deleted",
                                                                             "deleted"),
    # Topics, by action.
    ("tag a draft article", ARTICLE):                    (LOGIN, FORBIDDEN, "tagged", "tagged", "tagged"),
    ("tag a published article", ARTICLE):                (LOGIN, FORBIDDEN, "readers see no tag",
                                                          "readers see the tag", "readers see the tag"),
    ("untag a published article", ARTICLE):              (LOGIN, FORBIDDEN, "readers see the tag",
                                                          "readers see no tag", "readers see no tag"),
    ("merge two topics", ("topic",)):                    (LOGIN, FORBIDDEN, "merged", "merged", "merged"),
    # A curation, as a merge is: an editor's, though it deletes the topic (its name is kept, ignored).
    ("ignore a topic's name", ("topic",)):               (LOGIN, FORBIDDEN, "ignored", "ignored", "ignored"),
    # The list's inline edits.
    ("publish an item in review from the list", BOTH):   (LOGIN, FORBIDDEN, "in review", "published", "published"),
    ("unpublish a published item from the list", ARTICLE): (LOGIN, FORBIDDEN, "published", "draft", "draft"),
    ("feature a published item from the list", BOTH):    (LOGIN, FORBIDDEN, "not featured", "featured",
                                                          "featured"),
    # The change form.
    ("publish an item in review in its form", BOTH):     (LOGIN, FORBIDDEN, "in review", "published", "published"),
    ("schedule a draft's publishing", BOTH):             (LOGIN, FORBIDDEN, "not scheduled", "scheduled",
                                                          "scheduled"),
    ("schedule a published item's withdrawal", ARTICLE): (LOGIN, FORBIDDEN, "not scheduled", "scheduled",
                                                          "scheduled"),
    ("feature a published item in its form", BOTH):      (LOGIN, FORBIDDEN, "not featured", "featured",
                                                          "featured"),
    ("correct a draft's title", BOTH):                   (LOGIN, FORBIDDEN, "the new title", "the new title",
                                                          "the new title"),
    ("correct a published item's title", BOTH):          (LOGIN, FORBIDDEN, "readers see the old title",
                                                          "readers see the new title", "readers see the new title"),
    ("correct a published article's related link on its own page", ("relatedlink",)): (
        LOGIN, FORBIDDEN, "readers see the old title", "readers see the new title",
        "readers see the new title"),
    ("correct a published article's related link inline", ARTICLE): (
        LOGIN, FORBIDDEN, "readers see the old title", "readers see the new title",
        "readers see the new title"),
    ("add an item as published", BOTH):                  (LOGIN, FORBIDDEN, "none published", "published", "published"),
    ("add a topic", ("topic",)):                         (LOGIN, FORBIDDEN, "added", "added", "added"),
    # Deleting, from the delete page.
    ("delete a draft", BOTH):                            (LOGIN, FORBIDDEN, "kept", "kept", "deleted"),
    ("delete an unused provider", ("provider",)):        (LOGIN, FORBIDDEN, "kept", "kept", "deleted"),
    ("delete a draft article's related link", ("relatedlink",)): (LOGIN, FORBIDDEN, "deleted", "deleted", "deleted"),
    ("delete a published article's related link", ("relatedlink",)): (
        LOGIN, FORBIDDEN, "readers see the link", "readers see no link", "readers see no link"),
    ("edit an import run", ("importrun",)):              (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    # Restoring a version from the history.
    ("restore a draft's earlier title", ARTICLE):        (LOGIN, FORBIDDEN, "the old title", "the old title",
                                                          "the old title"),
    ("restore a version from when it was published", BOTH): (LOGIN, FORBIDDEN, "draft", "draft",
                                                              "draft"),
    ("restore a version that was scheduled", BOTH):      (LOGIN, FORBIDDEN, "not scheduled",
                                                          "not scheduled", "not scheduled"),
    ("restore a published item's earlier title", BOTH):  (LOGIN, FORBIDDEN, "readers see the new title",
                                                          "readers see the old title", "readers see the old title"),
    # Proposed changes: a source's new value, or an Editor's edit of a live item.
    ("take the source's title for a draft", ARTICLE):    (LOGIN, FORBIDDEN, "the source's title", "the source's title",
                                                          "the source's title"),
    ("take the source's title for a published item", BOTH): (LOGIN, FORBIDDEN, "readers see our title",
                                                             "readers see the source's title",
                                                             "readers see the source's title"),
    ("accept an Editor's proposed title by action", BOTH): (LOGIN, FORBIDDEN, "readers see the old title",
                                                            "readers see the new title", "readers see the new title"),
    ("reject an Editor's proposed title by action", BOTH): (LOGIN, FORBIDDEN, "the proposal waits", "rejected",
                                                            "rejected"),
}


# A browser at the desk ---------------------------------------------------------------------


class Forms(HTMLParser):
    """The forms of a page, each with what a browser submits for it when no button is pressed."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"attrs": attrs, "fields": []}
            self.forms.append(self._form)
        if self._form is None or "disabled" in attrs:
            return
        kind = attrs.get("type", "text").lower()
        if tag == "input" and attrs.get("name") and kind not in ("submit", "button", "image", "reset", "file"):
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                self._form["fields"].append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "multiple": "multiple" in attrs, "options": [], "selected": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select["options"].append(value)
            if "selected" in attrs:
                self._select["selected"].append(value)
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            chosen = self._select["selected"] or ([] if self._select["multiple"] else self._select["options"][:1])
            self._form["fields"] += [(self._select["name"], value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._form["fields"].append((name, text[1:] if text.startswith("\n") else text))  # as browsers do
            self._textarea = None
        elif tag == "form":
            self._form = None


def post_forms(html: str, url: str) -> list[dict]:
    """The page's forms that POST to the page itself, each as {name: [values]} (not the header's
    log-out form, nor one that posts elsewhere, such as a proposed change's)."""
    parser = Forms()
    parser.feed(html)
    forms = []
    for form in parser.forms:
        if form["attrs"].get("method", "").lower() != "post" or form["attrs"].get("action", url) not in ("", url):
            continue
        data: dict[str, list[str]] = {}
        for name, value in form["fields"]:
            data.setdefault(name, []).append(value)
        forms.append(data)
    return forms


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:clippings_{name}", args=args)


class Desk:
    """One role's browser, with CSRF checks on, that submits the forms the desk shows it."""

    def __init__(self, role: str, user: User | None):
        self.role = role
        self.client = Client(enforce_csrf_checks=True)
        if user is not None:
            self.client.force_login(user)
        self._token = None

    def token(self) -> str:
        """The CSRF token of the last form page read, or of one this role may open: the login
        page, or for staff the password change page."""
        if self._token is None:
            page = reverse("admin:login" if self.role == "anonymous" else "admin:password_change")
            response = self.client.get(page)
            assert response.status_code == 200, (page, response.status_code)
            self._token = post_forms(response.content.decode(), page)[0]["csrfmiddlewaretoken"][0]
        return self._token

    def form(self, url: str, pick: Callable[[dict], bool] = lambda form: True) -> dict:
        """The first form of the page at `url` that `pick` accepts, as this role is shown it; none
        (an empty one) when the role may not open the page, or the page has no such form."""
        response = self.client.get(url)
        forms = post_forms(response.content.decode(), url) if response.status_code == 200 else []
        form = next((form for form in forms if pick(form)), {})
        if "csrfmiddlewaretoken" in form:
            self._token = form["csrfmiddlewaretoken"][0]
        return form

    def post(self, url: str, data: dict):
        return self.client.post(url, {**data, "csrfmiddlewaretoken": self.token()})

    def submit(self, url: str, /, **changes):
        """Submit the page's main form (a change form, a delete page) with `changes`, which may
        name fields the page did not show this role: the server must refuse those on its own."""
        return self.post(url, {**self.form(url), **changes})

    def action(self, model: str, name: str, records: list, **answers):
        """Run a changelist action on `records`, answering its confirmation page, if it asks,
        with `answers` (the topic to add, the topic to keep)."""
        url = admin_url(f"{model}_changelist")
        form = self.form(url, lambda form: "action" in form)
        response = self.post(url, {**form, "action": name, "_selected_action": [r.pk for r in records], "index": "0"})
        asked = [f for f in post_forms(response.content.decode(), url) if "action" in f] \
            if response.status_code == 200 else []
        if asked:
            response = self.post(url, {**asked[0], **answers})
        return response

    def list_edit(self, model: str, record, **changes):
        """Change `record`'s row in the changelist's inline edit and save the list."""
        url = admin_url(f"{model}_changelist")
        form = self.form(url, lambda form: "form-TOTAL_FORMS" in form)
        row = next((key.split("-")[1] for key, values in form.items()
                    if key.endswith("-id") and values == [str(record.pk)]), "0")
        form.update({f"form-{row}-{name}": value for name, value in changes.items()})
        return self.post(url, {**form, "_save": "Save"})


# What a change left ---------------------------------------------------------------------------

FACTORIES = {"article": (ArticleFactory, PublishedArticleFactory),
             "pressrelease": (PressReleaseFactory, PublishedPressReleaseFactory)}


def make(kind: str, status: str = Status.DRAFT, **fields):
    draft, published = FACTORIES[kind]
    if status == Status.PUBLISHED:
        return published(**fields)
    return draft(status=status, **fields)


def import_run() -> ImportRun:
    now = timezone.now()
    return ImportRun.objects.create(started_at=now, finished_at=now, paths=["fixtures/"], counts={})


def unused(kind: str):
    """A record of `kind` nothing depends on: a draft, a topic or a provider of nothing, a draft's link."""
    makers = {"provider": ProviderFactory, "topic": TopicFactory,
              "relatedlink": lambda: RelatedLinkFactory(article=make("article")),
              "importrun": import_run, "topicalias": lambda: TopicAlias.objects.create(name="An unused name")}
    return makers[kind]() if kind in makers else make(kind)


def proposed(record, title: str, origin: str):
    """The record with a proposed change of its title, as an import or an Editor leaves one."""
    record.propose("title", title, origin=origin)
    record.save()
    return record


def fresh(record):
    return type(record)._default_manager.filter(pk=record.pk).first()


def status(record) -> str:
    return Status(fresh(record).status).label.lower()


def featured(record) -> str:
    return "featured" if fresh(record).featured else "not featured"


def kept(record) -> str:
    return "kept" if fresh(record) is not None else "deleted"


def readers_page(record) -> str:
    public_cache.clear()  # a test's changes come faster than the cache's recheck of its version
    response = Client().get(record.get_absolute_url())
    return response.content.decode() if response.status_code == 200 else ""


def readers_see(record, *shown: tuple[str, str]) -> str:
    """The first `(label, text)` whose text readers see on the record's public page."""
    page = readers_page(record)
    return next((f"readers see {label}" for label, text in shown if text in page), "readers see neither")


def title(record, *labels: tuple[str, str]) -> str:
    current = fresh(record).title
    return next(label for label, text in labels if text == current)


@dataclass
class Attempt:
    """A case set up for one role: what to read before and after, and the request(s) to make."""

    effect: Callable[[], str]
    act: Callable[[], object]


def attempt(what: str, kind: str, desk: Desk) -> Attempt:  # noqa: C901 - one branch per row of CHANGES
    def change_form(record, **changes):
        return lambda: desk.submit(admin_url(f"{kind}_change", record.pk), **changes)

    if what == "send a draft to review":
        record = make(kind)
        return Attempt(lambda: status(record), lambda: desk.action(kind, "send_to_review", [record]))
    if what == "publish an item in review":
        record = make(kind, Status.REVIEW)
        return Attempt(lambda: status(record), lambda: desk.action(kind, "publish", [record]))
    if what == "unpublish a published item":
        record = make(kind, Status.PUBLISHED)
        return Attempt(lambda: status(record), lambda: desk.action(kind, "unpublish", [record]))
    if what == "archive a draft":
        record = make(kind)
        return Attempt(lambda: status(record), lambda: desk.action(kind, "archive", [record]))
    if what == "archive a published item":
        record = make(kind, Status.PUBLISHED)
        return Attempt(lambda: status(record), lambda: desk.action(kind, "archive", [record]))
    if what == "feature a published item":
        record = make(kind, Status.PUBLISHED)
        return Attempt(lambda: featured(record), lambda: desk.action(kind, "feature", [record]))
    if what == "stop featuring a featured item":
        record = make(kind, Status.PUBLISHED, featured=True)
        return Attempt(lambda: featured(record), lambda: desk.action(kind, "unfeature", [record]))
    if what in ("delete by action", "delete an alias by action", "delete a draft article's related link by action"):
        record = unused(kind)
        return Attempt(lambda: kept(record), lambda: desk.action(kind, "delete_selected", [record]))
    if what == "tag a draft article":
        record, topic = make(kind), TopicFactory(name="Drones")
        return Attempt(lambda: "tagged" if fresh(record).topics.filter(pk=topic.pk) else "not tagged",
                       lambda: desk.action(kind, "add_topic", [record], topic=str(topic.pk)))
    if what in ("tag a published article", "untag a published article"):
        topic = TopicFactory(name="Drones over schools")
        tagged = what.startswith("untag")
        record = make(kind, Status.PUBLISHED, topics=[topic] if tagged else [])
        return Attempt(lambda: readers_see(record, ("the tag", topic.name), ("no tag", record.title)),
                       lambda: desk.action(kind, "remove_topic" if tagged else "add_topic", [record],
                                           topic=str(topic.pk)))
    if what == "ignore a topic's name":
        junk = TopicFactory(name="Junk")
        ArticleFactory(topics=[junk])
        return Attempt(lambda: "ignored" if TopicAlias.objects.ignored().filter(name="Junk") and not fresh(junk)
                       else "kept", lambda: desk.action("topic", "ignore", [junk], confirm="yes"))
    if what == "merge two topics":
        keep, other = TopicFactory(name="AI"), TopicFactory(name="Artificial intelligence")
        ArticleFactory(topics=[other])
        return Attempt(lambda: "not merged" if fresh(other) else "merged",
                       lambda: desk.action("topic", "merge", [keep, other], keep=str(keep.pk)))
    if what == "publish an item in review from the list":
        record = make(kind, Status.REVIEW)
        return Attempt(lambda: status(record), lambda: desk.list_edit(kind, record, status=Status.PUBLISHED))
    if what == "unpublish a published item from the list":
        record = make(kind, Status.PUBLISHED)
        return Attempt(lambda: status(record), lambda: desk.list_edit(kind, record, status=Status.DRAFT))
    if what == "feature a published item from the list":
        record = make(kind, Status.PUBLISHED)
        return Attempt(lambda: featured(record), lambda: desk.list_edit(kind, record, featured="on"))
    if what == "publish an item in review in its form":
        record = make(kind, Status.REVIEW)
        return Attempt(lambda: status(record), change_form(record, status=Status.PUBLISHED))
    if what == "schedule a draft's publishing":
        record = make(kind)
        return Attempt(lambda: "scheduled" if fresh(record).publish_at else "not scheduled",
                       change_form(record, publish_at_0="2031-01-02", publish_at_1="09:00:00"))
    if what == "schedule a published item's withdrawal":
        record = make(kind, Status.PUBLISHED)
        return Attempt(lambda: "scheduled" if fresh(record).unpublish_at else "not scheduled",
                       change_form(record, unpublish_at_0="2031-01-02", unpublish_at_1="09:00:00"))
    if what == "feature a published item in its form":
        record = make(kind, Status.PUBLISHED)
        return Attempt(lambda: featured(record), change_form(record, featured="on"))
    if what == "correct a draft's title":
        record = make(kind, title="Title as imported")
        return Attempt(lambda: title(record, ("the old title", "Title as imported"), ("the new title", "Title fixed")),
                       change_form(record, title="Title fixed"))
    if what == "correct a published item's title":
        record = make(kind, Status.PUBLISHED, title="Title as approved")
        return Attempt(lambda: readers_see(record, ("the new title", "Title as corrected"),
                                           ("the old title", "Title as approved")),
                       change_form(record, title="Title as corrected"))
    if what == "correct a published article's related link inline":
        record = make(kind, Status.PUBLISHED)
        RelatedLinkFactory(article=record, title="Related as approved")
        return Attempt(lambda: readers_see(record, ("the new title", "Related as corrected"),
                                           ("the old title", "Related as approved")),
                       change_form(record, **{"related_links-0-title": "Related as corrected"}))
    if what == "add an item as published":
        created = FACTORIES[kind][0]._meta.model.objects.filter(title="Added as published")
        fields = {"title": "Added as published", "status": Status.PUBLISHED}
        if kind == "article":
            fields.update(url="https://news.example/added", provider=str(ProviderFactory().pk),
                          published_at_0="2030-05-01", published_at_1="10:00:00", kind="article")
        else:
            fields.update(slug="added-as-published", body="A paragraph.")
        return Attempt(lambda: "published" if created.filter(status=Status.PUBLISHED) else "none published",
                       lambda: desk.submit(admin_url(f"{kind}_add"), **fields))
    if what == "add a topic":
        return Attempt(lambda: "added" if Topic.objects.filter(slug="drones").exists() else "not added",
                       lambda: desk.submit(admin_url("topic_add"), name="Drones", slug="drones"))
    if what == "delete a draft":
        record = make(kind)
        return Attempt(lambda: kept(record), lambda: desk.submit(admin_url(f"{kind}_delete", record.pk)))
    if what == "delete an unused provider":
        record = ProviderFactory()
        return Attempt(lambda: kept(record), lambda: desk.submit(admin_url("provider_delete", record.pk)))
    if what == "correct a published article's related link on its own page":
        record = RelatedLinkFactory(article=make("article", Status.PUBLISHED), title="Related as approved")
        return Attempt(lambda: readers_see(record.article, ("the new title", "Related as corrected"),
                                           ("the old title", "Related as approved")),
                       lambda: desk.submit(admin_url("relatedlink_change", record.pk), title="Related as corrected"))
    if what == "delete a draft article's related link":
        record = RelatedLinkFactory(article=make("article"))
        return Attempt(lambda: kept(record), lambda: desk.submit(admin_url("relatedlink_delete", record.pk)))
    if what == "delete a published article's related link":
        record = RelatedLinkFactory(article=make("article", Status.PUBLISHED), title="Related as approved")
        return Attempt(lambda: readers_see(record.article, ("the link", "Related as approved"),
                                           ("no link", record.article.title)),
                       lambda: desk.submit(admin_url("relatedlink_delete", record.pk)))
    if what == "edit an import run":
        record = import_run()
        return Attempt(lambda: str(fresh(record).paths),
                       lambda: desk.submit(admin_url("importrun_change", record.pk), paths='["elsewhere/"]'))
    if what.startswith("restore"):
        return restore(what, kind, desk)
    if what.startswith("take the source's title"):
        live = what.endswith("published item")
        record = proposed(make(kind, Status.PUBLISHED if live else Status.DRAFT, title="Our title",
                               edited_fields=["title"]), "Title from the source", Origin.SOURCE)
        url = admin_url(f"{kind}_proposals", record.pk)
        labels = (("the source's title", "Title from the source"), ("our title", "Our title"))
        effect = (lambda: readers_see(record, *labels)) if live else (lambda: title(record, *labels))
        return Attempt(effect, lambda: desk.post(url, {"accept": f"title:{Origin.SOURCE}"}))
    if what in ("accept an Editor's proposed title by action", "reject an Editor's proposed title by action"):
        record = proposed(make(kind, Status.PUBLISHED, title="Title as approved"), "Title as proposed", Origin.EDITOR)
        if what.startswith("accept"):
            return Attempt(lambda: readers_see(record, ("the new title", "Title as proposed"),
                                               ("the old title", "Title as approved")),
                           lambda: desk.action(kind, "accept_proposed_changes", [record]))
        return Attempt(lambda: "the proposal waits" if fresh(record).proposed_changes else "rejected",
                       lambda: desk.action(kind, "reject_proposed_changes", [record]))
    raise AssertionError(f"no attempt written for {what!r}")


def restore(what: str, kind: str, desk: Desk) -> Attempt:
    """Open a version on the history page and press Revert, as the page offers it."""
    def revert(record, version):
        return lambda: desk.submit(admin_url(f"{kind}_simple_history", record.pk, version.history_id))

    if what == "restore a draft's earlier title":
        record = make(kind, title="The old title")
        version = record.history.get()
        record.title = "The new title"
        record.save()
        return Attempt(lambda: title(record, ("the old title", "The old title"), ("the new title", "The new title")),
                       revert(record, version))
    if what == "restore a version from when it was published":
        record = make(kind, Status.REVIEW)
        record.publish()
        record.unpublish()
        return Attempt(lambda: status(record), revert(record, record.history.filter(status=Status.PUBLISHED).first()))
    if what == "restore a version that was scheduled":
        record = make(kind, publish_at=timezone.now() + timedelta(days=3))
        version = record.history.get()
        record.publish_at = None
        record.save()
        return Attempt(lambda: "scheduled" if fresh(record).publish_at else "not scheduled", revert(record, version))
    if what == "restore a published item's earlier title":
        record = make(kind, Status.PUBLISHED, title="The old title")
        version = record.history.get()
        record.title = "The new title"
        record.save()
        return Attempt(lambda: readers_see(record, ("the old title", "The old title"),
                                           ("the new title", "The new title")), revert(record, version))
    raise AssertionError(f"no attempt written for {what!r}")


# The tests ----------------------------------------------------------------------------------


@pytest.fixture
def staff(db):
    """A staff account in no group: it may log in to the desk, and do nothing there."""
    return User.objects.create_user("stan", "stan@example.org", "a-long-test-password", is_staff=True)


ROLE_FIXTURES = {"no group": "staff", "Editor": "editor", "Publisher": "publisher", "superuser": "superuser"}


def user(role: str, request) -> User | None:
    return request.getfixturevalue(ROLE_FIXTURES[role]) if role in ROLE_FIXTURES else None


def assert_answer(response, expected: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), \
            (response.status_code, response.get("Location"))
    elif expected in (OK, FORBIDDEN, NOT_FOUND, POST_ONLY):
        assert response.status_code == int(expected), response.status_code
    else:
        assert response.status_code < 500, response.status_code


@pytest.fixture
def desk_records(db):
    """One record of each of our models, the article in review with an earlier version."""
    article = ArticleFactory(title="Article on the desk", status=Status.REVIEW, topics=[TopicFactory()])
    article.excerpt = "Corrected."
    article.save()
    release = PressReleaseFactory(title="Release on the desk", status=Status.REVIEW)
    return {
        "article": article, "pressrelease": release, "provider": article.provider, "topic": article.topics.get(),
        "relatedlink": RelatedLinkFactory(article=article, title="Link on the desk"),
        "topicalias": TopicAlias.objects.create(name="An old name", topic=article.topics.get()),
        "importrun": import_run(),
    }


def page_url(name: str, records: dict) -> str:
    if name == "index":
        return reverse("admin:index")
    if name == "app_list":
        return reverse("admin:app_list", kwargs={"app_label": "clippings"})
    if name == "autocomplete":
        return reverse("admin:autocomplete") + "?app_label=clippings&model_name=article&field_name=topics"
    model, view = name.removeprefix("clippings_").split("_", 1)
    if view in ("changelist", "add"):
        return admin_url(name.removeprefix("clippings_"))
    record = records[model]
    args = (record.pk, record.history.first().history_id) if view == "simple_history" else (record.pk,)
    return admin_url(name.removeprefix("clippings_"), *args)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PAGES)
def test_page(name, role, desk_records, request):
    expected = PAGES[name][ROLES.index(role)]
    client = Client()
    if role in ROLE_FIXTURES:
        client.force_login(user(role, request))
    response = client.get(page_url(name, desk_records))
    if expected == NOTHING_SHOWN:
        assert response.status_code == 200
    else:
        assert_answer(response, expected)
    if expected not in (OK,):
        page = response.content.decode()
        assert [r.title for r in desk_records.values() if getattr(r, "title", "") and r.title in page] == []


CASES = [pytest.param(what, kind, role, outcome, id=f"{kind}: {what}: {role}")
         for (what, kinds), outcomes in CHANGES.items() for kind in kinds
         for role, outcome in zip(ROLES, outcomes, strict=True)]


@pytest.mark.parametrize(("what", "kind", "role", "outcome"), CASES)
def test_change(what, kind, role, outcome, request):
    expected = outcome
    tried = attempt(what, kind, Desk(role, user(role, request)))
    before = tried.effect()
    response = tried.act()
    assert_answer(response, expected)
    if expected in (LOGIN, FORBIDDEN):
        assert tried.effect() == before
    else:
        assert tried.effect() == expected


def test_every_admin_url_of_our_models_is_in_the_matrix():
    names = {pattern.name for model, model_admin in admin.site._registry.items()
             if model._meta.app_label == "clippings" for pattern in model_admin.get_urls() if pattern.name}
    assert names == set(PAGES) - SITE_PAGES


def test_every_admin_action_is_in_the_matrix(rf, superuser):
    request = rf.get("/")
    request.user = superuser
    tried = {(kind, name) for (what, kinds) in CHANGES for kind in kinds for name in ACTIONS_TRIED.get(what, ())}
    offered = {(model._meta.model_name, name) for model, model_admin in admin.site._registry.items()
               if model._meta.app_label == "clippings" for name in model_admin.get_actions(request)}
    assert offered - tried == set()


# The actions each change goes through (the others are forms, list edits, deletes and restores).
ACTIONS_TRIED = {
    "send a draft to review": ("send_to_review",), "publish an item in review": ("publish",),
    "unpublish a published item": ("unpublish",), "archive a draft": ("archive",),
    "archive a published item": ("archive",), "feature a published item": ("feature",),
    "stop featuring a featured item": ("unfeature",), "delete by action": ("delete_selected",),
    "delete a draft article's related link by action": ("delete_selected",),
    "delete an alias by action": ("delete_selected",),
    "tag a draft article": ("add_topic",), "tag a published article": ("add_topic",),
    "untag a published article": ("remove_topic",), "merge two topics": ("merge",),
    "ignore a topic's name": ("ignore",),
    "accept an Editor's proposed title by action": ("accept_proposed_changes",),
    "reject an Editor's proposed title by action": ("reject_proposed_changes",),
}
