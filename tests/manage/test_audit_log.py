"""The audit log: what the organiser area, the admin, roles and the call for papers record,
and the pages that show it (per event, filterable; per session)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from factories import make_world
from hallway.audit.services import entries_for_event
from hallway.cfp.models import CallForPapers, Message
from hallway.cfp.services import calls, outbox
from hallway.events.models import EventRole
from hallway.manage.roles import grant_role, revoke_role
from hallway.schedule.services import wip_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def actions(event) -> list[str]:
    return [e.action for e in entries_for_event(event).order_by("at", "id")]


def test_an_admin_edit_is_logged_with_only_the_changed_fields(client, world):
    organiser = world.user("umbrella_organiser")
    client.force_login(organiser)
    room = world.alpha_room
    url = reverse("admin:events_room_change", args=[room.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "name": "Room Aardvark",
            "capacity": 250,
            "event": world.alpha.pk,
            "features": "[]",
            "availabilities-TOTAL_FORMS": 0,
            "availabilities-INITIAL_FORMS": 0,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = entries_for_event(world.alpha).get(action="room.changed")
    assert entry.actor == organiser
    assert (entry.before, entry.after) == ({"capacity": 100}, {"capacity": 250})
    # Saving again unchanged writes nothing.
    data["capacity"] = 250
    client.post(url, data)
    assert actions(world.alpha).count("room.changed") == 1


def test_an_admin_slot_move_and_a_deletion_are_logged_on_the_sessions_event(client, world):
    client.force_login(world.user("umbrella_organiser"))
    slot = wip_schedule(world.alpha).slots.get(session=world.apricot.hidden)
    url = reverse("admin:schedule_slot_delete", args=[slot.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    entry = entries_for_event(world.apricot.event).get(action="slot.deleted")
    assert entry.object_id == str(slot.pk) and entry.before["room"] == world.alpha_room.pk
    assert entry.after is None


def test_role_changes_are_logged_by_the_services_and_the_admin(client, world):
    organiser = world.user("umbrella_organiser")
    newcomer = world.user("no_role")
    granted = grant_role(world.alpha, newcomer, EventRole.ORGANISER, by=organiser)
    assert newcomer.has_perm("hallway.release_schedule", world.alpha)
    revoke_role(granted, by=organiser)
    assert not EventRole.objects.filter(user=newcomer).exists()
    with pytest.raises(PermissionDenied):
        grant_role(world.alpha, newcomer, EventRole.ORGANISER, by=world.user("sub_organiser"))
    assert actions(world.alpha)[-2:] == ["role.added", "role.removed"]
    removed = entries_for_event(world.alpha).get(action="role.removed")
    assert removed.before["username"] == "nobodyatall"
    # The admin's role pages are logged as well.
    client.force_login(organiser)
    role = EventRole.objects.get(user=world.user("sub_organiser"))
    url = reverse("admin:events_eventrole_delete", args=[role.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert entries_for_event(world.apricot.event).filter(action="role.removed").exists()


def test_cfp_phase_switches_and_outbox_actions_are_logged(world):
    organiser = world.user("umbrella_organiser")
    now = dt.datetime.now(dt.UTC)
    cfp = CallForPapers.objects.create(
        event=world.apricot.event, opens_at=now, closes_at=now + dt.timedelta(days=3)
    )
    calls.set_phase(cfp, CallForPapers.REVIEW, by=organiser)
    calls.set_phase(cfp, CallForPapers.REVIEW, by=organiser)  # no switch, no entry
    phase = entries_for_event(world.apricot.event).get(action="cfp.phase")
    assert phase.after == {"phase": CallForPapers.REVIEW} and phase.actor == organiser
    waiting = [
        Message.objects.create(
            event=world.apricot.event, to=f"{n}@example.org", subject=n, body="b", state="outbox"
        )
        for n in ("one", "two")
    ]
    outbox.edit_message(waiting[0], subject="One, edited", body="b", by=organiser)
    outbox.discard_message(waiting[1], by=organiser)
    outbox.send_messages(waiting, by=organiser)  # only the one still in the outbox
    assert actions(world.apricot.event)[-3:] == [
        "message.edited",
        "message.discarded",
        "message.sent",
    ]
    edited = entries_for_event(world.apricot.event).get(action="message.edited")
    assert (edited.before, edited.after) == ({"subject": "one"}, {"subject": "One, edited"})


def test_the_log_page_filters_by_action_and_shows_before_and_after(client, world):
    organiser = world.user("umbrella_organiser")
    granted = grant_role(world.alpha, world.user("no_role"), EventRole.ORGANISER, by=organiser)
    revoke_role(granted, by=organiser)
    client.force_login(organiser)
    url = reverse("manage:log", args=["alpha"])
    body = client.get(url).content.decode()
    assert "role.added" in body and "role.removed" in body and "release.made" in body
    assert "<strong>role</strong>: organiser → —" in body
    only = client.get(url, {"action": "role.added"}).content.decode()
    assert "<code>role.added</code>" in only and "<code>role.removed</code>" not in only
    # A sub-event's organiser reads their event's log, not the umbrella's.
    client.force_login(world.user("sub_organiser"))
    assert client.get(url).status_code == 403
    assert client.get(reverse("manage:log", args=["apricot"])).status_code == 200


def test_the_session_log_shows_its_own_and_its_slots_entries(client, world):
    from hallway.audit.services import record

    session = world.apricot.session
    slot = wip_schedule(world.alpha).slots.get(session=session)
    record(
        world.apricot.event,
        "slot.moved",
        obj=slot,
        before={"start": "09:00"},
        after={"start": "11:00"},
    )
    record(world.apricot.event, "session.changed", obj=session, after={"title": session.title})
    record(world.apricot.event, "session.changed", obj=world.apricot.hidden, note="another one")
    client.force_login(world.user("sub_organiser"))
    body = client.get(
        reverse("manage:session-log", args=["apricot", session.uuid])
    ).content.decode()
    assert "slot.moved" in body and "<strong>start</strong>: 09:00 → 11:00" in body
    assert "session.changed" in body and "another one" not in body
    # Another sub-event's session is not found through this one.
    other = reverse("manage:session-log", args=["apricot", world.blueberry.session.uuid])
    assert client.get(other).status_code == 404
