"""The organiser area's purpose-built pages: everything of one event under ``/<event>/manage/``.

Each group of pages keeps its own list below (the dashboard and the event's content, the
schedule editor, releases), so the pieces can grow without stepping on each other.  The
Django admin stays at ``/manage/`` for raw data.
"""

from django.urls import path

from hallway.manage.views import audit, dashboard, editor, releases, sessions, speakers, venue

app_name = "manage"

M = "<slug:event>/manage"

content_urlpatterns = [
    path(f"{M}/", dashboard.dashboard, name="dashboard"),
    path(f"{M}/sessions/", sessions.session_list, name="sessions"),
    path(f"{M}/sessions/new/", sessions.session_edit, name="sessions_new"),
    path(f"{M}/sessions/<uuid:uuid>/", sessions.session_edit, name="sessions_edit"),
    path(f"{M}/speakers/", speakers.speaker_list, name="speakers"),
    path(f"{M}/speakers/new/", speakers.speaker_edit, name="speakers_new"),
    path(f"{M}/speakers/<uuid:uuid>/", speakers.speaker_edit, name="speakers_edit"),
    path(f"{M}/rooms/", venue.room_list, name="rooms"),
    path(f"{M}/rooms/new/", venue.room_edit, name="rooms_new"),
    path(f"{M}/rooms/<uuid:uuid>/", venue.room_edit, name="rooms_edit"),
    path(f"{M}/tracks/", venue.track_list, name="tracks"),
    path(f"{M}/tracks/new/", venue.track_edit, name="tracks_new"),
    path(f"{M}/tracks/<uuid:uuid>/", venue.track_edit, name="tracks_edit"),
    path(f"{M}/types/", venue.session_type_list, name="session_types"),
    path(f"{M}/types/new/", venue.session_type_edit, name="session_types_new"),
    path(f"{M}/types/<uuid:uuid>/", venue.session_type_edit, name="session_types_edit"),
    path(f"{M}/exhibitors/", venue.exhibitor_list, name="exhibitors"),
    path(f"{M}/exhibitors/new/", venue.exhibitor_edit, name="exhibitors_new"),
    path(f"{M}/exhibitors/<uuid:uuid>/", venue.exhibitor_edit, name="exhibitors_edit"),
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
