"""The account commands: the first administrator, and editors' and publishers' accounts."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def command(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def printed_password(output: str) -> str:
    return re.search(r"with the password: (\S+)", output)[1]


def test_create_first_admin_prints_a_password_once_and_only_on_a_site_without_one(client):
    output = command("create_first_admin", "--url", "http://127.0.0.1:8123")
    assert "Log in at http://127.0.0.1:8123/admin/" in output
    assert client.login(username="admin", password=printed_password(output))
    assert User.objects.get(username="admin").is_superuser
    again = command("create_first_admin")
    assert "exists already" in again and "password" not in again.split("already")[0]
    assert User.objects.count() == 1


def test_ensure_editor_is_a_deprecated_name_of_create_first_admin():
    err = StringIO()
    call_command("ensure_editor", stdout=StringIO(), stderr=err)
    assert "now called create_first_admin" in err.getvalue()
    assert User.objects.get(username="admin").is_superuser


@pytest.mark.parametrize("group", ["Editors", "Publishers"])
def test_create_account_makes_a_staff_account_in_the_group_with_a_one_time_password(client, group):
    output = command("create_account", "dana", "--group", group, "--email", "dana@example.org")
    assert f"Created the account 'dana' in {group} with the password:" in output
    user = User.objects.get(username="dana")
    assert user.is_staff and not user.is_superuser and user.email == "dana@example.org"
    assert list(user.groups.values_list("name", flat=True)) == [group]
    assert client.login(username="dana", password=printed_password(output))
    assert client.get(reverse("admin:clippings_article_changelist")).status_code == 200


def test_publishers_may_publish_and_editors_may_not():
    command("create_account", "ed", "--group", "Editors")
    command("create_account", "pat", "--group", "Publishers")
    assert not User.objects.get(username="ed").has_perm("clippings.publish_article")
    assert User.objects.get(username="pat").has_perm("clippings.publish_article")


def test_create_account_again_changes_nothing_but_the_group_and_what_is_given(client):
    first = printed_password(command("create_account", "dana", "--group", "Editors"))
    again = command("create_account", "dana", "--group", "Editors")
    assert again.strip() == "The account 'dana' exists already; it is in Editors; its password is unchanged."
    promoted = command("create_account", "dana", "--group", "Publishers", "--email", "d@example.org")
    assert "it is in Editors, Publishers" in promoted
    assert User.objects.filter(username="dana").count() == 1
    assert User.objects.get(username="dana").email == "d@example.org"
    assert client.login(username="dana", password=first)


def test_create_account_reads_the_password_from_stdin_or_the_environment(client, monkeypatch):
    output = command("create_account", "sam", "--group", "Editors", "--password-stdin",
                     stdin=StringIO("a long passphrase for sam\n"))
    assert output.strip() == "Created the account 'sam' in Editors."
    assert client.login(username="sam", password="a long passphrase for sam")
    monkeypatch.setenv("NEWSROOM_ACCOUNT_PASSWORD", "another long passphrase")
    output = command("create_account", "sam", "--group", "Editors")
    assert "with the password given" in output
    assert client.login(username="sam", password="another long passphrase")


@pytest.mark.parametrize(("args", "options", "message"), [
    (["--group", "Admins"], {}, "There is no group 'Admins'. The groups are: Editors, Publishers."),
    (["--group", "Editors", "--email", "not an address"], {}, "Enter a valid email address."),
    (["--group", "Editors", "--password-stdin"], {"stdin": StringIO("password\n")},
     "The password is refused: This password is too common."),
    (["--group", "Editors", "--password-stdin"], {"stdin": StringIO("")},
     "--password-stdin: standard input held no password."),
])
def test_create_account_refuses_what_it_cannot_do_and_creates_nothing(args, options, message):
    with pytest.raises(CommandError) as error:
        command("create_account", "dana", *args, **options)
    assert str(error.value) == message
    assert not User.objects.exists()


def test_create_account_refuses_a_username_django_would_refuse():
    with pytest.raises(CommandError, match="Enter a valid username"):
        command("create_account", "dana smith", "--group", "Editors")
