"""A lower bound on missed favourites that holds for every valid schedule, however found.

Per attendee: the favourites they can attend do not overlap, so no two start in the same
period; hence they attend at most as many as a matching of their favourites to distinct start
periods can hold, each favourite matched only to a period where it may start at all (static
constraints: day boundaries, unavailability, plenary periods, fixed places).  Summed over
attendees,

    missed ≥ Σ_a (|F_a| − largest matching of F_a into start periods).

It ignores room capacity and every interaction between attendees, so it is weak wherever there
are more periods than favourites; the exact model (`exact.py`) proves a far better one where it
applies.  The matching is only computed for attendees who might lack periods: one whose every
favourite may start in at least |F_a| periods can always be matched whole.

A second bound looks across attendees ("popular sessions must share periods"): take a set U of
one-period sessions that may start in only K distinct periods, |U| > K.  For an attendee, the
favourites in one period beyond the first are missed, so a period holding the sessions S of U
costs at least Σ_{i ∈ S, i not first} |A_i ∩ A_first| ≥ Σ_{i ∈ S} c_i − max_{i ∈ S} c_i, where
A_i are the attendees who starred i and c_i = min_{j ∈ U, j ≠ i} |A_i ∩ A_j|.  (Take the
session of largest c_i first: every other one shares at least c_i attendees with it.  Dropping
the favourites outside U, or other sessions, never raises an attendee's missed count.)  At most
K periods are busy, so every schedule misses at least the sum of the |U| − K smallest c_i.  U is
tried as every prefix of the most popular sessions and as greedy sets of them whose every pair
shares at least some attendees; on the generated families this is positive on M and larger
(tens of favourites, against thousands missed: about 1 %) and mostly 0 on S.
"""

from __future__ import annotations

import numpy as np

from .problem import Instance

# the popular-sessions bound looks at this many of the most popular sessions: every prefix of
# them (up to four times the periods), and for each share in CLIQUE_SHARES the set taken
# greedily, most popular first, whose every pair shares at least that many attendees
PREFIX_SESSIONS = 200
CLIQUE_SHARES = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40)


def _matching(options: list[list[int]]) -> int:
    """Largest matching of items to periods (augmenting paths; the lists are short)."""
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for p in options[i]:
            if p in seen:
                continue
            seen.add(p)
            if p not in owner or augment(owner[p], seen):
                owner[p] = i
                return True
        return False

    return sum(augment(i, set()) for i in range(len(options)))


def missed_lower_bound(inst: Instance) -> int:
    """The better of the two bounds above (each holds for every valid schedule)."""
    return max(matching_bound(inst), shared_periods_bound(inst))


def shared_periods_bound(inst: Instance) -> int:
    """Popular one-period sessions outnumber the periods they can use: see the module text."""
    singles = [s for s in range(inst.n_sessions) if inst.length[s] == 1 and not inst.plenary[s]]
    order = sorted(singles, key=lambda s: (-len(inst.attendees[s]), s))[:PREFIX_SESSIONS]
    if len(order) < 2:
        return 0
    starred = np.zeros((len(order), len(inst.favourites)), dtype=np.float32)
    for i, s in enumerate(order):
        starred[i, inst.attendees[s]] = 1
    shared = starred @ starred.T  # attendees who starred both (exact: small integers)
    np.fill_diagonal(shared, np.inf)
    best = 0
    periods: set[int] = set()
    for n, s in enumerate(order[: 4 * inst.n_periods], start=1):  # every prefix
        periods.update(q for q, _ in inst.starts[s])
        if n > len(periods):
            fewest = shared[:n, :n].min(axis=1)
            best = max(best, int(np.sort(fewest)[: n - len(periods)].sum()))
    for least in CLIQUE_SHARES:  # sets whose every pair shares at least `least` attendees
        chosen: list[int] = []
        allowed = np.ones(len(order), dtype=bool)
        for i in range(len(order)):
            if allowed[i]:
                chosen.append(i)
                allowed &= shared[i] >= least
        periods = {q for i in chosen for q, _ in inst.starts[order[i]]}
        if len(chosen) > len(periods):
            fewest = shared[np.ix_(chosen, chosen)].min(axis=1)
            best = max(best, int(np.sort(fewest)[: len(chosen) - len(periods)].sum()))
    return best


def matching_bound(inst: Instance) -> int:
    """Σ over attendees of favourites that cannot all get a period of their own."""
    periods = [sorted({q for q, _ in inst.starts[s]}) for s in range(inst.n_sessions)]
    total = 0
    for favs in inst.favourites:
        k = len(favs)
        if k < 2 or all(len(periods[s]) >= k for s in favs):
            continue
        total += k - _matching([periods[s] for s in favs])
    return total
