"""A small world for the schedule editor's tests, shared by the browser walk (and reusable
by the release walk that continues it): the factories' two umbrellas plus a second room,
sessions waiting on the list, and a clash of audiences for the solver to undo."""

from __future__ import annotations

import dataclasses

import pytest

from factories import at, make_session, make_world, place


@dataclasses.dataclass
class EditorWorld:
    world: object
    hall: object  # Room Bison, beside Room Aardvark
    fresh: object  # unscheduled, no speaker in common with anyone
    second: object  # unscheduled, by Speaker Apricot (who talks at 9:00)
    clash: object  # at 10:00 beside Talk Blueberry, starred by the same attendees
    day: str = "2030-03-01"


@pytest.fixture
def editor_world():
    from hallway.attendees.models import Attendee, Favourite
    from hallway.events.models import Room

    world = make_world()
    alpha, apricot, blueberry = world.alpha, world.apricot, world.blueberry
    hall = Room.objects.create(event=alpha, name="Room Bison", capacity=100, position=1)
    fresh = make_session(blueberry.event, "Fresh Blueberry", session_type=blueberry.session_type)
    second = make_session(
        apricot.event, "Second Apricot", speaker=apricot.speaker, session_type=apricot.session_type
    )
    clash = make_session(blueberry.event, "Clash Blueberry", session_type=blueberry.session_type)
    place(clash, hall, at(10))
    for _ in range(6):
        attendee = Attendee.objects.create(event=alpha)
        Favourite.objects.create(attendee=attendee, session=clash)
        Favourite.objects.create(attendee=attendee, session=blueberry.session)
    return EditorWorld(world, hall, fresh, second, clash)


from cfp.conftest import Inbox, smtp  # noqa: E402, F401 - a fixture, found by name
