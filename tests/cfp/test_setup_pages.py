"""The organisers' own pages for what the admin used to hold: score categories with weights
(the reviews' means follow a change), deadlines per session type (entered and shown in the
event's time zone) and the review team (reviewers and track organisers added by the address
of their account, optionally limited to tracks)."""

from __future__ import annotations

import pytest

from hallway.cfp.models import CallForPapers, Review, ReviewerScope, ScoreCategory
from hallway.cfp.services import calls, reviewing, submitting
from hallway.events.models import EventRole, SessionType, Track

from .conftest import give_role, make_user
from .test_services import content

pytestmark = pytest.mark.django_db

M = "/kcd-pasadena/cfp/manage"


@pytest.fixture
def organiser(client, open_cfp):
    user = give_role(make_user("org@example.net"), open_cfp.event)
    client.force_login(user)
    return user


def errors(response, field):
    return " ".join(response.context["form"].errors.get(field, []))


def test_score_categories_are_added_weighted_and_the_reviews_follow(
    client, organiser, open_cfp, talk, kcd_track
):
    page = client.post(
        f"{M}/categories/", {"name": "Relevance", "weight": "2", "max_score": "5", "position": "0"}
    )
    assert page.status_code == 302
    client.post(
        f"{M}/categories/", {"name": "Clarity", "weight": "1", "max_score": "5", "position": "1"}
    )
    relevance, clarity = open_cfp.categories.all()
    assert (relevance.name, relevance.weight, clarity.weight) == ("Relevance", 2, 1)
    listing = client.get(f"{M}/categories/").content.decode()
    assert "×2" in listing and "0–5" in listing

    # A review with relevance 5 and clarity 2: (5/5·2 + 2/5·1) / 3 = 80.
    speaker = make_user("ada@example.net", name="Ada")
    reviewer = give_role(make_user("rev@example.net"), open_cfp.event, EventRole.REVIEWER)
    submission = submitting.create_submission(
        open_cfp.event, speaker, content(talk, kcd_track), submit=True
    )
    calls.set_phase(open_cfp, CallForPapers.REVIEW)
    reviewing.save_review(submission, reviewer, {relevance: 5, clarity: 2})
    assert Review.objects.get(submission=submission).score == 80.0

    # Weighting both alike scores it (1 + 0.4) / 2 = 70.
    data = {"name": "Relevance", "weight": "1", "max_score": "5", "position": "0"}
    assert client.post(f"{M}/categories/{relevance.pk}/", data).status_code == 302
    assert Review.objects.get(submission=submission).score == 70.0

    # The maximum cannot go below a score given already; said next to the field.
    data = {"name": "Relevance", "weight": "1", "max_score": "4", "position": "0"}
    response = client.post(f"{M}/categories/{relevance.pk}/", data)
    assert response.status_code == 200
    assert "1 score(s) given already are above 4" in errors(response, "max_score")
    response = client.post(
        f"{M}/categories/", {"name": "clarity", "weight": "1", "max_score": "5", "position": "2"}
    )
    assert "There is a category “clarity” already" in errors(response, "name")

    # Deleting a category scores the reviews over the others: relevance 5/5 = 100.
    client.post(f"{M}/categories/{clarity.pk}/", {"delete": "1"})
    assert list(open_cfp.categories.values_list("name", flat=True)) == ["Relevance"]
    assert Review.objects.get(submission=submission).score == 100.0


def test_a_deadline_per_session_type_in_the_event_time_zone(client, organiser, open_cfp):
    lightning = SessionType.objects.get(event=open_cfp.event.umbrella, name="Lightning talks")
    page = client.get(f"{M}/deadlines/").content.decode()
    assert "America/Los_Angeles, the event's time zone" in page
    response = client.post(
        f"{M}/deadlines/", {"session_type": lightning.pk, "closes_at": "2099-02-11 23:59"}
    )
    assert response.status_code == 302, response.context["form"].errors
    deadline = open_cfp.deadlines.get()
    assert deadline.closes_at.isoformat() == "2099-02-12T07:59:00+00:00"
    page = client.get(f"{M}/deadlines/").content.decode()
    assert "Wed 11 Feb 2099, 23:59 PST" in page
    assert calls.deadline(open_cfp, lightning) == deadline.closes_at

    twice = client.post(
        f"{M}/deadlines/", {"session_type": lightning.pk, "closes_at": "2099-03-01 12:00"}
    )
    assert "has its own deadline already" in errors(twice, "session_type")
    early = client.post(
        f"{M}/deadlines/{deadline.pk}/",
        {"session_type": lightning.pk, "closes_at": "2000-01-01 00:00"},
    )
    assert "close after" in errors(early, "closes_at")
    keynote = SessionType.objects.exclude(pk__in=calls.offered_session_types(open_cfp)).first()
    response = client.post(
        f"{M}/deadlines/", {"session_type": keynote.pk, "closes_at": "2099-03-01 12:00"}
    )
    assert "Select a valid choice" in errors(response, "session_type")
    client.post(f"{M}/deadlines/{deadline.pk}/", {"delete": "1"})
    assert not open_cfp.deadlines.exists()


