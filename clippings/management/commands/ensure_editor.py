"""`manage.py ensure_editor`: on a new site, create a first administrator with a random password.

Used by the quick start so that no default password exists anywhere: the password is made up on
the spot, printed once, and never stored in clear.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.urls import reverse


class Command(BaseCommand):
    help = "Create a first superuser with a random password, printed once, if the site has none."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "An administrator exists already. Forgot the password? Run manage.py changepassword "
                f"{username}, with the site's settings loaded (docs/deploy.md, section 4)."
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username, "", password)
        admin = reverse("admin:index")
        self.stdout.write(self.style.SUCCESS(
            f"Created the administrator '{username}' with the password: {password}\n"
            f"Log in at {admin} (with the quick start: http://127.0.0.1:8000{admin}); "
            "this password is shown only once."
        ))
