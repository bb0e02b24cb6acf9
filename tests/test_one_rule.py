"""Rules written once: how a slug is made unique, and whether a room has what a session needs.

Each rule is tested here on its own, on a small world, and then through every caller, so a
caller that went its own way again would fail the same expectation.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from factories import at, make_session, make_umbrella
from hallway.common.models import allocate_slug, unique_slug
from hallway.events.models import Room, SessionType
from hallway.programme.models import Speaker
from hallway.schedule.models import Slot
from hallway.schedule.services import (
    release_schedule,
    release_slug,
    schedule_conflicts,
    wip_schedule,
)

# --- slugs -------------------------------------------------------------------------------------


def test_a_taken_slug_gets_the_next_free_number():
    taken = {"hello-world", "hello-world-2"}
    assert allocate_slug("Hello, World!", taken) == "hello-world-3"
    assert allocate_slug("Hello World", taken) == "hello-world-4"
    assert {"hello-world-3", "hello-world-4"} <= taken  # allocated slugs are taken from then on


def test_a_slug_is_cut_to_length_without_a_dangling_hyphen_and_never_empty():
    assert allocate_slug("ab cd", set(), max_length=3) == "ab"
    assert allocate_slug("¡¿!", set()) == "item"
    assert allocate_slug("", set(), empty="release") == "release"


@pytest.mark.django_db
def test_a_slug_is_unique_among_the_rows_named():
    umbrella = make_umbrella("Slug Fest", "slug-fest")
    other = make_umbrella("Other Fest", "other-fest")
    Speaker.objects.create(event=other, name="Ada Lovelace")  # another event: no clash
    first = Speaker.objects.create(event=umbrella, name="Ada Lovelace")
    second = Speaker.objects.create(event=umbrella, name="Ada  Lovelace")
    assert (first.slug, second.slug) == ("ada-lovelace", "ada-lovelace-2")
    scope = Speaker.objects.filter(event=umbrella)
    assert unique_slug("Ada Lovelace", scope) == "ada-lovelace-3"


@pytest.mark.django_db
def test_release_slugs_follow_the_same_rule():
    umbrella = make_umbrella("Release Fest", "release-fest")
    assert release_slug(umbrella, "1.0") == "1-0"
    first = release_schedule(umbrella, "1.0")
    again = release_schedule(umbrella, "1-0")  # another version, the same slug wanted
    assert (first.slug, again.slug) == ("1-0", "1-0-2")
    assert release_slug(umbrella, "…") == "release"


# --- room features -----------------------------------------------------------------------------


@pytest.fixture
def lab_world(db):
    umbrella = make_umbrella("Feature Fest", "feature-fest")
    lab_type = SessionType.objects.create(
        event=umbrella, name="Lab", default_duration=30, required_features=["lab"]
    )
    session = make_session(umbrella, "Soldering for beginners", session_type=lab_type)
    session.required_features = ["recorded"]
    session.save()
    rooms = {
        "bare": Room.objects.create(event=umbrella, name="Bare room", features=["projector"]),
        "lab": Room.objects.create(event=umbrella, name="Lab only", features=["lab"]),
        "full": Room.objects.create(
            event=umbrella, name="Full lab", features=["lab", "recorded", "projector"]
        ),
    }
    return umbrella, session, rooms


def test_the_session_and_its_type_both_count(lab_world):
    _, session, rooms = lab_world
    assert session.features_missing_in(rooms["bare"]) == ["lab", "recorded"]
    assert session.features_missing_in(rooms["lab"]) == ["recorded"]
    assert session.features_missing_in(rooms["full"]) == []


@pytest.mark.parametrize("room, missing", [("bare", "lab, recorded"), ("lab", "recorded")])
def test_a_slot_and_the_release_check_refuse_the_same_rooms(lab_world, room, missing):
    umbrella, session, rooms = lab_world
    slot = Slot(
        schedule=wip_schedule(umbrella),
        session=session,
        room=rooms[room],
        start=at(10),
        end=at(10, 30),
    )
    with pytest.raises(ValidationError) as caught:
        slot.full_clean()
    assert f"{rooms[room].name} lacks {missing}, which" in " ".join(caught.value.messages)
    slot.save()
    conflicts = schedule_conflicts(wip_schedule(umbrella))
    assert [c.kind for c in conflicts] == ["feature"]
    assert f"{rooms[room].name} lacks {missing} for" in conflicts[0].message


def test_a_room_with_everything_is_accepted_by_both(lab_world):
    umbrella, session, rooms = lab_world
    slot = Slot(
        schedule=wip_schedule(umbrella),
        session=session,
        room=rooms["full"],
        start=at(10),
        end=at(10, 30),
    )
    slot.full_clean()
    slot.save()
    assert schedule_conflicts(wip_schedule(umbrella)) == []
