"""The organiser area's purpose-built pages: everything of one event under ``/<event>/manage/``.

Each group of pages keeps its own list below (the dashboard and the event's content, the
schedule editor, releases), so the pieces can grow without stepping on each other.  The
Django admin stays at ``/manage/`` for raw data.
"""

from django.urls import path

from hallway.manage.views import audit, dashboard, releases

app_name = "manage"

M = "<slug:event>/manage"

content_urlpatterns = [
    path(f"{M}/", dashboard.dashboard, name="dashboard"),
]
editor_urlpatterns: list = []
release_urlpatterns = [
    path(f"{M}/releases/", releases.release_page, name="releases"),
    path(f"{M}/releases/preview/", releases.release_preview_page, name="release-preview"),
    path(f"{M}/releases/confirm/", releases.release_confirm, name="release-confirm"),
    path(f"{M}/freeze/", releases.freeze, name="freeze"),
    path(f"{M}/unfreeze/", releases.unfreeze, name="unfreeze"),
    path(f"{M}/log/", audit.event_log, name="log"),
    path(f"{M}/log/session/<uuid:session>/", audit.session_log, name="session-log"),
]

urlpatterns = content_urlpatterns + editor_urlpatterns + release_urlpatterns
