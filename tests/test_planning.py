"""The database ⇄ solver bridge and `hallway schedule optimize`, on the demo conference."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from hallway.programme.models import Session
from hallway.schedule.models import Slot
from hallway.schedule.planning import build_problem
from hallway.schedule.services import latest_release, schedule_conflicts, wip_schedule
from hallway.solver import validate_problem


def _placement(schedule):
    return {
        (s.session_id, s.part): (s.start, s.end, s.room_id)
        for s in schedule.slots.filter(session__isnull=False)
    }


def _optimize(*args) -> str:
    out = io.StringIO()
    call_command("schedule", "optimize", "pose27", *args, stdout=out)
    return out.getvalue()


def test_problem_describes_the_demo(demo):
    planning = build_problem(demo)
    problem = planning.problem
    validate_problem(problem)
    ids = {s["id"] for s in problem["sessions"]}
    assert len(problem["rooms"]) == demo.rooms.count()
    assert problem["attendees"] and all(set(a) <= ids for a in problem["attendees"])
    keynotes = [s for s in problem["sessions"] if s["plenary"]]
    assert keynotes and all(s["fixed"] for s in keynotes)
    workshops = [s for s in problem["sessions"] if "lab" in s["requires"]]
    assert workshops and all(s["length"] >= 2 for s in workshops)
    # The expo hall's opening hours are off the period grid: they block the hall instead.
    hall = next(r for r in problem["rooms"] if planning.rooms[r["id"]].name == "Exhibit Hall")
    assert hall["unavailable"]


def test_the_demo_placement_passes_the_referee(demo, shared_dir, tmp_path):
    planning = build_problem(demo)
    problem, current = tmp_path / "problem.json", tmp_path / "current.json"
    problem.write_text(json.dumps(planning.problem))
    current.write_text(json.dumps(planning.current))
    result = subprocess.run(
        [
            sys.executable,
            shared_dir / "scheduling" / "bench.py",
            "evaluate",
            problem,
            current,
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout)["hard_violations"] == 0


def test_optimize_writes_the_work_in_progress_and_releases_nothing(demo):
    release = latest_release(demo)
    released = _placement(release)
    output = _optimize("--time-limit", "4", "--from-scratch")
    wip = wip_schedule(demo)
    assert schedule_conflicts(wip) == []
    assert latest_release(demo) == release
    assert _placement(release) == released
    assert _placement(wip) != released
    assert "Nothing was released" in output and "moved" in output
    # how far from the best possible, or plainly that nothing is known
    assert "above the best possible" in output or "lower bound" in output or "fewest" in output
    pinned = Slot.objects.filter(schedule=wip, pinned=True)
    assert all((s.start, s.end, s.room_id) == released[(s.session_id, s.part)] for s in pinned)


def test_a_cancellation_is_replanned_moving_almost_nothing(demo):
    wip = wip_schedule(demo)
    before = _placement(wip)
    cancelled = Session.objects.filter(umbrella=demo, session_type__slug="talk").first()
    cancelled.state = Session.CANCELLED
    cancelled.save()
    output = _optimize("--time-limit", "3")
    after = _placement(wip)
    assert (cancelled.pk, 1) not in after
    moved = [k for k in after if after[k] != before[k]]
    assert len(moved) <= 3, moved
    assert "re-planning" in output


def test_dry_run_writes_nothing(demo):
    wip = wip_schedule(demo)
    before = _placement(wip)
    output = _optimize("--time-limit", "2", "--from-scratch", "--dry-run")
    assert _placement(wip) == before
    assert "unchanged" in output


def test_infeasible_input_is_explained(demo):
    workshop = Session.objects.filter(umbrella=demo, session_type__slug="workshop").first()
    workshop.required_features = ["plenary"]  # no room is both a lab and the plenary hall
    workshop.save()
    wip = wip_schedule(demo)
    before = _placement(wip)
    with pytest.raises(CommandError) as caught:
        _optimize("--time-limit", "5", "--from-scratch")
    assert f"s{workshop.pk}" in str(caught.value)
    assert _placement(wip) == before


def test_series_workshop_parts_stay_in_order(demo):
    _optimize("--time-limit", "3", "--from-scratch", "--seed", "1")
    wip = wip_schedule(demo)
    series = Session.objects.filter(umbrella=demo, parts__gt=1, parts_consecutive=False)
    assert series.exists()
    for session in series:
        starts = list(
            Slot.objects.filter(schedule=wip, session=session)
            .order_by("part")
            .values_list("start", flat=True)
        )
        assert len(starts) == session.parts
        assert starts == sorted(starts), session.title
