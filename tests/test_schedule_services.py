"""``hallway.schedule.services``: releasing, checking and comparing schedules, against the demo."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from hallway.events.models import Event, Room
from hallway.programme.models import SessionSpeaker, SpeakerAvailability
from hallway.schedule.models import Schedule, Slot
from hallway.schedule.services import (
    diff_schedules,
    latest_release,
    release_schedule,
    schedule_conflicts,
    wip_schedule,
)

pytestmark = pytest.mark.django_db

FRIDAY = dt.date(2027, 3, 5)


def _at(event: Event, day: dt.date, hhmm: str) -> dt.datetime:
    h, m = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=event.tz)


def _wip_talk_slot(event: Event, day: dt.date = FRIDAY, hhmm: str = "10:45") -> Slot:
    """A one-part talk with speakers in the work in progress, starting at ``hhmm``.

    Its speakers' availability windows are lifted: the tests move it to hours the demo's
    speakers are not there (evenings), to test rooms and features, not availability."""
    slot = (
        wip_schedule(event)
        .slots.filter(
            session__session_type__slug="talk",
            start=_at(event, day, hhmm),
            session__speaker_links__isnull=False,
        )
        .select_related("session", "room")
        .order_by("room__position")
        .first()
    )
    SpeakerAvailability.objects.filter(speaker__sessions=slot.session).delete()
    return slot


def _written() -> tuple[int, int]:
    return Schedule.objects.count(), Slot.objects.count()


def _refused(event: Event, version: str = "1.1") -> str:
    """Try to release; assert it is refused and nothing was written; return the message."""
    before = _written()
    with pytest.raises(ValidationError) as caught:
        release_schedule(event, version)
    assert _written() == before
    assert latest_release(event).version == "1.0"
    return " | ".join(caught.value.messages)


def test_demo_work_in_progress_has_no_conflicts(demo):
    assert schedule_conflicts(wip_schedule(demo)) == []


def test_release_copies_the_work_in_progress_and_public_pages_show_it(demo, client):
    wip = wip_schedule(demo)
    old = latest_release(demo)
    slot = _wip_talk_slot(demo)
    # 21:30 on the same day: after every evening BoF and meetup, so the move is conflict-free.
    slot.start, slot.end = _at(demo, FRIDAY, "21:30"), _at(demo, FRIDAY, "22:15")
    slot.save()

    release = release_schedule(demo, "1.1", comment="Moved one talk to the evening.")

    assert release.is_release and release.version == "1.1"
    assert latest_release(demo) == release
    fields = ("session_id", "part", "room_id", "start", "end", "label")
    assert len(release.slots.all()) == len(wip.slots.all()) > 250
    assert sorted(map(repr, release.slots.values_list(*fields))) == sorted(
        map(repr, wip.slots.values_list(*fields))
    )
    # The old release is untouched (immutable): the talk is still at 10:45 there.
    assert old.slots.get(session=slot.session).start == _at(demo, FRIDAY, "10:45")

    page = client.get(f"/{demo.slug}/sessions/{slot.session.slug}/").content.decode()
    assert "Programme version 1.1" in page
    assert "21:30" in page
    grid = client.get(f"/{demo.slug}/programme/{FRIDAY.isoformat()}/").content.decode()
    assert "21:30–22:15" in grid


def test_editing_the_work_in_progress_after_a_release_leaves_the_release_alone(demo, client):
    slot = _wip_talk_slot(demo)
    release = latest_release(demo)
    before = list(release.slots.values_list("id", "start", "end", "room_id"))
    slot.start, slot.end = _at(demo, FRIDAY, "21:30"), _at(demo, FRIDAY, "22:15")
    slot.save()
    assert list(release.slots.values_list("id", "start", "end", "room_id")) == before
    page = client.get(f"/{demo.slug}/sessions/{slot.session.slug}/").content.decode()
    assert "21:30" not in page  # public pages read the release, never the WIP


def test_release_refuses_a_speaker_in_two_places_at_once(demo):
    a = _wip_talk_slot(demo)
    speaker = a.session.speaker_links.first().speaker
    b = (
        wip_schedule(demo)
        .slots.filter(start=a.start, session__isnull=False)
        .exclude(session=a.session)
        .exclude(session__speakers=speaker)
        .first()
    )
    SessionSpeaker.objects.create(session=b.session, speaker=speaker, position=9)
    message = _refused(demo)
    assert f"{speaker.name} would be in two places at once" in message
    assert a.session.title in message and b.session.title in message
    assert "Fri 10:45" in message  # local time, not UTC


def test_release_refuses_a_double_booked_room(demo):
    a = _wip_talk_slot(demo)
    b = (
        wip_schedule(demo)
        .slots.filter(start=a.start, end=a.end, session__session_type__slug="talk")
        .exclude(room=a.room)
        .first()
    )
    b.room = a.room
    b.save()
    message = _refused(demo)
    assert f"{a.room.name} holds" in message
    assert a.session.title in message and b.session.title in message


def test_release_refuses_a_room_lacking_a_feature(demo):
    slot = (
        wip_schedule(demo)
        .slots.filter(
            session__session_type__slug="workshop", part=1, session__parts_consecutive=False
        )
        .select_related("session")
        .first()
    )
    day = slot.start.astimezone(demo.tz).date()
    # The demo's workshop hosts go home at six: this one stays late.
    SpeakerAvailability.objects.filter(speaker__sessions=slot.session).delete()
    # Ballroom E is empty late in the evening, so the only problem is the missing lab.
    slot.room = Room.objects.get(event=demo, name="Ballroom E")
    slot.start, slot.end = _at(demo, day, "21:00"), _at(demo, day, "22:30")
    slot.save()
    message = _refused(demo)
    assert f"Ballroom E lacks lab for '{slot.session.title}'" in message
    assert [c.kind for c in schedule_conflicts(wip_schedule(demo))] == ["feature"]


def test_release_refuses_a_session_beside_a_plenary(demo):
    keynote = (
        wip_schedule(demo)
        .slots.filter(session__session_type__is_plenary=True, start__date__gte=FRIDAY)
        .first()
    )
    talk = _wip_talk_slot(demo)
    talk.start, talk.end = keynote.start, keynote.start + dt.timedelta(minutes=45)
    talk.save()
    message = _refused(demo)
    assert f"'{talk.session.title}' runs beside the plenary '{keynote.session.title}'" in message


def test_release_refuses_a_version_name_used_before(demo):
    message = _refused(demo, version="1.0")
    assert "'1.0' exists already" in message


def test_release_refuses_an_empty_version_name(demo):
    assert "version name" in _refused(demo, version="  ")


def test_diff_reports_a_moved_slot(demo):
    old = latest_release(demo)
    slot = _wip_talk_slot(demo)
    slot.start, slot.end = _at(demo, FRIDAY, "21:30"), _at(demo, FRIDAY, "22:15")
    slot.save()
    new = release_schedule(demo, "1.1")

    diff = diff_schedules(old, new)
    assert bool(diff)
    assert diff.added == [] and diff.removed == []
    assert [(a.session_id, a.start, b.start) for a, b in diff.moved] == [
        (slot.session_id, _at(demo, FRIDAY, "10:45"), _at(demo, FRIDAY, "21:30"))
    ]
    assert not diff_schedules(new, new)
    first = diff_schedules(None, old)
    assert len(first.added) == old.slots.filter(session__isnull=False).count()


def test_a_release_that_fails_half_way_leaves_nothing_behind(demo, monkeypatch):
    before = latest_release(demo)

    def fail(*args, **kwargs):  # the database refusing the copied slots
        raise IntegrityError("disk full")

    monkeypatch.setattr(Slot.objects, "bulk_create", fail)
    with pytest.raises(IntegrityError):
        release_schedule(demo, "1.1")
    assert latest_release(demo) == before
    assert not Schedule.objects.filter(event=demo, version="1.1").exists()
