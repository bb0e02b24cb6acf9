"""The exact optimum of a one-day event by dynamic programming over sets of sessions.

The formulation (columns, singles and one special) is the one `exact.py` describes; this is
the method for events with at most `MAX_DP_SINGLES` singles and one special, proven optimal in
well under a second.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from .columns import (
    MAX_COLUMNS,
    SCALE,
    Columns,
    ExactResult,
    assign_rooms,
    column_overflow,
    singles_of,
)
from .problem import Instance
from .state import Weights, exact_missed

# Beyond this many singles the subset dynamic programme below is not used (2^n states).
MAX_DP_SINGLES = 15
# ... nor beyond this many (column, set of singles) steps: about a second of numpy.
MAX_DP_WORK = 200_000_000
INF = np.int64(2**62)


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
    singles = singles_of(inst)
    single_set = set(singles)
    specials = [
        s
        for s in range(inst.n_sessions)
        if s not in single_set and (inst.length[s] > 1 or inst.fixed[s] is None)
    ]
    if len(singles) > MAX_DP_SINGLES or len(specials) > 1:
        return None
    try:
        cols = Columns(inst, MAX_COLUMNS)
    except OverflowError:
        return None
    if sum(len(c) for c in cols.columns.values()) << len(singles) > max_work:
        return None
    dp = _Programme(inst, weights, cols, singles, specials[0] if specials else None)
    best = dp.best()
    if best is None:
        return ExactResult(None, True, 0)  # no valid schedule
    _, option, where = best
    positions: list[tuple[int, int]] = [(-1, -1)] * inst.n_sessions
    for s in range(inst.n_sessions):
        if s not in single_set and s != dp.special:
            positions[s] = inst.fixed[s]
    if dp.special is not None:
        positions[dp.special] = option
    placed = assign_rooms(inst, positions, where)
    if placed is None:
        return None
    missed = exact_missed(inst, [q for q, _ in placed])
    return ExactResult(placed, True, missed)


class _Programme:
    """The pieces of `solve_small`: column costs, the subset recursion and its unwinding."""

    def __init__(
        self,
        inst: Instance,
        weights: Weights,
        cols: Columns,
        singles: list[int],
        special: int | None,
    ) -> None:
        self.inst, self.weights, self.cols = inst, weights, cols
        self.singles, self.special = singles, special
        self.n = n = len(singles)
        self.bit = {s: 1 << i for i, s in enumerate(singles)}
        self.full = (1 << n) - 1
        groups = Counter(tuple(f) for f in inst.favourites if len(f) > 1)
        self.member = np.zeros((len(groups), inst.n_sessions), dtype=np.int64)
        self.weight = np.array(list(groups.values()), dtype=np.int64)
        for i, g in enumerate(groups):
            self.member[i, [s for s in g if s != special]] = 1
        # the groups that favour the special, and the singles among their other favourites
        self.w_groups = [
            (n_g, sum(self.bit.get(s, 0) for s in g), g)
            for g, n_g in groups.items()
            if special in g
        ]
        self.everything = np.arange(1 << n, dtype=np.int64)

    def costs(
        self, p: int, columns: list[tuple[int, ...]], held: list[int]
    ) -> tuple[np.ndarray, ...]:
        """Per column of period p: its mask of singles, missed favourites and tie-break."""
        inst, cols, weights = self.inst, self.cols, self.weights
        missed = np.zeros(len(columns), dtype=np.int64)
        tie = np.zeros(len(columns), dtype=np.int64)
        masks = np.zeros(len(columns), dtype=np.int64)
        rooms = [r for r in cols.room_free[p] if r not in held]
        for j, S in enumerate(columns):
            running = list(S) + cols.pinned.get(p, [])
            masks[j] = sum(self.bit[s] for s in S)
            if len(running) > 1 and len(self.weight):
                counts = self.member[:, running].sum(axis=1)
                missed[j] = int((self.weight * np.maximum(counts - 1, 0)).sum())
            per_track = Counter(inst.track[s] for s in running if inst.track[s] >= 0)
            track = sum(c - 1 for c in per_track.values() if c > 1)
            over = column_overflow(inst, S, rooms) if weights.overflow > 0 and S else 0.0
            tie[j] = round(SCALE * (weights.track * track + weights.overflow * over))
        return masks, missed, tie

    def variants(self) -> tuple[dict, dict]:
        """The columns of W's periods when W is at each of its places, and W's own overflow."""
        inst, special = self.inst, self.special
        options = self.cols.special_options(special) if special is not None else [None]
        variants: dict[tuple[int, int] | None, dict] = {}
        for option in options:
            tables: dict = {}
            if option is not None:
                q, r = option
                for p in range(q, q + inst.length[special]):
                    if inst.plenary[special]:
                        columns: list[tuple[int, ...]] = [()]
                    else:
                        columns = self.cols.period_columns(
                            p, frozenset([r]), frozenset(inst.speakers[special])
                        )
                    tables[p] = (*self.costs(p, columns, [r]), columns)
            variants[option] = tables
        own = {
            option: round(
                SCALE
                * self.weights.overflow
                * max(0.0, float(inst.demand[special] - inst.room_capacity[option[1]]))
            )
            if option is not None
            else 0
            for option in options
        }
        return variants, own

    def recurse(self, periods: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, list]:
        """f[M]: least cost of placing exactly the singles M in `periods`, and the choices."""
        everything, inf = self.everything, INF
        f = np.full(1 << self.n, inf, dtype=np.int64)
        f[0] = 0
        back = []
        for masks, cost in periods:
            g = np.full(1 << self.n, inf, dtype=np.int64)
            choice = np.full(1 << self.n, -1, dtype=np.int64)
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

    def unwind(self, back: list, masks_of: list[np.ndarray], mask: int, periods: list[int]) -> dict:
        """The period of every single in the choices that led to `mask`."""
        where = {}
        for k in range(len(periods) - 1, -1, -1):
            j = int(back[k][mask])
            m = int(masks_of[k][j])
            for s in self.singles:
                if m & self.bit[s]:
                    where[s] = periods[k]
            mask ^= m
        return where

    def best(self) -> tuple[int, tuple[int, int] | None, dict] | None:
        """The least (big · missed + tie) over W's places: (value, W's place, single → period)."""
        inst, cols, everything, full = self.inst, self.cols, self.everything, self.full
        plain = {p: self.costs(p, cols.columns[p], []) for p in range(inst.n_periods)}
        variants, own = self.variants()
        # missed favourites weigh more than any tie-break can add up to: lexicographic, exactly
        big = (
            1
            + max(own.values())
            + sum(
                max(
                    [int(plain[p][2].max())]
                    + [int(v[p][2].max()) for v in variants.values() if p in v]
                )
                for p in range(inst.n_periods)
            )
        )
        best = None
        for option, variant in variants.items():
            span = sorted(variant)
            outside = [p for p in range(inst.n_periods) if p not in span]
            tables = {p: plain[p] for p in outside} | variant
            f, f_back = self.recurse(
                [(tables[p][0], big * tables[p][1] + tables[p][2]) for p in outside]
            )
            h, h_back = self.recurse(
                [(tables[p][0], big * tables[p][1] + tables[p][2]) for p in span]
            )
            lost = np.zeros(1 << self.n, dtype=np.int64)
            for n_g, others, g in self.w_groups:
                pinned_in_span = any(s in cols.pinned.get(p, []) for s in g for p in span)
                if pinned_in_span:
                    lost += n_g
                elif others:
                    lost += n_g * ((everything & others) != 0)
            complement = full ^ everything
            total = np.where(
                (f < INF) & (h[complement] < INF), f + h[complement] + big * lost[complement], INF
            )
            m = int(np.argmin(total))
            if total[m] >= INF:
                continue
            value = int(total[m]) + own[option]
            if best is None or value < best[0]:
                where = self.unwind(f_back, [tables[p][0] for p in outside], m, outside)
                where.update(self.unwind(h_back, [tables[p][0] for p in span], full ^ m, span))
                best = (value, option, where)
        return best
