"""Public URLs of the newsroom (placeholder routes until the public site lands)."""

from django.http import Http404
from django.urls import path

app_name = "clippings"


def not_yet(request, **kwargs):
    raise Http404


urlpatterns = [
    path("coverage/<int:pk>/<slug:slug>/", not_yet, name="article_detail"),
    path("press-releases/<slug:slug>/", not_yet, name="press_release_detail"),
    path("topics/<slug:slug>/", not_yet, name="topic_detail"),
    path("providers/<slug:slug>/", not_yet, name="provider_detail"),
]
