"""Saying why a problem has no valid schedule, in the organiser's terms.

Cheap counting arguments first, because they name the cause directly:

* a session with no position at all (a feature no room has; every room with the feature is
  unavailable whenever the speakers are; longer than any day; a fixed position that breaks a
  rule);
* fixed sessions that collide with each other;
* supply and demand: session-periods against usable room-periods, overall and per feature;
* a speaker whose sessions need more periods than the speaker is available.

If none applies, the conflict is combinatorial: a CP-SAT model in which each group of
constraints (one room's single use, one speaker's single presence, one plenary's exclusivity) is
switched on by an assumption literal, and the solver's infeasible core names a small set of
groups that cannot hold together.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from .problem import Instance, compile_problem, load_problem


def explain_infeasibility(problem: dict | Instance, time_limit: float = 10.0) -> list[str]:
    """Reasons why no valid schedule exists (empty if none was found within `time_limit`)."""
    inst = problem if isinstance(problem, Instance) else compile_problem(load_problem(problem))
    return static_reasons(inst) or _core(inst, time_limit)


def static_reasons(inst: Instance) -> list[str]:
    """The counting arguments only: fast enough to run before every solve."""
    return _unplaceable(inst) + _fixed_collisions(inst) + _supply(inst) + _speakers(inst)


def _names(inst: Instance, periods: set[int] | list[int]) -> str:
    return ", ".join(inst.period_ids[p] for p in sorted(periods))


def _unplaceable(inst: Instance) -> list[str]:
    out = []
    for s in range(inst.n_sessions):
        if inst.starts[s]:
            continue
        sid = inst.session_ids[s]
        fixed = inst.fixed[s]
        if fixed is not None:
            out.append(_fixed_reason(inst, s, *fixed))
            continue
        missing = [
            f
            for f in sorted(inst.requires[s])
            if not any(f in feats for feats in inst.room_features)
        ]
        if missing:
            out.extend(f"session {sid} requires feature {f!r} that no room has" for f in missing)
            continue
        rooms = [r for r in range(inst.n_rooms) if inst.requires[s] <= inst.room_features[r]]
        if not rooms:
            out.append(
                f"session {sid} requires features {sorted(inst.requires[s])} "
                f"that no single room has together"
            )
            continue
        kind = "/".join(sorted(inst.requires[s])) + " " if inst.requires[s] else ""
        starts = [q for q in range(inst.n_periods) if inst.span(s, q) is not None]
        if not starts:
            out.append(f"session {sid} lasts {inst.length[s]} periods, longer than any day")
            continue
        open_starts = [
            q
            for q in starts
            if any(not inst.room_away[r].intersection(inst.span(s, q)) for r in rooms)
            and (inst.plenary[s] or not inst.plenary_periods.intersection(inst.span(s, q)))
        ]
        if not open_starts:
            out.append(
                f"session {sid}: no {kind}room is free in any period "
                f"(rooms unavailable or taken by plenaries)"
            )
            continue
        blocking = [
            sp
            for sp in inst.speakers[s]
            if all(inst.speaker_away[sp].intersection(inst.span(s, q)) for q in open_starts)
        ]
        if blocking:
            out.extend(
                f"speaker {inst.speaker_ids[sp]} (session {sid}) is unavailable in every "
                f"period with a free {kind}room"
                for sp in blocking
            )
        else:
            out.append(
                f"session {sid}: its speakers "
                f"{', '.join(inst.speaker_ids[sp] for sp in inst.speakers[s])} are never "
                f"all available when a {kind}room is free"
            )
    return out


def _fixed_reason(inst: Instance, s: int, q: int, r: int) -> str:
    sid, rid = inst.session_ids[s], inst.room_ids[r]
    where = f"fixed session {sid} at {inst.period_ids[q]}/{rid}"
    span = inst.span(s, q)
    if span is None:
        return f"{where}: its {inst.length[s]} periods run past the end of the day"
    if not inst.requires[s] <= inst.room_features[r]:
        return f"{where}: room lacks {sorted(inst.requires[s] - inst.room_features[r])}"
    if inst.room_away[r].intersection(span):
        return f"{where}: room unavailable in {_names(inst, inst.room_away[r] & set(span))}"
    for sp in inst.speakers[s]:
        if inst.speaker_away[sp].intersection(span):
            return (
                f"{where}: speaker {inst.speaker_ids[sp]} unavailable in "
                f"{_names(inst, inst.speaker_away[sp] & set(span))}"
            )
    return f"{where}: it runs beside a fixed plenary"


def _fixed_collisions(inst: Instance) -> list[str]:
    out = []
    fixed = [(s, q, r) for s, f in enumerate(inst.fixed) if f for q, r in [f]]
    for i, (s, q, r) in enumerate(fixed):
        span_s = set(range(q, q + inst.length[s]))
        for t, qt, rt in fixed[i + 1 :]:
            shared = span_s & set(range(qt, qt + inst.length[t]))
            if not shared:
                continue
            a, b = inst.session_ids[s], inst.session_ids[t]
            if r == rt:
                out.append(
                    f"fixed sessions {a} and {b} both use room {inst.room_ids[r]} "
                    f"in {_names(inst, shared)}"
                )
            common = set(inst.speakers[s]) & set(inst.speakers[t])
            for sp in sorted(common):
                out.append(
                    f"speaker {inst.speaker_ids[sp]} is in fixed sessions {a} and {b} "
                    f"at the same time ({_names(inst, shared)})"
                )
            if inst.plenary[s] or inst.plenary[t]:
                out.append(f"fixed sessions {a} and {b} overlap but one of them is a plenary")
    return out


def _supply(inst: Instance) -> list[str]:
    """Session-periods needed against room-periods offered, overall and per required feature."""
    out = []
    open_periods = [p for p in range(inst.n_periods) if p not in inst.plenary_periods]
    features = sorted(set().union(*inst.requires)) if inst.requires else []
    for feature in [None, *features]:
        need = sum(
            inst.length[s]
            for s in range(inst.n_sessions)
            if not inst.plenary[s] and (feature is None or feature in inst.requires[s])
        )
        have = sum(
            1
            for r in range(inst.n_rooms)
            if feature is None or feature in inst.room_features[r]
            for p in open_periods
            if p not in inst.room_away[r]
        )
        if need > have:
            what = "sessions" if feature is None else f"sessions requiring {feature!r}"
            rooms = "room-periods" if feature is None else f"{feature!r} room-periods"
            out.append(
                f"too many {what}: {need} session-periods but only {have} {rooms} "
                f"available (outside plenaries)"
            )
    return out


def _speakers(inst: Instance) -> list[str]:
    out = []
    sessions_of: dict[int, list[int]] = {}
    for s in range(inst.n_sessions):
        for sp in inst.speakers[s]:
            sessions_of.setdefault(sp, []).append(s)
    for sp, sessions in sorted(sessions_of.items()):
        need = sum(inst.length[s] for s in sessions)
        have = sum(1 for p in range(inst.n_periods) if p not in inst.speaker_away[sp])
        if need > have:
            out.append(
                f"speaker {inst.speaker_ids[sp]} has {need} session-periods "
                f"({', '.join(inst.session_ids[s] for s in sessions)}) but is available "
                f"in only {have} periods"
            )
    return out


def _core(inst: Instance, time_limit: float) -> list[str]:
    """Name groups of constraints that cannot all hold, from CP-SAT's infeasible core."""
    model = cp_model.CpModel()
    x = {
        (s, q, r): model.new_bool_var(f"x_{s}_{q}_{r}")
        for s in range(inst.n_sessions)
        for q, r in inst.starts[s]
    }
    by_session: dict[int, list] = {}
    by_room: dict[int, dict[int, list]] = {}
    by_speaker: dict[int, dict[int, list]] = {}
    by_period: dict[int, list] = {}
    for (s, q, r), var in x.items():
        by_session.setdefault(s, []).append(var)
        for p in range(q, q + inst.length[s]):
            by_room.setdefault(r, {}).setdefault(p, []).append(var)
            by_period.setdefault(p, []).append((s, var))
            for sp in inst.speakers[s]:
                by_speaker.setdefault(sp, {}).setdefault(p, []).append(var)
    for s in range(inst.n_sessions):
        model.add_exactly_one(by_session.get(s, []))
    labels: dict[int, str] = {}

    def switch(label: str):
        lit = model.new_bool_var(label)
        labels[lit.index] = label
        return lit

    for r, cells in by_room.items():
        lit = switch(f"room {inst.room_ids[r]} holds one session at a time")
        for group in cells.values():
            if len(group) > 1:
                model.add(sum(group) <= 1).only_enforce_if(lit)
    for sp, cells in by_speaker.items():
        lit = switch(f"speaker {inst.speaker_ids[sp]} is in one session at a time")
        for group in cells.values():
            if len(group) > 1:
                model.add(sum(group) <= 1).only_enforce_if(lit)
    for s in range(inst.n_sessions):
        if not inst.plenary[s]:
            continue
        lit = switch(f"nothing runs beside plenary {inst.session_ids[s]}")
        for (s2, q, _), var in x.items():
            if s2 != s:
                continue
            for p in range(q, q + inst.length[s]):
                others = [v for o, v in by_period.get(p, []) if o != s]
                if others:
                    model.add(sum(others) == 0).only_enforce_if([lit, var])
    lits = [model.get_bool_var_from_proto_index(i) for i in labels]
    model.add_assumptions(lits)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status != cp_model.INFEASIBLE:
        return []
    core = [labels[i] for i in solver.sufficient_assumptions_for_infeasibility()]
    if not core:
        return ["the sessions' own positions cannot all be chosen at once"]
    return ["these constraints cannot all hold together: " + "; ".join(sorted(core))]
