"""The audit log keeps who changed what, and an umbrella's log includes its sub-events."""

from __future__ import annotations

import pytest
from django.db import transaction

from factories import make_world
from hallway.audit.services import changed, entries_for_event, entries_for_object, record, snapshot

pytestmark = pytest.mark.django_db


def test_an_entry_keeps_actor_object_and_what_changed():
    world = make_world()
    room = world.alpha_room
    before = snapshot(room, ["name", "capacity"])
    room.capacity += 10
    room.save()
    organiser = world.user("umbrella_organiser")
    entry = record(
        world.alpha,
        "room.changed",
        by=organiser,
        obj=room,
        before=before,
        after=snapshot(room, ["name", "capacity"]),
    )
    assert entry.actor == organiser
    assert entry.object_id == str(room.pk)
    assert changed(entry.before, entry.after) == {
        "capacity": (before["capacity"], before["capacity"] + 10)
    }
    assert list(entries_for_object(room)) == [entry]


def test_umbrella_log_includes_sub_events_but_not_the_other_way_round():
    world = make_world()
    sub = world.apricot.event
    made_by_the_world = set(entries_for_event(world.alpha))  # its first release
    on_sub = record(sub, "session.changed", note="on the sub-event")
    on_umbrella = record(world.alpha, "release.made", note="on the umbrella")
    record(world.zulu, "release.made", note="another conference")
    assert set(entries_for_event(world.alpha)) - made_by_the_world == {on_sub, on_umbrella}
    assert list(entries_for_event(sub)) == [on_sub]


def test_an_entry_written_in_a_rolled_back_change_is_gone():
    world = make_world()
    with pytest.raises(RuntimeError), transaction.atomic():
        record(world.alpha, "room.changed", note="rolled back")
        raise RuntimeError("the change failed")
    assert not entries_for_event(world.alpha).filter(note="rolled back").exists()
