"""Large-neighbourhood steps and the popular-sessions lower bound.

Deterministic on seeds and step counts: CP-SAT steps are bounded by its deterministic time
(and are small enough to be proven optimal well within it), so no assertion depends on how
long a search ran or how busy the machine is.
"""

from __future__ import annotations

import json
import random

import pytest

from hallway.solver import Weights, lns, solve
from hallway.solver import anneal as sa
from hallway.solver.bound import missed_lower_bound, shared_periods_bound
from hallway.solver.check import violations
from hallway.solver.construct import greedy
from hallway.solver.dp import solve_small
from hallway.solver.problem import compile_problem
from hallway.solver.state import State

from .conftest import generated, referee, run_bench, small_problem

MISSED_ONLY = Weights(missed=1, overflow=0, track=0)


def _greedy(problem: dict, seed: int, weights: Weights | None = None) -> State | None:
    """The greedy first schedule (None where greedy alone finds none: solve falls back)."""
    return greedy(compile_problem(problem), weights or Weights(), seed, float("inf"))


def _singles_only(seed: int) -> bool:
    inst = compile_problem(small_problem(seed))
    return all(n == 1 for n in inst.length) and not any(inst.plenary)


def test_a_step_never_worsens_the_schedule_and_keeps_it_valid() -> None:
    gained, checked = 0.0, 0
    for seed in range(12):
        state = _greedy(small_problem(300 + seed), seed)
        if state is None or len(sa.movable_sessions(state)) < 2:
            continue
        rng = random.Random(seed)
        sessions = sa.movable_sessions(state)
        checked += 1
        for kind in lns.KINDS * 3:
            before = state.cost()
            freed, within = lns.neighbourhood(state, sessions, kind, 6, rng)
            gain, proven = lns.reoptimise(state, freed, 300, seed, within, work=30)
            assert proven
            assert state.cost() == pytest.approx(before - gain)
            assert gain >= 0
            assert violations(state.inst, state.start, state.room) == []
            gained += gain
    assert checked >= 6
    assert gained > 0  # a greedy schedule leaves something for the steps to find


def test_freeing_every_session_finds_the_proven_optimum() -> None:
    """With every session freed, one step is the exact model: it must match the dynamic
    programme's optimum (a different formulation) on missed favourites."""
    compared = 0
    for seed in range(0, 400, 7):
        if not _singles_only(seed):
            continue
        problem = small_problem(seed)
        inst = compile_problem(problem)
        small = solve_small(inst, MISSED_ONLY)
        if small is None or small.positions is None:
            continue
        state = _greedy(problem, seed, MISSED_ONLY)
        if state is None:
            continue
        freed = sa.movable_sessions(state)
        _, proven = lns.reoptimise(state, freed, 300, seed, work=60)
        assert proven
        assert state.missed == small.missed_bound
        compared += 1
        if compared == 5:
            break
    assert compared == 5


def test_improve_runs_a_given_number_of_steps_and_reports_them() -> None:
    state = _greedy(small_problem(321), 0)
    assert state is not None
    before = state.cost()
    stats: dict = {}
    best = lns.improve(state, float("inf"), 0, size=5, step_work=30, stats=stats, max_steps=8)
    assert stats["steps"] == 8
    assert sum(stats["tried"].values()) == 8
    assert best == state.positions()
    assert state.cost() <= before
    assert violations(state.inst, state.start, state.room) == []


def test_annealing_hands_its_best_schedule_to_the_stall_hook_and_keeps_what_it_improves() -> None:
    state = _greedy(small_problem(305), 1)
    assert state is not None
    seen: list[float] = []

    def stalled(current: State) -> None:
        seen.append(current.cost())
        lns.improve(current, float("inf"), 0, size=4, step_work=30, max_steps=4)

    # one move per session: the search "stalls" at its first check, every 256 moves
    best = sa.anneal(
        state, float("inf"), 1, restart=True, moves_per_session=1, on_stall=stalled, max_rounds=3
    )
    assert len(seen) == 2
    sa.restore(state, best)
    assert state.cost() <= min(seen)


def _clique_problem() -> dict:
    """Three talks, two periods, plenty of rooms; every pair of talks is starred by 5 people:
    each attendee can see both favourites, but two of the talks must share a period."""
    sessions = [
        {"id": sid, "title": "", "kind": "talk", "length": 1, "speakers": [], "requires": []}
        for sid in ("a", "b", "c")
    ]
    return {
        "format": "hallway-scheduling-problem/1",
        "name": "clique",
        "show_up": 1.0,
        "periods": [{"id": f"p{i}", "day": 0, "start": "", "end": ""} for i in range(2)],
        "rooms": [{"id": f"r{i}", "capacity": 100, "features": []} for i in range(3)],
        "speakers": [],
        "sessions": sessions,
        "attendees": [["a", "b"]] * 5 + [["b", "c"]] * 5 + [["a", "c"]] * 6,
    }


@pytest.mark.shared
def test_popular_sessions_bound_is_positive_where_periods_are_short(bench_py, tmp_path) -> None:
    problem = _clique_problem()
    inst = compile_problem(problem)
    assert shared_periods_bound(inst) == 5  # the cheapest pair shares a period
    result = solve(problem, time_limit=5, seed=0)
    assert result.missed_bound == 5
    assert referee(bench_py, tmp_path, problem, result.solution)["missed_favourites"] == 5


@pytest.mark.shared
@pytest.mark.parametrize(("family", "seed"), [("S", 3), ("M", 0)])
def test_bound_on_a_generated_event_is_below_every_baseline(
    bench_py, tmp_path, family: str, seed: int
) -> None:
    """S-3 and M-0: the bound is positive there, and must stay below any valid schedule's
    count (the referee's baselines, and a short solve of ours)."""
    problem = generated(bench_py, tmp_path, family, seed)
    bound = missed_lower_bound(compile_problem(problem))
    assert bound > 0
    ours = solve(problem, time_limit=1, seed=seed)
    assert ours.missed_bound == bound
    assert referee(bench_py, tmp_path, problem, ours.solution)["missed_favourites"] >= bound
    path = tmp_path / f"{family}-{seed}.json"
    path.write_text(json.dumps(problem))
    checked = 0
    for kind in ("track-spread", "random"):
        out = tmp_path / f"{kind}.json"
        run_bench(bench_py, "baseline", kind, str(path), "-o", str(out))
        report = json.loads(run_bench(bench_py, "evaluate", str(path), str(out), "--json"))
        if report["hard_violations"] == 0:  # a bound is a promise about valid schedules
            assert report["missed_favourites"] >= bound
            checked += 1
    assert checked >= 1
