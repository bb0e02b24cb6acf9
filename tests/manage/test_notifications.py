"""A release tells each speaker and each attendee (who starred a session and gave an address)
only their own changes, in one email each, through a real SMTP server."""

from __future__ import annotations

import pytest
from django.urls import reverse

from factories import at, make_world
from hallway.attendees.models import Attendee, Favourite
from hallway.attendees.services import attendees_to_notify
from hallway.cfp.models import Message
from hallway.manage.releases import make_release
from hallway.programme.models import Session, SessionSpeaker
from hallway.schedule.services import wip_fingerprint, wip_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = make_world()
    world.alpha.time_zone = "America/Los_Angeles"
    world.alpha.save()
    world.apricot.speaker.email = "ana@example.net"
    world.apricot.speaker.save()
    world.blueberry.speaker.email = "bo@example.net"
    world.blueberry.speaker.save()
    world.apricot.hidden_speaker.email = "hidden@example.net"
    world.apricot.hidden_speaker.save()
    return world


def attendee(world, email: str, *sessions, notify: bool = True) -> Attendee:
    person = Attendee.objects.create(event=world.alpha, email=email, notify_changes=notify)
    for session in sessions:
        Favourite.objects.create(attendee=person, session=session)
    return person


def move_apricot_and_cancel_blueberry(world):
    slot = wip_schedule(world.alpha).slots.get(session=world.apricot.session)
    slot.start, slot.end = at(11), at(11, 30)
    slot.save()
    Session.objects.filter(pk=world.blueberry.session.pk).update(state=Session.CANCELLED)


def test_each_person_gets_one_email_with_only_their_changes(
    world, smtp, django_capture_on_commit_callbacks
):
    # Ana also co-presents the Blueberry talk: one email lists both of her changes.
    SessionSpeaker.objects.create(
        session=world.blueberry.session, speaker=world.apricot.speaker, position=1
    )
    both = attendee(world, "both@example.org", world.apricot.session, world.blueberry.session)
    attendee(world, "quiet@example.org", world.apricot.session, notify=False)
    attendee(world, "", world.apricot.session)  # asked, but gave no address
    attendee(world, "new@example.org", world.apricot.hidden)  # only an added session
    move_apricot_and_cancel_blueberry(world)
    with django_capture_on_commit_callbacks(execute=True):
        release, messages = make_release(
            world.alpha,
            "2.0",
            by=world.user("umbrella_organiser"),
            note="Ana's talk moves to the morning's second half.",
            fingerprint=wip_fingerprint(world.alpha),
        )
    moved = (
        "“Talk Apricot” moved: Fri 1 Mar, 01:00–01:30 PST in Room Aardvark → "
        "Fri 1 Mar, 03:00–03:30 PST in Room Aardvark."
    )
    cancelled = (
        "“Talk Blueberry” is cancelled (it was Fri 1 Mar, 02:00–02:30 PST in Room Aardvark)."
    )
    received = {m["X-Envelope-To"]: smtp.body(m) for m in smtp.messages}
    assert sorted(received) == ["ana@example.net", "bo@example.net", "both@example.org"]
    assert len(smtp.messages) == 3  # one each
    ana = received["ana@example.net"]
    assert moved in ana and cancelled in ana
    assert "Ana's talk moves to the morning's second half." in ana
    assert "Times are in America/Los_Angeles." in ana
    bo = received["bo@example.net"]
    assert cancelled in bo and "Talk Apricot" not in bo
    starred = received["both@example.org"]
    assert moved in starred and cancelled in starred
    assert "sessions you starred" in starred
    assert f"/alpha/changes/{release.slug}/" in ana
    assert {m.state for m in Message.objects.filter(pk__in=[m.pk for m in messages])} == {
        Message.SENT
    }
    assert attendees_to_notify(world.alpha, [world.apricot.session.pk]) == [
        (both, {world.apricot.session.pk})
    ]


def test_the_preview_names_who_will_be_told(client, world):
    move_apricot_and_cancel_blueberry(world)
    client.force_login(world.user("umbrella_organiser"))
    body = client.post(
        reverse("manage:release-preview", args=["alpha"]), {"version": "2.0"}
    ).content.decode()
    assert "2 emails, each listing only that person's changes" in body
    assert "Speaker Speaker Apricot &lt;ana@example.net&gt;: 1 change" in body
    assert "hidden@example.net" not in body  # an added session is nobody's change


def test_a_refused_release_sends_nothing(world, smtp, django_capture_on_commit_callbacks):
    move_apricot_and_cancel_blueberry(world)
    stale = wip_fingerprint(world.alpha)
    slot = wip_schedule(world.alpha).slots.get(session=world.apricot.session)
    slot.start, slot.end = at(12), at(12, 30)
    slot.save()
    with pytest.raises(Exception, match="changed after you opened"):
        with django_capture_on_commit_callbacks(execute=True):
            make_release(world.alpha, "2.0", by=world.user("umbrella_organiser"), fingerprint=stale)
    assert smtp.messages == []
    assert not Message.objects.filter(event=world.alpha).exists()


def test_a_failed_send_is_kept_to_be_tried_again(
    world, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    move_apricot_and_cancel_blueberry(world)
    with django_capture_on_commit_callbacks(execute=True):
        release, messages = make_release(world.alpha, "2.0", by=world.user("umbrella_organiser"))
    assert release.version == "2.0"  # the release stands
    assert {m.to for m in messages} == {"ana@example.net", "bo@example.net"}
    states = set(Message.objects.filter(event=world.alpha).values_list("state", "attempts"))
    assert states == {(Message.FAILED, 1)}
