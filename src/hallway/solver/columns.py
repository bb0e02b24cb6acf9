"""What both exact methods share: the columns (sets of one-period sessions that can run together
in a period), the places of the longer and plenary sessions, the result type and the room
assignment that completes a schedule.  The formulation is described in `exact.py`."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from ortools.graph.python import linear_sum_assignment

from .problem import Instance

# Beyond this many columns the model is not built: the event is not "small".
MAX_COLUMNS = 60_000
# Tie-break costs are integers: SCALE per missed-favourite-equivalent of the weights.
SCALE = 100


@dataclass
class ExactResult:
    positions: list[tuple[int, int]] | None  # best schedule found: (start, room) per session
    optimal: bool  # proven optimal (missed favourites first, then the tie-break)
    missed_bound: int  # proven lower bound on the referee's missed favourites (0 when none)


def small_enough(inst: Instance, max_columns: int = MAX_COLUMNS) -> bool:
    """Whether the exact model would have at most `max_columns` columns (an upper estimate:
    sets of singles no larger than the rooms free in each period, before conflicts)."""
    singles = singles_of(inst)
    pinned = pinned_of(inst)
    total = 0
    for p in range(inst.n_periods):
        n = sum(1 for s in singles if any(q == p for q, _ in inst.starts[s]))
        rooms = len(_free_rooms(inst, p, pinned))
        total += sum(math.comb(n, k) for k in range(min(n, rooms) + 1))
        if total > max_columns:
            return False
    return True


def singles_of(inst: Instance) -> list[int]:
    return [
        s
        for s in range(inst.n_sessions)
        if inst.length[s] == 1 and not inst.plenary[s] and inst.fixed[s] is None
    ]


def pinned_of(inst: Instance) -> dict[int, list[int]]:
    """Fixed one-period sessions by period: their place is known."""
    out: dict[int, list[int]] = {}
    for s in range(inst.n_sessions):
        if inst.fixed[s] is not None and inst.length[s] == 1:
            out.setdefault(inst.fixed[s][0], []).append(s)
    return out


def _free_rooms(inst: Instance, p: int, pinned: dict[int, list[int]]) -> list[int]:
    taken = {inst.fixed[s][1] for s in pinned.get(p, [])}
    return [r for r in range(inst.n_rooms) if p not in inst.room_away[r] and r not in taken]


class Columns:
    """Every set of singles that can run together in each period."""

    def __init__(self, inst: Instance, limit: int) -> None:
        self.inst = inst
        singles = singles_of(inst)
        self.pinned = pinned_of(inst)
        self.kinds = sorted({frozenset(inst.requires[s]) for s in singles}, key=sorted)
        kind_of = {s: self.kinds.index(frozenset(inst.requires[s])) for s in singles}
        self.kind_of = kind_of
        # every nonempty set of requirement kinds K, with the rooms that serve some kind in K
        self.kind_sets = [
            K
            for n in range(1, len(self.kinds) + 1)
            for K in itertools.combinations(range(len(self.kinds)), n)
        ]
        self.singles = singles
        self.limit = limit
        self.total = 0
        self.columns: dict[int, list[tuple[int, ...]]] = {}
        self.room_free: dict[int, list[int]] = {}
        for p in range(inst.n_periods):
            self.room_free[p] = _free_rooms(inst, p, self.pinned)
            self.columns[p] = self.period_columns(p)

    def period_columns(
        self, p: int, held: frozenset[int] = frozenset(), busy: frozenset[int] = frozenset()
    ) -> list[tuple[int, ...]]:
        """The sets of singles that can run in p with rooms `held` taken and speakers `busy`."""
        inst, kind_of = self.inst, self.kind_of
        free = [r for r in self.room_free[p] if r not in held]
        busy = busy.union(*(inst.speakers[t] for t in self.pinned.get(p, [])))
        here = [
            s
            for s in self.singles
            if any(q == p for q, _ in inst.starts[s]) and not busy.intersection(inst.speakers[s])
        ]
        caps = {K: len(self.serving(K, free)) for K in self.kind_sets}
        cols: list[tuple[int, ...]] = [()]

        def extend(chosen: list[int], counts: list[int], i: int) -> None:
            for j in range(i, len(here)):
                s = here[j]
                if any(set(inst.speakers[s]) & set(inst.speakers[t]) for t in chosen):
                    continue
                counts[kind_of[s]] += 1
                if all(sum(counts[k] for k in K) <= caps[K] for K in self.kind_sets):
                    chosen.append(s)
                    cols.append(tuple(chosen))
                    self.total += 1
                    if self.total > self.limit:
                        raise OverflowError
                    extend(chosen, counts, j + 1)
                    chosen.pop()
                counts[kind_of[s]] -= 1

        extend([], [0] * len(self.kinds), 0)
        return cols

    def special_options(self, s: int) -> list[tuple[int, int]]:
        """Static positions of special s that leave the fixed one-period sessions their rooms,
        their speakers and, for a plenary, their periods."""
        inst = self.inst
        out = []
        for q, r in inst.starts[s]:
            if inst.fixed[s] == (q, r):
                out.append((q, r))
                continue
            span = range(q, q + inst.length[s])
            if all(
                r in self.room_free[p]
                and not (inst.plenary[s] and self.pinned.get(p))
                and not any(
                    set(inst.speakers[s]) & set(inst.speakers[t]) for t in self.pinned.get(p, [])
                )
                for p in span
            ):
                out.append((q, r))
        return sorted(set(out))

    def serving(self, K: tuple[int, ...], rooms: list[int]) -> list[int]:
        inst = self.inst
        return [r for r in rooms if any(self.kinds[k] <= inst.room_features[r] for k in K)]


def column_overflow(inst: Instance, sessions: tuple[int, ...], rooms: list[int]) -> float:
    """Least overflow seats of `sessions` over `rooms` (each session in a room it may use)."""
    if not sessions:
        return 0.0
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    n = max(len(sessions), len(rooms))
    for i in range(n):
        for j, r in enumerate(rooms):
            if i >= len(sessions):
                solver.add_arc_with_cost(i, j, 0)
            elif inst.requires[sessions[i]] <= inst.room_features[r]:
                seats = max(0.0, float(inst.demand[sessions[i]] - inst.room_capacity[r]))
                solver.add_arc_with_cost(i, j, round(10 * seats))
    if solver.solve() != solver.OPTIMAL:
        return 0.0
    return solver.optimal_cost() / 10


def assign_rooms(
    inst: Instance, positions: list[tuple[int, int]], period: dict[int, int]
) -> list[tuple[int, int]] | None:
    """Complete `positions` (specials and fixed sessions placed) by giving each single its
    period and the room that minimises overflow in that period; None if rooms do not suffice."""
    out = list(positions)
    used = {
        (p, r) for s, (q, r) in enumerate(positions) if q >= 0 for p in range(q, q + inst.length[s])
    }
    by_period: dict[int, list[int]] = {}
    for s, p in period.items():
        by_period.setdefault(p, []).append(s)
    for p, sessions in by_period.items():
        rooms = [r for r in range(inst.n_rooms) if (p, r) not in used]
        solver = linear_sum_assignment.SimpleLinearSumAssignment()
        n = max(len(sessions), len(rooms))
        if len(sessions) > len(rooms):
            return None
        for i in range(n):
            for j, r in enumerate(rooms):
                if i >= len(sessions):
                    solver.add_arc_with_cost(i, j, 0)
                elif (p, r) in set(inst.starts[sessions[i]]):
                    seats = max(0.0, float(inst.demand[sessions[i]] - inst.room_capacity[r]))
                    solver.add_arc_with_cost(i, j, round(10 * seats))
        if solver.solve() != solver.OPTIMAL:
            return None
        for i, s in enumerate(sessions):
            out[s] = (p, rooms[solver.right_mate(i)])
    return out
