"""An editor tags an article and sends it to review; only a publisher can publish it; readers then see it."""

import re

import pytest
from django.urls import reverse

from clippings.models import Article, Status, Topic

PASSWORD = "a-long-test-password"


def log_in(page, username):
    page.goto(reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def run_action(page, action):
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


@pytest.mark.django_db(transaction=True)
def test_editor_tags_and_sends_to_review_publisher_publishes(page, screenshot, seeds, editor, publisher):
    article = Article.objects.get(title__startswith="Schools suspend")
    topic = Topic.objects.create(name="Schools", slug="schools")
    changelist = reverse("admin:clippings_article_changelist")

    log_in(page, editor.username)
    screenshot(page, "01-editor-desk")
    page.goto(changelist + "?q=suspend&status__exact=draft")
    assert page.locator("#result_list tbody tr").count() == 1
    screenshot(page, "02-editor-filtered-list")

    page.check(f"input[name=_selected_action][value='{article.pk}']")
    run_action(page, "add_topic")
    page.select_option("#id_topic", str(topic.pk))
    screenshot(page, "03-editor-chooses-topic")
    page.click("input[type=submit][value^='Yes']")
    page.wait_for_selector(".messagelist")
    assert "Added “Schools” to 1 article." in page.inner_text(".messagelist")

    page.check(f"input[name=_selected_action][value='{article.pk}']")
    run_action(page, "send_to_review")
    assert "Sent to review 1 article." in page.inner_text(".messagelist")
    screenshot(page, "04-editor-sent-to-review")
    assert "publish" not in page.locator("select[name=action] option").evaluate_all("o => o.map(x => x.value)")

    # The editor tries anyway, through the change form: refused on the server, with a clear reason.
    page.goto(reverse("admin:clippings_article_change", args=[article.pk]))
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    # The whole answer: read while it loaded, the page ended at the field before the error.
    page.wait_for_selector(".errorlist")
    assert "Only Publishers can publish" in page.inner_text("#content")
    screenshot(page, "05-editor-cannot-publish")
    article.refresh_from_db()
    assert article.status == Status.REVIEW and list(article.topics.filter(name="Schools"))

    page.context.clear_cookies()
    log_in(page, publisher.username)
    page.goto(changelist + "?status__exact=review")
    page.check(f"input[name=_selected_action][value='{article.pk}']")
    run_action(page, "publish")
    assert "Published 1 article." in page.inner_text(".messagelist")
    screenshot(page, "06-publisher-published")
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED

    page.context.clear_cookies()
    response = page.goto(article.get_absolute_url())
    assert response.status == 200
    assert article.title in page.inner_text("body")
    screenshot(page, "07-reader-sees-it")
