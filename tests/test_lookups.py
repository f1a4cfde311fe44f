"""lookups.py: `__in_array` finds what `__in` finds, on both databases."""

import pytest

from clippings.models import Topic


@pytest.fixture
def topics(db):
    return [Topic.objects.create(name=name, slug=name.lower()) for name in ("AI", "Privacy", "Schools")]


@pytest.mark.parametrize("values", [
    ["ai", "schools"],
    ["ai", "ai", None, "nowhere"],  # repeated values, NULL and values matching nothing
    [],
    ["o'brien", "back\\slash", '{"braces"}', "comma,inside"],  # what an array's text form must quote
])
def test_in_array_finds_what_in_finds(topics, values):
    for number, slug in enumerate(["o'brien", "back\\slash", '{"braces"}', "comma,inside"]):
        Topic.objects.create(name=f"Odd {number}", slug=slug)
    found = set(Topic.objects.filter(slug__in_array=values).values_list("slug", flat=True))
    assert found == set(Topic.objects.filter(slug__in=values).values_list("slug", flat=True))
    assert found == {value for value in values if value} & {"ai", "schools", "o'brien", "back\\slash",
                                                            '{"braces"}', "comma,inside"}


def test_in_array_takes_a_subquery_and_other_types(topics):
    ids = Topic.objects.filter(slug__in=["ai", "privacy"]).values("pk")
    assert set(Topic.objects.filter(pk__in_array=ids).values_list("name", flat=True)) == {"AI", "Privacy"}
    assert Topic.objects.filter(pk__in_array=[topics[2].pk, 10**9]).get().name == "Schools"
