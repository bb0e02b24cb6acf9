"""A schedule under construction, with the bookkeeping that makes local search cheap.

The model, for sessions s, periods p, rooms r and attendees a:

    x[s] = (start, room)               every session placed once (hard)
    occ(s) = {start, ..., start+len-1}  within one day (hard)
    at most one session per (p, r); a speaker in at most one session per p;
    no session beside a plenary; static unavailability and features (all hard)

    C[p, a]  = number of a's favourites running in p
    missed   = Σ_p Σ_a max(0, C[p, a] − 1)                  (a)
    overflow = Σ_s max(0, show_up·|interested(s)| − capacity(room(s)))   (b)
    track    = Σ_t Σ_p max(0, T[t, p] − 1),  T = sessions of track t in p   (c)

For one-period sessions `missed` is exactly the referee's measure (an attendee can see one
favourite per period, so the largest non-overlapping set has one per busy period).  A two-period
workshop is counted in both its periods, which can over-count by one when it overlaps two other
favourites; `exact_missed` gives the referee's figure for reporting.

Hard constraints are never relaxed: the search only ever moves between valid states, which is
what lets `solve` guarantee that every returned schedule is valid.  `C` is a numpy matrix so the
change in `missed` for a move is a few vectorised look-ups over the moved sessions' attendees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .problem import SOLUTION_FORMAT, Instance


@dataclass(frozen=True)
class Weights:
    """How much one unit of each objective costs.

    The defaults keep the priority order missed favourites > overflow seats > same-track
    clashes: one missed favourite costs as much as three overflowing seats (an overflowing seat
    is a person who cannot get in, but only `show_up` of the interested come) and a same-track
    clash is little more than a tie-breaker.  An organiser who wants a strictly lexicographic
    order can make the lower weights negligible, e.g. `Weights(overflow=0.001, track=0.00001)`.
    """

    missed: float = 1.0
    overflow: float = 0.3
    track: float = 0.02

    @classmethod
    def parse(cls, text: str) -> Weights:
        """Parse `missed=1,overflow=0.1,track=0` (any subset; the rest keep their defaults)."""
        values = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, sep, value = part.partition("=")
            if not sep or key.strip() not in ("missed", "overflow", "track"):
                raise ValueError(f"bad weight {part!r}: use missed=.., overflow=.., track=..")
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"bad weight {part!r}: {value!r} is not a number") from None
            if number < 0:
                raise ValueError(f"bad weight {part!r}: weights must not be negative")
            values[key.strip()] = number
        return cls(**values)


class State:
    """A (possibly partial) valid schedule with incremental objective bookkeeping."""

    def __init__(self, inst: Instance, weights: Weights) -> None:
        self.inst = inst
        self.weights = weights
        n_s, n_p, n_r = inst.n_sessions, inst.n_periods, inst.n_rooms
        self.start = [-1] * n_s
        self.room = [-1] * n_s
        self.cell = [[-1] * n_r for _ in range(n_p)]
        self.speaker_busy = [bytearray(n_p) for _ in inst.speaker_ids]
        self.running = [0] * n_p  # sessions occupying each period
        self.plenary_at = bytearray(n_p)
        n_tracks = max(inst.track, default=-1) + 1
        self.track_count = [[0] * n_p for _ in range(n_tracks)]
        # period-major, so that one period's counts for a session's attendees are one row gather
        self.C = np.zeros((n_p, len(inst.favourites)), dtype=np.int16)
        self.member = np.zeros((n_s, len(inst.favourites)), dtype=bool)
        for s, atts in enumerate(inst.attendees):
            self.member[s, atts] = True
        self.missed = 0
        self.overflow = 0.0
        self.track = 0
        self.allowed = [set(pos) for pos in inst.starts]
        # overflow seats per session and room, as plain floats: the search asks for them a lot
        self.over = (
            np.maximum(0.0, inst.demand[:, None] - inst.room_capacity[None, :]).tolist()
            if n_s
            else []
        )
        self.common: dict[tuple[int, int], np.ndarray] = {}  # see delta_swap
        self.position_cache: dict[int, tuple] = {}  # see construct.best_position

    # -- objective -----------------------------------------------------------------------------

    def cost(self) -> float:
        w = self.weights
        return w.missed * self.missed + w.overflow * self.overflow + w.track * self.track

    def overflow_of(self, s: int, r: int) -> float:
        return self.over[s][r]

    # -- hard constraints ----------------------------------------------------------------------

    def fits(self, s: int, start: int, room: int, ignore: int = -1) -> bool:
        """Can s go to (start, room) now, treating session `ignore` as absent?"""
        if (start, room) not in self.allowed[s]:
            return False
        inst = self.inst
        cell = self.cell
        length = inst.length[s]
        if length == 1 and not inst.plenary[s] and not inst.speakers[s]:  # checked cheaply
            if cell[start][room] not in (-1, s, ignore):
                return False
            if self.plenary_at[start]:
                return ignore >= 0 and inst.plenary[ignore] and self._holds(ignore, start)
            return True
        ig_span = (
            range(self.start[ignore], self.start[ignore] + inst.length[ignore])
            if ignore >= 0 and self.start[ignore] >= 0
            else range(0)
        )
        ig_speakers = inst.speakers[ignore] if ignore >= 0 else ()
        own = self.start[s]
        own_span = range(own, own + length) if own >= 0 else range(0)
        for p in range(start, start + length):
            occupant = cell[p][room]
            if occupant not in (-1, s, ignore):
                return False
            for sp in inst.speakers[s]:
                if (
                    self.speaker_busy[sp][p]
                    and not (sp in ig_speakers and p in ig_span)
                    and p not in own_span
                ):
                    return False
            if inst.plenary[s] and self.running[p] - (p in ig_span) - (p in own_span) > 0:
                return False
            if (
                not inst.plenary[s]
                and self.plenary_at[p]
                and not (ignore >= 0 and inst.plenary[ignore] and p in ig_span)
            ):
                return False
        return True

    def _holds(self, t: int, p: int) -> bool:
        """Whether session t (if placed) runs in period p."""
        return (
            t >= 0
            and self.start[t] >= 0
            and self.start[t] <= p < self.start[t] + self.inst.length[t]
        )

    # -- placing and removing --------------------------------------------------------------------

    def place(self, s: int, start: int, room: int) -> None:
        inst = self.inst
        span = range(start, start + inst.length[s])
        atts = inst.attendees[s]
        t = inst.track[s]
        for p in span:
            self.cell[p][room] = s
            for sp in inst.speakers[s]:
                self.speaker_busy[sp][p] = 1
            self.running[p] += 1
            if inst.plenary[s]:
                self.plenary_at[p] = 1
            col = self.C[p, atts]
            self.missed += int(np.count_nonzero(col >= 1))
            self.C[p, atts] = col + 1
            if t >= 0:
                self.track += self.track_count[t][p] >= 1
                self.track_count[t][p] += 1
        self.start[s], self.room[s] = start, room
        self.overflow += self.overflow_of(s, room)

    def remove(self, s: int) -> None:
        inst = self.inst
        start, room = self.start[s], self.room[s]
        atts = inst.attendees[s]
        t = inst.track[s]
        for p in range(start, start + inst.length[s]):
            self.cell[p][room] = -1
            for sp in inst.speakers[s]:
                self.speaker_busy[sp][p] = 0
            self.running[p] -= 1
            if inst.plenary[s]:
                self.plenary_at[p] = 0
            col = self.C[p, atts]
            self.missed -= int(np.count_nonzero(col >= 2))
            self.C[p, atts] = col - 1
            if t >= 0:
                self.track_count[t][p] -= 1
                self.track -= self.track_count[t][p] >= 1
        self.overflow -= self.overflow_of(s, room)
        self.start[s] = self.room[s] = -1

    # -- deltas -------------------------------------------------------------------------------

    def missed_if_added(self, s: int) -> np.ndarray:
        """For every start period q, the increase in `missed` if s (one period) were added at q."""
        return np.count_nonzero(self.C[:, self.inst.attendees[s]] >= 1, axis=1)

    def delta_move(self, s: int, start: int, room: int) -> float:
        """Cost change if placed session s moved to (start, room)."""
        inst, w = self.inst, self.weights
        old = self.start[s]
        over = self.over[s]
        d_over = over[room] - over[self.room[s]]
        if start == old:
            return w.overflow * d_over
        atts = inst.attendees[s]
        if inst.length[s] == 1:
            d_missed = int(np.count_nonzero(self.C[start, atts])) - int(
                np.count_nonzero(self.C[old, atts] >= 2)
            )
            t = inst.track[s]
            d_track = (
                (self.track_count[t][start] >= 1) - (self.track_count[t][old] >= 2) if t >= 0 else 0
            )
        else:
            d_missed = self._delta_missed_generic([(s, old, start)])
            d_track = self._delta_track([(s, old, start)])
        return w.missed * d_missed + w.overflow * d_over + w.track * d_track

    def delta_swap(self, s: int, t: int) -> float:
        """Cost change if placed sessions s and t exchanged their (start, room) positions."""
        inst, w = self.inst, self.weights
        ps, pt = self.start[s], self.start[t]
        rs, rt = self.room[s], self.room[t]
        over_s, over_t = self.over[s], self.over[t]
        d_over = over_s[rt] + over_t[rs] - over_s[rs] - over_t[rt]
        if ps == pt:
            return w.overflow * d_over
        if inst.length[s] == 1 and inst.length[t] == 1:
            d_missed = self._delta_missed_swap(s, t, ps, pt)
            ts, tt = inst.track[s], inst.track[t]
            d_track = 0
            if ts != tt:  # same track: the counts do not change
                count = self.track_count
                if ts >= 0:
                    d_track += (count[ts][pt] >= 1) - (count[ts][ps] >= 2)
                if tt >= 0:
                    d_track += (count[tt][ps] >= 1) - (count[tt][pt] >= 2)
        else:
            changes = [(s, ps, pt), (t, pt, ps)]
            d_missed = self._delta_missed_generic(changes)
            d_track = self._delta_track(changes)
        return w.missed * d_missed + w.overflow * d_over + w.track * d_track

    def _delta_missed_swap(self, s: int, t: int, ps: int, pt: int) -> int:
        """Change in `missed` if one-period sessions s (at ps) and t (at pt) swapped periods.

        An attendee of s only gains a clash at pt where C ≥ 1 and loses one at ps where C ≥ 2
        (likewise for t); one who starred both keeps the same counts, so the terms the two
        sums give for them are taken back.  Those shared attendees are cached per pair."""
        at_ps, at_pt = self.C[ps], self.C[pt]
        a_s, a_t = self.inst.attendees[s], self.inst.attendees[t]
        d = (
            int(np.count_nonzero(at_pt[a_s]))
            - int(np.count_nonzero(at_ps[a_s] >= 2))
            + int(np.count_nonzero(at_ps[a_t]))
            - int(np.count_nonzero(at_pt[a_t] >= 2))
        )
        key = (s, t) if s < t else (t, s)
        both = self.common.get(key)
        if both is None:
            if len(self.common) > 200_000:  # bounded memory on the largest events
                self.common.clear()
            both = self.common[key] = a_s[self.member[t, a_s]]
        if len(both):
            # each shared attendee counted 1 − [C_ps ≥ 2] + 1 − [C_pt ≥ 2] above, truly 0
            d -= (
                2 * len(both)
                - int(np.count_nonzero(at_ps[both] >= 2))
                - int(np.count_nonzero(at_pt[both] >= 2))
            )
        return d

    def _delta_missed_generic(self, changes: list[tuple[int, int, int]]) -> int:
        inst = self.inst
        rows = np.unique(np.concatenate([inst.attendees[s] for s, _, _ in changes]))
        cols = sorted(
            {p for s, a, b in changes for st in (a, b) for p in range(st, st + inst.length[s])}
        )
        where = {p: j for j, p in enumerate(cols)}
        sub = self.C[np.ix_(cols, rows)].astype(np.int32)
        before = int(np.maximum(sub - 1, 0).sum())
        for s, a, b in changes:
            m = self.member[s, rows].astype(np.int32)
            for p in range(a, a + inst.length[s]):
                sub[where[p]] -= m
            for p in range(b, b + inst.length[s]):
                sub[where[p]] += m
        return int(np.maximum(sub - 1, 0).sum()) - before

    def _delta_track(self, changes: list[tuple[int, int, int]]) -> int:
        inst = self.inst
        diff: dict[tuple[int, int], int] = {}
        for s, a, b in changes:
            t = inst.track[s]
            if t < 0:
                continue
            for p in range(a, a + inst.length[s]):
                diff[t, p] = diff.get((t, p), 0) - 1
            for p in range(b, b + inst.length[s]):
                diff[t, p] = diff.get((t, p), 0) + 1
        out = 0
        for (t, p), d in diff.items():
            c = self.track_count[t][p]
            out += max(0, c + d - 1) - max(0, c - 1)
        return out

    # -- output --------------------------------------------------------------------------------

    def positions(self) -> list[tuple[int, int]]:
        return list(zip(self.start, self.room, strict=True))

    def solution(self, name: str, seconds: float) -> dict:
        inst = self.inst
        return {
            "format": SOLUTION_FORMAT,
            "assignments": {
                inst.session_ids[s]: {
                    "period": inst.period_ids[self.start[s]],
                    "room": inst.room_ids[self.room[s]],
                }
                for s in range(inst.n_sessions)
            },
            "solver": {"name": name, "seconds": round(seconds, 3)},
        }


def exact_missed(inst: Instance, start: list[int]) -> int:
    """The referee's missed favourites: per attendee, favourites minus the largest set of them
    that do not overlap in time (earliest-end-first interval scheduling)."""
    total = 0
    for favs in inst.favourites:
        intervals = sorted((start[s] + inst.length[s], start[s]) for s in favs)
        best, last_end = 0, -1
        for end, begin in intervals:
            if begin >= last_end:
                best, last_end = best + 1, end
        total += len(favs) - best
    return total
