"""The generated demo conference is a believable SCaLE-sized programme, and loading it is
idempotent."""

from __future__ import annotations

import copy
from collections import Counter

import pytest
from django.apps import apps
from django.db.models import Count, Max
from django.utils.text import slugify

from hallway.demo import load_demo
from hallway.demo.placement import PERIOD_STARTS, construct
from hallway.events.models import Room, SessionType
from hallway.programme.models import Exhibitor, Resource, Session, Speaker
from hallway.schedule.planning import build_problem
from hallway.schedule.services import latest_release, schedule_conflicts

pytestmark = pytest.mark.django_db


def test_umbrella_has_at_least_three_sub_events(demo):
    assert demo.is_umbrella
    subs = set(demo.sub_events.values_list("slug", flat=True))
    assert {"kcd-pasadena", "devopsdays-la", "embedded-linux"} <= subs
    assert len(subs) >= 3
    assert len(demo.days) == 4


def test_rooms_range_from_a_hall_to_a_small_lab(demo):
    capacities = list(Room.objects.filter(event=demo).values_list("capacity", flat=True))
    assert 14 <= len(capacities) <= 18
    assert max(capacities) >= 2000
    assert min(capacities) <= 40


def test_sessions_cover_every_kind_of_session(demo):
    sessions = Session.objects.filter(umbrella=demo, state__in=Session.SCHEDULABLE)
    assert sessions.count() >= 250
    by_type = Counter(sessions.values_list("session_type__slug", flat=True))
    for slug in [
        "keynote",
        "talk",
        "workshop",
        "lightning-talks",
        "bof",
        "panel",
        "social",
        "expo-hours",
        "capture-the-flag",
        "meetup",
    ]:
        assert by_type[slug] >= 1, f"no {slug} session"
    assert by_type["talk"] >= 150
    assert sessions.filter(session_type__slug="social", title__icontains="game night").exists()
    # Sessions come from every sub-event as well as the umbrella itself.
    assert set(sessions.values_list("event__slug", flat=True)) >= {
        demo.slug,
        "kcd-pasadena",
        "devopsdays-la",
        "embedded-linux",
    }


def test_multi_part_workshops_run_in_lab_rooms(demo):
    release = latest_release(demo)
    workshops = Session.objects.filter(umbrella=demo, session_type__slug="workshop")
    assert "lab" in SessionType.objects.get(event=demo, slug="workshop").required_features
    multi = workshops.filter(parts__gt=1)
    assert multi.exists()
    for workshop in multi:
        slots = list(release.slots.filter(session=workshop).select_related("room"))
        assert sorted(s.part for s in slots) == list(range(1, workshop.parts + 1)), workshop.title
        assert all("lab" in s.room.features for s in slots), workshop.title


def test_speakers_are_many_and_some_speak_several_times(demo):
    speakers = Speaker.objects.filter(event=demo).annotate(n=Count("sessions"))
    assert speakers.count() >= 150
    assert speakers.filter(n__gte=2).count() >= 5
    assert speakers.filter(n__gte=1).count() >= 150


def test_exhibitors_are_many_in_several_categories(demo):
    exhibitors = Exhibitor.objects.filter(event=demo)
    assert exhibitors.count() >= 30
    assert len(set(exhibitors.values_list("category", flat=True))) >= 3


def test_some_sessions_have_recordings_and_slides(demo):
    resources = Resource.objects.filter(session__umbrella=demo)
    assert resources.filter(kind=Resource.VIDEO).count() >= 10
    assert resources.filter(kind=Resource.SLIDES).count() >= 10
    # A session that asked not to be recorded never gets a recording.
    assert not resources.filter(kind=Resource.VIDEO, session__do_not_record=True).exists()


def test_schedule_is_released_and_every_session_is_placed(demo):
    release = latest_release(demo)
    assert release is not None and release.version == "1.0" and release.released_at
    placed = Counter(
        release.slots.filter(session__isnull=False).values_list("session_id", flat=True)
    )
    for session_id, parts in Session.objects.filter(umbrella=demo).values_list("id", "parts"):
        assert placed[session_id] == parts
    assert release.slots.filter(session__isnull=True, label="Lunch").count() == 4


def test_released_schedule_has_no_conflicts(demo):
    assert schedule_conflicts(latest_release(demo)) == []


def _fingerprint() -> dict[str, tuple[int, object]]:
    out = {}
    for model in apps.get_models():
        if not model.__module__.startswith("hallway."):
            continue
        qs = model.objects.all()
        has_updated = any(f.name == "updated_at" for f in model._meta.get_fields())
        newest = qs.aggregate(m=Max("updated_at"))["m"] if has_updated else None
        out[model._meta.label] = (qs.count(), newest)
    return out


def test_loading_the_demo_twice_changes_nothing(demo):
    before = _fingerprint()
    assert before["program.Session"][0] >= 250
    summary = load_demo()
    assert summary.created is False
    assert _fingerprint() == before


def test_every_session_runs_on_its_own_events_days_and_evenings_are_for_bofs(demo):
    """The scheduler knows nothing of co-located events' dates or evening sessions: the
    demo tells it through its speakers' availability, and the placement must honour it."""
    release = latest_release(demo)
    slots = release.slots.filter(session__isnull=False).select_related(
        "session__event", "session__session_type", "room"
    )
    for slot in slots:
        local = slot.start.astimezone(demo.tz)
        event = slot.session.event
        assert event.start_date <= local.date() <= event.end_date, slot.session.title
        evening = local.hour >= 18
        if slot.session.session_type.slug in ("bof", "meetup"):
            assert evening, slot.session.title
        elif slot.session.session_type.slug != "social":
            assert not evening, slot.session.title
        lunch = local.replace(hour=12, minute=30)
        if slot.room and "lab" in slot.room.features:
            assert slot.end.astimezone(demo.tz) <= lunch or local >= lunch.replace(hour=13)


def test_the_demo_placement_is_the_same_on_every_run(demo):
    """The scheduler's seeded construction, not its timed search: the same problem gives
    the same placement however busy the machine."""
    planning = build_problem(demo, grid=PERIOD_STARTS)
    first = construct(copy.deepcopy(planning.problem))["assignments"]
    assert first == construct(copy.deepcopy(planning.problem))["assignments"]
    assert len(first) == len(planning.problem["sessions"])


def test_demo_slugs_follow_the_one_slug_rule(demo):
    for model in (Speaker, Exhibitor):
        for name, slug in model.objects.filter(event=demo).values_list("name", "slug"):
            assert slug == slugify(name), name
