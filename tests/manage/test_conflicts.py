"""The editor's scoped conflict checks (one day; one session's neighbourhood) give exactly the
whole schedule's check for the slots they are asked about: on a world with every kind of
conflict, across a day boundary and beside a long session, and on random worlds."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from factories import DAY, at, make_session, make_umbrella
from hallway.attendees.models import Attendee, Favourite
from hallway.events.models import Room, RoomAvailability, SessionType
from hallway.programme.models import SessionSpeaker, Speaker, SpeakerAvailability
from hallway.schedule.conflicts import day_conflicts, schedule_conflicts, session_conflicts
from hallway.schedule.models import Slot
from hallway.schedule.services import wip_schedule

pytestmark = pytest.mark.django_db
NEXT = DAY + dt.timedelta(days=1)
KINDS = {
    "room",
    "speaker",
    "availability",
    "feature",
    "plenary",
    "capacity",
    "changeover",
    "distance",
}


def key(c):
    return (c.kind, c.severity, c.message, c.sessions, c.when, c.slots)


def same(scoped, expected):
    assert sorted(map(key, scoped)) == sorted(map(key, expected))


def assert_scoped_checks_agree(umbrella) -> list:
    """Every day and every session: the scoped check equals the whole check, filtered."""
    wip = wip_schedule(umbrella)
    whole = schedule_conflicts(wip, soft=True)
    starts = dict(wip.slots.values_list("id", "start"))
    for day in umbrella.days:
        begin, end = umbrella.day_bounds(day)
        on_day = [c for c in whole if any(begin <= starts[s] < end for s in c.slots)]
        same(day_conflicts(wip, day), on_day)
        same(day_conflicts(wip, day, soft=False), [c for c in on_day if c.severity == "hard"])
    for session_id in set(wip.slots.values_list("session_id", flat=True)) - {None}:
        same(session_conflicts(wip, session_id), [c for c in whole if session_id in c.sessions])
    return whole


def talk(umbrella, title, room, start, minutes=30, speakers=(), kind=None, **fields):
    session = make_session(umbrella, title, session_type=kind)
    for position, speaker in enumerate(speakers):
        SessionSpeaker.objects.create(session=session, speaker=speaker, position=position)
    if fields or minutes != 30:
        session.duration = minutes
        for name, value in fields.items():
            setattr(session, name, value)
        session.save()
    Slot.objects.create(
        schedule=wip_schedule(umbrella),
        session=session,
        room=room,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
    )
    return session


def test_every_kind_of_conflict_on_two_days_is_found_by_the_scoped_checks():
    umbrella = make_umbrella("Conflict Umbrella", "conflicts")
    umbrella.changeover_minutes = 10
    umbrella.save()
    small = Room.objects.create(event=umbrella, name="Room Small", capacity=2, floor="Level 1")
    big = Room.objects.create(
        event=umbrella, name="Room Big", capacity=500, floor="Level 2", features=["projector"]
    )
    closed = Room.objects.create(event=umbrella, name="Room Closed")
    RoomAvailability.objects.create(room=closed, start=at(9), end=at(17))
    ana, bo, cy = (Speaker.objects.create(event=umbrella, name=n) for n in ("Ana", "Bo", "Cy"))
    SpeakerAvailability.objects.create(speaker=cy, start=at(9), end=at(12))
    plenary = SessionType.objects.create(
        event=umbrella, name="Keynote", is_plenary=True, default_duration=60
    )

    talk(umbrella, "Double One", small, at(9), speakers=[ana])  # room, speaker
    talk(umbrella, "Double Two", small, at(9, 10))
    talk(umbrella, "Ana Elsewhere", big, at(9, 15), speakers=[ana])
    talk(umbrella, "Cy Late", big, at(14), speakers=[cy])  # speaker availability
    talk(umbrella, "After Closing", closed, at(18))  # room availability
    talk(umbrella, "Needs Streaming", big, at(15), required_features=["streamed"])  # feature
    crowd = talk(umbrella, "Crowd", small, at(16))  # capacity
    for _ in range(5):
        Favourite.objects.create(attendee=Attendee.objects.create(event=umbrella), session=crowd)
    talk(umbrella, "Tight One", small, at(10))  # changeover 10:30 → 10:35
    talk(umbrella, "Tight Two", small, at(10, 35))
    talk(umbrella, "Bo Down", small, at(11), speakers=[bo])  # distance, Level 1 → Level 2
    talk(umbrella, "Bo Up", big, at(11, 40), speakers=[bo])
    # Across midnight (the day change is 00:00): a changeover from one day into the next.
    talk(umbrella, "Midnight", small, at(23, 20), minutes=35)
    talk(umbrella, "Just After", small, at(0, 0, NEXT))
    # A long session on the second day beside a plenary that starts hours later.
    talk(umbrella, "Workshop", closed, at(8, 0, NEXT), minutes=240)
    talk(umbrella, "Keynote", big, at(11, 0, NEXT), kind=plenary)
    talk(umbrella, "Cancelled", big, at(11, 0, NEXT), state="cancelled")

    whole = assert_scoped_checks_agree(umbrella)
    assert {c.kind for c in whole} == KINDS
    assert any("Midnight" in c.message and "Just After" in c.message for c in whole)
    assert any("Workshop" in c.message and c.kind == "plenary" for c in whole)
    assert not any("Cancelled" in c.message for c in whole)
    wip = wip_schedule(umbrella)
    # The first day's page sees the midnight changeover (it starts there), not the keynote.
    first = {c.message for c in day_conflicts(wip, DAY)}
    assert any("Just After" in m for m in first)
    assert not any("Keynote" in m for m in first)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_worlds_agree(seed):
    rng = random.Random(seed)
    umbrella = make_umbrella(f"Random {seed}", f"random-{seed}")
    umbrella.changeover_minutes = rng.choice([0, 5, 15])
    umbrella.save()
    floors = ["Level 1", "Level 2", ""]
    rooms = [
        Room.objects.create(
            event=umbrella,
            name=f"Room {i}",
            capacity=rng.choice([None, 3, 50]),
            floor=rng.choice(floors),
            features=rng.sample(["projector", "recorded"], rng.randint(0, 2)),
        )
        for i in range(4)
    ]
    speakers = [Speaker.objects.create(event=umbrella, name=f"Speaker {i}") for i in range(6)]
    SpeakerAvailability.objects.create(speaker=speakers[0], start=at(9), end=at(13))
    RoomAvailability.objects.create(room=rooms[0], start=at(10), end=at(15, 0, NEXT))
    plenary = SessionType.objects.create(
        event=umbrella, name="Plenary", is_plenary=True, default_duration=60
    )
    sessions = []
    for i in range(36):
        day = rng.choice([DAY, NEXT])
        start = at(rng.choice([0, 8, 9, 10, 11, 14, 22, 23]), rng.randrange(0, 60, 5), day)
        sessions.append(
            talk(
                umbrella,
                f"Session {i}",
                rng.choice([*rooms, None]),
                start,
                minutes=rng.choice([20, 30, 45, 90, 180]),
                speakers=rng.sample(speakers, rng.randint(0, 2)),
                kind=plenary if rng.random() < 0.06 else None,
                required_features=rng.sample(["projector", "recorded"], rng.randint(0, 1)),
                state=rng.choice(["confirmed"] * 9 + ["cancelled"]),
            )
        )
    for session in rng.sample(sessions, 8):
        for _ in range(rng.randint(1, 4)):
            Favourite.objects.create(
                attendee=Attendee.objects.create(event=umbrella), session=session
            )
    whole = assert_scoped_checks_agree(umbrella)
    assert len({c.kind for c in whole}) >= 5  # a world with conflicts to compare
