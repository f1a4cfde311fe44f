"""The desk's busiest pages in Chromium: they fit a 1,366 px screen, and axe-core finds no serious fault of ours."""

import json
import os
from pathlib import Path

import pytest
from django.urls import reverse
from test_editor_flow import log_in  # tests/browser is not a package: pytest puts it on sys.path

from clippings.models import Article
from tests.factories import ArticleFactory, RelatedLinkFactory, TopicFactory

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
# Select2, which Django's admin ships for its autocomplete fields, builds in script a search box without a
# label and a <ul> of chosen topics that holds spans: Django's markup, which we cannot change.
DJANGOS_OWN = {
    ("label", ".select2-search__field"),
    ("list", ".select2-selection--multiple > .select2-selection__rendered"),
}
LAPTOP, PHONE = {"width": 1366, "height": 768}, {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing; .ci/run installs it with npm ci --prefix tests/browser")
        pytest.skip("axe-core is not installed (npm ci --prefix tests/browser)")
    return AXE


@pytest.fixture
def busy_desk(seeds):
    """The seeds, and enough tagged articles with related links that every list-edit control shows."""
    topics = TopicFactory.create_batch(2)
    for article in ArticleFactory.create_batch(20, topics=topics):
        RelatedLinkFactory(article=article)
    return Article.objects.filter(related_links__isnull=False, images__isnull=False).first()


@pytest.fixture
def axe_page(browser, live_server):
    """A page whose context lets Playwright add axe's script despite the admin's Content-Security-Policy."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    yield context.new_page()
    context.close()


def axe_violations(page, axe_script: Path) -> list[dict]:
    page.add_script_tag(path=str(axe_script))
    results = page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]})).violations""")
    found = []
    for violation in results:
        targets = [" ".join(node["target"]) for node in violation["nodes"]]
        ours = [target for target in targets if (violation["id"], target) not in DJANGOS_OWN]
        if violation["impact"] in ("critical", "serious") and ours:
            found.append({"rule": violation["id"], "impact": violation["impact"], "help": violation["help"],
                          "where": ours})
    return found


@pytest.mark.django_db(transaction=True)
def test_changelist_and_change_form_fit_and_pass_axe(axe_page, screenshot, busy_desk, axe_script, editor, publisher):
    page = axe_page
    pages = {
        "changelist": reverse("admin:clippings_article_changelist"),
        "change-form": reverse("admin:clippings_article_change", args=[busy_desk.pk]),
    }
    widths, found = {}, {}
    # One test for both roles: a second transactional test would start without the migrations' groups.
    for user in (editor, publisher):
        page.context.clear_cookies()
        log_in(page, user.username)
        page.set_viewport_size(LAPTOP)
        screenshot(page, f"desk-as-{user.groups.get().name}")
        for name, path in pages.items():
            seen = f"{name} as {user.groups.get().name}"
            page.set_viewport_size(LAPTOP)
            page.goto(path)
            screenshot(page, f"{seen}-1366".replace(" ", "-"))
            widths[seen] = page.evaluate("document.documentElement.scrollWidth")
            found[seen] = axe_violations(page, axe_script)
            page.set_viewport_size(PHONE)
            page.goto(path)
            screenshot(page, f"{seen}-phone".replace(" ", "-"))
    assert found == {seen: [] for seen in found}, json.dumps(found, indent=1)
    assert all(width <= LAPTOP["width"] for width in widths.values()), f"wider than 1,366 px: {widths}"
