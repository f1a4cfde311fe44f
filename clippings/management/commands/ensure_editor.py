"""`manage.py ensure_editor`: the former name of `create_first_admin`, kept for existing scripts."""

from .create_first_admin import Command as CreateFirstAdmin


class Command(CreateFirstAdmin):
    help = "Deprecated: the former name of create_first_admin, which creates the first administrator."

    def handle(self, *args, **options):
        self.stderr.write(self.style.WARNING(
            "ensure_editor is now called create_first_admin (it creates an administrator, not an editor)."))
        super().handle(*args, **options)
