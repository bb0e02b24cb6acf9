"""Model validation: bad data is refused with a message that names the problem, and public
identifiers (slugs, UUIDs) stay put.

Validation runs on a small world (tests/factories.py); the demo is for what is about the demo
(its identifiers surviving a reset, its released programme).  Whether a room has what a
session needs is tested in tests/test_one_rule.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from factories import at, make_session, make_umbrella
from hallway.demo import load_demo
from hallway.events.models import Event, Room, RoomAvailability, SessionType, Track
from hallway.programme.models import (
    Exhibitor,
    Playlist,
    Session,
    Speaker,
    SpeakerAvailability,
)
from hallway.schedule.models import Slot
from hallway.schedule.services import latest_release, wip_schedule

pytestmark = pytest.mark.django_db


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@pytest.fixture
def small(db) -> tuple[Event, Room, Session]:
    """An umbrella with one room and one talk: enough for a model's validation."""
    umbrella = make_umbrella("Model Fest", "model-fest")
    room = Room.objects.create(event=umbrella, name="Room Kestrel", capacity=50)
    return umbrella, room, make_session(umbrella, "A talk to validate")


def test_slot_ending_before_it_starts_is_refused_by_full_clean(small):
    umbrella, room, session = small
    start = at(11)
    slot = Slot(
        schedule=wip_schedule(umbrella),
        session=session,
        room=room,
        start=start,
        end=start - dt.timedelta(minutes=30),
    )
    with pytest.raises(ValidationError) as caught:
        slot.full_clean()
    assert "end" in caught.value.message_dict
    assert "ends before it starts" in _messages(caught.value)


def test_slot_ending_before_it_starts_is_refused_by_the_database(small):
    start = at(11)
    wip = wip_schedule(small[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.create(
            schedule=wip, label="Backwards", start=start, end=start - dt.timedelta(minutes=1)
        )
    assert not wip.slots.filter(label="Backwards").exists()


def test_availability_windows_ending_before_they_start_are_refused(small):
    umbrella, room, _ = small
    start = at(11)
    windows = [
        RoomAvailability(room=room, start=start, end=start - dt.timedelta(hours=1)),
        SpeakerAvailability(
            speaker=Speaker.objects.create(event=umbrella, name="Speaker Wren"),
            start=start,
            end=start,
        ),
    ]
    for window in windows:
        with pytest.raises(ValidationError) as caught:
            window.full_clean()
        assert "ends before it starts" in _messages(caught.value)
        with pytest.raises(IntegrityError), transaction.atomic():
            window.save()


def test_unknown_room_feature_is_refused(small):
    room = Room(
        event=small[0],
        name="Hovercraft bay",
        slug="hovercraft-bay",
        capacity=10,
        features=["projector", "hovercraft"],
    )
    with pytest.raises(ValidationError) as caught:
        room.full_clean()
    message = " ".join(caught.value.message_dict["features"])
    assert "hovercraft" in message
    assert "projector" in message  # the known features are listed, to help fix it


def test_bad_event_time_zone_is_refused():
    event = Event(
        name="Mars conf",
        slug="mars-conf",
        time_zone="Mars/Olympus",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 1, 2),
    )
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    message = " ".join(caught.value.message_dict["time_zone"])
    assert "Mars/Olympus" in message
    assert "time zone" in message


def test_event_ending_before_it_starts_is_refused():
    event = Event(
        name="Backwards",
        slug="backwards",
        time_zone="UTC",
        start_date=dt.date(2027, 1, 2),
        end_date=dt.date(2027, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    assert "ends before it starts" in " ".join(caught.value.message_dict["end_date"])


def test_sub_event_outside_its_umbrellas_days_is_refused(small):
    umbrella = small[0]
    sub = Event(
        parent=umbrella,
        name="Late add-on",
        slug="late-add-on",
        time_zone=umbrella.time_zone,
        start_date=umbrella.end_date,
        end_date=umbrella.end_date + dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as caught:
        sub.full_clean()
    assert "within its umbrella's days" in _messages(caught.value)
    sub.end_date = umbrella.end_date
    sub.full_clean()  # inside the umbrella's days it is fine


def test_session_slug_survives_a_title_change(demo, client):
    session = Session.objects.filter(umbrella=demo, session_type__slug="talk").first()
    slug, uuid = session.slug, session.uuid
    url = f"/{demo.slug}/sessions/{slug}/"
    session.title = "A completely different title after review"
    session.save()
    session.refresh_from_db()
    assert (session.slug, session.uuid) == (slug, uuid)
    response = client.get(url)
    assert response.status_code == 200
    assert "A completely different title after review" in response.content.decode()


def test_new_sessions_with_the_same_title_get_distinct_slugs(small):
    existing = small[2]
    twin = Session.objects.create(
        event=existing.event, title=existing.title, duration=45, session_type=existing.session_type
    )
    assert (existing.slug, twin.slug) == ("a-talk-to-validate", "a-talk-to-validate-2")


def _public_ids(umbrella: Event) -> dict[str, dict[str, str]]:
    return {
        "events": dict(
            Event.objects.filter(pk__in=umbrella.family_ids()).values_list("slug", "uuid")
        ),
        "rooms": dict(Room.objects.filter(event=umbrella).values_list("slug", "uuid")),
        "sessions": dict(Session.objects.filter(umbrella=umbrella).values_list("slug", "uuid")),
        "speakers": dict(Speaker.objects.filter(event=umbrella).values_list("slug", "uuid")),
        "exhibitors": dict(Exhibitor.objects.filter(event=umbrella).values_list("slug", "uuid")),
    }


def test_demo_uuids_are_unique_and_survive_a_reset(demo):
    before = _public_ids(demo)
    for kind, ids in before.items():
        assert len(set(ids.values())) == len(ids), f"duplicate {kind} UUIDs"
    assert len(before["sessions"]) >= 250
    load_demo(reset=True)
    umbrella = Event.objects.get(slug=demo.slug)
    assert umbrella.pk != demo.pk  # really rebuilt, not left alone
    assert _public_ids(umbrella) == before


def test_demo_track_type_and_playlist_uuids_survive_a_reset(demo):
    """Tracks, session types and playlists are public too (filters, exports): their UUIDs must
    not be re-rolled by a reset.  Fails while the demo creates them without ``stable_uuid``."""

    def ids(umbrella: Event) -> dict[tuple[str, str], str]:
        family = umbrella.family_ids()
        out = {
            ("track", f"{e}/{s}"): u
            for e, s, u in Track.objects.filter(event_id__in=family).values_list(
                "event__slug", "slug", "uuid"
            )
        }
        out |= {
            ("type", s): u
            for s, u in SessionType.objects.filter(event=umbrella).values_list("slug", "uuid")
        }
        out |= {
            ("playlist", s): u
            for s, u in Playlist.objects.filter(event_id__in=family).values_list("slug", "uuid")
        }
        return out

    before = ids(demo)
    load_demo(reset=True)
    assert ids(Event.objects.get(slug=demo.slug)) == before


def test_a_released_slot_cannot_be_edited_through_validation(demo):
    slot = latest_release(demo).slots.filter(session__isnull=False).first()
    slot.start += dt.timedelta(minutes=15)
    slot.end += dt.timedelta(minutes=15)
    with pytest.raises(ValidationError) as caught:
        slot.full_clean()
    assert "immutable" in _messages(caught.value)
