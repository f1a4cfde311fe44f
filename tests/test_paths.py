"""Paths of public records (clippings/paths.py): the same as reverse() gives, whatever the values."""

import pytest
from django.urls import reverse, set_script_prefix

from clippings.paths import public_path

VALUES = ["drones", "facial-recognition_2024", "a", "Mixed-Case", "é-accent", "with space", "50%", "a.b", "über"]


@pytest.mark.parametrize("slug", VALUES)
def test_public_paths_are_what_reverse_gives(slug):
    assert public_path("clippings:article_detail", pk=12, slug=slug) == reverse(
        "clippings:article_detail", kwargs={"pk": 12, "slug": slug})
    for name in ("clippings:topic_detail", "clippings:provider_detail", "clippings:press_release_detail"):
        try:
            expected = reverse(name, kwargs={"slug": slug})
        except Exception as error:  # a value the pattern refuses is refused the same way
            with pytest.raises(type(error)):
                public_path(name, slug=slug)
        else:
            assert public_path(name, slug=slug) == expected


def test_public_paths_follow_the_script_prefix():
    try:
        set_script_prefix("/newsroom/")
        assert public_path("clippings:topic_detail", slug="ai") == "/newsroom/topics/ai/" == reverse(
            "clippings:topic_detail", kwargs={"slug": "ai"})
    finally:
        set_script_prefix("/")
    assert public_path("clippings:topic_detail", slug="ai") == "/topics/ai/"


def test_records_link_to_their_pages(db):
    from tests.factories import ArticleFactory, PublishedPressReleaseFactory

    article = ArticleFactory(slug="drones-over-the-city")
    assert article.get_absolute_url() == f"/coverage/{article.pk}/drones-over-the-city/"
    assert article.provider.get_absolute_url() == reverse("clippings:provider_detail",
                                                          kwargs={"slug": article.provider.slug})
    release = PublishedPressReleaseFactory()
    assert release.get_absolute_url() == reverse("clippings:press_release_detail", kwargs={"slug": release.slug})
