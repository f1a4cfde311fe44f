"""Shared fixtures: the seeds imported into a real database, and users of each role."""

import os
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from hypothesis import settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def seeds(db):
    """The five seed documents, imported as the README's quick start imports them."""
    call_command("import_clippings", str(FIXTURES), stdout=StringIO())


def _user(username: str, group: str | None = None, **extra) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", "a-long-test-password", is_staff=True,
                                    **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    return _user("edith", "Editors")


@pytest.fixture
def publisher(db):
    return _user("paul", "Publishers")


@pytest.fixture
def superuser(db):
    return _user("root", is_superuser=True)


# Hypothesis' profiles (tests/test_properties.py): "ci" keeps each database's run of the property
# file well under a minute; "long" is the documented long run (docs/adversarial.md).
# CI runs the same examples every time (a landing must not depend on the draw); the long run explores.
settings.register_profile("ci", max_examples=200, deadline=timedelta(seconds=5), print_blob=True, derandomize=True)
settings.register_profile("long", max_examples=10_000, deadline=timedelta(seconds=10), print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
