"""The solver's promises, judged by the referee (``bench.py evaluate``), never by its own report.

No test here asserts timing; time limits are short only to keep the suite fast.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hallway.solver import (
    InfeasibleError,
    Weights,
    check_solution,
    explain_infeasibility,
    solve,
)
from hallway.solver.api import verify
from hallway.solver.construct import cp_sat
from hallway.solver.problem import compile_problem
from hallway.solver.state import State

from .conftest import generated, referee, run_bench, small_problem


@pytest.mark.shared
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=10**6))
def test_every_solution_passes_the_referee(bench_py, tmp_path, seed: int) -> None:
    problem = small_problem(seed)
    result = solve(problem, time_limit=0.3, seed=seed)
    report = referee(bench_py, tmp_path, problem, result.solution)
    assert report["hard_violations"] == 0, report["hard"]
    assert check_solution(problem, result.solution) == []
    assert report["missed_favourites"] == result.objective.missed_favourites
    assert report["overflow_unsplit_seats"] == pytest.approx(
        result.objective.overflow_seats, abs=0.2
    )


# "Beats the organiser baseline" is a claim about quality: benchmarks/solver.py measures it
# against track-spread (BENCHMARKS.md).  The test that asserted it after a two-second search
# depended on the search's time; rewritten without it, it could not be made to fail by a
# construction blind to favourites or to room capacity (on the "T" instances even those beat
# track-spread), so it tested nothing the referee tests above do not.


@pytest.fixture(scope="module")
def solved_s(bench_py, tmp_path_factory):
    """Family S seed 0 solved briefly, shared by the re-planning tests."""
    tmp = tmp_path_factory.mktemp("s0")
    problem = generated(bench_py, tmp, "S", 0)
    return tmp, problem, solve(problem, time_limit=4, seed=0).solution


def _perturbed(bench_py, tmp, problem: dict, solution: dict, *flags: str) -> dict:
    (tmp / "p.json").write_text(json.dumps(problem))
    (tmp / "old.json").write_text(json.dumps(solution))
    run_bench(
        bench_py,
        "perturb",
        str(tmp / "p.json"),
        str(tmp / "old.json"),
        *flags,
        "-o",
        str(tmp / "changed.json"),
    )
    return json.loads((tmp / "changed.json").read_text())


@pytest.mark.shared
@pytest.mark.parametrize(
    "flags", [("--cancel", "1"), ("--cancel", "5"), ("--speaker-away", "1"), ("--room-lost", "1")]
)
def test_replanning_keeps_unaffected_sessions(bench_py, tmp_path, solved_s, flags) -> None:
    _, problem, old = solved_s
    changed = _perturbed(bench_py, tmp_path, problem, old, *flags)
    result = solve(changed, time_limit=3, keep=old)
    report = referee(bench_py, tmp_path, changed, result.solution)
    assert report["hard_violations"] == 0, report["hard"]
    moved = {m.session for m in result.moves}
    new = result.solution["assignments"]
    for sid, where in new.items():  # everything not reported as moved is exactly where it was
        if sid not in moved:
            assert where == old["assignments"][sid], sid
    for move in result.moves:
        assert move.reason
    cancelled = set(changed["perturbed"]["cancelled"])
    assert {m.session for m in result.moves if m.after is None} == cancelled
    if flags[0] == "--cancel":  # a withdrawal frees a place; nobody else needs to move
        assert moved == cancelled


@pytest.mark.shared
def test_replanning_says_why_a_session_moved(bench_py, tmp_path, solved_s) -> None:
    _, problem, old = solved_s
    changed = _perturbed(bench_py, tmp_path, problem, old, "--room-lost", "1")
    lost = next(
        r["id"]
        for r in changed["rooms"]
        if set(r["unavailable"])
        != set(next(o for o in problem["rooms"] if o["id"] == r["id"])["unavailable"])
    )
    result = solve(changed, time_limit=2, keep=old)
    displaced = [m for m in result.moves if m.before and m.before.endswith(f"/{lost}")]
    assert displaced
    assert all(f"room {lost} unavailable" in m.reason for m in displaced)
    assert "→" in str(displaced[0])


def _base(n_periods: int = 2, n_rooms: int = 2) -> dict:
    return {
        "format": "hallway-scheduling-problem/1",
        "show_up": 1.0,
        "periods": [{"id": f"p{i}", "day": 0} for i in range(n_periods)],
        "rooms": [
            {"id": f"r{i}", "capacity": 10, "features": [], "unavailable": []}
            for i in range(n_rooms)
        ],
        "speakers": [],
        "sessions": [],
        "attendees": [],
    }


def _session(sid: str, *speakers: str, **extra: object) -> dict:
    return {
        "id": sid,
        "length": 1,
        "speakers": list(speakers),
        "requires": [],
        "plenary": False,
        "fixed": None,
        **extra,
    }


def test_missing_feature_is_explained() -> None:
    problem = _base()
    problem["sessions"] = [_session("s1", requires=["lab"])]
    with pytest.raises(InfeasibleError, match="session s1 requires feature 'lab' that no room"):
        solve(problem, time_limit=2)


def test_too_many_sessions_is_explained() -> None:
    problem = _base(n_periods=2, n_rooms=2)
    problem["sessions"] = [_session(f"s{i}") for i in range(5)]
    assert explain_infeasibility(problem) == [
        "too many sessions: 5 session-periods but only 4 room-periods available (outside plenaries)"
    ]


def test_unavailable_speaker_is_explained() -> None:
    problem = _base()
    problem["speakers"] = [{"id": "sp1", "unavailable": ["p0"]}]
    problem["rooms"][0]["unavailable"] = ["p1"]
    problem["rooms"][1]["features"] = ["recorded"]
    problem["sessions"] = [
        _session("s1", "sp1", requires=[]),
        _session("s2", "sp1", requires=["recorded"]),
    ]
    problem["rooms"][1]["unavailable"] = ["p1"]
    reasons = explain_infeasibility(problem)
    assert any("speaker sp1" in r and "unavailable in every period" in r for r in reasons), reasons


def test_combinatorial_conflict_names_the_constraints() -> None:
    # three sessions that pairwise share a speaker need three periods; there are two
    problem = _base(n_periods=2, n_rooms=3)
    problem["speakers"] = [{"id": sp, "unavailable": []} for sp in ("a", "b", "c")]
    problem["sessions"] = [
        _session("s1", "a", "b"),
        _session("s2", "b", "c"),
        _session("s3", "a", "c"),
    ]
    with pytest.raises(InfeasibleError) as info:
        solve(problem, time_limit=3)
    text = str(info.value)
    assert "cannot all hold together" in text
    assert "speaker" in text


@pytest.mark.shared
def test_plenary_keeps_its_period_to_itself(bench_py, tmp_path) -> None:
    problem = _base(n_periods=3, n_rooms=2)
    problem["sessions"] = [_session("k", plenary=True)] + [_session(f"s{i}") for i in range(4)]
    problem["attendees"] = [["k", "s0", "s1"], ["s2", "s3"]]
    result = solve(copy.deepcopy(problem), time_limit=1)
    assert referee(bench_py, tmp_path, problem, result.solution)["hard_violations"] == 0
    k = result.solution["assignments"]["k"]["period"]
    assert [a["period"] for a in result.solution["assignments"].values()].count(k) == 1


@pytest.mark.shared
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=10**6))
def test_cp_sat_fallback_finds_valid_schedules(bench_py, tmp_path, seed: int) -> None:
    problem = small_problem(seed)
    inst = compile_problem(problem)
    state = cp_sat(inst, Weights(), seed, time_limit=5)
    assert isinstance(state, State)
    verify(inst, state)
    solution = state.solution("cp-sat", 0.0)
    assert referee(bench_py, tmp_path, problem, solution)["hard_violations"] == 0


def test_empty_conference() -> None:
    problem = _base()
    result = solve(problem, time_limit=0.2)
    assert result.solution["assignments"] == {}
    assert result.objective.missed_favourites == 0


def test_solver_imports_nothing_from_django() -> None:
    code = (
        "import sys, hallway.solver, hallway.solver.cli; "
        "sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.mark.shared
def test_check_solution_finds_what_the_referee_finds(bench_py, tmp_path) -> None:
    problem = small_problem(11)
    solution = solve(problem, time_limit=0.3).solution
    broken = copy.deepcopy(solution)
    first, second = problem["sessions"][0]["id"], problem["sessions"][1]["id"]
    broken["assignments"][second] = dict(broken["assignments"][first])
    broken["assignments"].pop(problem["sessions"][2]["id"])
    report = referee(bench_py, tmp_path, problem, broken)
    found = check_solution(problem, broken)
    assert report["hard_violations"] > 0
    assert any("share room" in line for line in found)
    assert any("is not assigned" in line for line in found)


def test_replanning_moves_one_session_aside_for_a_new_one() -> None:
    problem = _base(n_periods=2, n_rooms=2)
    problem["rooms"][0]["features"] = ["lab"]
    problem["speakers"] = [{"id": "sp", "unavailable": ["p1"]}]
    problem["sessions"] = [_session("a"), _session("b")]
    old = {
        "format": "hallway-scheduling-solution/1",
        "assignments": {"a": {"period": "p0", "room": "r0"}, "b": {"period": "p0", "room": "r1"}},
    }
    # the new workshop needs the lab, and its speaker can only come in p0
    problem["sessions"].append(_session("w", "sp", requires=["lab"]))
    result = solve(problem, time_limit=0.5, keep=old)
    assignments = result.solution["assignments"]
    assert assignments["w"] == {"period": "p0", "room": "r0"}
    assert assignments["b"] == old["assignments"]["b"]
    reasons = {m.session: m.reason for m in result.moves}
    assert reasons == {"w": "new session", "a": "made room for w"}


def test_new_favourites_move_nothing_unless_moves_are_allowed() -> None:
    problem = _base(n_periods=2, n_rooms=2)
    problem["sessions"] = [_session("a"), _session("b")]
    old = {
        "format": "hallway-scheduling-solution/1",
        "assignments": {"a": {"period": "p0", "room": "r0"}, "b": {"period": "p0", "room": "r1"}},
    }
    problem["attendees"] = [["a", "b"]] * 10  # ten new attendees want both: they clash
    kept = solve(problem, time_limit=0.5, keep=old)
    assert kept.solution["assignments"] == old["assignments"]
    assert kept.moves == [] and kept.objective.missed_favourites == 10
    improved = solve(problem, time_limit=0.5, keep=old, allow_moves=True)
    assert improved.objective.missed_favourites == 0
    assert len(improved.moves) == 1
    assert improved.moves[0].reason == "moved to reduce missed favourites"
