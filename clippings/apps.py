from django.apps import AppConfig


class ClippingsConfig(AppConfig):
    name = "clippings"
    verbose_name = "Newsroom"
