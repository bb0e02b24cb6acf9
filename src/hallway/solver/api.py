"""`solve`: the scheduler as a pure function from a problem (and optionally the previous
schedule) to a valid schedule, with its objective, what moved and why, and timings.

From scratch: construct a first valid schedule (greedy, CP-SAT as a fallback); where the event
is small enough, find the exact optimum (missed favourites first, `exact.py`) and stop as soon
as it is proven; otherwise anneal until the time limit, restarting from the best schedule when
the search stalls; then make each period's room choice optimal.  Every result carries a lower
bound on missed favourites that holds for every valid schedule (`bound.py`, or the exact
optimum), so "N missed, at most N − bound above the best possible" can be said.

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

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from os import PathLike

from . import anneal as sa
from . import exact
from .bound import missed_lower_bound
from .check import violations
from .construct import best_position, cp_sat, greedy
from .explain import explain_infeasibility, static_reasons
from .problem import Instance, compile_problem, load_problem, load_solution
from .state import State, Weights, exact_missed

SOLVER_NAME = "hallway"


class InfeasibleError(Exception):
    """No valid schedule exists (or none was found); `reasons` says which constraints conflict."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons or [
            "no valid schedule was found within the time limit, and no conflict could be proven"
        ]
        super().__init__("; ".join(self.reasons))


@dataclass(frozen=True)
class Objective:
    """The schedule's quality as the referee measures it (exact missed favourites)."""

    missed_favourites: int
    favourites: int
    overflow_seats: float  # unsplit: show_up × interested vs capacity
    track_clashes: int
    cost: float  # weighted sum the search minimised (with the search's missed proxy)

    @property
    def missed_pct(self) -> float:
        return 100 * self.missed_favourites / self.favourites if self.favourites else 0.0


@dataclass(frozen=True)
class Move:
    """A session whose place differs from the previous schedule, and why."""

    session: str
    before: str | None  # "d1p3/r05", None for a new session
    after: str | None  # None for a withdrawn session
    reason: str

    def __str__(self) -> str:
        if self.after is None:
            return f"{self.session} removed (was {self.before}): {self.reason}"
        if self.before is None:
            return f"{self.session} placed at {self.after}: {self.reason}"
        return f"{self.session} moved {self.before} → {self.after}: {self.reason}"


