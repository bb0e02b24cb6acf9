"""The call for papers' addresses.  Public and speaker pages live under the event
(``/<event>/cfp/...``); a speaker's own pages under ``/accounts/``, beside sign-in."""

from django.urls import path

from hallway.cfp import views

app_name = "cfp"

event_urlpatterns = [
    path("<slug:event>/cfp/", views.cfp_page, name="cfp"),
    path("<slug:event>/cfp/submit/", views.submit, name="submit"),
    path("<slug:event>/cfp/submissions/<uuid:uuid>/", views.submission_page, name="submission"),
    path("<slug:event>/cfp/submissions/<uuid:uuid>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:event>/cfp/submissions/<uuid:uuid>/invite/", views.invite, name="invite"),
]
account_urlpatterns = [
    path("accounts/submissions/", views.me, name="me"),
    path("accounts/speaker-profile/", views.profile, name="profile"),
    path("accounts/invitations/<str:token>/", views.invitation, name="invitation"),
]
urlpatterns = account_urlpatterns + event_urlpatterns
