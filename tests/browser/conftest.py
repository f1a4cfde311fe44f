"""Browser tests: Playwright driving Debian's chromium against Django's live server.

Skipped where /usr/bin/chromium is absent, except in CI (CI=true), where its absence fails.
Screenshots go to test-artifacts/ (git-ignored) for a person to look at.
"""

import os
import shutil
from importlib import import_module
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(request):
    """screenshot(page, "step-name"): keep a picture of the page as a test artifact."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, **kwargs) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True, **kwargs)
        return path

    return take


@pytest.fixture
def editorial_groups(db):
    """The Editors and Publishers groups: only migration 0002 makes them, and a transactional test before
    this one (the live server's tests are) left every table empty."""
    for name, codenames in import_module("clippings.migrations.0002_editorial_groups").GROUPS.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            group.permissions.set(Permission.objects.filter(content_type__app_label="clippings",
                                                            codename__in=codenames))


@pytest.fixture
def editor(editorial_groups, editor):
    return editor


@pytest.fixture
def publisher(editorial_groups, publisher):
    return publisher
