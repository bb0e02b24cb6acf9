from django.contrib import admin
from django.urls import include, path

from hallway.attendees import views as attendee_views
from hallway.interop import views as interop_views

admin.site.site_header = "hallway organiser area"
admin.site.site_title = "hallway"

urlpatterns = [
    path("manage/import/", interop_views.import_page, name="import"),
    path("manage/", admin.site.urls),
    path("sw.js", attendee_views.service_worker, name="service-worker"),
    path("", include("hallway.cfp.urls")),
    path("", include("hallway.manage.urls")),
    path("accounts/", include("allauth.urls")),
    path("<slug:event>/schedule.<str:extension>", interop_views.export, name="export"),
    path("", include("hallway.attendees.urls")),
    path("", include("hallway.search.urls")),
    path("", include("hallway.agenda.urls")),
]

handler404 = "hallway.agenda.errors.page_not_found"
handler500 = "hallway.agenda.errors.server_error"
