"""Large-neighbourhood search: free a group of sessions and re-place them optimally with CP-SAT.

Annealing moves one session (or swaps two) at a time, so it cannot leave a local optimum that
only a coordinated move of several sessions escapes.  One LNS step removes a *neighbourhood*
from the schedule (sessions that share attendees with one session, the sessions of a time band
of two periods, of one track or of one room), keeps every other session where it is, and asks
CP-SAT for the best places of the freed sessions among the positions the others leave free:

    Σ_{(q,r) free for s} x[s,q,r] = 1                 every freed session placed once
    Σ_{s, q: p ∈ occ(s,q)} x[s,q,r] ≤ 1               one session per free cell (p, r)
    Σ_{s ∋ sp, q: p ∈ occ(s,q), r} x[s,q,r] ≤ 1       a shared speaker in one place at a time

with the search's own objective (`state.State`): for attendee a and period p the missed count
max(0, C0[p,a] + Σ_{s ∋ a} occ[s,p] − 1), where C0 counts a's favourites among the sessions
that stay.  Where C0 ≥ 1 that term is linear in x; where C0 = 0 and two or more freed
favourites of a may run at p, one integer y ≥ Σ occ − 1 stands for every attendee with the same
freed favourites there (weighted by their number).  Overflow is linear; same-track clashes are
modelled the same way as missed favourites.  The current places are the solver's hint, so a
step can only return an equal or better schedule; it is kept only if strictly better.

The size of a neighbourhood adapts: it grows while steps are proven optimal within their budget
and shrinks when CP-SAT runs out of it.  The budget is CP-SAT's deterministic time, not wall
time: on a shared machine a wall-clock second may be a tenth of a core's second, and steps cut
that short prove nothing (measured, BENCHMARKS.md).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import numpy as np
from ortools.sat.python import cp_model

from .anneal import movable_sessions
from .state import State

Progress = Callable[[dict], None]
# cost units per unit of the weighted objective: the objective's weights become integers
UNITS = 1000
KINDS = ("related", "band", "track", "room")
BAND = 3  # periods in a band


def improve(
    state: State,
    deadline: float,
    seed: int,
    *,
    size: int = 16,
    step_work: float = 1.0,
    on_progress: Progress | None = None,
    stats: dict | None = None,
    max_steps: int | None = None,
    kinds: tuple[str, ...] = KINDS,
) -> list[tuple[int, int]]:
    """Improve `state` in place by LNS steps until `deadline` (or `max_steps` steps); return
    the best positions (the state's own, since only improving steps are kept).

    `stats`, when given, receives `best_at`, `steps`, `improved` and the steps tried and won per
    neighbourhood kind.
    """
    rng = random.Random(seed)
    sessions = movable_sessions(state)
    out = stats if stats is not None else {}
    out.setdefault("best_at", time.monotonic())
    tried = dict.fromkeys(KINDS, 0)
    won = dict.fromkeys(KINDS, 0)
    solved = dict.fromkeys(KINDS, 0)
    steps = improved = 0
    if len(sessions) < 2:
        return state.positions()
    size = min(size, len(sessions))
    while max_steps is None or steps < max_steps:
        left = deadline - time.monotonic()
        if left < 0.05:
            break
        kind = kinds[steps % len(kinds)]
        freed, within = neighbourhood(state, sessions, kind, size, rng)
        steps += 1
        tried[kind] += 1
        gain, proven = reoptimise(
            state, freed, left, rng.randrange(1 << 30), within, work=step_work
        )
        if gain > 0:
            improved += 1
            won[kind] += 1
            out["best_at"] = time.monotonic()
            if on_progress:
                on_progress(
                    {
                        "phase": "lns",
                        "cost": state.cost(),
                        "missed": state.missed,
                        "best_missed": state.missed,
                        "overflow": state.overflow,
                        "track": state.track,
                        "steps": steps,
                    }
                )
        # proven quickly: try a larger neighbourhood; out of time: a smaller one
        if within is not None:
            pass
        elif proven:
            size = min(len(sessions), size + 1)
        else:
            size = max(4, size - 2)
        if proven:
            solved[kind] += 1
    out.update(steps=steps, improved=improved, tried=tried, won=won, solved=solved, size=size)
    return state.positions()


def neighbourhood(
    state: State, sessions: list[int], kind: str, size: int, rng: random.Random
) -> tuple[list[int], set[int] | None]:
    """Movable sessions to free together, chosen by `kind`, and the periods they must stay in
    (None: anywhere free).  A band frees every session of two or three consecutive periods of
    one day and re-partitions them among those periods; the others free about `size`."""
    inst = state.inst
    if kind == "related":
        return _related(state, sessions, size, rng), None
    if kind == "band":
        p = rng.randrange(inst.n_periods)
        day = [
            q
            for q in range(p, min(inst.n_periods, p + BAND))
            if inst.period_day[q] == inst.period_day[p]
        ]
        band = set(day)
        pool = [
            s
            for s in sessions
            if band.issuperset(range(state.start[s], state.start[s] + inst.length[s]))
        ]
        if len(pool) >= 2:
            rng.shuffle(pool)  # a large event's band is sampled, so a step stays small
            return pool[: 3 * size], band
        return _related(state, sessions, size, rng), None
    if kind == "track":
        s0 = sessions[rng.randrange(len(sessions))]
        pool = [s for s in sessions if inst.track[s] == inst.track[s0]]
    else:  # room
        r = state.room[sessions[rng.randrange(len(sessions))]]
        pool = [s for s in sessions if state.room[s] == r]
    if len(pool) < 2:
        return _related(state, sessions, size, rng), None
    rng.shuffle(pool)
    return pool[:size], None


def _related(state: State, sessions: list[int], size: int, rng: random.Random) -> list[int]:
    """A random session and the sessions sharing most attendees with it (and with each other)."""
    inst = state.inst
    s0 = sessions[rng.randrange(len(sessions))]
    movable = np.zeros(inst.n_sessions, dtype=bool)
    movable[sessions] = True
    chosen = [s0]
    shared = state.member[:, inst.attendees[s0]].sum(axis=1).astype(np.float64)
    while len(chosen) < size:
        score = shared + rng.random() * 1e-3
        score[~movable] = -1
        score[chosen] = -1
        t = int(np.argmax(score))
        if score[t] < 0:
            break
        chosen.append(t)
        if len(chosen) % 4 == 0:  # widen around the last few, not just the first session
            shared += state.member[:, inst.attendees[t]].sum(axis=1)
    return chosen


def reoptimise(
    state: State,
    freed: list[int],
    seconds: float,
    seed: int,
    within: set[int] | None = None,
    *,
    work: float = 1.0,
) -> tuple[float, bool]:
    """Re-place `freed` optimally (in the periods `within` if given) within `work` units of
    CP-SAT's deterministic time (about a second each on an idle core, the same on a busy
    machine, so a step's outcome does not depend on the load) and `seconds` of wall time; return
    (cost gained, proven optimal).

    The state is changed only when the new places are strictly better."""
    before = state.cost()
    old = {s: (state.start[s], state.room[s]) for s in freed}
    for s in freed:
        state.remove(s)
    model, choice = _model(state, freed, old, within)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, seconds)
    solver.parameters.max_deterministic_time = work
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    proven = status == cp_model.OPTIMAL
    new = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        new = {
            s: next(pos for pos, v in choice[s].items() if solver.boolean_value(v)) for s in freed
        }
    if new is not None and _place_all(state, freed, new):
        if state.cost() < before - 1e-9:
            return before - state.cost(), proven
        for s in freed:
            state.remove(s)
    _place_all(state, freed, old)
    return 0.0, proven


def _place_all(state: State, freed: list[int], where: dict[int, tuple[int, int]]) -> bool:
    """Place every freed session at `where`; on a clash (a model bug) take them out again."""
    placed = []
    for s in freed:
        if not state.fits(s, *where[s]):
            for t in placed:
                state.remove(t)
            return False
        state.place(s, *where[s])
        placed.append(s)
    return True


def _model(
    state: State,
    freed: list[int],
    old: dict[int, tuple[int, int]],
    within: set[int] | None = None,
) -> tuple[cp_model.CpModel, dict[int, dict[tuple[int, int], object]]]:
    """The CP-SAT model of one step, and its x variables per session and position."""
    inst, w = state.inst, state.weights
    model = cp_model.CpModel()
    choice: dict[int, dict[tuple[int, int], object]] = {}
    cells: dict[tuple[int, int], list] = {}
    occ: dict[int, dict[int, list]] = {}  # session -> period -> x covering it
    terms: list[tuple[object, int]] = []
    units_missed, units_over, units_track = (
        round(UNITS * v) for v in (w.missed, w.overflow, w.track)
    )
    for s in freed:
        atts = inst.attendees[s]
        busy = np.count_nonzero(state.C[:, atts] >= 1, axis=1)  # C0 ≥ 1 per period
        t = inst.track[s]
        choice[s] = {}
        occ[s] = {}
        for q, r in inst.starts[s]:
            if within is not None and not within.issuperset(range(q, q + inst.length[s])):
                continue
            if not state.fits(s, q, r):
                continue
            x = model.new_bool_var("")
            choice[s][q, r] = x
            span = range(q, q + inst.length[s])
            cost = round(units_over * state.overflow_of(s, r))
            for p in span:
                cells.setdefault((p, r), []).append(x)
                occ[s].setdefault(p, []).append(x)
                cost += units_missed * int(busy[p])
                if t >= 0 and state.track_count[t][p] >= 1:
                    cost += units_track
            terms.append((x, cost))
            model.add_hint(x, (q, r) == old[s])
        model.add_exactly_one(choice[s].values())
    for xs in cells.values():
        if len(xs) > 1:
            model.add_at_most_one(xs)
    by_speaker: dict[int, list[int]] = {}
    for s in freed:
        for sp in inst.speakers[s]:
            by_speaker.setdefault(sp, []).append(s)
    for group in by_speaker.values():
        if len(group) > 1:
            for p in range(inst.n_periods):
                xs = [x for s in group for x in occ[s].get(p, [])]
                if len(xs) > 1:
                    model.add_at_most_one(xs)
    pairs = _clash_groups(state, freed, occ)
    for (p, group), weight in pairs.items():
        _add_excess(
            model, terms, [x for s in group for x in occ[s].get(p, [])], weight * units_missed
        )
    tracks: dict[tuple[int, int], list[int]] = {}
    for s in freed:
        t = inst.track[s]
        if t >= 0:
            for p in occ[s]:
                if state.track_count[t][p] == 0:
                    tracks.setdefault((t, p), []).append(s)
    for (_, p), group in tracks.items():
        if len(group) > 1:
            _add_excess(model, terms, [x for s in group for x in occ[s][p]], units_track)
    model.minimize(sum(c * x for x, c in terms if c))
    return model, choice


def _clash_groups(
    state: State, freed: list[int], occ: dict[int, dict[int, list]]
) -> dict[tuple[int, tuple[int, ...]], int]:
    """(period, freed favourites that may run then) → attendees with no staying favourite
    then, for every attendee and period with two or more such favourites."""
    inst = state.inst
    of: dict[int, list[int]] = {}
    for s in freed:
        for a in inst.attendees[s].tolist():
            of.setdefault(a, []).append(s)
    out: dict[tuple[int, tuple[int, ...]], int] = {}
    for a, favs in of.items():
        if len(favs) < 2:
            continue
        for p in set().union(*(occ[s].keys() for s in favs)):
            if state.C[p, a]:
                continue
            here = tuple(s for s in favs if p in occ[s])
            if len(here) > 1:
                out[p, here] = out.get((p, here), 0) + 1
    return out


def _add_excess(model: cp_model.CpModel, terms: list, xs: list, weight: int) -> None:
    """Charge `weight` per session beyond the first of `xs` that runs (y ≥ Σ xs − 1)."""
    if len(xs) < 2:
        return
    y = model.new_int_var(0, len(xs) - 1, "")
    model.add(y >= sum(xs) - 1)
    terms.append((y, weight))
