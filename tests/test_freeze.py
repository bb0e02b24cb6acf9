"""The freeze switch: while the umbrella's schedule is frozen nobody edits, optimises or
releases it, and the public site keeps serving the last release."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from factories import make_world, release_count
from hallway.audit.services import entries_for_event
from hallway.schedule.services import (
    ScheduleFrozen,
    freeze_schedule,
    release_schedule,
    unfreeze_schedule,
    wip_schedule,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "superuser",
    "umbrella_organiser",
    "sub_organiser",
    "sibling_organiser",
    "other_umbrella_organiser",
    "no_role",
]


@pytest.fixture
def world():
    return make_world()


def test_only_umbrella_organisers_may_freeze(world):
    for role in ["sub_organiser", "other_umbrella_organiser", "no_role"]:
        with pytest.raises(PermissionDenied):
            freeze_schedule(world.apricot.event, by=world.user(role))
    assert wip_schedule(world.alpha).frozen_at is None
    freeze_schedule(world.apricot.event, by=world.user("umbrella_organiser"))
    assert wip_schedule(world.alpha).frozen_at is not None


# A superuser passes every has_perm (Django's backend); the services that move slots call
# ensure_not_frozen themselves, which stops a superuser too.
@pytest.mark.parametrize("role", ROLES[1:])
def test_a_frozen_schedule_takes_no_edit_from_anyone(world, role):
    freeze_schedule(world.alpha, by=world.user("superuser"))
    user = world.user(role)
    slot = wip_schedule(world.alpha).slots.get(session=world.apricot.session)
    assert not user.has_perm("hallway.change_slot", slot)


def test_a_frozen_schedule_is_not_released_or_optimised(world):
    organiser = world.user("umbrella_organiser")
    freeze_schedule(world.alpha, by=organiser)
    with pytest.raises(ScheduleFrozen, match="orgalpha"):
        release_schedule(world.alpha, "2.0", by=organiser)
    with pytest.raises(ValidationError, match="frozen"):
        release_schedule(world.alpha, "2.0")  # not even the system itself
    assert release_count(world.alpha) == 1
    with pytest.raises(CommandError, match="frozen"):
        call_command("schedule", "optimize", "alpha", "--time-limit", "1", stdout=io.StringIO())


def test_unfreezing_lets_work_go_on_and_both_are_logged(world):
    organiser = world.user("umbrella_organiser")
    freeze_schedule(world.alpha, by=organiser)
    slot = wip_schedule(world.alpha).slots.get(session=world.apricot.session)
    unfreeze_schedule(world.alpha, by=organiser)
    slot.refresh_from_db()
    slot.schedule.refresh_from_db()
    assert organiser.has_perm("hallway.change_slot", slot)
    release_schedule(world.alpha, "2.0", by=organiser)
    actions = [e.action for e in entries_for_event(world.alpha).order_by("at", "id")]
    assert actions[-3:] == ["schedule.frozen", "schedule.unfrozen", "release.made"]
