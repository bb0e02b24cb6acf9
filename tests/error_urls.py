"""A URL configuration for the 500-page test: the site's own plus one view that fails."""

from django.urls import path

from hallway.urls import handler404, handler500  # noqa: F401
from hallway.urls import urlpatterns as site_urls


def boom(request):
    raise RuntimeError("a failure the visitor must not see the details of")


urlpatterns = [path("boom/", boom), *site_urls]
