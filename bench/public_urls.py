"""The product's URLs plus a trivial view: the baseline every public page is measured against."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("", include("newsroom.urls")),
]
