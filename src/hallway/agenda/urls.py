from django.urls import path

from hallway.agenda import views

app_name = "agenda"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:event>/", views.event_home, name="event"),
    path("<slug:event>/programme/", views.programme_grid, name="grid"),
    path("<slug:event>/programme/list/", views.programme_list, name="list"),
    path("<slug:event>/programme/<str:day>/", views.programme_grid, name="grid-day"),
    path("<slug:event>/sessions/<slug:session>/", views.session_detail, name="session"),
    path("<slug:event>/speakers/", views.speaker_list, name="speakers"),
    path("<slug:event>/speakers/<slug:speaker>/", views.speaker_detail, name="speaker"),
    path("<slug:event>/rooms/", views.room_list, name="rooms"),
    path("<slug:event>/rooms/<slug:room>/", views.room_detail, name="room"),
    path("<slug:event>/rooms/<slug:room>/now/", views.room_now, name="room-now"),
    path("<slug:event>/changes/", views.changes, name="changes"),
    path("<slug:event>/changes/<slug:release>/", views.release_detail, name="release"),
    path("<slug:event>/exhibitors/", views.exhibitor_list, name="exhibitors"),
]
