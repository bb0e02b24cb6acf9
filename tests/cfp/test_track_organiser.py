"""A track organiser sees and decides the submissions of their tracks, and nothing else:
not other tracks' submissions (listed or by address), not the call's settings, team, outbox
or hand-off, and not the organiser area."""

from __future__ import annotations

import pytest

from hallway.cfp.models import Message, ReviewerScope, Submission
from hallway.cfp.services import decisions, submitting
from hallway.events.models import EventRole, Track

from .conftest import give_role, make_user
from .test_services import content

pytestmark = pytest.mark.django_db

M = "/kcd-pasadena/cfp/manage"


@pytest.fixture
def world(client, open_cfp, talk, kcd_track, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    event = open_cfp.event
    security = Track.objects.create(event=event, name="Security")
    speaker = make_user("ada@example.net", name="Ada")
    mine = submitting.create_submission(
        event, speaker, content(talk, kcd_track, title="Operators"), submit=True
    )
    theirs = submitting.create_submission(
        event, speaker, content(talk, security, title="Supply chains"), submit=True
    )
    loose = submitting.create_submission(
        event, speaker, content(talk, None, title="No track"), submit=True
    )
    tom = give_role(make_user("tom@example.net"), event, EventRole.TRACK_ORGANISER)
    ReviewerScope.objects.create(event=event, user=tom).tracks.set([kcd_track])
    client.force_login(tom)
    return {"mine": mine, "theirs": theirs, "loose": loose, "tom": tom}


def test_the_dashboard_lists_only_their_tracks(client, world):
    page = client.get(f"{M}/").content.decode()
    assert "Operators" in page
    assert "Supply chains" not in page and "No track" not in page
    assert "You organise Kubernetes" in page
    assert f"{M}/settings/" not in page and f"{M}/remind/" not in page


def test_they_decide_their_tracks_and_are_refused_the_others(client, world):
    response = client.post(
        f"{M}/decide/",
        {
            "decision": Submission.ACCEPTED,
            "submission": [world["mine"].uuid, world["theirs"].uuid],
        },
        follow=True,
    )
    page = response.content.decode()
    assert "1 submission(s) accepted" in page
    assert "Supply chains: not in your tracks." in page
    world["mine"].refresh_from_db()
    world["theirs"].refresh_from_db()
    assert (world["mine"].state, world["theirs"].state) == ("accepted", "submitted")
    # The acceptance waits in the outbox, for the event's organisers to send.
    assert Message.objects.filter(submission=world["mine"], state=Message.OUTBOX).exists()
    assert client.get(f"{M}/outbox/").status_code == 403


def test_other_tracks_submissions_and_the_rest_of_the_call_are_closed(client, world):
    assert client.get(f"{M}/submissions/{world['mine'].uuid}/").status_code == 200
    for submission in (world["theirs"], world["loose"]):
        assert client.get(f"{M}/submissions/{submission.uuid}/").status_code == 403
    for page in ("settings/", "team/", "categories/", "questions/", "emails/"):
        assert client.get(f"{M}/{page}").status_code == 403, page
    assert client.post(f"{M}/remind/", {"days": "7"}).status_code == 403
    response = client.post(
        f"{M}/decide/", {"decision": "remind", "submission": [world["mine"].uuid]}
    )
    assert response.status_code == 403
    decisions.decide(world["mine"], Submission.REJECTED, world["tom"])
    offer = client.post(
        f"{M}/submissions/{world['mine'].uuid}/offer/", {"to_event": "devopsdays-la"}
    )
    assert offer.status_code == 403
    assert not world["tom"].has_perm("hallway.view_organiser_area")


def test_without_tracks_a_track_organiser_sees_nothing(client, world):
    ReviewerScope.objects.filter(user=world["tom"]).delete()
    page = client.get(f"{M}/").content.decode()
    assert "Operators" not in page and "No submissions." in page
    assert client.get(f"{M}/submissions/{world['mine'].uuid}/").status_code == 403


def test_a_track_organiser_of_one_event_has_no_rights_in_another(client, world, demo):
    assert client.get("/devopsdays-la/cfp/manage/").status_code == 403
