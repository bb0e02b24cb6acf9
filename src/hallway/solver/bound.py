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
"""

from __future__ import annotations

from .problem import Instance


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
    """Σ over attendees of favourites that cannot all get a period of their own."""
    periods = [sorted({q for q, _ in inst.starts[s]}) for s in range(inst.n_sessions)]
    total = 0
    for favs in inst.favourites:
        k = len(favs)
        if k < 2 or all(len(periods[s]) >= k for s in favs):
            continue
        total += k - _matching([periods[s] for s in favs])
    return total
