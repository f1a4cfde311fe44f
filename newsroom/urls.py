"""The project's URLs: the admin (where DJANGO_ADMIN_PATH puts it), and the public newsroom."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path("", include("clippings.urls")),
]

handler403 = "clippings.admin.workflow.refused"  # in the admin, the admin's page with the reason