def test_the_review_team_by_account_address_with_tracks(client, organiser, open_cfp, kcd_track):
    rita = make_user("rita@example.net", name="Rita")
    response = client.post(f"{M}/team/", {"email": "Rita@Example.net", "role": "reviewer"})
    assert response.status_code == 302
    member = EventRole.objects.get(event=open_cfp.event, user=rita, role=EventRole.REVIEWER)
    assert not ReviewerScope.objects.filter(user=rita).exists()  # every track
    page = client.get(f"{M}/team/").content.decode()
    assert "Rita" in page and "Every track" in page

    again = client.post(f"{M}/team/", {"email": "rita@example.net", "role": "reviewer"})
    assert "is a reviewer of Kubernetes Community Day Pasadena already" in errors(again, "email")
    nobody = client.post(f"{M}/team/", {"email": "nobody@example.net", "role": "reviewer"})
    assert "No account uses nobody@example.net" in errors(nobody, "email")
    assert "/accounts/signup/" in errors(nobody, "email")

    # Limited to a track on the member's page; then removed.
    response = client.post(f"{M}/team/{member.pk}/", {"tracks": [kcd_track.pk]})
    assert response.status_code == 302
    assert list(ReviewerScope.objects.get(user=rita).tracks.all()) == [kcd_track]
    foreign = Track.objects.exclude(event__in=[open_cfp.event, open_cfp.event.umbrella]).first()
    response = client.post(f"{M}/team/{member.pk}/", {"tracks": [foreign.pk]})
    assert "Select a valid choice" in errors(response, "tracks")
    client.post(f"{M}/team/{member.pk}/", {"remove": "1"})
    assert not EventRole.objects.filter(user=rita).exists()
    assert not ReviewerScope.objects.filter(user=rita).exists()


def test_a_track_organiser_needs_a_track(client, organiser, open_cfp, kcd_track):
    make_user("tom@example.net", name="Tom")
    response = client.post(f"{M}/team/", {"email": "tom@example.net", "role": "track_organiser"})
    assert "at least one track" in errors(response, "tracks")
    response = client.post(
        f"{M}/team/",
        {"email": "tom@example.net", "role": "track_organiser", "tracks": [kcd_track.pk]},
    )
    assert response.status_code == 302
    tom = EventRole.objects.get(role=EventRole.TRACK_ORGANISER, user__email="tom@example.net")
    assert list(ReviewerScope.objects.get(user=tom.user).tracks.all()) == [kcd_track]
    response = client.post(f"{M}/team/{tom.pk}/", {})
    assert "at least one track" in errors(response, "tracks")


def test_another_events_category_deadline_and_member_are_not_found_here(client, demo):
    from django.utils import timezone

    umbrella_organiser = give_role(make_user("u@example.net"), demo)
    devops = demo.sub_events.get(slug="devopsdays-la")
    category = ScoreCategory.objects.create(cfp=devops.cfp, name="Elsewhere")
    deadline = devops.cfp.deadlines.create(
        session_type=SessionType.objects.filter(event=demo).first(), closes_at=timezone.now()
    )
    member = give_role(make_user("r@example.net"), devops, EventRole.REVIEWER)
    member = EventRole.objects.get(user=member)
    client.force_login(umbrella_organiser)
    for url in (
        f"{M}/categories/{category.pk}/",
        f"{M}/deadlines/{deadline.pk}/",
        f"{M}/team/{member.pk}/",
    ):
        assert client.get(url).status_code == 404, url
