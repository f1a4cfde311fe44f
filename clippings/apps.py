from django.apps import AppConfig


class ClippingsConfig(AppConfig):
    name = "clippings"
    verbose_name = "Newsroom"

    def ready(self):
        # The public cache's receivers of content_changed and of the model signals; Field's
        # in_array lookup.
        from . import cache, lookups  # noqa: F401
