"""`manage.py create_account USERNAME --group Editors|Publishers`: an account for the editors' desk.

Safe to run again: an existing account is put in the group (and given the e-mail address, or the
password, when they are given) and nothing else of it changes.
"""

import os
import secrets
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

PASSWORD_VARIABLE = "NEWSROOM_ACCOUNT_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create an account for the editors' desk in a group: Editors (curate, tag, send to review) or "
        "Publishers (also publish). A new account gets a random password, printed once, unless one is "
        f"given on standard input (--password-stdin) or in {PASSWORD_VARIABLE}. Run again, it leaves an "
        "existing account as it is, but for the group, and the e-mail address or password given."
    )

    stealth_options = ("stdin",)  # as createsuperuser's: what the password is read from, in tests

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--group", required=True, help="Editors or Publishers.")
        parser.add_argument("--email", default=None, help="The account's e-mail address.")
        parser.add_argument("--password-stdin", action="store_true",
                            help="Read the password from the first line of standard input.")

    def handle(self, *args, username, group, email, password_stdin, **options):
        User = get_user_model()
        role = Group.objects.filter(name=group).first()
        if role is None:
            known = ", ".join(Group.objects.order_by("name").values_list("name", flat=True)) or "none"
            raise CommandError(f"There is no group {group!r}. The groups are: {known}.")
        try:
            User.username_validator(username)
            if email:
                validate_email(email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        password = self._given_password(options.get("stdin", sys.stdin) if password_stdin else None)
        with transaction.atomic():
            user = User.objects.filter(username=username).select_for_update().first()
            created = user is None
            if created:
                user = User(username=username, email=email or "", is_staff=True)
            given = password is not None
            if created and not given:
                password = secrets.token_urlsafe(12)
            if password is not None:
                try:
                    validate_password(password, user)
                except ValidationError as error:
                    raise CommandError("The password is refused: " + " ".join(error.messages)) from None
                user.set_password(password)
            if email is not None:
                user.email = email
            user.is_staff = True
            user.save()
            user.groups.add(role)
        groups = ", ".join(user.groups.order_by("name").values_list("name", flat=True))
        if created:
            message = f"Created the account '{username}' in {groups}"
            message += "." if given else f" with the password: {password}\nThis password is shown only once."
        else:
            message = f"The account '{username}' exists already; it is in {groups}"
            message += ", with the password given." if given else "; its password is unchanged."
        self.stdout.write(self.style.SUCCESS(message))

    def _given_password(self, stdin) -> str | None:
        if stdin is not None:
            password = stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("--password-stdin: standard input held no password.")
            return password
        return os.environ.get(PASSWORD_VARIABLE) or None
