from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _fold(value):
    return None if value is None else str(value).lower()


def unicode_lower_on_sqlite(sender, connection, **kwargs):
    """SQLite's LOWER() folds ASCII letters only ("É" stays "É"): this one folds every letter, as
    SQLite's ICU extension would, so that the database's folding decides sameness there too
    (models/topics.py)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("LOWER", 1, _fold, deterministic=True)


class ClippingsConfig(AppConfig):
    name = "clippings"
    verbose_name = "Newsroom"

    def ready(self):
        # The public cache's receivers of content_changed and of the model signals; Field's
        # in_array lookup.
        from . import cache, lookups  # noqa: F401

        connection_created.connect(unicode_lower_on_sqlite, dispatch_uid="clippings.unicode_lower_on_sqlite")
