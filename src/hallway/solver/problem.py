"""Reading and checking a scheduling problem (`hallway-scheduling-problem/1`).

The file format (see `../shared/scheduling/FORMAT.md`) names everything by string id; the search
works on dense integer indices and numpy arrays.  This module does the translation once, and it
is the boundary where untrusted input is checked: every mistake is reported as a `ProblemError`
that names what is wrong and where (`sessions[12] (s0012): unknown speaker 'sp9'`), before any
solving starts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import numpy as np

PROBLEM_FORMAT = "hallway-scheduling-problem/1"
SOLUTION_FORMAT = "hallway-scheduling-solution/1"


class ProblemError(ValueError):
    """The problem file is malformed: the message names the offending entry."""


def load_problem(source: str | PathLike[str] | dict) -> dict:
    """Read a problem from a path (or take a dict) and validate it; return the dict.

    Raises `ProblemError` for a missing/unreadable file, bad JSON, or an invalid problem.
    """
    if isinstance(source, dict):
        data = source
    else:
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ProblemError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProblemError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    validate_problem(data)
    return data


def load_solution(source: str | PathLike[str] | dict, what: str = "solution") -> dict:
    """Read a solution file (e.g. the previous schedule for re-planning) with clear errors."""
    if isinstance(source, dict):
        data = source
    else:
        path = Path(source)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ProblemError(f"{path}: cannot read {what} ({exc.strerror or exc})") from exc
        except json.JSONDecodeError as exc:
            raise ProblemError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(data, dict) or data.get("format") != SOLUTION_FORMAT:
        raise ProblemError(f"{what}: 'format' must be {SOLUTION_FORMAT!r}")
    assignments = data.get("assignments")
    if not isinstance(assignments, dict):
        raise ProblemError(f"{what}: 'assignments' must be an object")
    for sid, a in assignments.items():
        if (
            not isinstance(a, dict)
            or not isinstance(a.get("period"), str)
            or not isinstance(a.get("room"), str)
        ):
            raise ProblemError(f"{what}: assignments[{sid!r}] needs string 'period' and 'room'")
    return data


def _require(obj: object, key: str, kind: type | tuple[type, ...], where: str) -> object:
    if not isinstance(obj, dict):
        raise ProblemError(f"{where}: must be an object")
    if key not in obj:
        raise ProblemError(f"{where}: missing key {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise ProblemError(f"{where}.{key}: expected {names}, got {type(value).__name__}")
    return value


def _unique_ids(items: list, where: str) -> list[str]:
    ids, seen = [], set()
    for i, item in enumerate(items):
        ident = _require(item, "id", str, f"{where}[{i}]")
        if ident in seen:
            raise ProblemError(f"{where}[{i}]: duplicate id {ident!r}")
        seen.add(ident)
        ids.append(ident)
    return ids


def validate_problem(data: object) -> None:
    """Check structure and cross-references; raise `ProblemError` on the first problem found."""
    if not isinstance(data, dict):
        raise ProblemError("problem: the top level must be a JSON object")
    if data.get("format") != PROBLEM_FORMAT:
        raise ProblemError(
            f"problem: 'format' must be {PROBLEM_FORMAT!r}, got {data.get('format')!r}"
        )
    for key in ("periods", "rooms", "sessions"):
        _require(data, key, list, "problem")
    show_up = data.get("show_up", 1.0)
    if not isinstance(show_up, int | float) or isinstance(show_up, bool) or not 0 <= show_up <= 1:
        raise ProblemError(f"problem.show_up: expected a number in [0, 1], got {show_up!r}")
    periods = data["periods"]
    if not periods:
        raise ProblemError("problem.periods: at least one period is needed")
    period_ids = set(_unique_ids(periods, "periods"))
    last_day = None
    for i, p in enumerate(periods):
        day = _require(p, "day", int, f"periods[{i}] ({p['id']})")
        if last_day is not None and day < last_day:
            raise ProblemError(
                f"periods[{i}] ({p['id']}): periods must be in time order "
                f"(day {day} after day {last_day})"
            )
        last_day = day
    room_ids = set(_unique_ids(data["rooms"], "rooms"))
    for i, r in enumerate(data["rooms"]):
        where = f"rooms[{i}] ({r['id']})"
        cap = _require(r, "capacity", (int, float), where)
        if cap < 0:
            raise ProblemError(f"{where}.capacity: must not be negative")
        for f in r.get("features", []):
            if not isinstance(f, str):
                raise ProblemError(f"{where}.features: feature names must be strings")
        _check_periods(r.get("unavailable", []), period_ids, f"{where}.unavailable")
    speakers = data.get("speakers", [])
    if not isinstance(speakers, list):
        raise ProblemError("problem.speakers: expected list")
    speaker_ids = set(_unique_ids(speakers, "speakers"))
    for i, sp in enumerate(speakers):
        _check_periods(
            sp.get("unavailable", []), period_ids, f"speakers[{i}] ({sp['id']}).unavailable"
        )
    session_ids = set(_unique_ids(data["sessions"], "sessions"))
    for i, s in enumerate(data["sessions"]):
        where = f"sessions[{i}] ({s['id']})"
        length = s.get("length", 1)
        if not isinstance(length, int) or isinstance(length, bool) or length < 1:
            raise ProblemError(f"{where}.length: expected a positive integer, got {length!r}")
        for sp in s.get("speakers", []):
            if sp not in speaker_ids:
                raise ProblemError(f"{where}: unknown speaker {sp!r}")
        if not isinstance(s.get("requires", []), list):
            raise ProblemError(f"{where}.requires: expected list")
        fixed = s.get("fixed")
        if fixed is not None:
            if not isinstance(fixed, dict):
                raise ProblemError(f"{where}.fixed: expected null or {{period, room}}")
            if fixed.get("period") not in period_ids:
                raise ProblemError(f"{where}.fixed: unknown period {fixed.get('period')!r}")
            if fixed.get("room") not in room_ids:
                raise ProblemError(f"{where}.fixed: unknown room {fixed.get('room')!r}")
    attendees = data.get("attendees", [])
    if not isinstance(attendees, list):
        raise ProblemError("problem.attendees: expected a list of lists of session ids")
    for i, favs in enumerate(attendees):
        if not isinstance(favs, list):
            raise ProblemError(f"attendees[{i}]: expected a list of session ids")
        for sid in favs:
            if sid not in session_ids:
                raise ProblemError(f"attendees[{i}]: unknown session {sid!r}")


def _check_periods(ids: object, period_ids: set[str], where: str) -> None:
    if not isinstance(ids, list):
        raise ProblemError(f"{where}: expected a list of period ids")
    for p in ids:
        if p not in period_ids:
            raise ProblemError(f"{where}: unknown period {p!r}")


@dataclass
class Instance:
    """A validated problem in index form, shared by construction, search and explanation.

    Sessions, periods, rooms and speakers are numbered in file order.  `starts[s]` lists every
    (start period, room) where session s may go considering only static constraints (features,
    day boundaries, room and speaker unavailability, plenary periods); dynamic ones (room and
    speaker double-booking) are the search's job.
    """

    data: dict
    session_ids: list[str]
    period_ids: list[str]
    room_ids: list[str]
    period_day: list[int]
    length: list[int]
    plenary: list[bool]
    fixed: list[tuple[int, int] | None]
    speakers: list[list[int]]  # session -> speaker indices
    speaker_ids: list[str]
    speaker_away: list[set[int]]
    room_away: list[set[int]]
    room_capacity: np.ndarray
    room_features: list[set[str]]
    requires: list[set[str]]
    track: list[int]  # -1 for no track
    demand: np.ndarray  # show_up × interested attendees, per session
    attendees: list[np.ndarray]  # session -> attendee indices
    favourites: list[list[int]]  # attendee -> session indices
    starts: list[list[tuple[int, int]]] = field(default_factory=list)
    plenary_periods: set[int] = field(default_factory=set)

    @property
    def n_sessions(self) -> int:
        return len(self.session_ids)

    @property
    def n_periods(self) -> int:
        return len(self.period_ids)

    @property
    def n_rooms(self) -> int:
        return len(self.room_ids)

    def span(self, s: int, start: int) -> range | None:
        """Periods session s occupies when it starts at `start`, or None if it leaves the day."""
        end = start + self.length[s]
        if end > self.n_periods or any(
            self.period_day[p] != self.period_day[start] for p in range(start, end)
        ):
            return None
        return range(start, end)


def compile_problem(data: dict) -> Instance:
    """Turn a validated problem dict into an `Instance` (indices, arrays, candidate positions)."""
    periods, rooms, sessions = data["periods"], data["rooms"], data["sessions"]
    pidx = {p["id"]: i for i, p in enumerate(periods)}
    ridx = {r["id"]: i for i, r in enumerate(rooms)}
    speakers = data.get("speakers", [])
    spidx = {sp["id"]: i for i, sp in enumerate(speakers)}
    sidx = {s["id"]: i for i, s in enumerate(sessions)}
    tracks = sorted({s["track"] for s in sessions if s.get("track")})
    tidx = {t: i for i, t in enumerate(tracks)}
    favourites = [sorted({sidx[f] for f in favs}) for favs in data.get("attendees", [])]
    members: list[list[int]] = [[] for _ in sessions]
    for a, favs in enumerate(favourites):
        for s in favs:
            members[s].append(a)
    show_up = float(data.get("show_up", 1.0))
    inst = Instance(
        data=data,
        session_ids=[s["id"] for s in sessions],
        period_ids=[p["id"] for p in periods],
        room_ids=[r["id"] for r in rooms],
        period_day=[p["day"] for p in periods],
        length=[s.get("length", 1) for s in sessions],
        plenary=[bool(s.get("plenary")) for s in sessions],
        fixed=[
            (pidx[s["fixed"]["period"]], ridx[s["fixed"]["room"]]) if s.get("fixed") else None
            for s in sessions
        ],
        speakers=[[spidx[sp] for sp in s.get("speakers", [])] for s in sessions],
        speaker_ids=[sp["id"] for sp in speakers],
        speaker_away=[{pidx[p] for p in sp.get("unavailable", [])} for sp in speakers],
        room_away=[{pidx[p] for p in r.get("unavailable", [])} for r in rooms],
        room_capacity=np.array([float(r["capacity"]) for r in rooms]),
        room_features=[set(r.get("features", [])) for r in rooms],
        requires=[set(s.get("requires", [])) for s in sessions],
        track=[tidx[s["track"]] if s.get("track") else -1 for s in sessions],
        demand=np.array([show_up * len(m) for m in members]),
        attendees=[np.array(m, dtype=np.int64) for m in members],
        favourites=favourites,
    )
    inst.plenary_periods = {
        p
        for s, f in enumerate(inst.fixed)
        if f and inst.plenary[s]
        for p in range(f[0], f[0] + inst.length[s])
    }
    open_rooms: dict[tuple[int, int], set[int]] = {}
    for s in range(inst.n_sessions):
        inst.starts.append(_static_positions(inst, s, open_rooms))
    return inst


def _static_positions(
    inst: Instance, s: int, open_rooms: dict[tuple[int, int], set[int]]
) -> list[tuple[int, int]]:
    """`open_rooms` caches, per (start, length), the rooms available for that whole span."""
    if inst.fixed[s] is not None:
        return [inst.fixed[s]]
    away = set().union(*(inst.speaker_away[sp] for sp in inst.speakers[s]))
    rooms = [r for r in range(inst.n_rooms) if inst.requires[s] <= inst.room_features[r]]
    out = []
    for start in range(inst.n_periods):
        span = inst.span(s, start)
        if span is None or away.intersection(span):
            continue
        if not inst.plenary[s] and inst.plenary_periods.intersection(span):
            continue
        key = (start, len(span))
        free = open_rooms.get(key)
        if free is None:
            free = open_rooms[key] = {
                r for r in range(inst.n_rooms) if not inst.room_away[r].intersection(span)
            }
        out.extend((start, r) for r in rooms if r in free)
    return out
