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

import math
from collections import Counter
from collections.abc import Callable

import numpy as np
from ortools.sat.python import cp_model

from .columns import (
    MAX_COLUMNS,
    SCALE,
    Columns,
    ExactResult,
    assign_rooms,
    column_overflow,
    singles_of,
    small_enough,
)
from .dp import MAX_DP_SINGLES, MAX_DP_WORK, solve_small
from .problem import Instance
from .state import Weights

__all__ = [
    "MAX_COLUMNS",
    "MAX_DP_SINGLES",
    "MAX_DP_WORK",
    "ExactResult",
    "small_enough",
    "solve_exact",
    "solve_small",
]


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
        cols = Columns(inst, max_columns)
    except OverflowError:
        return None
    built = _Model(inst, weights, cols)
    built.rooms_and_speakers()
    scale = built.objective()
    if hint is not None:
        built.add_hint(hint)
    decode = built.decode

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
    status = solver.solve(built.model, Listener())
    if status == cp_model.INFEASIBLE:
        return ExactResult(None, True, 0)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactResult(None, False, 0)
    bound = max(0, math.floor((solver.best_objective_bound + 1e-6) / scale))
    return ExactResult(decode(solver.boolean_value), status == cp_model.OPTIMAL, bound)


class _Model:
    """The CP-SAT model of `solve_exact`, built in named steps (see the module text)."""

    def __init__(self, inst: Instance, weights: Weights, cols: Columns) -> None:
        """The placement variables: a column per period, a place per special."""
        self.inst, self.weights, self.cols = inst, weights, cols
        self.model = model = cp_model.CpModel()
        self.singles = singles = singles_of(inst)
        specials = [
            s for s in range(inst.n_sessions) if s not in set(singles) and inst.length[s] > 1
        ]
        specials += [
            s for s in range(inst.n_sessions) if inst.plenary[s] and inst.fixed[s] is None
        ]  # movable one-period plenaries
        self.specials = specials = sorted(set(specials))
        self.col = col = {
            (p, S): model.new_bool_var(f"col_{p}_{'_'.join(map(str, S))}")
            for p, sets in cols.columns.items()
            for S in sets
        }
        self.x = x = {
            (s, q, r): model.new_bool_var(f"x_{s}_{q}_{r}")
            for s in specials
            for q, r in cols.special_options(s)
        }
        for p, sets in cols.columns.items():
            model.add_exactly_one(col[p, S] for S in sets)
        self.in_period: dict[tuple[int, int], list] = {}  # (single, p) -> columns holding it
        for (p, S), var in col.items():
            for s in S:
                self.in_period.setdefault((s, p), []).append(var)
        for s in singles:
            model.add_exactly_one(
                v for p in range(inst.n_periods) for v in self.in_period.get((s, p), [])
            )
        for s in specials:
            model.add_exactly_one(x[s, q, r] for q, r in cols.special_options(s))

    def rooms_and_speakers(self) -> None:
        """One session per cell, Hall's condition on features, speakers in one place, nothing
        beside a plenary."""
        inst, cols, model, col = self.inst, self.cols, self.model, self.col
        special_at: dict[tuple[int, int], list] = {}  # (period, room) -> specials' x covering it
        special_speaker: dict[tuple[int, int], list] = {}
        special_running: dict[int, list] = {}
        for (s, q, r), var in self.x.items():
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
                v
                for s in self.singles
                if sp in inst.speakers[s]
                for v in self.in_period.get((s, p), [])
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

    def objective(self) -> int:
        """Minimise big·missed + tie (lexicographic); return big, the scale of missed."""
        inst, model = self.inst, self.model
        groups = Counter(tuple(f) for f in inst.favourites if len(f) > 1)
        special_set = set(self.specials)
        # per group: its specials; none or one special keeps the per-period (column) decomposition
        longs = {g: [s for s in g if s in special_set] for g in groups}
        per_period = {g: n for g, n in groups.items() if len(longs[g]) <= 1}
        general = {g: n for g, n in groups.items() if len(longs[g]) > 1}
        missed_terms: list = []
        missed_coefs: list[int] = []
        tie_terms, tie_coefs, tie_max = self._column_terms(per_period, missed_terms, missed_coefs)
        occ, start = self._starts()
        self._one_special_terms(per_period, longs, occ, start, missed_terms, missed_coefs)
        general_favourites = self._general_terms(general, start, missed_terms, missed_coefs)
        missed = cp_model.LinearExpr.weighted_sum(missed_terms, missed_coefs) + general_favourites
        big = tie_max + 1
        model.minimize(
            big * missed + cp_model.LinearExpr.weighted_sum(tie_terms, tie_coefs)
            if tie_terms
            else missed
        )
        return big if tie_terms else 1

    def _column_terms(
        self, per_period: dict, missed_terms: list, missed_coefs: list
    ) -> tuple[list, list[int], int]:
        """Every column's missed favourites (of the groups with at most one special), appended
        to the missed terms; returns its tie-break terms and their largest possible sum."""
        inst, cols, weights = self.inst, self.cols, self.weights
        special_set = set(self.specials)
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
            over = column_overflow(inst, S, cols.room_free[p]) if weights.overflow > 0 else 0.0
            return round(SCALE * (weights.track * track + weights.overflow * over))

        tie_terms: list = []
        tie_coefs: list[int] = []
        tie_max = 0
        for p, sets in cols.columns.items():
            worst = 0
            for S in sets:
                m, t = column_missed(p, S), column_tie(p, S)
                worst = max(worst, t)
                if m:
                    missed_terms.append(self.col[p, S])
                    missed_coefs.append(m)
                if t:
                    tie_terms.append(self.col[p, S])
                    tie_coefs.append(t)
            tie_max += worst
        return tie_terms, tie_coefs, tie_max

    def _starts(self) -> tuple[dict, dict]:
        """occ[s,p]: single s runs in p (one variable, so that constraints about it stay
        short); start[s,q]: the variables that say s starts at q."""
        model = self.model
        occ: dict[tuple[int, int], cp_model.IntVar] = {}
        start: dict[tuple[int, int], list] = {}
        for (s, p), vs in self.in_period.items():
            occ[s, p] = model.new_bool_var(f"occ_{s}_{p}")
            model.add(occ[s, p] == sum(vs))
            start[s, p] = [occ[s, p]]
        for (s, q, _r), var in self.x.items():
            start.setdefault((s, q), []).append(var)
        return occ, start

    def _one_special_terms(
        self,
        per_period: dict,
        longs: dict,
        occ: dict,
        start: dict,
        missed_terms: list,
        missed_coefs: list,
    ) -> None:
        """A group with one special W (running q..q+len-1) sees one favourite per busy period
        of its other favourites, plus W when none of W's periods is busy:
            missed_g = n_g (Σ_p max(0, C'_p − 1) + lost_g),  lost_g ≥ start[W,q] + busy[g,p] − 1
        with C' counting the other favourites (in the column costs)."""
        inst, cols, model = self.inst, self.cols, self.model
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

    def _general_terms(
        self, general: dict, start: dict, missed_terms: list, missed_coefs: list
    ) -> int:
        """Any other group: the general interval form; returns the favourites it counts."""
        inst, model = self.inst, self.model
        special_set = set(self.specials)
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
        return general_favourites

    def add_hint(self, hint: list[tuple[int, int]]) -> None:
        """Start the search from a known schedule."""
        for (p, S), var in self.col.items():
            here = {s for s in self.singles if hint[s][0] == p}
            self.model.add_hint(var, 1 if here == set(S) else 0)
        for (s, q, r), var in self.x.items():
            self.model.add_hint(var, 1 if hint[s] == (q, r) else 0)

    def decode(self, value: Callable) -> list[tuple[int, int]] | None:
        """The schedule a solution describes, rooms assigned per period."""
        inst = self.inst
        period = [-1] * inst.n_sessions
        positions: list[tuple[int, int]] = [(-1, -1)] * inst.n_sessions
        for (p, S), var in self.col.items():
            if value(var):
                for s in S:
                    period[s] = p
        for (s, q, r), var in self.x.items():
            if value(var):
                positions[s] = (q, r)
        specials = set(self.specials)
        for s in range(inst.n_sessions):
            if inst.fixed[s] is not None and s not in specials:
                positions[s] = inst.fixed[s]
        return assign_rooms(inst, positions, {s: period[s] for s in self.singles})
