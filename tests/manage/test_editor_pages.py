"""The schedule editor's pages through Django's test client: the day grid, the "move to" form
that works without JavaScript, undo, the event's time zone from the form to the exports, and
a proposal from the solver accepted in part."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from factories import make_session, make_world
from hallway.attendees.models import Attendee, Favourite
from hallway.events.models import Room
from hallway.schedule.models import Proposal, Slot
from hallway.schedule.services import release_schedule, wip_schedule

pytestmark = pytest.mark.django_db

DAY = "2030-03-01"


@pytest.fixture
def world():
    return make_world()


def day_url(world, slug=None):
    return reverse("manage:editor_day", args=[slug or world.alpha.slug, DAY])


def slot_of(session):
    return Slot.objects.filter(schedule=wip_schedule(session.event), session=session).first()


def move(client, world, session, *, room, time, day=DAY, version=None):
    slot = slot_of(session)
    if version is None:
        version = "" if slot is None else slot.version
    return client.post(
        reverse("manage:editor_move", args=[world.alpha.slug]),
        {
            "session": session.pk,
            "part": 1,
            "version": version,
            "room": room.pk,
            "day": day,
            "time": time,
            "back": DAY,
        },
        follow=True,
    )


def test_the_day_page_shows_rooms_sessions_the_list_and_conflicts(client, world):
    waiting = make_session(
        world.blueberry.event, "Waiting Blueberry", session_type=world.blueberry.session_type
    )
    client.force_login(world.user("umbrella_organiser"))
    page = client.get(day_url(world)).content.decode()
    assert "Room Aardvark" in page and "Times are in <strong>UTC</strong>" in page
    assert f'id="session-{world.apricot.session.pk}-1"' in page
    assert "Waiting Blueberry" in page.split('id="unscheduled"')[1]
    assert "No conflicts." in page
    # The side list filters by sub-event.
    filtered = client.get(day_url(world), {"event": world.apricot.event.pk}).content.decode()
    assert "Waiting Blueberry" not in filtered.split('id="unscheduled"')[1]
    assert waiting.pk


def test_a_sub_event_organiser_sees_the_shared_grid_but_moves_only_their_own(client, world):
    client.force_login(world.user("sub_organiser"))
    page = client.get(day_url(world, world.apricot.event.slug)).content.decode()
    mine = page.split(f'id="session-{world.apricot.session.pk}-1"')[1].split("</article>")[0]
    theirs = page.split(f'id="session-{world.blueberry.session.pk}-1"')[1].split("</article>")[0]
    assert "Move…" in mine and 'draggable="true"' in mine
    assert "Talk Blueberry" in theirs and "Move…" not in theirs and "draggable" not in theirs
    # And posting the form anyway is refused.
    response = move(client, world, world.blueberry.session, room=world.alpha_room, time="16:00")
    assert response.status_code == 403
    assert slot_of(world.blueberry.session).start.hour == 10


def test_moving_by_form_shows_the_conflict_and_undo_takes_it_back(client, world):
    client.force_login(world.user("umbrella_organiser"))
    hall = Room.objects.create(event=world.alpha, name="Room Bison")
    second = make_session(
        world.apricot.event,
        "Second Apricot",
        speaker=world.apricot.speaker,
        session_type=world.apricot.session_type,
    )
    page = move(client, world, second, room=hall, time="09:00").content.decode()
    assert "is now in Room Bison" in page
    conflicts = page.split('id="conflicts"')[1]
    assert "hard" in conflicts and "Speaker Apricot would be in two places at once" in conflicts
    assert f"#session-{second.pk}-1" in conflicts
    page = client.post(
        reverse("manage:editor_undo", args=[world.alpha.slug]), {"back": DAY}, follow=True
    ).content.decode()
    assert "Undone" in page and slot_of(second) is None
    assert "No conflicts." in page


def test_a_stale_form_is_refused_with_what_changed(client, world):
    client.force_login(world.user("umbrella_organiser"))
    session = world.apricot.session
    stale = slot_of(session).version
    move(client, world, session, room=world.alpha_room, time="11:00")
    page = move(
        client, world, session, room=world.alpha_room, time="12:00", version=stale
    ).content.decode()
    assert "was changed by orgalpha" in page and "Room Aardvark, Fri 11:00" in page
    assert slot_of(session).start.hour == 11


def test_a_time_entered_in_the_editor_is_the_events_local_time_everywhere(client, world):
    """16:30 entered for an America/Los_Angeles event is 16:30 on the public grid and
    00:30Z (the next day) in the exports."""
    alpha = world.alpha
    alpha.time_zone = "America/Los_Angeles"
    alpha.save()
    for sub in alpha.sub_events.all():
        sub.time_zone = alpha.time_zone
        sub.save()
    client.force_login(world.user("umbrella_organiser"))
    session = world.apricot.session
    page = move(client, world, session, room=world.alpha_room, time="16:30").content.decode()
    assert "Times are in <strong>America/Los_Angeles</strong>" in page
    assert slot_of(session).start == dt.datetime(2030, 3, 2, 0, 30, tzinfo=dt.UTC)
    card = page.split(f'id="session-{session.pk}-1"')[1].split("</article>")[0]
    assert "16:30–17:00" in card and 'value="16:30"' in card
    release_schedule(alpha, "2.0")
    client.logout()
    grid = client.get(reverse("agenda:grid-day", args=[alpha.slug, DAY])).content.decode()
    assert "16:30" in grid.split("Talk Apricot")[0][-600:]
    exported = json.loads(client.get(f"/{alpha.slug}/schedule.json").content)
    events = [
        e
        for day in exported["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for e in room
    ]
    talk = next(e for e in events if e["title"] == "Talk Apricot")
    assert talk["start"] == "16:30"
    moment = dt.datetime.fromisoformat(talk["date"]).astimezone(dt.UTC)
    assert moment.strftime("%Y-%m-%dT%H:%MZ") == "2030-03-02T00:30Z"
    xml = client.get(f"/{alpha.slug}/schedule.xml").content.decode()
    assert "<date>2030-03-01T16:30:00-08:00</date>" in xml


def test_a_proposal_for_one_day_is_shown_as_a_diff_and_accepted_in_part(client, world):
    """Two talks whose audiences overlap run at the same time in two rooms: the solver moves
    one of them; accepting only that move goes through the move service."""
    alpha = world.alpha
    hall = Room.objects.create(event=alpha, name="Room Bison", capacity=100)
    a, b = world.apricot.session, world.blueberry.session
    # Both at 9:00 in different rooms, wanted by the same five attendees.
    slot = slot_of(b)
    slot.room, slot.start, slot.end = hall, slot_of(a).start, slot_of(a).end
    slot.save()
    for _ in range(5):
        attendee = Attendee.objects.create(event=alpha)
        Favourite.objects.create(attendee=attendee, session=a)
        Favourite.objects.create(attendee=attendee, session=b)
    client.force_login(world.user("umbrella_organiser"))
    response = client.post(
        reverse("manage:editor_propose", args=[alpha.slug]),
        {"scope": "day", "day": DAY, "back": DAY, "time_limit": "2"},
        follow=True,
    )
    proposal = Proposal.objects.get()
    assert proposal.state == Proposal.DONE, proposal.error
    page = response.content.decode()
    assert "Missed favourites" in page
    assert proposal.figures["current"]["missed"] == 5
    assert proposal.figures["proposed"]["missed"] == 0
    keys = [f"{c['session']}-{c['part']}" for c in proposal.changes]
    assert keys, "the solver should separate the two talks"
    accept = reverse("manage:editor_accept", args=[alpha.slug, proposal.pk])
    page = client.post(accept, {"change": keys[:1]}, follow=True).content.decode()
    assert "Accepted 1 move" in page
    moved = proposal.changes[0]
    session = a if moved["session"] == a.pk else b
    assert slot_of(session).start.isoformat() == moved["after"]["start"]
    proposal.refresh_from_db()
    assert proposal.changes[0]["accepted"] is True
