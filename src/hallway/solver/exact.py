"""The exact optimum of the referee's missed favourites, for events small enough to prove it.

Two methods share one formulation: `solve_small`, a dynamic programme for a one-day event
(at most 15 singles and one special, defined below), and `solve_exact`, a CP-SAT model for
somewhat larger events.  Both are lexicographic: missed favourites first, then a tie-break.

The sessions of one period and one room each ("singles": one period long, not a plenary, not
fixed) are placed by choosing, for every period p, which set S of them runs then: a *column*
col[p,S] ∈ {0,1}.  Columns are enumerated beforehand and only those that can run together are
kept: every member may start at p, no two share a speaker, and the rooms free at p can host them
(Hall's condition on the room features they require, checked for every subset of requirement
kinds).  The rest ("specials": multi-period or plenary sessions, and fixed multi-period ones)
keep the placement variables x[s,q,r] of `construct.build_model`.

    Σ_S col[p,S] = 1                                     every period runs one set (maybe ∅)
    Σ_{p, S ∋ s} col[p,S] = 1                            every single runs once
    Σ_S col[p,S]·|{s ∈ S: req(s) ∈ K}| + Σ_{special in a room of N(K) at p} x ≤ |N(K) free at p|
                                                          for every set K of requirement kinds
    speakers: a special's speaker is not in a column's session at the same time;
    a special plenary at p leaves p's column empty.

Attendees with the same favourites form a group g of n_g attendees.  If every favourite of g
lasts one period, an attendee sees one favourite per busy period, so the group's missed
favourites decompose per period, Σ_p n_g·max(0, |F_g ∩ (S_p ∪ pinned_p)| − 1), a constant of
each column: summed into the column's cost, which keeps the linear relaxation a set-partitioning
one (tight, and why this is solved in seconds where a per-attendee model is not).  A group whose
favourites include exactly one special W still decomposes: it sees one favourite per busy
period of its other favourites, plus W when none of W's periods holds one of them, so

    missed_g = n_g (Σ_p max(0, |F'_g ∩ (S_p ∪ pinned_p)| − 1) + lost_g),
    lost_g ≥ start[W,q] + occ[s,p] − 1   for s ∈ F'_g, q ≤ p < q + len(W),    F'_g = F_g − {W}.

Groups with two or more specials use the general interval form:

    v[g,s,q] ≤ start[s,q],   Σ_{s ∈ F_g, q ≤ p < q + len(s)} v[g,s,q] ≤ 1 for every p,
    missed_g = n_g (|F_g| − Σ v[g,·,·])

whose optimum over v is the largest set of the group's favourites that do not overlap: the
referee's count.  The objective is K·missed + tie, where the tie-break (same-track clashes and
the overflow of the best room assignment of each column, weighted as the search weighs them) is
always below K, so the model is lexicographic: missed favourites first.  Hence every valid
schedule has missed ≥ ⌊bound / K⌋, the proven lower bound this module reports.

Rooms are then given to singles per period by a min-overflow assignment (`assign_rooms`).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import linear_sum_assignment
from ortools.sat.python import cp_model

from .problem import Instance
from .state import Weights

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
    singles = _singles(inst)
    pinned = _pinned(inst)
    total = 0
    for p in range(inst.n_periods):
        n = sum(1 for s in singles if any(q == p for q, _ in inst.starts[s]))
        rooms = len(_free_rooms(inst, p, pinned))
        total += sum(math.comb(n, k) for k in range(min(n, rooms) + 1))
        if total > max_columns:
            return False
    return True


def _singles(inst: Instance) -> list[int]:
    return [
        s
        for s in range(inst.n_sessions)
        if inst.length[s] == 1 and not inst.plenary[s] and inst.fixed[s] is None
    ]


def _pinned(inst: Instance) -> dict[int, list[int]]:
    """Fixed one-period sessions by period: their place is known."""
    out: dict[int, list[int]] = {}
    for s in range(inst.n_sessions):
        if inst.fixed[s] is not None and inst.length[s] == 1:
            out.setdefault(inst.fixed[s][0], []).append(s)
    return out


def _free_rooms(inst: Instance, p: int, pinned: dict[int, list[int]]) -> list[int]:
    taken = {inst.fixed[s][1] for s in pinned.get(p, [])}
    return [r for r in range(inst.n_rooms) if p not in inst.room_away[r] and r not in taken]


class _Columns:
    """Every set of singles that can run together in each period."""

    def __init__(self, inst: Instance, limit: int) -> None:
        self.inst = inst
        singles = _singles(inst)
        self.pinned = _pinned(inst)
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


def _column_overflow(inst: Instance, sessions: tuple[int, ...], rooms: list[int]) -> float:
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


def solve_exact(
    inst: Instance,
    weights: Weights,
    time_limit: float,
    *,
    hint: list[tuple[int, int]] | None = None,
    seed: int = 0,
    on_solution: Callable[[list[tuple[int, int]]], None] | None = None,
    workers: int = 1,
    max_columns: int = MAX_COLUMNS,
) -> ExactResult | None:
    """Solve the exact model within `time_limit` seconds; None if the event is too big for it."""
    try:
        cols = _Columns(inst, max_columns)
    except OverflowError:
        return None
    model = cp_model.CpModel()
    singles = _singles(inst)
    specials = [s for s in range(inst.n_sessions) if s not in set(singles) and inst.length[s] > 1]
    specials += [
        s for s in range(inst.n_sessions) if inst.plenary[s] and inst.fixed[s] is None
    ]  # movable one-period plenaries
    specials = sorted(set(specials))

    # -- placement ----------------------------------------------------------------------------
    col = {
        (p, S): model.new_bool_var(f"col_{p}_{'_'.join(map(str, S))}")
        for p, sets in cols.columns.items()
        for S in sets
    }
    x = {
        (s, q, r): model.new_bool_var(f"x_{s}_{q}_{r}")
        for s in specials
        for q, r in cols.special_options(s)
    }
    for p, sets in cols.columns.items():
        model.add_exactly_one(col[p, S] for S in sets)
    in_period: dict[tuple[int, int], list] = {}  # (single, p) -> columns holding it
    for (p, S), var in col.items():
        for s in S:
            in_period.setdefault((s, p), []).append(var)
    for s in singles:
        model.add_exactly_one(v for p in range(inst.n_periods) for v in in_period.get((s, p), []))
    for s in specials:
        model.add_exactly_one(x[s, q, r] for q, r in cols.special_options(s))

    special_at: dict[tuple[int, int], list] = {}  # (period, room) -> specials' x covering it
    special_speaker: dict[tuple[int, int], list] = {}
    special_running: dict[int, list] = {}
    for (s, q, r), var in x.items():
        for p in range(q, q + inst.length[s]):
            special_at.setdefault((p, r), []).append(var)
            special_running.setdefault(p, []).append((s, var))
            for sp in inst.speakers[s]:
                special_speaker.setdefault((sp, p), []).append(var)
    for vs in special_at.values():
        if len(vs) > 1:
            model.add_at_most_one(vs)
    # Hall's condition per period and set of requirement kinds, rooms held by specials excluded
    for p, sets in cols.columns.items():
        free = cols.room_free[p]
        for K in cols.kind_sets:
            serving = cols.serving(K, free)
            load = [
                (col[p, S], sum(cols.kind_of[s] in K for s in S))
                for S in sets
                if any(cols.kind_of[s] in K for s in S)
            ]
            held = [v for r in serving for v in special_at.get((p, r), [])]
            if load and held:
                model.add(
                    cp_model.LinearExpr.weighted_sum([v for v, _ in load], [n for _, n in load])
                    + sum(held)
                    <= len(serving)
                )
    # speakers of specials against each other and against the singles running with them
    for (sp, p), vs in special_speaker.items():
        singles_there = [
            v for s in singles if sp in inst.speakers[s] for v in in_period.get((s, p), [])
        ]
        if len(vs) + len(singles_there) > 1:
            model.add_at_most_one(vs + singles_there)
    # nothing beside a plenary special
    for p, entries in special_running.items():
        for s, var in entries:
            if inst.plenary[s]:
                others = [v for t, v in entries if t != s]
                busy = [col[p, S] for S in cols.columns.get(p, []) if S]
                for v in others + busy:
                    model.add_implication(var, v.Not())

    # -- objective ----------------------------------------------------------------------------
    groups = Counter(tuple(f) for f in inst.favourites if len(f) > 1)
    special_set = set(specials)
    # per group: its specials; none or one special keeps the per-period (column) decomposition
    longs = {g: [s for s in g if s in special_set] for g in groups}
    per_period = {g: n for g, n in groups.items() if len(longs[g]) <= 1}
    general = {g: n for g, n in groups.items() if len(longs[g]) > 1}
    member = np.zeros((len(per_period), inst.n_sessions), dtype=np.int32)
    weight = np.array(list(per_period.values()), dtype=np.int64)
    for i, g in enumerate(per_period):
        member[i, [s for s in g if s not in special_set]] = 1

    def column_missed(p: int, S: tuple[int, ...]) -> int:
        running = list(S) + cols.pinned.get(p, [])
        if len(running) < 2 or not len(weight):
            return 0
        counts = member[:, running].sum(axis=1)
        return int((weight * np.maximum(counts - 1, 0)).sum())

    def column_tie(p: int, S: tuple[int, ...]) -> int:
        running = list(S) + cols.pinned.get(p, [])
        per_track = Counter(inst.track[s] for s in running if inst.track[s] >= 0)
        track = sum(c - 1 for c in per_track.values() if c > 1)
        over = _column_overflow(inst, S, cols.room_free[p]) if weights.overflow > 0 else 0.0
        return round(SCALE * (weights.track * track + weights.overflow * over))

    missed_terms, missed_coefs, tie_terms, tie_coefs = [], [], [], []
    tie_max = 0
    for p, sets in cols.columns.items():
        worst = 0
        for S in sets:
            m, t = column_missed(p, S), column_tie(p, S)
            worst = max(worst, t)
            if m:
                missed_terms.append(col[p, S])
                missed_coefs.append(m)
            if t:
                tie_terms.append(col[p, S])
                tie_coefs.append(t)
        tie_max += worst
    # occ[s,p]: single s runs in p (one variable, so that constraints about it stay short)
    occ: dict[tuple[int, int], cp_model.IntVar] = {}
    start: dict[tuple[int, int], list] = {}
    for (s, p), vs in in_period.items():
        occ[s, p] = model.new_bool_var(f"occ_{s}_{p}")
        model.add(occ[s, p] == sum(vs))
        start[s, p] = [occ[s, p]]
    for (s, q, _r), var in x.items():
        start.setdefault((s, q), []).append(var)

    # A group with one special W (running q..q+len-1) sees one favourite per busy period of its
    # other favourites, plus W when none of W's periods is busy:
    #   missed_g = n_g (Σ_p max(0, C'_p − 1) + lost_g),  lost_g ≥ start[W,q] + busy[g,p] − 1
    # with C' counting the other favourites (in the column costs above).
    for g, (favs, n) in enumerate(sorted(per_period.items())):
        if not longs[favs]:
            continue
        (w,) = longs[favs]
        others = set(favs) - {w}
        lost = model.new_bool_var(f"lost_{g}")
        missed_terms.append(lost)
        missed_coefs.append(n)
        for q in sorted({q for q, _ in cols.special_options(w)}):
            for p in range(q, q + inst.length[w]):
                if others & set(cols.pinned.get(p, [])):
                    model.add(lost >= sum(start[w, q]))
                    continue
                for s in others:
                    if (s, p) in occ:
                        model.add(lost >= sum(start[w, q]) + occ[s, p] - 1)

    # any other group: the general interval form
    general_favourites = 0
    for g, (favs, n) in enumerate(sorted(general.items())):
        general_favourites += n * len(favs)
        at_period: dict[int, list] = {}
        for s in favs:
            if inst.fixed[s] is not None and s not in special_set:
                qs = [inst.fixed[s][0]]
            else:
                qs = sorted({q for q, _ in inst.starts[s]})
            for q in qs:
                v = model.new_bool_var(f"v_{g}_{s}_{q}")
                if (s, q) in start:
                    model.add(v <= sum(start[s, q]))
                elif not (inst.fixed[s] is not None and inst.fixed[s][0] == q):
                    model.add(v == 0)
                missed_terms.append(v)
                missed_coefs.append(-n)
                for p in range(q, q + inst.length[s]):
                    at_period.setdefault(p, []).append(v)
        for vs in at_period.values():
            if len(vs) > 1:
                model.add_at_most_one(vs)
    missed = cp_model.LinearExpr.weighted_sum(missed_terms, missed_coefs) + general_favourites
    big = tie_max + 1
    model.minimize(
        big * missed + cp_model.LinearExpr.weighted_sum(tie_terms, tie_coefs)
        if tie_terms
        else missed
    )
    scale = big if tie_terms else 1

    if hint is not None:
        for (p, S), var in col.items():
            here = {s for s in singles if hint[s][0] == p}
            model.add_hint(var, 1 if here == set(S) else 0)
        for (s, q, r), var in x.items():
            model.add_hint(var, 1 if hint[s] == (q, r) else 0)

    def decode(value: Callable) -> list[tuple[int, int]] | None:
        period = [-1] * inst.n_sessions
        positions: list[tuple[int, int]] = [(-1, -1)] * inst.n_sessions
        for (p, S), var in col.items():
            if value(var):
                for s in S:
                    period[s] = p
        for (s, q, r), var in x.items():
            if value(var):
                positions[s] = (q, r)
        for s in range(inst.n_sessions):
            if inst.fixed[s] is not None and s not in set(specials):
                positions[s] = inst.fixed[s]
        return assign_rooms(inst, positions, {s: period[s] for s in singles})

    class Listener(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            if on_solution:
                found = decode(self.boolean_value)
                if found is not None:
                    on_solution(found)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = 2
    status = solver.solve(model, Listener())
    if status == cp_model.INFEASIBLE:
        return ExactResult(None, True, 0)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactResult(None, False, 0)
    bound = max(0, math.floor((solver.best_objective_bound + 1e-6) / scale))
    return ExactResult(decode(solver.boolean_value), status == cp_model.OPTIMAL, bound)


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


# Beyond this many singles the subset dynamic programme below is not used (2^n states).
MAX_DP_SINGLES = 15
# ... nor beyond this many (column, set of singles) steps: about a second of numpy.
MAX_DP_WORK = 200_000_000


def solve_small(
    inst: Instance, weights: Weights, max_work: int = MAX_DP_WORK
) -> ExactResult | None:
    """The same lexicographic optimum as `solve_exact`, by dynamic programming over the set of
    singles placed so far, for events with at most `MAX_DP_SINGLES` singles and one special.

    With the special W fixed at (q, r) (each of its places tried in turn), the cost is the sum of
    the column costs of each period, plus, for the groups that favour W, n_g whenever W's
    periods hold another of their favourites: a function of the union U of the singles placed in
    W's periods alone.  So f[M] = least cost of placing exactly the singles M in the periods
    outside W's, h[U] = least cost of placing U in W's periods (both by the usual subset
    recursion, one period at a time), and the optimum is min_M f[M] + h[Ū] + lost(Ū), Ū the
    complement of M.  Proven optimal, in well under a second for a one-day event.
    """
    singles = _singles(inst)
    single_set = set(singles)
    specials = [
        s
        for s in range(inst.n_sessions)
        if s not in single_set and (inst.length[s] > 1 or inst.fixed[s] is None)
    ]
    n = len(singles)
    if n > MAX_DP_SINGLES or len(specials) > 1:
        return None
    try:
        cols = _Columns(inst, MAX_COLUMNS)
    except OverflowError:
        return None
    if sum(len(c) for c in cols.columns.values()) << n > max_work:
        return None
    bit = {s: 1 << i for i, s in enumerate(singles)}
    full = (1 << n) - 1
    groups = Counter(tuple(f) for f in inst.favourites if len(f) > 1)
    special = specials[0] if specials else None
    member = np.zeros((len(groups), inst.n_sessions), dtype=np.int64)
    weight = np.array(list(groups.values()), dtype=np.int64)
    for i, g in enumerate(groups):
        member[i, [s for s in g if s != special]] = 1
    # the groups that favour the special, and the singles among their other favourites
    w_groups = [
        (n_g, sum(bit.get(s, 0) for s in g), g) for g, n_g in groups.items() if special in g
    ]

    def costs(p: int, columns: list[tuple[int, ...]], held: list[int]) -> tuple[np.ndarray, ...]:
        missed = np.zeros(len(columns), dtype=np.int64)
        tie = np.zeros(len(columns), dtype=np.int64)
        masks = np.zeros(len(columns), dtype=np.int64)
        rooms = [r for r in cols.room_free[p] if r not in held]
        for j, S in enumerate(columns):
            running = list(S) + cols.pinned.get(p, [])
            masks[j] = sum(bit[s] for s in S)
            if len(running) > 1 and len(weight):
                counts = member[:, running].sum(axis=1)
                missed[j] = int((weight * np.maximum(counts - 1, 0)).sum())
            per_track = Counter(inst.track[s] for s in running if inst.track[s] >= 0)
            track = sum(c - 1 for c in per_track.values() if c > 1)
            over = _column_overflow(inst, S, rooms) if weights.overflow > 0 and S else 0.0
            tie[j] = round(SCALE * (weights.track * track + weights.overflow * over))
        return masks, missed, tie

    plain = {p: costs(p, cols.columns[p], []) for p in range(inst.n_periods)}
    options = cols.special_options(special) if special is not None else [None]
    # the columns of W's periods when W is at each of its places, and W's own overflow
    variants: dict[tuple[int, int] | None, dict] = {}
    for option in options:
        tables: dict = {}
        if option is not None:
            q, r = option
            for p in range(q, q + inst.length[special]):
                if inst.plenary[special]:
                    columns: list[tuple[int, ...]] = [()]
                else:
                    columns = cols.period_columns(
                        p, frozenset([r]), frozenset(inst.speakers[special])
                    )
                tables[p] = (*costs(p, columns, [r]), columns)
        variants[option] = tables
    own = {
        option: round(
            SCALE
            * weights.overflow
            * max(0.0, float(inst.demand[special] - inst.room_capacity[option[1]]))
        )
        if option is not None
        else 0
        for option in options
    }
    # missed favourites weigh more than any tie-break can add up to: lexicographic, exactly
    big = (
        1
        + max(own.values())
        + sum(
            max(
                [int(plain[p][2].max())] + [int(v[p][2].max()) for v in variants.values() if p in v]
            )
            for p in range(inst.n_periods)
        )
    )
    everything = np.arange(1 << n, dtype=np.int64)
    inf = np.int64(2**62)

    def recurse(periods: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, list]:
        f = np.full(1 << n, inf, dtype=np.int64)
        f[0] = 0
        back = []
        for masks, cost in periods:
            g = np.full(1 << n, inf, dtype=np.int64)
            choice = np.full(1 << n, -1, dtype=np.int64)
            for j in range(len(masks)):
                src = everything[((everything & masks[j]) == 0) & (f < inf)]
                if not len(src):
                    continue
                dst = src | masks[j]
                value = f[src] + cost[j]
                better = value < g[dst]
                g[dst[better]] = value[better]
                choice[dst[better]] = j
            f = g
            back.append(choice)
        return f, back

    def unwind(back: list, masks_of: list[np.ndarray], mask: int, periods: list[int]) -> dict:
        where = {}
        for k in range(len(periods) - 1, -1, -1):
            j = int(back[k][mask])
            m = int(masks_of[k][j])
            for s in singles:
                if m & bit[s]:
                    where[s] = periods[k]
            mask ^= m
        return where

    best = None
    for option in options:
        span = sorted(variants[option])
        outside = [p for p in range(inst.n_periods) if p not in span]
        tables = {p: plain[p] for p in outside} | variants[option]
        f, f_back = recurse([(tables[p][0], big * tables[p][1] + tables[p][2]) for p in outside])
        h, h_back = recurse([(tables[p][0], big * tables[p][1] + tables[p][2]) for p in span])
        lost = np.zeros(1 << n, dtype=np.int64)
        for n_g, others, g in w_groups:
            pinned_in_span = any(s in cols.pinned.get(p, []) for s in g for p in span)
            if pinned_in_span:
                lost += n_g
            elif others:
                lost += n_g * ((everything & others) != 0)
        complement = full ^ everything
        total = np.where(
            (f < inf) & (h[complement] < inf), f + h[complement] + big * lost[complement], inf
        )
        m = int(np.argmin(total))
        if total[m] >= inf:
            continue
        value = int(total[m]) + own[option]
        if best is None or value < best[0]:
            where = unwind(f_back, [tables[p][0] for p in outside], m, outside)
            where.update(unwind(h_back, [tables[p][0] for p in span], full ^ m, span))
            best = (value, option, where)
    if best is None:
        return ExactResult(None, True, 0)  # no valid schedule
    _, option, where = best
    positions: list[tuple[int, int]] = [(-1, -1)] * inst.n_sessions
    for s in range(inst.n_sessions):
        if s not in single_set and s != special:
            positions[s] = inst.fixed[s]
    if special is not None:
        positions[special] = option
    placed = assign_rooms(inst, positions, where)
    if placed is None:
        return None
    from .state import exact_missed

    missed = exact_missed(inst, [q for q, _ in placed])
    return ExactResult(placed, True, missed)
