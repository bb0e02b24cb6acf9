"""The demo's calls for papers and its logins, as `make demo` presents them."""

from __future__ import annotations

import pytest

from hallway.cfp.models import CallForPapers, Review, Submission
from hallway.demo import demo_logins

pytestmark = pytest.mark.django_db


def test_one_call_open_one_in_review_one_decided(demo):
    calls = {c.event.slug: c for c in CallForPapers.objects.select_related("event")}
    assert calls["kcd-pasadena"].phase == CallForPapers.CALL
    assert calls["devopsdays-la"].phase == CallForPapers.REVIEW
    assert calls["embedded-linux"].phase == CallForPapers.CLOSED
    in_review = Submission.objects.filter(event__slug="devopsdays-la", state="submitted")
    assert in_review.count() == 300
    reviews = Review.objects.filter(submission__event__slug="devopsdays-la")
    assert reviews.values("reviewer").distinct().count() == 5
    assert reviews.count() >= 900
    decided = set(
        Submission.objects.filter(event__slug="embedded-linux").values_list("state", flat=True)
    )
    assert decided == {"accepted", "rejected", "waitlisted"}


def test_every_demo_login_logs_in_through_the_accounts_pages(client, demo):
    logins = demo_logins()
    assert [role for role, _, _ in logins] == [
        "organiser",
        "speaker",
        "reviewer (DevOpsDays)",
        "track organiser (DevOpsDays' DevOps track)",
        "organiser of the KCD only",
    ]
    for _, username, password in logins:
        client.logout()
        response = client.post("/accounts/login/", {"login": username, "password": password})
        assert response["Location"] == "/accounts/submissions/", username


def test_the_demo_track_organiser_decides_their_track_and_nothing_else(client, demo):
    client.post("/accounts/login/", {"login": "track-organiser", "password": "hallway-demo"})
    dashboard = client.get("/devopsdays-la/cfp/manage/")
    assert dashboard.status_code == 200
    assert "You organise DevOps" in dashboard.content.decode()
    # the call's settings and the other events' calls are not theirs
    assert client.get("/devopsdays-la/cfp/manage/settings/").status_code in (403, 404)
    assert client.get("/kcd-pasadena/cfp/manage/").status_code in (403, 404)
