"""The attendee's own addresses, all under /<event>/agenda/ (no programme page uses it)."""

from django.urls import path

from hallway.attendees import email_views, personal_views, views

app_name = "attendees"

urlpatterns = [
    path("<slug:event>/agenda/", views.agenda, name="agenda"),
    path("<slug:event>/agenda/starred.json", views.starred, name="starred"),
    path("<slug:event>/agenda/star/<slug:session>/", views.star, name="star"),
    path("<slug:event>/agenda/device/", views.device, name="device"),
    path("<slug:event>/agenda/restore/<uuid:token>/", views.restore, name="restore"),
    path("<slug:event>/agenda/feed/<uuid:token>.ics", views.feed, name="feed"),
    path("<slug:event>/agenda/agenda.ics", views.download, name="download"),
    path("<slug:event>/agenda/manifest.webmanifest", views.manifest, name="manifest"),
    path("<slug:event>/agenda/notes/<slug:session>/", personal_views.note, name="note"),
    path(
        "<slug:event>/agenda/notes/<slug:session>/block/",
        personal_views.note_form,
        name="note_form",
    ),
    path("<slug:event>/agenda/mark/<slug:session>/", personal_views.mark, name="mark"),
    path("<slug:event>/agenda/watch-later/", personal_views.watch_later, name="watch_later"),
    path("<slug:event>/agenda/recap/", personal_views.recap, name="recap"),
    path("<slug:event>/agenda/recap.md", personal_views.recap_markdown, name="recap_markdown"),
    path("<slug:event>/agenda/email/", email_views.email, name="email"),
    path(
        "<slug:event>/agenda/email/confirm/<str:token>/",
        email_views.confirm_email,
        name="confirm_email",
    ),
    path(
        "<slug:event>/agenda/email/unsubscribe/<str:token>/",
        email_views.unsubscribe,
        name="unsubscribe",
    ),
]
