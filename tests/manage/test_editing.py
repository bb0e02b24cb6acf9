"""The schedule editor's services: place, move, unplace, undo, with rights, freeze, versions and
the audit log; and the conflicts the editor shows (hard and soft)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from factories import at, make_session, make_world, place
from hallway.attendees.models import Attendee, Favourite
from hallway.audit.services import entries_for_object
from hallway.events.models import Room
from hallway.programme.models import SessionSpeaker
from hallway.schedule import editing
from hallway.schedule.editing import Placement, StaleEdit
from hallway.schedule.models import Slot
from hallway.schedule.services import (
    HARD,
    SOFT,
    freeze_schedule,
    release_schedule,
    schedule_conflicts,
    wip_schedule,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def slot_of(session) -> Slot | None:
    return Slot.objects.filter(schedule=wip_schedule(session.event), session=session).first()


def test_a_move_changes_the_slot_bumps_its_version_and_is_in_the_audit_log(world):
    session, organiser = world.apricot.session, world.user("umbrella_organiser")
    before = slot_of(session)
    slot = editing.place(
        session, 1, Placement(world.alpha_room, at(11)), by=organiser, version=before.version
    )
    assert (slot.pk, slot.start, slot.end) == (before.pk, at(11), at(11, 30))
    assert slot.version > before.version
    assert wip_schedule(world.alpha).edits == slot.version
    entry = entries_for_object(session).get()
    assert entry.action == "slot.moved" and entry.actor == organiser
    assert entry.before["start"] == at(9).isoformat()
    assert entry.after["start"] == at(11).isoformat()
    assert entry.after["room_name"] == "Room Aardvark"


def test_a_stale_move_is_refused_and_says_who_changed_what(world):
    session = world.apricot.session
    seen = slot_of(session).version  # both organisers' pages show this version
    editing.place(
        session,
        1,
        Placement(world.alpha_room, at(11)),
        by=world.user("sub_organiser"),
        version=seen,
    )
    with pytest.raises(StaleEdit) as refused:
        editing.place(
            session,
            1,
            Placement(world.alpha_room, at(12)),
            by=world.user("umbrella_organiser"),
            version=seen,
        )
    message = refused.value.messages[0]
    assert "orgapricot" in message and "Room Aardvark, Fri 11:00" in message
    assert slot_of(session).start == at(11)


def test_placing_a_part_someone_else_placed_meanwhile_is_stale(world):
    new = make_session(
        world.apricot.event, "Fresh Apricot", session_type=world.apricot.session_type
    )
    organiser = world.user("umbrella_organiser")
    editing.place(new, 1, Placement(world.alpha_room, at(15)), by=organiser, version=None)
    with pytest.raises(StaleEdit):
        editing.place(new, 1, Placement(world.alpha_room, at(16)), by=organiser, version=None)


def test_a_sub_event_organiser_moves_only_their_own_sessions(world):
    sub = world.user("sub_organiser")
    theirs, sibling = world.apricot.session, world.blueberry.session
    with pytest.raises(PermissionDenied):
        editing.place(
            sibling,
            1,
            Placement(world.alpha_room, at(16)),
            by=sub,
            version=slot_of(sibling).version,
        )
    with pytest.raises(PermissionDenied):
        editing.unplace(sibling, 1, by=sub, version=slot_of(sibling).version)
    assert slot_of(sibling).start == at(10)
    editing.place(theirs, 1, Placement(world.alpha_room, at(16)), by=sub, version=0)
    assert slot_of(theirs).start == at(16)


def test_a_frozen_schedule_refuses_even_a_superuser(world):
    freeze_schedule(world.alpha, by=world.user("umbrella_organiser"))
    session = world.apricot.session
    with pytest.raises(ValidationError, match="frozen"):
        editing.place(
            session, 1, Placement(world.alpha_room, at(16)), by=world.user("superuser"), version=0
        )
    with pytest.raises(ValidationError, match="frozen"):
        editing.unplace(session, 1, by=world.user("superuser"), version=0)
    assert slot_of(session).start == at(9)


def test_bad_places_are_refused_with_what_is_wrong(world):
    organiser, session = world.user("umbrella_organiser"), world.apricot.session
    with pytest.raises(ValidationError, match="not a room of Alpha Umbrella"):
        editing.place(session, 1, Placement(world.zulu_room, at(16)), by=organiser, version=0)
    with pytest.raises(ValidationError, match="not on one of"):
        editing.place(
            session,
            1,
            Placement(world.alpha_room, at(10, day=dt.date(2030, 4, 1))),
            by=organiser,
            version=0,
        )
    with pytest.raises(ValidationError, match="no part 2"):
        editing.place(session, 2, Placement(world.alpha_room, at(16)), by=organiser, version=None)


def test_unplace_and_undo_step_back_through_ones_own_moves(world):
    organiser, session = world.user("umbrella_organiser"), world.apricot.session
    slot = editing.place(session, 1, Placement(world.alpha_room, at(11)), by=organiser, version=0)
    editing.unplace(session, 1, by=organiser, version=slot.version)
    assert slot_of(session) is None
    # Someone else's move is not this organiser's to undo.
    other = world.blueberry.session
    editing.place(
        other, 1, Placement(world.alpha_room, at(15)), by=world.user("superuser"), version=0
    )

    undone = editing.undo_last(world.alpha, by=organiser)
    assert undone.action == "slot.unplaced"
    assert slot_of(session).start == at(11)
    undone = editing.undo_last(world.alpha, by=organiser)
    assert undone.action == "slot.moved"
    assert slot_of(session).start == at(9)
    assert editing.undo_last(world.alpha, by=organiser) is None
    assert slot_of(other).start == at(15)
    actions = list(entries_for_object(session).values_list("action", flat=True))
    assert actions == ["slot.undone", "slot.undone", "slot.unplaced", "slot.moved"]


def test_undo_does_not_overwrite_a_later_move_by_someone_else(world):
    session = world.apricot.session
    mine = editing.place(
        session, 1, Placement(world.alpha_room, at(11)), by=world.user("sub_organiser"), version=0
    )
    editing.place(
        session,
        1,
        Placement(world.alpha_room, at(12)),
        by=world.user("umbrella_organiser"),
        version=mine.version,
    )
    with pytest.raises(StaleEdit, match="orgalpha"):
        editing.undo_last(world.alpha, by=world.user("sub_organiser"))
    assert slot_of(session).start == at(12)


def test_a_speaker_clash_is_a_hard_conflict_naming_the_sessions(world):
    organiser = world.user("umbrella_organiser")
    second = make_session(
        world.apricot.event,
        "Second Apricot",
        speaker=world.apricot.speaker,
        session_type=world.apricot.session_type,
    )
    hall = Room.objects.create(event=world.alpha, name="Room Bison")
    editing.place(second, 1, Placement(hall, at(9, 15)), by=organiser, version=None)
    conflicts = schedule_conflicts(wip_schedule(world.alpha), soft=True)
    clash = [c for c in conflicts if c.kind == "speaker"]
    assert len(clash) == 1 and clash[0].severity == HARD
    assert set(clash[0].sessions) == {world.apricot.session.pk, second.pk}
    assert "Speaker Apricot would be in two places at once" in clash[0].message


def test_soft_conflicts_are_advice_that_never_blocks_a_release(world):
    alpha = world.alpha
    alpha.changeover_minutes = 10
    alpha.save()
    small = Room.objects.create(event=alpha, name="Room Cricket", capacity=2, floor="Level 2")
    world.alpha_room.floor = "Level 1"
    world.alpha_room.save()
    apricot = world.apricot
    # Demand: 5 favourites × 60% = 3 people for 2 seats.
    crowd = make_session(apricot.event, "Crowded Apricot", session_type=apricot.session_type)
    place(crowd, small, at(16))
    for _ in range(5):
        Favourite.objects.create(attendee=Attendee.objects.create(event=alpha), session=crowd)
    # 5 minutes after Talk Apricot (9:00-9:30) in the same room: under the 10-minute minimum.
    tight = make_session(apricot.event, "Tight Apricot", session_type=apricot.session_type)
    tight.duration = 20  # ends 9:55, before Talk Blueberry at 10:00
    place(tight, world.alpha_room, at(9, 35))
    # Speaker Apricot: from Level 1 at 9:30 to Level 2 at 9:45, under twice the minimum.
    far = make_session(apricot.event, "Far Apricot", session_type=apricot.session_type)
    SessionSpeaker.objects.create(session=far, speaker=apricot.speaker)
    place(far, small, at(9, 45))

    wip = wip_schedule(alpha)
    found = [c for c in schedule_conflicts(wip, soft=True) if c.severity == SOFT]
    changeovers = [c.message for c in found if c.kind == "changeover"]
    assert len(changeovers) == 2  # 9:30 → 9:35 and 9:55 → 10:00 in Room Aardvark
    soft = {c.kind: c for c in found}
    assert set(soft) == {"capacity", "changeover", "distance"}
    assert "about 3 people" in soft["capacity"].message and "seats 2" in soft["capacity"].message
    assert "5 minutes between 'Talk Apricot' and 'Tight Apricot'" in changeovers[0]
    assert "Level 1" in soft["distance"].message and "Level 2" in soft["distance"].message
    assert soft["distance"].sessions == (apricot.session.pk, far.pk)
    assert schedule_conflicts(wip) == []
    assert release_schedule(alpha, "2.0").version == "2.0"
