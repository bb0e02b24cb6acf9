from django.urls import path

from hallway.agenda import views
from hallway.schedule.publication import public_page

app_name = "agenda"

# Every page here shows only the published programme, so each is cached whole until the
# event's programme changes (hallway.schedule.publication).
FILTERS = ("event", "track", "type", "room")
page = public_page()
filtered = public_page(params=FILTERS)

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:event>/", page(views.event_home), name="event"),
    path("<slug:event>/programme/", filtered(views.programme_grid), name="grid"),
    path("<slug:event>/programme/list/", filtered(views.programme_list), name="list"),
    path("<slug:event>/programme/<str:day>/", filtered(views.programme_grid), name="grid-day"),
    path("<slug:event>/sessions/<slug:session>/", page(views.session_detail), name="session"),
    path("<slug:event>/speakers/", page(views.speaker_list), name="speakers"),
    path("<slug:event>/speakers/<slug:speaker>/", page(views.speaker_detail), name="speaker"),
    path("<slug:event>/rooms/", page(views.room_list), name="rooms"),
    path("<slug:event>/rooms/<slug:room>/", page(views.room_detail), name="room"),
    path(
        "<slug:event>/rooms/<slug:room>/now/",
        public_page(params=("at",), per_minute=True)(views.room_now),
        name="room-now",
    ),
    path("<slug:event>/changes/", page(views.changes), name="changes"),
    path("<slug:event>/changes.atom", page(views.changes_feed), name="changes-feed"),
    path("<slug:event>/changes/<slug:release>/", page(views.release_detail), name="release"),
    path("<slug:event>/exhibitors/", page(views.exhibitor_list), name="exhibitors"),
]
