"""The editors' desk: the Django admin, organised for curating hundreds of clippings a day."""

from django.conf import settings
from django.contrib import admin

from . import articles, press_releases, providers, topics  # noqa: F401 - registers the admins
from .desk import install

admin.site.site_header = "Newsroom desk"
admin.site.site_title = "Newsroom desk"
admin.site.index_title = f"The desk (times in {settings.TIME_ZONE})"
install(admin.site)
