"""The exact methods and the lower bound on missed favourites, judged by the referee.

A lower bound is a promise about every valid schedule, so it is checked against schedules that
the solver did not make: the referee's baselines (`bench.py baseline track-spread` / `random`).
No test here asserts timing; limits are short only to keep the suite fast.
"""

from __future__ import annotations

import json

import pytest

from hallway.solver import Weights, solve
from hallway.solver.bound import missed_lower_bound
from hallway.solver.check import violations
from hallway.solver.exact import solve_exact, solve_small
from hallway.solver.problem import compile_problem
from hallway.solver.state import exact_missed

from .conftest import generated, referee, run_bench, small_problem


def _baselines(bench_py, tmp_path, problem: dict) -> list[dict]:
    """The referee's reports of its own baseline schedules that are valid."""
    path = tmp_path / "baseline-problem.json"
    path.write_text(json.dumps(problem))
    reports = []
    for kind in ("track-spread", "random"):
        out = tmp_path / f"{kind}.json"
        run_bench(bench_py, "baseline", kind, str(path), "-o", str(out))
        report = json.loads(run_bench(bench_py, "evaluate", str(path), str(out), "--json"))
        if report["hard_violations"] == 0:
            reports.append(report)
    return reports


@pytest.mark.shared
@pytest.mark.parametrize("seed", range(4))
def test_lower_bound_never_exceeds_any_valid_schedule(bench_py, tmp_path, seed: int) -> None:
    problem = small_problem(seed + 100)
    result = solve(problem, time_limit=0.5, seed=seed)
    ours = referee(bench_py, tmp_path, problem, result.solution)
    assert ours["hard_violations"] == 0
    counts = [ours["missed_favourites"]]
    counts += [r["missed_favourites"] for r in _baselines(bench_py, tmp_path, problem)]
    assert result.missed_bound <= min(counts)
    assert result.solution["solver"]["missed_lower_bound"] == result.missed_bound
    assert (
        result.solution["solver"]["missed_gap"] == ours["missed_favourites"] - result.missed_bound
    )
    if result.optimal:
        assert ours["missed_favourites"] == result.missed_bound
    relaxation = missed_lower_bound(compile_problem(problem))
    assert relaxation <= result.missed_bound


@pytest.mark.shared
@pytest.mark.parametrize("seed", [0, 3])
def test_one_day_event_is_solved_to_a_proven_optimum(bench_py, tmp_path, seed: int) -> None:
    problem = generated(bench_py, tmp_path, "T", seed)
    # the dynamic programme itself (no clock involved): proven, and what the referee counts
    small = solve_small(compile_problem(problem), Weights())
    assert small is not None and small.optimal and small.positions is not None
    for report in _baselines(bench_py, tmp_path, problem):
        assert report["missed_favourites"] >= small.missed_bound
    # solve: whatever it had time for, valid, never below the optimum, its bound never above
    result = solve(problem, time_limit=5, seed=seed)
    ours = referee(bench_py, tmp_path, problem, result.solution)
    assert ours["hard_violations"] == 0, ours["hard"]
    assert result.missed_bound <= small.missed_bound <= ours["missed_favourites"]
    if result.optimal:
        assert ours["missed_favourites"] == result.missed_bound == small.missed_bound


def test_dynamic_programme_and_cp_sat_model_agree() -> None:
    """Two formulations of the same optimum (missed favourites first), checked on each other."""
    compared = 0
    for seed in range(0, 200, 10):
        inst = compile_problem(small_problem(seed))
        small = solve_small(inst, Weights())
        if small is None or small.positions is None:
            continue
        exact = solve_exact(inst, Weights(), 5, seed=seed)
        assert exact is not None and exact.positions is not None
        found = exact_missed(inst, [q for q, _ in exact.positions])
        assert found >= small.missed_bound  # the programme's optimum is a bound for CP-SAT
        if exact.optimal:
            assert found == small.missed_bound == exact.missed_bound
            compared += 1
    assert compared >= 5


@pytest.mark.shared
def test_dynamic_programme_schedule_is_what_the_referee_counts(bench_py, tmp_path) -> None:
    problem = generated(bench_py, tmp_path, "T", 1)
    inst = compile_problem(problem)
    small = solve_small(inst, Weights())
    assert small is not None and small.positions is not None
    solution = {
        "format": "hallway-scheduling-solution/1",
        "assignments": {
            inst.session_ids[s]: {"period": inst.period_ids[q], "room": inst.room_ids[r]}
            for s, (q, r) in enumerate(small.positions)
        },
    }
    report = referee(bench_py, tmp_path, problem, solution)
    assert report["hard_violations"] == 0
    assert report["missed_favourites"] == small.missed_bound


def test_small_exact_schedules_are_valid_and_no_worse_than_the_search() -> None:
    checked = 0
    for seed in range(200, 240):
        problem = small_problem(seed)
        inst = compile_problem(problem)
        small = solve_small(inst, Weights())
        if small is None or small.positions is None:
            continue  # more than one multi-period session: not for the dynamic programme
        start = [q for q, _ in small.positions]
        assert violations(inst, start, [r for _, r in small.positions]) == []
        searched = solve(problem, time_limit=0.2, seed=seed)
        assert exact_missed(inst, start) <= searched.objective.missed_favourites
        checked += 1
        if checked == 4:
            break
    assert checked == 4


def test_progress_reports_phase_best_and_time_left() -> None:
    problem = small_problem(7)
    seen: list[dict] = []
    result = solve(problem, time_limit=0.5, on_progress=seen.append)
    assert seen[0]["phase"] == "valid"
    assert seen[-1]["phase"] == "done"
    assert seen[-1]["best_missed"] == result.objective.missed_favourites
    assert seen[-1]["missed_bound"] == result.missed_bound
    assert all("time_left" in info and "elapsed" in info for info in seen)
    assert "missed favourites" in result.gap_text()
