"""The organiser dashboard says where the programme stands, for the umbrella and its events."""

from __future__ import annotations

import pytest
from django.urls import reverse

from factories import make_world
from hallway.schedule.services import freeze_schedule

pytestmark = pytest.mark.django_db


def test_dashboard_counts_sessions_unscheduled_and_names_the_last_release(client):
    world = make_world()
    organiser = world.user("umbrella_organiser")
    client.force_login(organiser)
    page = client.get(reverse("manage:dashboard", args=["alpha"])).content.decode()
    # Two released and two hidden sessions, all confirmed; every one has a slot.
    assert "Confirmed: 4" in page
    assert "0 accepted or confirmed sessions without a slot" in page
    assert "Last release:" in page and ">1.0<" in page
    assert "Times are in UTC" in page
    freeze_schedule(world.alpha, by=organiser)
    page = client.get(reverse("manage:dashboard", args=["alpha"])).content.decode()
    assert "The schedule is frozen by orgalpha" in page


def test_a_sub_event_dashboard_counts_only_its_own_sessions(client):
    world = make_world()
    client.force_login(world.user("sub_organiser"))
    page = client.get(reverse("manage:dashboard", args=["apricot"])).content.decode()
    assert "Confirmed: 2" in page
