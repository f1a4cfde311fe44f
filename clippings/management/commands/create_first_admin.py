"""`manage.py create_first_admin`: on a new site, create its first administrator (a superuser) with
a random password, printed once.

Used by the quick start and the deployment guide so that no default password exists anywhere: the
password is made up on the spot, printed once, and never stored in clear. Editors and publishers
get their accounts from `create_account`.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.urls import reverse


class Command(BaseCommand):
    help = (
        "On a site without an administrator, create one (a superuser, who may do everything, "
        "including managing accounts) with a random password, printed once. Does nothing when the "
        "site has an administrator already. For editors and publishers, use create_account."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="The administrator's username (admin).")
        parser.add_argument("--url", default="", help="The site's address, e.g. https://news.example.org, "
                                                      "to print the admin's full address.")

    def handle(self, *args, username, url, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "An administrator exists already. Forgot the password? Run manage.py changepassword "
                f"{username}, with the site's settings loaded (docs/deploy.md, section 4)."
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username, "", password)
        admin = url.rstrip("/") + reverse("admin:index")
        self.stdout.write(self.style.SUCCESS(
            f"Created the administrator '{username}' with the password: {password}\n"
            f"Log in at {admin}; this password is shown only once."
        ))
