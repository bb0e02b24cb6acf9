"""The organiser area's purpose-built pages: everything of one event under ``/<event>/manage/``.

Each group of pages keeps its own list below (the dashboard and the event's content, the
schedule editor, releases), so the pieces can grow without stepping on each other.  The
Django admin stays at ``/manage/`` for raw data.
"""

from django.urls import path

from hallway.manage.views import dashboard

app_name = "manage"

M = "<slug:event>/manage"

content_urlpatterns = [
    path(f"{M}/", dashboard.dashboard, name="dashboard"),
]
editor_urlpatterns: list = []
release_urlpatterns: list = []

urlpatterns = content_urlpatterns + editor_urlpatterns + release_urlpatterns
