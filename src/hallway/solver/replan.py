"""Re-planning after a change: keep every session that still fits where it was, place the
displaced and new ones where they cost least (moving one other session out of the way when
nothing is free), and say for every session that moved why it did."""

from __future__ import annotations

import random
from collections.abc import Callable

from .construct import best_position
from .problem import Instance
from .result import Move
from .state import State, Weights


def replan_budget(inst: Instance) -> float:
    """Seconds of annealing after a repair: re-planning should answer quickly."""
    return 0.3 + inst.n_sessions / 4000


def _position(inst: Instance, previous: dict, s: int) -> tuple[int, int] | None:
    a = previous.get(inst.session_ids[s])
    if a is None or a["period"] not in inst.period_ids or a["room"] not in inst.room_ids:
        return None
    return inst.period_ids.index(a["period"]), inst.room_ids.index(a["room"])


def _why_not(inst: Instance, state: State, s: int, q: int, r: int) -> str:
    """Why session s can no longer stay at (q, r)."""
    span = inst.span(s, q)
    if span is None:
        return "its periods no longer fit in the day"
    if inst.fixed[s] is not None and inst.fixed[s] != (q, r):
        return "it is now fixed elsewhere"
    if inst.room_away[r].intersection(span):
        return f"room {inst.room_ids[r]} unavailable"
    if not inst.requires[s] <= inst.room_features[r]:
        missing = ", ".join(sorted(inst.requires[s] - inst.room_features[r]))
        return f"room {inst.room_ids[r]} lacks {missing}"
    for sp in inst.speakers[s]:
        if inst.speaker_away[sp].intersection(span):
            return f"speaker {inst.speaker_ids[sp]} unavailable"
    if not inst.plenary[s] and inst.plenary_periods.intersection(span):
        return "a plenary now runs then"
    for p in span:
        other = state.cell[p][r]
        if other >= 0:
            return f"its room is taken by {inst.session_ids[other]}"
        for sp in inst.speakers[s]:
            if state.speaker_busy[sp][p]:
                return f"speaker {inst.speaker_ids[sp]} is in another session then"
    return "it conflicts with the new constraints"


def repair(
    inst: Instance, weights: Weights, previous: dict, seed: int
) -> tuple[State | None, dict[int, str]]:
    """Keep what still fits; place the rest. Returns the state and a reason per moved session,
    or (None, reasons) when a displaced session fits nowhere even by moving one other session:
    then the caller plans from scratch, and `reasons` holds the stuck session under -1."""
    rng = random.Random(seed)
    state = State(inst, weights)
    reasons: dict[int, str] = {}
    # fixed sessions first so that a kept session never sits on a fixed one's place
    order = sorted(range(inst.n_sessions), key=lambda s: (inst.fixed[s] is None, s))
    for s in order:
        pos = inst.fixed[s] or _position(inst, previous, s)
        if pos is None:
            reasons[s] = (
                "its previous period or room no longer exists"
                if inst.session_ids[s] in previous
                else "new session"
            )
        elif state.fits(s, *pos):
            state.place(s, *pos)
        else:
            reasons[s] = _why_not(inst, state, s, *pos)
    displaced = sorted((s for s in reasons), key=lambda s: (len(inst.starts[s]), s))
    for s in displaced:
        pos = best_position(state, s, rng)
        if pos is not None:
            state.place(s, *pos)
        elif not _eject_one(state, s, reasons, rng):
            why = (
                f"re-planned from scratch: {inst.session_ids[s]} could not be placed "
                f"by moving one other session"
            )
            return None, {t: reasons.get(t, why) for t in range(inst.n_sessions)}
    return state, reasons


def _eject_one(state: State, s: int, reasons: dict[int, str], rng: random.Random) -> bool:
    """Place s where a movable session t sits, moving t to the best free position for it."""
    inst = state.inst
    best = None
    for q, r in inst.starts[s]:
        t = state.cell[q][r]
        if t < 0 or inst.fixed[t] is not None or inst.plenary[t] or not state.fits(s, q, r, t):
            continue
        tq, tr = state.start[t], state.room[t]
        state.remove(t)
        if state.fits(s, q, r):
            state.place(s, q, r)
            pos = best_position(state, t, rng)
            if pos is not None:
                state.place(t, *pos)
                cost = state.cost()
                if best is None or cost < best[0]:
                    best = (cost, q, r, t, pos)
                state.remove(t)
            state.remove(s)
        state.place(t, tq, tr)
    if best is None:
        return False
    _, q, r, t, pos = best
    state.remove(t)
    state.place(s, q, r)
    state.place(t, *pos)
    reasons.setdefault(t, f"made room for {inst.session_ids[s]}")
    return True


def stability_charges(
    inst: Instance, previous: dict, reasons: dict[int, str]
) -> Callable[[int, int, int], float]:
    """Cost of a kept session leaving its previous place (for `allow_moves`): a fixed charge
    plus half a missed favourite per attendee who starred it, so a kept session moves in time
    only when that saves missed favourites for more than half of its audience; a room-only
    change costs a little."""
    before = {s: _position(inst, previous, s) for s in range(inst.n_sessions) if s not in reasons}
    time_charge = {s: 2.0 + 0.5 * len(inst.attendees[s]) for s in before}

    def charge(s: int, q: int, r: int) -> float:
        pos = before.get(s)
        if pos is None:
            return 0.0
        if q != pos[0]:
            return time_charge[s]
        return 0.5 if r != pos[1] else 0.0

    return charge


def kept_in_place(inst: Instance, state: State, previous: dict) -> set[int]:
    return {
        s
        for s in range(inst.n_sessions)
        if _position(inst, previous, s) == (state.start[s], state.room[s])
    }


def _label(inst: Instance, q: int, r: int) -> str:
    return f"{inst.period_ids[q]}/{inst.room_ids[r]}"


def moves_from(inst: Instance, state: State, previous: dict, reasons: dict[int, str]) -> list[Move]:
    moves = []
    known = set(inst.session_ids)
    for sid, a in sorted(previous.items()):
        if sid not in known:
            moves.append(
                Move(
                    sid, f"{a['period']}/{a['room']}", None, "no longer in the problem (withdrawn)"
                )
            )
    for s in range(inst.n_sessions):
        pos = _position(inst, previous, s)
        now = (state.start[s], state.room[s])
        if pos == now:
            continue
        before = _label(inst, *pos) if pos else None
        reason = reasons.get(s)
        if reason is None:
            reason = (
                "room change to fit the audience"
                if pos and pos[0] == now[0]
                else "moved to reduce missed favourites"
            )
        moves.append(Move(inst.session_ids[s], before, _label(inst, *now), reason))
    return moves
