"""`solve`: the scheduler as a pure function from a problem (and optionally the previous
schedule) to a valid schedule, with its objective, what moved and why, and timings.

From scratch: construct a first valid schedule (greedy, CP-SAT as a fallback); where the event
is small enough, find the exact optimum (missed favourites first, `exact.py`) and stop as soon
as it is proven; otherwise anneal until the time limit, restarting from the best schedule when
the search stalls, after large-neighbourhood steps from it (`lns.py`); then make each period's
room choice optimal.  Every result carries a lower bound on missed favourites that holds for
every valid schedule (`bound.py`, or the exact optimum), so "N missed, at most N − bound above
the best possible" can be said.  Re-planning is in `replan.py`, the result types in
`result.py`.

With `keep` (re-planning after a change): keep every session of the previous schedule that is
still valid where it was, place the displaced and new sessions where they cost least (moving one
other session out of the way when nothing is free), then anneal briefly over those sessions
only: every kept session stays exactly where it was, so the fewest sessions move and no
unaffected attendee's agenda changes. With `allow_moves`, the short anneal may also move kept
sessions, each at a charge of one unit per attendee whose agenda changes plus a fixed charge, so
only moves worth more than the disruption happen (useful after new favourites, where nothing is
displaced).

Every returned schedule has been checked against all hard constraints by `verify`; if no valid
schedule is found an `InfeasibleError` carries the explanation.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from os import PathLike

from . import anneal as sa
from . import exact, lns, replan
from .bound import missed_lower_bound
from .check import violations
from .construct import cp_sat, greedy
from .explain import explain_infeasibility, static_reasons
from .problem import Instance, compile_problem, load_problem, load_solution
from .result import InfeasibleError, Move, Objective, SolveResult
from .state import State, Weights, exact_missed

SOLVER_NAME = "hallway"
# when the annealing stalls, large-neighbourhood steps get this share of the time left (at
# least LNS_MIN_SECONDS) before it restarts: measured, they do not pay before (BENCHMARKS.md)
LNS_SHARE = 0.2
LNS_MIN_SECONDS = 1.0


def solve(
    problem: dict | str | PathLike[str],
    *,
    time_limit: float = 60,
    seed: int = 0,
    keep: dict | str | PathLike[str] | None = None,
    allow_moves: bool = False,
    weights: Weights | None = None,
    on_progress: Callable[[dict], None] | None = None,
) -> SolveResult:
    """Schedule `problem` (a dict or a path) within about `time_limit` seconds.

    The first valid schedule is always completed, even if a tiny `time_limit` is exceeded.  The
    search runs for wall-clock time, so results depend on the seed and on the machine's speed.

    `keep` is a previous solution (dict or path): re-plan, moving only the sessions that no
    longer fit (and at most one other session per displaced one); `allow_moves` lets the re-plan
    also move kept sessions when that saves more than it disturbs.
    `on_progress` receives dicts with at least `phase`, `elapsed` and the objective components.
    Raises `ProblemError` for a malformed problem and `InfeasibleError` when there is no valid
    schedule.
    """
    run = _Run(time.monotonic(), time.monotonic() + max(0.1, time_limit), on_progress)
    inst = compile_problem(load_problem(problem))
    weights = weights or Weights()
    reasons = static_reasons(inst)
    if reasons:
        raise InfeasibleError(reasons)
    if keep is not None:
        previous = load_solution(keep, "previous schedule")["assignments"]
        found = _replan(run, inst, weights, previous, seed, allow_moves)
    else:
        found = _from_scratch(run, inst, weights, seed, time_limit)
    state = found.state
    verify(inst, state)
    seconds = time.monotonic() - run.began
    objective = _objective(inst, state)
    run.report("done", state, best_missed=objective.missed_favourites, optimal=found.optimal)
    solution = state.solution(SOLVER_NAME, seconds)
    solution["solver"].update(
        missed_lower_bound=run.bound,
        missed_gap=objective.missed_favourites - run.bound,
        missed_proven_optimal=found.optimal,
        best_found_seconds=round(found.best_at - run.began, 3),
    )
    return SolveResult(
        solution=solution,
        objective=objective,
        moves=found.moves,
        first_valid_seconds=found.first_valid,
        seconds=seconds,
        method=found.method,
        missed_bound=run.bound,
        optimal=found.optimal,
        best_found_seconds=found.best_at - run.began,
    )


@dataclass
class _Run:
    """One call of `solve`: its clock, its progress callback and the bound proven so far."""

    began: float
    deadline: float
    on_progress: Callable[[dict], None] | None
    bound: int = 0  # computed once a valid schedule is in hand: the first one should come fast

    def report(self, phase: str, state: State, **extra: object) -> None:
        self.relay(
            {
                "phase": phase,
                "cost": state.cost(),
                "missed": state.missed,
                "overflow": state.overflow,
                "track": state.track,
                **extra,
            }
        )

    def relay(self, info: dict) -> None:
        if self.on_progress:
            now = time.monotonic()
            self.on_progress(
                {
                    **info,
                    "elapsed": now - self.began,
                    "time_left": max(0.0, self.deadline - now),
                    "missed_bound": self.bound,
                }
            )


@dataclass
class _Found:
    """The schedule a strategy settled on, and how it got there."""

    state: State
    method: str  # how the first valid schedule was found
    first_valid: float  # seconds to it
    best_at: float  # monotonic time the returned schedule was found
    optimal: bool = False
    moves: list[Move] = field(default_factory=list)


def _replan(
    run: _Run, inst: Instance, weights: Weights, previous: dict, seed: int, allow_moves: bool
) -> _Found:
    """Repair the previous schedule, then anneal briefly: only the displaced sessions, or
    (`allow_moves`) every session at a charge for leaving its place."""
    state, reasons_for = replan.repair(inst, weights, previous, seed)
    method = "repair"
    if state is None:
        state, method = _construct(inst, weights, seed, time.monotonic(), run.deadline)
    first_valid = time.monotonic() - run.began
    run.report("valid", state, method=method)
    run.bound = missed_lower_bound(inst)
    kept = replan.kept_in_place(inst, state, previous)
    improve_until = min(run.deadline, time.monotonic() + replan.replan_budget(inst))
    if allow_moves:
        penalty = replan.stability_charges(inst, previous, reasons_for)
        best = sa.anneal(
            state, improve_until, seed, extra_cost=penalty, on_progress=run.relay, t_start=2.0
        )
    else:
        best = sa.anneal(state, improve_until, seed, frozen=kept, on_progress=run.relay)
    sa.restore(state, best)
    sa.reassign_rooms(state, frozen=replan.kept_in_place(inst, state, previous))
    moves = replan.moves_from(inst, state, previous, reasons_for)
    return _Found(state, method, first_valid, time.monotonic(), moves=moves)


def _from_scratch(
    run: _Run, inst: Instance, weights: Weights, seed: int, time_limit: float
) -> _Found:
    """A first valid schedule, then the exact optimum where the event is small enough, else
    annealing followed by large-neighbourhood steps until the time limit."""
    state, method = _construct(inst, weights, seed, run.began, run.deadline)
    found = _Found(state, method, time.monotonic() - run.began, time.monotonic())
    run.report("valid", state, method=method)
    run.bound = missed_lower_bound(inst)
    # leave a little time for the exact room assignment and the final checks
    margin = min(2.0, 0.05 * time_limit + 0.02 * inst.n_sessions / 100)
    end = max(time.monotonic() + 0.05, run.deadline - margin)
    if weights.missed > 0:
        exact_found = _exact(inst, weights, state, seed, end, run.relay)
        if exact_found is not None:
            other, result, when = exact_found
            run.bound = max(run.bound, result.missed_bound)
            if _true_cost(inst, other) <= _true_cost(inst, state) + 1e-9:
                found.state, found.best_at, found.optimal = other, when, result.optimal
    if not found.optimal and time.monotonic() < end:
        _search(found, end, seed, run.relay)
    sa.reassign_rooms(found.state)
    return found


def _search(found: _Found, end: float, seed: int, relay: Callable[[dict], None]) -> None:
    """Anneal with restarts until `end`, with large-neighbourhood steps each time the annealing
    stalls; keep the result only if the referee's count agrees that it is better."""
    state = found.state
    inst = state.inst
    stats: dict = {}
    lns_stats: dict = {}
    before, before_cost = state.positions(), _true_cost(inst, state)

    def stalled(current: State) -> None:
        now = time.monotonic()
        until = min(end, now + max(LNS_MIN_SECONDS, LNS_SHARE * (end - now)))
        lns.improve(
            current, until, seed + stats.get("rounds", 0), on_progress=relay, stats=lns_stats
        )

    best = sa.anneal(
        state, end, seed, on_progress=relay, restart=True, stats=stats, on_stall=stalled
    )
    sa.restore(state, best)
    cost = _true_cost(inst, state)
    if cost < before_cost - 1e-9:
        found.best_at = stats.get("best_at", found.best_at)
    elif cost > before_cost + 1e-9:  # the search's missed proxy misled it
        sa.restore(state, before)


