"""The attendee's own addresses, all under /<event>/agenda/ (no programme page uses it)."""

from django.urls import path

from hallway.attendees import views

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
]
