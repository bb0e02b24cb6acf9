"""Improving a valid schedule by simulated annealing over whole-session moves.

One move: pick a movable session s and one of its static positions (q, r).  If (q, r) is free,
s relocates there; if another session t of the same length starts there, s and t exchange
positions.  Moves that would break a hard constraint are never made, so every state visited is a
valid schedule.  A move to another room in the same period only changes overflow, which is how
popular sessions find the big rooms; `reassign_rooms` then makes the rooms of every period
optimal (a min-cost assignment of sessions to free rooms, cost = overflow seats).

Temperature falls geometrically with wall-clock time, so the search uses the time it is given
whatever the machine's speed.  The best state seen is what is returned.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable

from ortools.graph.python import linear_sum_assignment

from .state import State

Progress = Callable[[dict], None]


def movable_sessions(state: State, frozen: set[int] = frozenset()) -> list[int]:
    inst = state.inst
    return [
        s
        for s in range(inst.n_sessions)
        if inst.fixed[s] is None
        and not inst.plenary[s]
        and s not in frozen
        and len(inst.starts[s]) > 1
    ]


def anneal(
    state: State,
    deadline: float,
    seed: int,
    *,
    frozen: set[int] = frozenset(),
    extra_cost: Callable[[int, int, int], float] | None = None,
    on_progress: Progress | None = None,
    t_start: float | None = None,
    t_end: float = 0.05,
    moves_per_session: int = 20000,
    restart: bool = False,
    stats: dict | None = None,
    on_stall: Callable[[State], None] | None = None,
    max_rounds: int | None = None,
) -> list[tuple[int, int]]:
    """Anneal `state` in place until `deadline`; return the best positions seen.

    The schedule cools with the larger of elapsed time and moves tried (at most
    `moves_per_session` per movable session).  Without `restart` the search ends there, so a
    re-plan does not spend its time re-confirming a local optimum; with `restart` a cooled,
    stalled search starts again from the best schedule at a temperature half as high as the
    previous round's, until `deadline`: a search that settles in its first local optimum wastes
    the rest of the time it was given.  `on_stall(state)`, if given, runs at each such restart
    with the best schedule in `state` and may improve it in place (valid moves only); with
    `max_rounds` the search ends after that many rounds.  `stats`,
    when given, receives `best_at` (monotonic time the best was found) and `rounds`.

    `extra_cost(s, start, room)` is an additional per-session cost (re-planning uses it to
    charge for moving a session away from where it was); it must be cheap.
    """
    rng = random.Random(seed)
    inst = state.inst
    sessions = movable_sessions(state, frozen)
    best_positions = state.positions()
    if not sessions:
        return best_positions
    extra = extra_cost or (lambda s, q, r: 0.0)
    current = state.cost() + sum(extra(s, state.start[s], state.room[s]) for s in sessions)
    best = current
    begin = time.monotonic()
    total = max(1e-3, deadline - begin)
    temp0 = t_start if t_start is not None else _initial_temperature(state, sessions, rng)
    temp = temp0
    iterations = accepted = 0
    max_iterations = moves_per_session * len(sessions)
    last_report = begin
    best_at, rounds = begin, 1
    best_missed = state.missed  # the search's own count (exact for one-period sessions)
    random_, n_sessions = rng.random, len(sessions)
    while True:
        iterations += 1
        if iterations % 256 == 0:
            now = time.monotonic()
            if now >= deadline:
                break
            if iterations >= max_iterations:
                if not restart or (max_rounds is not None and rounds >= max_rounds):
                    break
                restore(state, best_positions)
                current = best
                if on_stall is not None:  # e.g. large-neighbourhood steps from the best
                    on_stall(state)
                    current = state.cost() + sum(
                        extra(s, state.start[s], state.room[s]) for s in sessions
                    )
                    if current < best - 1e-9:
                        best, best_positions = current, state.positions()
                        best_at, best_missed = time.monotonic(), state.missed
                    now = time.monotonic()
                    if now >= deadline:
                        break
                begin, total, iterations = now, max(1e-3, deadline - now), 0
                temp0, rounds = max(2 * t_end, temp0 / 2), rounds + 1
            done = max((now - begin) / total, iterations / max_iterations)
            temp = temp0 * (t_end / temp0) ** done if temp0 > t_end else t_end
            if on_progress and now - last_report >= 0.5:
                last_report = now
                on_progress(
                    {
                        "phase": "improve",
                        "elapsed": now - begin,
                        "cost": current,
                        "best": best,
                        "best_missed": best_missed,
                        "missed": state.missed,
                        "overflow": state.overflow,
                        "track": state.track,
                        "iterations": iterations,
                        "accepted": accepted,
                        "temperature": temp,
                        "round": rounds,
                    }
                )
        s = sessions[int(random_() * n_sessions)]  # random() is cheaper than randrange()
        options = inst.starts[s]
        q, r = options[int(random_() * len(options))]
        ps, rs = state.start[s], state.room[s]
        if (q, r) == (ps, rs):
            continue
        t = state.cell[q][r]
        if t == -1:
            if not state.fits(s, q, r):
                continue
            delta = state.delta_move(s, q, r) + extra(s, q, r) - extra(s, ps, rs)
            if delta <= 0 or rng.random() < math.exp(-delta / temp):
                state.remove(s)
                state.place(s, q, r)
                current += delta
                accepted += 1
        else:
            if (
                state.start[t] != q
                or inst.length[t] != inst.length[s]
                or t in frozen
                or inst.fixed[t] is not None
                or inst.plenary[t]
            ):
                continue
            if not (state.fits(s, q, r, ignore=t) and state.fits(t, ps, rs, ignore=s)):
                continue
            delta = (
                state.delta_swap(s, t)
                + extra(s, q, r)
                + extra(t, ps, rs)
                - extra(s, ps, rs)
                - extra(t, q, r)
            )
            if delta <= 0 or rng.random() < math.exp(-delta / temp):
                state.remove(s)
                state.remove(t)
                state.place(s, q, r)
                state.place(t, ps, rs)
                current += delta
                accepted += 1
        if current < best - 1e-9:
            best = current
            best_positions = state.positions()
            best_at, best_missed = time.monotonic(), state.missed
    if stats is not None:
        stats.update(best_at=best_at, rounds=rounds)
    return best_positions


def _initial_temperature(state: State, sessions: list[int], rng: random.Random) -> float:
    """A temperature at which a typical worsening move is accepted about a third of the time."""
    inst = state.inst
    worse = []
    for _ in range(300):
        s = sessions[rng.randrange(len(sessions))]
        q, r = inst.starts[s][rng.randrange(len(inst.starts[s]))]
        if (
            state.cell[q][r] == -1
            and (q, r) != (state.start[s], state.room[s])
            and state.fits(s, q, r)
        ):
            d = state.delta_move(s, q, r)
            if d > 0:
                worse.append(d)
    if not worse:
        return 1.0
    worse.sort()
    return max(0.1, worse[len(worse) // 2] / math.log(3))


def restore(state: State, positions: list[tuple[int, int]]) -> None:
    """Put `state` back to `positions` (a complete valid schedule seen earlier)."""
    for s in range(state.inst.n_sessions):
        if state.start[s] >= 0:
            state.remove(s)
    for s, (q, r) in enumerate(positions):
        if q >= 0:
            state.place(s, q, r)


def reassign_rooms(state: State, frozen: set[int] = frozenset()) -> None:
    """Give every period's one-period sessions the rooms that minimise overflow (exactly).

    Per period: sessions × free rooms, cost = overflow seats (×10, integer), arcs only where the
    session may use the room.  Padding rows make the assignment square.  Multi-period, fixed,
    plenary and frozen sessions keep their rooms.
    """
    inst = state.inst
    for p in range(inst.n_periods):
        movers = [
            s
            for s in set(state.cell[p]) - {-1}
            if inst.length[s] == 1
            and inst.fixed[s] is None
            and not inst.plenary[s]
            and s not in frozen
        ]
        if len(movers) < 2:
            continue
        rooms = [
            r for r in range(inst.n_rooms) if state.cell[p][r] == -1 or state.cell[p][r] in movers
        ]
        solver = linear_sum_assignment.SimpleLinearSumAssignment()
        for i, s in enumerate(movers):
            for j, r in enumerate(rooms):
                if (p, r) in state.allowed[s]:
                    solver.add_arc_with_cost(i, j, round(10 * state.overflow_of(s, r)))
        for i in range(len(movers), len(rooms)):
            for j in range(len(rooms)):
                solver.add_arc_with_cost(i, j, 0)
        if solver.solve() != solver.OPTIMAL:
            continue
        new_room = {s: rooms[solver.right_mate(i)] for i, s in enumerate(movers)}
        if all(new_room[s] == state.room[s] for s in movers):
            continue
        old_cost = sum(state.overflow_of(s, state.room[s]) for s in movers)
        new_cost = sum(state.overflow_of(s, new_room[s]) for s in movers)
        if new_cost >= old_cost - 1e-9:
            continue
        for s in movers:
            state.remove(s)
        for s in movers:
            state.place(s, p, new_room[s])
