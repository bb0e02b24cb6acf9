"""Finding a first valid schedule quickly.

Two methods, cheapest first:

1. `greedy`: fixed sessions, then plenaries, then the rest from most to least constrained
   (fewest static positions, longest first); each goes where it adds least to the weighted
   objective among the positions still free.  A session with nowhere left to go is retried at
   the front of the order (a few rounds, randomised), which fixes most dead ends.
2. `cp_sat`: when greedy keeps failing, a CP-SAT feasibility model over the static positions,

       Σ_{(q,r) ∈ starts(s)} x[s,q,r] = 1                       for every session s
       Σ_{s, q: p ∈ occ(s,q)} x[s,q,r] ≤ 1                       for every period p, room r
       Σ_{s ∋ sp, q: p ∈ occ(s,q), r} x[s,q,r] ≤ 1               for every speaker sp, period p
       x[s,q,r] + x[s',q',r'] ≤ 1   if s is plenary and occ(s,q) ∩ occ(s',q') ≠ ∅

   proves infeasibility when there is no schedule at all (then `explain` says why).
"""

from __future__ import annotations

import random
import time

import numpy as np
from ortools.sat.python import cp_model

from .problem import Instance
from .state import State, Weights


def placement_order(inst: Instance, rng: random.Random) -> list[int]:
    """Fixed, then plenary, then by fewest static positions (ties broken at random)."""
    order = list(range(inst.n_sessions))
    rng.shuffle(order)
    order.sort(
        key=lambda s: (
            inst.fixed[s] is None,
            not inst.plenary[s],
            len(inst.starts[s]),
            -inst.length[s],
        )
    )
    return order


def best_position(state: State, s: int, rng: random.Random) -> tuple[int, int] | None:
    """The free position for unplaced s that adds least cost, or None if none is free.

    Every static position is costed at once (missed favourites and same-track clashes per
    start period, overflow per room); only then are positions tried for fit, cheapest first,
    so a large event checks a handful of positions per session rather than all of them.
    """
    inst, w = state.inst, state.weights
    starts, rooms, static = _position_arrays(state, s)
    if not len(starts):
        return None
    length = inst.length[s]
    busy = np.count_nonzero(state.C[:, inst.attendees[s]] >= 1, axis=1)
    t = inst.track[s]
    if t >= 0:
        busy = w.missed * busy + w.track * (np.asarray(state.track_count[t]) >= 1)
    else:
        busy = w.missed * busy
    if length > 1:  # a session's cost in every period it occupies
        busy = np.convolve(busy, np.ones(length), mode="full")[length - 1 :]
    noise = np.random.default_rng(rng.randrange(2**32)).random(len(starts))
    cost = busy[starts] + static + 1e-9 * noise
    for i in np.argsort(cost, kind="stable"):
        if state.fits(s, int(starts[i]), int(rooms[i])):
            return int(starts[i]), int(rooms[i])
    return None


def _position_arrays(state: State, s: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start periods, rooms and the static part of the cost (overflow, and among equally good
    rooms the smallest that fits, keeping big rooms for later) of s's static positions."""
    cache = state.position_cache
    if s not in cache:
        inst = state.inst
        positions = np.array(inst.starts[s], dtype=np.int64).reshape(-1, 2)
        starts, rooms = positions[:, 0], positions[:, 1]
        caps = inst.room_capacity[rooms] if len(rooms) else np.zeros(0)
        over = np.maximum(0.0, inst.demand[s] - caps)
        cache[s] = (starts, rooms, state.weights.overflow * over + 1e-6 * caps)
    return cache[s]


def greedy(
    inst: Instance, weights: Weights, seed: int, deadline: float, rounds: int = 8
) -> State | None:
    """A valid complete schedule, or None if greedy could not find one before `deadline`."""
    rng = random.Random(seed)
    order = placement_order(inst, rng)
    for _ in range(rounds):
        state = State(inst, weights)
        stuck = []
        for s in order:
            pos = best_position(state, s, rng)
            if pos is None:
                stuck.append(s)
                continue
            state.place(s, *pos)
        if not stuck:
            return state
        if time.monotonic() > deadline:
            return None
        rest = [s for s in order if s not in set(stuck)]
        rng.shuffle(rest)
        rest.sort(key=lambda s: (inst.fixed[s] is None, not inst.plenary[s]))
        order = (
            [s for s in rest if inst.fixed[s] is not None]
            + stuck
            + [s for s in rest if inst.fixed[s] is None]
        )
    return None


def build_model(inst: Instance) -> tuple[cp_model.CpModel, dict[tuple[int, int, int], object]]:
    """The CP-SAT feasibility model described in the module docstring."""
    model = cp_model.CpModel()
    x = {
        (s, q, r): model.new_bool_var(f"x_{s}_{q}_{r}")
        for s in range(inst.n_sessions)
        for q, r in inst.starts[s]
    }
    by_session: dict[int, list] = {}
    by_cell: dict[tuple[int, int], list] = {}
    by_speaker: dict[tuple[int, int], list] = {}
    by_period: dict[int, list] = {}
    for (s, q, r), var in x.items():
        by_session.setdefault(s, []).append(var)
        for p in range(q, q + inst.length[s]):
            by_cell.setdefault((p, r), []).append(var)
            by_period.setdefault(p, []).append((s, var))
            for sp in inst.speakers[s]:
                by_speaker.setdefault((sp, p), []).append(var)
    for s in range(inst.n_sessions):
        model.add_exactly_one(by_session.get(s, []))
    for group in (*by_cell.values(), *by_speaker.values()):
        if len(group) > 1:
            model.add_at_most_one(group)
    for p, entries in by_period.items():
        plen = [v for s, v in entries if inst.plenary[s]]
        if plen:
            busy = model.new_bool_var(f"plenary_{p}")
            model.add_max_equality(busy, plen)
            others = [v for s, v in entries if not inst.plenary[s]]
            if others:
                model.add(sum(others) == 0).only_enforce_if(busy)
    return model, x


def cp_sat(inst: Instance, weights: Weights, seed: int, time_limit: float) -> State | None | bool:
    """A valid schedule from CP-SAT; False if proven infeasible; None if out of time."""
    model, x = build_model(inst)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, time_limit)
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return False
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    state = State(inst, weights)
    for (s, q, r), var in x.items():
        if solver.value(var):
            state.place(s, q, r)
    return state
