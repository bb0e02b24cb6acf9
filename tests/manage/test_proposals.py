"""The solver in the editor: proposals never write the work in progress, a re-plan after a
cancellation moves as little as it can, the freeze and the rights hold, and a stale proposal
move is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from factories import make_session, make_world
from hallway.events.models import Room
from hallway.programme.models import Session
from hallway.schedule import editing, proposals
from hallway.schedule.models import Proposal, Slot
from hallway.schedule.services import freeze_schedule, wip_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def placement(umbrella) -> dict:
    return {
        (s.session_id, s.part): (s.room_id, s.start)
        for s in Slot.objects.filter(schedule=wip_schedule(umbrella), session__isnull=False)
    }


def test_a_replan_after_a_cancellation_places_the_waiting_and_moves_nothing_else(world):
    alpha, organiser = world.alpha, world.user("umbrella_organiser")
    apricot = world.apricot
    waiting = make_session(apricot.event, "Waiting Apricot", session_type=apricot.session_type)
    cancelled = apricot.session
    cancelled.state = Session.CANCELLED
    cancelled.save()
    before = placement(alpha)
    proposal = proposals.create_proposal(
        alpha, by=organiser, scope=Proposal.REPLAN, cancelled=cancelled, time_limit=1
    )
    assert proposal.state == Proposal.DONE, proposal.error
    # The solver's last progress report is on the row, for the page that polls it.
    assert proposal.progress["phase"] == "done" and "time_left" in proposal.progress
    assert placement(alpha) == before  # a proposal writes nothing
    assert [(c["session"], c["before"]) for c in proposal.changes] == [(waiting.pk, None)]
    made, refused = proposals.accept(proposal, None, by=organiser)
    assert (made, refused) == (1, [])
    assert Slot.objects.filter(schedule=wip_schedule(alpha), session=waiting).exists()
    # The cancelled session keeps its slot, so the next release shows it as cancelled.
    assert (cancelled.pk, 1) in placement(alpha)


def test_a_replan_needs_a_cancelled_session(world):
    with pytest.raises(ValidationError, match="is not cancelled"):
        proposals.create_proposal(
            world.alpha,
            by=world.user("umbrella_organiser"),
            scope=Proposal.REPLAN,
            cancelled=world.apricot.session,
        )


def test_proposing_needs_the_umbrellas_rights_and_an_open_schedule(world):
    with pytest.raises(PermissionDenied):
        proposals.create_proposal(
            world.apricot.event, by=world.user("sub_organiser"), scope=Proposal.EVENT
        )
    freeze_schedule(world.alpha, by=world.user("umbrella_organiser"))
    for role in ("umbrella_organiser", "superuser"):
        with pytest.raises(ValidationError, match="frozen"):
            proposals.create_proposal(world.alpha, by=world.user(role), scope=Proposal.EVENT)
    assert not Proposal.objects.exists()


def test_a_proposal_move_of_a_session_moved_since_is_refused(world):
    alpha, organiser = world.alpha, world.user("umbrella_organiser")
    Room.objects.create(event=alpha, name="Room Bison")
    waiting = make_session(
        world.apricot.event, "Waiting Apricot", session_type=world.apricot.session_type
    )
    proposal = proposals.create_proposal(
        alpha, by=organiser, scope=Proposal.UNSCHEDULED, time_limit=1
    )
    assert proposal.state == Proposal.DONE, proposal.error
    (change,) = proposal.changes
    assert change["session"] == waiting.pk and change["version"] is None
    # Meanwhile someone places it by hand.
    start = wip_schedule(alpha).slots.get(session=world.apricot.session).start.replace(hour=17)
    editing.place(
        waiting,
        1,
        editing.Placement(world.alpha_room, start),
        by=world.user("superuser"),
        version=None,
    )
    made, refused = proposals.accept(proposal, {proposals.change_key(change)}, by=organiser)
    assert made == 0 and "was changed by rootadmin" in refused[0]
    assert Slot.objects.get(session=waiting).start.hour == 17
