"""The call for papers' addresses.  Everything of one event's call lives under
``/<event>/cfp/``: the public page and speakers' submissions, ``review/`` for reviewers and
``manage/`` for organisers; a speaker's own pages live under ``/accounts/``, beside sign-in."""

from django.urls import path

from hallway.cfp import views, views_manage, views_review, views_setup

app_name = "cfp"

S = "<slug:event>/cfp/submissions/<uuid:uuid>"
M = "<slug:event>/cfp/manage"

event_urlpatterns = [
    path("<slug:event>/cfp/", views.cfp_page, name="cfp"),
    path("<slug:event>/cfp/submit/", views.submit, name="submit"),
    path(f"{S}/", views.submission_page, name="submission"),
    path(f"{S}/withdraw/", views.withdraw, name="withdraw"),
    path(f"{S}/invite/", views.invite, name="invite"),
    path(f"{S}/confirm/", views.answer_decision, {"answer": "confirm"}, name="confirm"),
    path(f"{S}/decline/", views.answer_decision, {"answer": "decline"}, name="decline"),
    path(f"{S}/offers/<int:pk>/", views.answer_offer, name="answer-offer"),
    path("<slug:event>/cfp/review/", views_review.review_list, name="review-list"),
    path("<slug:event>/cfp/review/<uuid:uuid>/", views_review.review_submission, name="review"),
    path(f"{M}/", views_manage.dashboard, name="manage"),
    path(f"{M}/decide/", views_manage.bulk_decide, name="decide"),
    path(f"{M}/remind/", views_manage.remind, name="remind"),
    path(f"{M}/settings/", views_manage.settings_page, name="manage-settings"),
    path(
        f"{M}/submissions/<uuid:uuid>/",
        views_manage.submission_detail,
        name="manage-submission",
    ),
    path(f"{M}/submissions/<uuid:uuid>/offer/", views_manage.offer, name="offer"),
    path(f"{M}/submissions/<uuid:uuid>/write/", views_manage.write, name="write"),
    path(f"{M}/questions/", views_setup.questions, name="questions"),
    path(f"{M}/questions/<int:pk>/", views_setup.questions, name="question"),
    path(f"{M}/categories/", views_setup.categories, name="categories"),
    path(f"{M}/categories/<int:pk>/", views_setup.categories, name="category"),
    path(f"{M}/deadlines/", views_setup.deadlines, name="deadlines"),
    path(f"{M}/deadlines/<int:pk>/", views_setup.deadlines, name="deadline"),
    path(f"{M}/team/", views_setup.team, name="team"),
    path(f"{M}/team/<int:pk>/", views_setup.team_member, name="team-member"),
    path(f"{M}/outbox/", views_manage.outbox, name="outbox"),
    path(f"{M}/outbox/<int:pk>/", views_manage.message_detail, name="message"),
    path(f"{M}/emails/", views_manage.templates, name="templates"),
    path(f"{M}/emails/<slug:kind>/", views_manage.template_edit, name="template"),
]
account_urlpatterns = [
    path("accounts/submissions/", views.me, name="me"),
    path("accounts/speaker-profile/", views.profile, name="profile"),
    path("accounts/photos/<str:name>", views.photo, name="photo"),
    path("accounts/invitations/<str:token>/", views.invitation, name="invitation"),
]
urlpatterns = account_urlpatterns + event_urlpatterns