def _construct(
    inst: Instance, weights: Weights, seed: int, began: float, deadline: float
) -> tuple[State, str]:
    budget = deadline - began
    state = greedy(inst, weights, seed, began + 0.4 * budget)
    if state is not None:
        return state, "greedy"
    found = cp_sat(inst, weights, seed, max(0.5, 0.6 * (deadline - time.monotonic())))
    if isinstance(found, State):
        return found, "cp-sat"
    if found is False:
        raise InfeasibleError(explain_infeasibility(inst, time_limit=min(10.0, budget)))
    raise InfeasibleError([])


def _exact(
    inst: Instance,
    weights: Weights,
    state: State,
    seed: int,
    end: float,
    relay: Callable[[dict], None],
) -> tuple[State, exact.ExactResult, float] | None:
    """The exact optimum (missed favourites first) where the event is small enough: by dynamic
    programming for a one-day event, else by CP-SAT from a briefly annealed first schedule until
    `end`.  Returns the schedule found, the result (with its proven bound) and when it was found;
    None when the event is too big for either.  `state` may be annealed in place."""
    # the programme does about 10^8 steps a second even on a busy machine; building the CP-SAT
    # model costs about 0.1 ms a column: only as much of either as the time allows
    budget = end - time.monotonic()
    result = exact.solve_small(inst, weights, int(min(exact.MAX_DP_WORK, 1e8 * budget)))
    when = time.monotonic()
    budget = end - time.monotonic()
    max_columns = int(min(exact.MAX_COLUMNS, 5000 * budget))
    if result is None and exact.small_enough(inst, max_columns):
        quick = time.monotonic() + 0.1 * (end - time.monotonic())
        sa.restore(state, sa.anneal(state, quick, seed, on_progress=relay))
        last = [time.monotonic()]

        def found(positions: list[tuple[int, int]]) -> None:
            last[0] = time.monotonic()
            missed = exact_missed(inst, [q for q, _ in positions])
            relay({"phase": "exact", "missed": missed, "best_missed": missed})

        result = exact.solve_exact(
            inst,
            weights,
            end - time.monotonic(),
            hint=state.positions(),
            seed=seed,
            on_solution=found,
            max_columns=max_columns,
        )
        when = last[0]
    if result is None or result.positions is None:
        return None if result is None else (state, result, when)
    other = State(inst, weights)
    for s, (q, r) in enumerate(result.positions):
        other.place(s, q, r)
    if violations(inst, other.start, other.room):
        return None  # a bug in the exact model must not cost a valid schedule
    return other, result, when


def _true_cost(inst: Instance, state: State) -> float:
    """The weighted cost with the referee's missed count instead of the search's proxy."""
    w = state.weights
    return (
        w.missed * exact_missed(inst, state.start)
        + w.overflow * sum(state.overflow_of(s, state.room[s]) for s in range(inst.n_sessions))
        + w.track * state.track
    )


def _objective(inst: Instance, state: State) -> Objective:
    return Objective(
        missed_favourites=exact_missed(inst, state.start),
        favourites=sum(len(f) for f in inst.favourites),
        # summed afresh: the running total carries floating-point drift from the search
        overflow_seats=round(
            sum(state.overflow_of(s, state.room[s]) for s in range(inst.n_sessions)), 1
        ),
        track_clashes=state.track,
        cost=state.cost(),
    )


def verify(inst: Instance, state: State) -> None:
    """Raise RuntimeError if `state` breaks any hard constraint (checked from scratch)."""
    broken = violations(inst, state.start, state.room)
    if broken:
        raise RuntimeError("internal error, invalid schedule: " + "; ".join(broken[:5]))