@dataclass
class SolveResult:
    """What `solve` returns: the schedule, how good it is, what moved, and how long it took."""

    solution: dict  # hallway-scheduling-solution/1
    objective: Objective
    moves: list[Move] = field(default_factory=list)
    first_valid_seconds: float = 0.0
    seconds: float = 0.0
    method: str = ""  # how the first valid schedule was found
    # a proven lower bound on missed favourites for every valid schedule (0: none found), so the
    # schedule is at most `missed_gap` missed favourites from the best possible
    missed_bound: int = 0
    optimal: bool = False  # proven optimal: missed favourites first, then the other terms
    best_found_seconds: float = 0.0  # when the returned schedule was found

    @property
    def missed_gap(self) -> int:
        return self.objective.missed_favourites - self.missed_bound

    def gap_text(self) -> str:
        """One line for people: how far from the best possible this schedule can be."""
        missed = self.objective.missed_favourites
        if self.optimal or self.missed_gap == 0:
            return f"{missed} missed favourites: proven the fewest possible"
        if self.missed_bound <= 0:
            return f"{missed} missed favourites; no positive lower bound was found"
        return (
            f"{missed} missed favourites, at most {self.missed_gap} above the best possible "
            f"(at least {self.missed_bound} must be missed)"
        )


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
    began = time.monotonic()
    deadline = began + max(0.1, time_limit)
    inst = compile_problem(load_problem(problem))
    weights = weights or Weights()
    reasons = static_reasons(inst)
    if reasons:
        raise InfeasibleError(reasons)

    def report(phase: str, state: State, **extra: object) -> None:
        if on_progress:
            on_progress(
                {
                    "phase": phase,
                    "elapsed": time.monotonic() - began,
                    "cost": state.cost(),
                    "missed": state.missed,
                    "overflow": state.overflow,
                    "track": state.track,
                    "time_left": max(0.0, deadline - time.monotonic()),
                    "missed_bound": bound,
                    **extra,
                }
            )

    def relay(info: dict) -> None:
        if on_progress:
            now = time.monotonic()
            on_progress(
                {
                    **info,
                    "elapsed": now - began,
                    "time_left": max(0.0, deadline - now),
                    "missed_bound": bound,
                }
            )

    bound = 0  # computed once a valid schedule is in hand: the first one should come fast
    optimal = False
    best_at = began
    if keep is not None:
        previous = load_solution(keep, "previous schedule")["assignments"]
        state, reasons_for, method = _repair(inst, weights, previous, seed, deadline)
        first_valid = time.monotonic() - began
        report("valid", state, method=method)
        bound = missed_lower_bound(inst)
        kept = _kept_in_place(inst, state, previous)
        improve_until = min(deadline, time.monotonic() + _replan_budget(inst))
        if allow_moves:
            penalty = _stability_charges(inst, previous, reasons_for)
            best = sa.anneal(
                state, improve_until, seed, extra_cost=penalty, on_progress=relay, t_start=2.0
            )
        else:
            best = sa.anneal(state, improve_until, seed, frozen=kept, on_progress=relay)
        sa.restore(state, best)
        sa.reassign_rooms(state, frozen=_kept_in_place(inst, state, previous))
        moves = _moves(inst, state, previous, reasons_for)
        best_at = time.monotonic()
    else:
        state, method = _construct(inst, weights, seed, began, deadline)
        first_valid = time.monotonic() - began
        report("valid", state, method=method)
        bound = missed_lower_bound(inst)
        # leave a little time for the exact room assignment and the final checks
        margin = min(2.0, 0.05 * time_limit + 0.02 * inst.n_sessions / 100)
        end = max(time.monotonic() + 0.05, deadline - margin)
        best_at = time.monotonic()
        if weights.missed > 0:
            found = _exact(inst, weights, state, seed, end, relay)
            if found is not None:
                other, result, when = found
                bound = max(bound, result.missed_bound)
                if _true_cost(inst, other) <= _true_cost(inst, state) + 1e-9:
                    state, best_at, optimal = other, when, result.optimal
        if not optimal and time.monotonic() < end:
            stats: dict = {}
            before, before_cost = state.positions(), _true_cost(inst, state)
            best = sa.anneal(state, end, seed, on_progress=relay, restart=True, stats=stats)
            sa.restore(state, best)
            cost = _true_cost(inst, state)
            if cost < before_cost - 1e-9:
                best_at = stats.get("best_at", best_at)
            elif cost > before_cost + 1e-9:  # the search's missed proxy misled it
                sa.restore(state, before)
        sa.reassign_rooms(state)
        moves = []
    verify(inst, state)
    seconds = time.monotonic() - began
    objective = _objective(inst, state)
    report("done", state, best_missed=objective.missed_favourites, optimal=optimal)
    solution = state.solution(SOLVER_NAME, seconds)
    solution["solver"].update(
        missed_lower_bound=bound,
        missed_gap=objective.missed_favourites - bound,
        missed_proven_optimal=optimal,
        best_found_seconds=round(best_at - began, 3),
    )
    return SolveResult(
        solution=solution,
        objective=objective,
        moves=moves,
        first_valid_seconds=first_valid,
        seconds=seconds,
        method=method,
        missed_bound=bound,
        optimal=optimal,
        best_found_seconds=best_at - began,
    )


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


def _replan_budget(inst: Instance) -> float:
    """Seconds of annealing after a repair: re-planning should answer quickly."""
    return 0.3 + inst.n_sessions / 4000


def _position(inst: Instance, previous: dict, s: int) -> tuple[int, int] | None:
    a = previous.get(inst.session_ids[s])
    if a is None or a["period"] not in inst.period_ids or a["room"] not in inst.room_ids:
        return None
    return inst.period_ids.index(a["period"]), inst.room_ids.index(a["room"])


def _why_not(inst: Instance, state: State, s: int, q: int, r: int) -> str:
    """Why session s can no longer stay at (q, r)."""
    span = inst.span(s, q)
    if span is None:
        return "its periods no longer fit in the day"
    if inst.fixed[s] is not None and inst.fixed[s] != (q, r):
        return "it is now fixed elsewhere"
    if inst.room_away[r].intersection(span):
        return f"room {inst.room_ids[r]} unavailable"
    if not inst.requires[s] <= inst.room_features[r]:
        missing = ", ".join(sorted(inst.requires[s] - inst.room_features[r]))
        return f"room {inst.room_ids[r]} lacks {missing}"
    for sp in inst.speakers[s]:
        if inst.speaker_away[sp].intersection(span):
            return f"speaker {inst.speaker_ids[sp]} unavailable"
    if not inst.plenary[s] and inst.plenary_periods.intersection(span):
        return "a plenary now runs then"
    for p in span:
        other = state.cell[p][r]
        if other >= 0:
            return f"its room is taken by {inst.session_ids[other]}"
        for sp in inst.speakers[s]:
            if state.speaker_busy[sp][p]:
                return f"speaker {inst.speaker_ids[sp]} is in another session then"
    return "it conflicts with the new constraints"


