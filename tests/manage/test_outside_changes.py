"""Changes to the work in progress made outside the editor raise its version too: the admin's
slot form, an import into an event with a work in progress, `hallway schedule optimize` and
accepting a proposal.  An editor page loaded before the change (another tab) quotes the old
version, so its move is refused and the refusal says who changed what, through what."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from factories import DAY, make_user, make_world
from hallway.events.models import Event, EventRole
from hallway.interop.imports import import_file
from hallway.programme.models import Session
from hallway.schedule import proposals
from hallway.schedule.models import Proposal, Slot
from hallway.schedule.services import wip_schedule

from .forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def the_page_shows(client, event, day, session) -> dict:
    """The move form of ``session``'s card as the editor's day page renders it."""
    page = client.get(reverse("manage:editor_day", args=[event.slug, day.isoformat()]))
    assert page.status_code == 200
    html = page.content.decode()
    card = html[html.index(f'id="session-{session.pk}-1"') :]
    version = re.search(r'name="version" value="(\d*)"', card).group(1)
    room = re.search(r'<select name="room"><option value="(\d+)"', card).group(1)
    return {"session": session.pk, "part": 1, "version": version, "room": room}


def move_from_the_old_page(client, event, day, shown, time="15:00") -> str:
    """Submit the old page's move form; the messages the next page shows."""
    data = {**shown, "day": day.isoformat(), "time": time, "back": day.isoformat()}
    response = client.post(reverse("manage:editor_move", args=[event.slug]), data, follow=True)
    assert response.status_code == 200
    return " ".join(str(m) for m in response.context["messages"])


def place_of(session):
    slot = Slot.objects.get(schedule=wip_schedule(session.event), session=session)
    return slot.room_id, slot.start


def test_a_slot_saved_in_the_admin_refuses_a_move_from_an_older_page(client, world):
    organiser = world.user("umbrella_organiser")
    client.force_login(organiser)
    session = world.apricot.session
    shown = the_page_shows(client, world.alpha, DAY, session)
    # In another tab, the admin's slot form moves the talk to 14:00.
    slot = Slot.objects.get(schedule=wip_schedule(world.alpha), session=session)
    url = reverse("admin:schedule_slot_change", args=[slot.pk])
    data = form_data(client, url)
    data.update({"start": "2030-03-01T14:00", "end": "2030-03-01T14:30"})
    assert client.post(url, data).status_code == 302
    before = Slot.objects.get(pk=slot.pk).version
    assert before > int(shown["version"] or 0)

    said = move_from_the_old_page(client, world.alpha, DAY, shown)
    assert "'Talk Apricot' was changed by orgalpha" in said and "through the admin" in said
    assert "it is now in Room Aardvark, Fri 14:00" in said and "Nothing was moved" in said
    assert place_of(session)[1].hour == 14
    # The page loaded now quotes the new version, and its move goes through.
    fresh = the_page_shows(client, world.alpha, DAY, session)
    assert "is now in" in move_from_the_old_page(client, world.alpha, DAY, fresh)
    assert place_of(session)[1].hour == 15


def test_deleting_a_slot_in_the_admin_refuses_a_move_from_an_older_page(client, world):
    client.force_login(world.user("umbrella_organiser"))
    session = world.apricot.session
    shown = the_page_shows(client, world.alpha, DAY, session)
    slot = Slot.objects.get(schedule=wip_schedule(world.alpha), session=session)
    url = reverse("admin:schedule_slot_delete", args=[slot.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    said = move_from_the_old_page(client, world.alpha, DAY, shown)
    assert "through the admin" in said and "list of unscheduled sessions" in said
    assert not Slot.objects.filter(schedule=wip_schedule(world.alpha), session=session).exists()


def sessionize(hour: int) -> bytes:
    """A Sessionize export of two talks in one room (local times, as Sessionize gives)."""
    sessions = [
        {
            "id": str(300 + n),
            "title": f"Talk {n}",
            "description": "",
            "startsAt": f"2025-05-10T{hour + n:02d}:00:00",
            "endsAt": f"2025-05-10T{hour + n:02d}:45:00",
            "roomId": 1,
            "speakers": [],
            "categoryItems": [],
        }
        for n in range(2)
    ]
    return json.dumps(
        {"sessions": sessions, "speakers": [], "rooms": [{"id": 1, "name": "Hall A"}]}
    ).encode()


def test_an_import_into_an_event_with_a_work_in_progress_refuses_an_older_page(client):
    day = dt.date(2025, 5, 10)
    event = Event.objects.create(
        name="Vienna days", slug="vienna", time_zone="Europe/Vienna", start_date=day, end_date=day
    )
    organiser = make_user("viennaorga")
    EventRole.objects.create(event=event, user=organiser, role=EventRole.ORGANISER)
    import_file(sessionize(9), "vienna")
    talk = Session.objects.get(event=event, title="Talk 0")
    client.force_login(organiser)
    shown = the_page_shows(client, event, day, talk)

    import_file(sessionize(11), "vienna")  # the organisers' Sessionize moved both talks
    said = move_from_the_old_page(client, event, day, shown)
    assert "'Talk 0' was changed by the system" in said and "through an import" in said
    assert "it is now in Hall A, Sat 11:00" in said
    assert place_of(talk)[1].hour == 9  # 11:00 in Vienna


def test_schedule_optimize_refuses_a_move_from_an_older_page(client, editor_world):
    w = editor_world
    alpha = w.world.alpha
    client.force_login(w.world.user("umbrella_organiser"))
    wip = wip_schedule(alpha)
    placed = [s.session for s in wip.slots.filter(session__isnull=False).select_related("session")]
    shown = {s.pk: the_page_shows(client, alpha, DAY, s) for s in [*placed, w.fresh]}
    before = {s.pk: place_of(s) for s in placed}
    out = StringIO()
    call_command(
        "schedule", "optimize", alpha.slug, "--time-limit", "2", "--from-scratch", stdout=out
    )
    moved = [s for s in placed if place_of(s) != before[s.pk]]
    assert moved, out.getvalue()
    # A session the optimiser moved, and one it took from the list onto the grid.
    for session in (moved[0], w.fresh):
        now = place_of(session)
        said = move_from_the_old_page(client, alpha, DAY, shown[session.pk], time="17:00")
        assert f"'{session.title}' was changed by the system" in said
        assert "through the optimiser (hallway schedule optimize)" in said
        assert "Nothing was moved" in said and place_of(session) == now


def test_accepting_a_proposal_refuses_a_move_from_an_older_page(client, editor_world):
    w = editor_world
    alpha, organiser = w.world.alpha, w.world.user("umbrella_organiser")
    client.force_login(organiser)
    proposal = proposals.create_proposal(
        alpha, by=organiser, scope=Proposal.DAY, day=DAY, time_limit=1
    )
    assert proposal.state == Proposal.DONE, proposal.error
    change = next(c for c in proposal.changes if c["before"])
    session = Session.objects.get(pk=change["session"])
    shown = the_page_shows(client, alpha, DAY, session)
    accept = reverse("manage:editor_accept", args=[alpha.slug, proposal.pk])
    client.post(accept, {"change": proposals.change_key(change)})
    assert place_of(session)[1].isoformat() == change["after"]["start"]
    said = move_from_the_old_page(client, alpha, DAY, shown, time="17:00")
    assert f"'{session.title}' was changed by orgalpha" in said
    assert "Nothing was moved" in said
