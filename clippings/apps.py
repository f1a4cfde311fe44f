from django.apps import AppConfig


class ClippingsConfig(AppConfig):
    name = "clippings"
    verbose_name = "Newsroom"

    def ready(self):
        # Connects the public cache's receivers of content_changed and of the model signals.
        from . import cache  # noqa: F401
