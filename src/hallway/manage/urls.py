"""The organiser area's purpose-built pages: everything of one event under ``/<event>/manage/``.

Each group of pages keeps its own list below (the dashboard and the event's content, the
schedule editor, releases), so the pieces can grow without stepping on each other.  The
Django admin stays at ``/manage/`` for raw data.
"""

from django.urls import path

from hallway.manage.views import dashboard, editor

app_name = "manage"

M = "<slug:event>/manage"

content_urlpatterns = [
    path(f"{M}/", dashboard.dashboard, name="dashboard"),
]
editor_urlpatterns = [
    path(f"{M}/schedule/", editor.days, name="editor"),
    path(f"{M}/schedule/<str:date>/", editor.day, name="editor_day"),
    path(f"{M}/schedule/do/move/", editor.move, name="editor_move"),
    path(f"{M}/schedule/do/unplace/", editor.unplace, name="editor_unplace"),
    path(f"{M}/schedule/do/undo/", editor.undo, name="editor_undo"),
    path(f"{M}/schedule/do/propose/", editor.propose, name="editor_propose"),
    path(f"{M}/schedule/proposals/<int:pk>/", editor.proposal, name="editor_proposal"),
    path(f"{M}/schedule/proposals/<int:pk>/accept/", editor.accept, name="editor_accept"),
]
release_urlpatterns: list = []

urlpatterns = content_urlpatterns + editor_urlpatterns + release_urlpatterns
