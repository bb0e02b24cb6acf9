"""The release page: the diff since the last release per sub-event in the event's zone, the
conflicts that block it, a preview whose confirm refuses a work in progress changed since,
the history, and the freeze switch's pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from factories import at, make_world, release_count
from hallway.audit.services import entries_for_event
from hallway.schedule.services import (
    freeze_schedule,
    latest_release,
    wip_fingerprint,
    wip_schedule,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = make_world()
    world.alpha.time_zone = "America/Los_Angeles"
    world.alpha.save()
    return world


def move(session, start: dt.datetime):
    slot = wip_schedule(session.event).slots.get(session=session)
    slot.start, slot.end = start, start + (slot.end - slot.start)
    slot.save()
    return slot


def page(client, name: str, slug: str = "alpha", **kwargs):
    return client.get(reverse(f"manage:{name}", args=[slug]), **kwargs)


def post(client, name: str, data: dict, slug: str = "alpha"):
    return client.post(reverse(f"manage:{name}", args=[slug]), data)


def test_the_page_shows_each_events_changes_in_the_events_zone(client, world):
    move(world.apricot.session, at(11))  # 09:00 UTC → 11:00 UTC: 01:00 → 03:00 in Los Angeles
    client.force_login(world.user("umbrella_organiser"))
    body = page(client, "releases").content.decode()
    assert "What the work in progress changes since release 1.0" in body
    assert "Apricot Days: 2 changes" in body and "Blueberry Camp: 1 change" in body
    assert "Fri 1 Mar 01:00 Room Aardvark → <strong>Fri 1 Mar 03:00 Room Aardvark" in body
    assert "Added: Secret Blueberry — Fri 1 Mar 06:00" in body  # 14:00 UTC
    assert "No conflicts block a release." in body
    assert 'value="2.0"' in body  # the suggested version


def test_a_sub_event_organiser_sees_only_their_own_changes_and_no_release_form(client, world):
    client.force_login(world.user("sub_organiser"))
    body = page(client, "releases").content.decode()
    assert "Secret Apricot" in body
    assert "Secret Blueberry" not in body
    assert "Preview the release" not in body
    assert "Releases are made by the organisers of Alpha Umbrella" in body


def test_preview_then_confirm_releases_with_the_note(client, world):
    move(world.apricot.session, at(11))
    client.force_login(world.user("umbrella_organiser"))
    response = post(client, "release-preview", {"version": "2.0", "note": "Apricot moves."})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Release version 2.0?" in body and "Apricot moves." in body
    assert release_count(world.alpha) == 1  # a preview releases nothing
    fingerprint = wip_fingerprint(world.alpha)
    assert f'name="fingerprint" value="{fingerprint}"' in body
    response = post(
        client,
        "release-confirm",
        {"version": "2.0", "note": "Apricot moves.", "fingerprint": fingerprint},
    )
    assert response.status_code == 302
    release = latest_release(world.alpha)
    assert (release.version, release.comment, release.released_by) == (
        "2.0",
        "Apricot moves.",
        world.user("umbrella_organiser"),
    )
    body = client.get(response["Location"]).content.decode()
    assert "Released version 2.0" in body
    assert ">2.0</a> (public)" in body and "Apricot moves." in body
    assert "No change to release 2.0." in body


def test_a_confirm_after_the_work_in_progress_changed_is_refused_and_shows_the_new_diff(
    client, world
):
    client.force_login(world.user("umbrella_organiser"))
    seen = wip_fingerprint(world.alpha)
    move(world.blueberry.session, at(16))  # someone else moves a session meanwhile
    response = post(client, "release-confirm", {"version": "2.0", "note": "n", "fingerprint": seen})
    assert response.status_code == 409
    body = response.content.decode()
    assert "The work in progress changed after you opened the preview" in body
    assert "Talk Blueberry" in body and "Fri 1 Mar 08:00" in body  # 16:00 UTC, the new diff
    assert release_count(world.alpha) == 1
    assert f'value="{wip_fingerprint(world.alpha)}"' in body  # confirmable as now shown


def test_conflicts_block_the_preview_and_are_listed(client, world):
    move(world.blueberry.session, at(9, 15))  # same room as Talk Apricot at 09:00
    client.force_login(world.user("umbrella_organiser"))
    response = post(client, "release-preview", {"version": "2.0"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "1 conflict(s) block the release" in body
    assert "Room Aardvark holds" in body
    assert release_count(world.alpha) == 1


def test_a_used_version_name_is_refused(client, world):
    client.force_login(world.user("umbrella_organiser"))
    response = post(client, "release-preview", {"version": "1.0"})
    assert response.status_code == 400
    assert "Release &#x27;1.0&#x27; exists already" in response.content.decode()


@pytest.mark.parametrize("role", ["umbrella_organiser", "superuser"])
def test_a_freeze_blocks_the_release_through_the_pages_for_every_role(client, world, role):
    """Those who may release are refused by the freeze; for every other role the matrix in
    test_matrix.py shows the same pages answer 403/404."""
    client.force_login(world.user(role))
    fingerprint = wip_fingerprint(world.alpha)
    freeze_schedule(world.alpha, by=world.user("umbrella_organiser"))
    response = post(client, "release-preview", {"version": "2.0"})
    assert response.status_code == 400
    assert "The schedule is frozen (by orgalpha since" in response.content.decode()
    response = post(
        client, "release-confirm", {"version": "2.0", "note": "", "fingerprint": fingerprint}
    )
    assert response.status_code == 400
    assert "frozen" in response.content.decode()
    body = page(client, "releases").content.decode()
    assert "Frozen: nothing can be released" in body and "Preview the release" not in body
    assert release_count(world.alpha) == 1


def test_during_a_freeze_the_public_site_serves_the_last_release(client, world):
    move(world.apricot.session, at(11))
    freeze_schedule(world.alpha, by=world.user("umbrella_organiser"))
    grid = client.get(reverse("agenda:list", args=["alpha"])).content.decode()
    assert "Talk Apricot" in grid and "Secret Apricot" not in grid
    assert "01:00" in grid and "03:00" not in grid  # the released time, in Los Angeles
    changes = client.get(reverse("agenda:changes", args=["alpha"])).content.decode()
    assert "Version 1.0" in changes and "Version 2.0" not in changes


def test_freeze_and_unfreeze_through_the_pages_are_shown_to_every_organiser_and_logged(
    client, world
):
    organiser = world.user("umbrella_organiser")
    client.force_login(organiser)
    response = post(client, "freeze", {"next": reverse("manage:dashboard", args=["alpha"])})
    assert response["Location"] == reverse("manage:dashboard", args=["alpha"])
    assert wip_schedule(world.alpha).frozen_by == organiser
    client.force_login(world.user("sub_organiser"))
    body = page(client, "releases", "apricot").content.decode()
    assert "Frozen by <strong>orgalpha</strong> since" in body and "Unfreeze" not in body
    assert "The schedule is frozen by orgalpha" in body  # the banner of every page
    client.force_login(organiser)
    question = page(client, "unfreeze").content.decode()
    assert "Unfreeze the schedule of Alpha Umbrella?" in question
    assert wip_schedule(world.alpha).frozen_at is not None  # asking changes nothing
    assert post(client, "unfreeze", {}).status_code == 302
    assert wip_schedule(world.alpha).frozen_at is None
    actions = [e.action for e in entries_for_event(world.alpha).order_by("at", "id")]
    assert actions[-2:] == ["schedule.frozen", "schedule.unfrozen"]


def test_an_offsite_next_is_ignored(client, world):
    client.force_login(world.user("umbrella_organiser"))
    response = post(client, "freeze", {"next": "https://evil.example/"})
    assert response["Location"] == reverse("manage:releases", args=["alpha"])


def test_the_dashboard_has_the_freeze_button_for_umbrella_organisers_only(client, world):
    client.force_login(world.user("umbrella_organiser"))
    body = page(client, "dashboard").content.decode()
    assert "Freeze the schedule</button>" in body
    client.force_login(world.user("sub_organiser"))
    body = page(client, "dashboard", "apricot").content.decode()
    assert "The schedule is open for edits and releases." in body
    assert "Freeze the schedule</button>" not in body


def test_while_frozen_no_role_releases_through_the_confirm(client, world):
    fingerprint = wip_fingerprint(world.alpha)
    freeze_schedule(world.alpha, by=world.user("umbrella_organiser"))
    data = {"version": "2.0", "note": "", "fingerprint": fingerprint}
    answers = {}
    for role in [None, *world.users]:
        client.logout()
        if role:
            client.force_login(world.user(role))
        for slug in ("alpha", "apricot"):
            answers[(role, slug)] = post(client, "release-confirm", data, slug).status_code
    assert release_count(world.alpha) == 1
    assert answers[(None, "alpha")] == 302  # to the login page
    assert answers[("umbrella_organiser", "alpha")] == 400  # refused: frozen
    assert answers[("superuser", "apricot")] == 400
    assert answers[("sub_organiser", "apricot")] == 403
