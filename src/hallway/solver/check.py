"""Hard-constraint checks from scratch, independent of the search's incremental bookkeeping.

`solve` runs `violations` on every schedule before returning it, so a bug in the bookkeeping
cannot let an invalid schedule out.  `check_solution` is the same check for any solution file,
for example a schedule an organiser edited by hand.
"""

from __future__ import annotations

from .problem import Instance, compile_problem, load_problem, load_solution


def violations(inst: Instance, start: list[int], room: list[int]) -> list[str]:
    """Every hard constraint the placement (start period and room per session) breaks."""
    out: list[str] = []
    room_use: dict[tuple[int, int], int] = {}
    speaker_use: dict[tuple[int, int], int] = {}
    running: dict[int, list[int]] = {}
    for s in range(inst.n_sessions):
        q, r = start[s], room[s]
        sid = inst.session_ids[s]
        if q < 0 or r < 0:
            out.append(f"{sid} is not assigned")
            continue
        span = inst.span(s, q)
        if span is None:
            out.append(f"{sid} at {inst.period_ids[q]} runs past the end of its day")
            continue
        if inst.fixed[s] is not None and inst.fixed[s] != (q, r):
            out.append(f"{sid} is fixed but was moved")
        if not inst.requires[s] <= inst.room_features[r]:
            missing = ", ".join(sorted(inst.requires[s] - inst.room_features[r]))
            out.append(f"{sid} needs {missing} that room {inst.room_ids[r]} lacks")
        if inst.room_away[r].intersection(span):
            out.append(f"{sid}: room {inst.room_ids[r]} is unavailable then")
        for p in span:
            if (p, r) in room_use:
                out.append(
                    f"{sid} and {inst.session_ids[room_use[p, r]]} share room "
                    f"{inst.room_ids[r]} in {inst.period_ids[p]}"
                )
            room_use[p, r] = s
            running.setdefault(p, []).append(s)
            for sp in inst.speakers[s]:
                if p in inst.speaker_away[sp]:
                    out.append(
                        f"{sid}: speaker {inst.speaker_ids[sp]} is unavailable in "
                        f"{inst.period_ids[p]}"
                    )
                if (sp, p) in speaker_use:
                    out.append(
                        f"speaker {inst.speaker_ids[sp]} is in {sid} and "
                        f"{inst.session_ids[speaker_use[sp, p]]} in {inst.period_ids[p]}"
                    )
                speaker_use[sp, p] = s
    for p, sessions in sorted(running.items()):
        plenaries = [s for s in sessions if inst.plenary[s]]
        if plenaries and len(sessions) > 1:
            out.append(
                f"{len(sessions) - 1} other session(s) run beside plenary "
                f"{inst.session_ids[plenaries[0]]} in {inst.period_ids[p]}"
            )
    return out


def check_solution(problem: dict | str, solution: dict | str) -> list[str]:
    """Every hard constraint a solution breaks (empty when it is valid).

    Raises `ProblemError` when either file is malformed.
    """
    inst = compile_problem(load_problem(problem))
    assignments = load_solution(solution)["assignments"]
    pidx = {p: i for i, p in enumerate(inst.period_ids)}
    ridx = {r: i for i, r in enumerate(inst.room_ids)}
    known = set(inst.session_ids)
    out = [f"{sid} is not a session of this problem" for sid in assignments if sid not in known]
    start, room = [], []
    for sid in inst.session_ids:
        a = assignments.get(sid)
        if a is not None and (a["period"] not in pidx or a["room"] not in ridx):
            out.append(f"{sid}: unknown period {a['period']!r} or room {a['room']!r}")
            a = None
        start.append(pidx[a["period"]] if a else -1)
        room.append(ridx[a["room"]] if a else -1)
    return out + violations(inst, start, room)