def _repair(
    inst: Instance, weights: Weights, previous: dict, seed: int, deadline: float
) -> tuple[State, dict[int, str], str]:
    """Keep what still fits; place the rest. Returns the state and a reason per moved session."""
    rng = random.Random(seed)
    state = State(inst, weights)
    reasons: dict[int, str] = {}
    # fixed sessions first so that a kept session never sits on a fixed one's place
    order = sorted(range(inst.n_sessions), key=lambda s: (inst.fixed[s] is None, s))
    for s in order:
        pos = inst.fixed[s] or _position(inst, previous, s)
        if pos is None:
            reasons[s] = (
                "its previous period or room no longer exists"
                if inst.session_ids[s] in previous
                else "new session"
            )
        elif state.fits(s, *pos):
            state.place(s, *pos)
        else:
            reasons[s] = _why_not(inst, state, s, *pos)
    displaced = sorted((s for s in reasons), key=lambda s: (len(inst.starts[s]), s))
    for s in displaced:
        pos = best_position(state, s, rng)
        if pos is not None:
            state.place(s, *pos)
        elif not _eject_one(state, s, reasons, rng):
            scratch, method = _construct(inst, weights, seed, time.monotonic(), deadline)
            why = (
                f"re-planned from scratch: {inst.session_ids[s]} could not be placed "
                f"by moving one other session"
            )
            return scratch, {t: reasons.get(t, why) for t in range(inst.n_sessions)}, method
    return state, reasons, "repair"


def _eject_one(state: State, s: int, reasons: dict[int, str], rng: random.Random) -> bool:
    """Place s where a movable session t sits, moving t to the best free position for it."""
    inst = state.inst
    best = None
    for q, r in inst.starts[s]:
        t = state.cell[q][r]
        if t < 0 or inst.fixed[t] is not None or inst.plenary[t] or not state.fits(s, q, r, t):
            continue
        tq, tr = state.start[t], state.room[t]
        state.remove(t)
        if state.fits(s, q, r):
            state.place(s, q, r)
            pos = best_position(state, t, rng)
            if pos is not None:
                state.place(t, *pos)
                cost = state.cost()
                if best is None or cost < best[0]:
                    best = (cost, q, r, t, pos)
                state.remove(t)
            state.remove(s)
        state.place(t, tq, tr)
    if best is None:
        return False
    _, q, r, t, pos = best
    state.remove(t)
    state.place(s, q, r)
    state.place(t, *pos)
    reasons.setdefault(t, f"made room for {inst.session_ids[s]}")
    return True


def _stability_charges(
    inst: Instance, previous: dict, reasons: dict[int, str]
) -> Callable[[int, int, int], float]:
    """Cost of a kept session leaving its previous place (for `allow_moves`): a fixed charge
    plus half a missed favourite per attendee who starred it, so a kept session moves in time
    only when that saves missed favourites for more than half of its audience; a room-only
    change costs a little."""
    before = {s: _position(inst, previous, s) for s in range(inst.n_sessions) if s not in reasons}
    time_charge = {s: 2.0 + 0.5 * len(inst.attendees[s]) for s in before}

    def charge(s: int, q: int, r: int) -> float:
        pos = before.get(s)
        if pos is None:
            return 0.0
        if q != pos[0]:
            return time_charge[s]
        return 0.5 if r != pos[1] else 0.0

    return charge


def _kept_in_place(inst: Instance, state: State, previous: dict) -> set[int]:
    return {
        s
        for s in range(inst.n_sessions)
        if _position(inst, previous, s) == (state.start[s], state.room[s])
    }


def _label(inst: Instance, q: int, r: int) -> str:
    return f"{inst.period_ids[q]}/{inst.room_ids[r]}"


def _moves(inst: Instance, state: State, previous: dict, reasons: dict[int, str]) -> list[Move]:
    moves = []
    known = set(inst.session_ids)
    for sid, a in sorted(previous.items()):
        if sid not in known:
            moves.append(
                Move(
                    sid, f"{a['period']}/{a['room']}", None, "no longer in the problem (withdrawn)"
                )
            )
    for s in range(inst.n_sessions):
        pos = _position(inst, previous, s)
        now = (state.start[s], state.room[s])
        if pos == now:
            continue
        before = _label(inst, *pos) if pos else None
        reason = reasons.get(s)
        if reason is None:
            reason = (
                "room change to fit the audience"
                if pos and pos[0] == now[0]
                else "moved to reduce missed favourites"
            )
        moves.append(Move(inst.session_ids[s], before, _label(inst, *now), reason))
    return moves


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
