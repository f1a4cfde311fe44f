"""Shared fixtures: the seeds imported into a real database, and users of each role."""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

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
