"""The bridge between the database and the pure scheduler (``hallway.solver``).

``build_problem`` describes the umbrella's work-in-progress schedule as a
``hallway-scheduling-problem/1``; ``apply_solution`` writes a solver's answer back into the work
in progress.  Nothing here releases: an organiser reviews the diff and releases.

The period grid is read off the work in progress: every distinct start time of a session slot of
an hour or less is a period, ending at the next start or an hour later (or the caller names the
start times, for a programme not placed yet).  Slots that are pinned
(keynotes, expo hours, the game night) stay where they are: on the grid they become fixed
sessions, off it they make their room (or, for a plenary, every room) unavailable.  A series
workshop (parts on different days) becomes one problem session per part, sharing speakers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction

from hallway.attendees.models import Favourite
from hallway.events.models import Event, Room
from hallway.programme.models import Session
from hallway.schedule.editing import stamp_changes
from hallway.schedule.models import Schedule, Slot
from hallway.schedule.services import ensure_not_frozen, schedule_conflicts, wip_schedule

PERIOD_MINUTES = 60
DEFAULT_STARTS = [dt.time(h, m) for h, m in [(10, 0), (11, 0), (12, 0), (14, 0), (15, 0), (16, 0)]]


@dataclasses.dataclass
class Period:
    id: str
    day: int
    start: dt.datetime
    end: dt.datetime


@dataclasses.dataclass
class PlanningProblem:
    """The problem dict and what its ids mean in the database."""

    problem: dict
    periods: list[Period]
    rooms: dict[str, Room]
    # problem session id -> (session, part numbers it covers)
    sessions: dict[str, tuple[Session, list[int]]]
    current: dict  # the WIP's placement as a hallway-scheduling-solution/1 (for --keep)


def _periods(event: Event, wip: Schedule, grid: list[dt.time] | None = None) -> list[Period]:
    tz = event.tz
    starts: dict[dt.date, set[dt.datetime]] = defaultdict(set)
    if grid is None:
        for slot in wip.slots.filter(session__isnull=False):
            if (slot.end - slot.start) <= dt.timedelta(minutes=PERIOD_MINUTES):
                starts[slot.start.astimezone(tz).date()].add(slot.start.astimezone(tz))
    if not starts:
        for day in event.days:
            times = DEFAULT_STARTS if grid is None else grid
            starts[day] = {dt.datetime.combine(day, t, tzinfo=tz) for t in times}
    periods: list[Period] = []
    for day_index, day in enumerate(event.days):
        ordered = sorted(starts.get(day, ()))
        for i, start in enumerate(ordered):
            end = start + dt.timedelta(minutes=PERIOD_MINUTES)
            if i + 1 < len(ordered):
                end = min(end, ordered[i + 1])
            periods.append(Period(f"d{day_index}p{i}", day_index, start, end))
    return periods


def _length(session: Session, parts: int) -> int:
    gaps = 15 * (parts - 1)
    return max(1, math.ceil((session.duration * parts + gaps) / PERIOD_MINUTES))


def _unavailable(periods: list[Period], windows: list[tuple[dt.datetime, dt.datetime]]) -> set:
    if not windows:
        return set()
    return {p.id for p in periods if not any(s <= p.start and p.end <= e for s, e in windows)}


def _document(umbrella, show_up, periods, rooms, room_blocked, speakers, mapping) -> dict:
    """The problem in the solver's format: periods, rooms with what blocks them, speakers,
    and each attendee's favourites among the sessions to place (the caller adds those)."""
    by_attendee: dict[int, list[str]] = defaultdict(list)
    first_pid = {}
    for pid, (session, _parts) in mapping.items():
        first_pid.setdefault(session.pk, pid)
    for attendee_id, session_id in Favourite.objects.filter(
        attendee__event=umbrella, session__in=[s for s, _ in mapping.values()]
    ).values_list("attendee_id", "session_id"):
        by_attendee[attendee_id].append(first_pid[session_id])

    problem = {
        "format": "hallway-scheduling-problem/1",
        "name": umbrella.slug,
        "show_up": show_up,
        "periods": [
            {"id": p.id, "day": p.day, "start": p.start.isoformat(), "end": p.end.isoformat()}
            for p in periods
        ],
        "rooms": [
            {
                "id": rid,
                "capacity": room.capacity or 0,
                "features": sorted(room.features),
                "unavailable": sorted(
                    room_blocked[rid]
                    | _unavailable(periods, [(a.start, a.end) for a in room.availabilities.all()])
                ),
            }
            for rid, room in rooms.items()
        ],
        "speakers": [{"id": sid, "unavailable": sorted(u)} for sid, u in speakers.items()],
        "attendees": [sorted(set(favs)) for favs in by_attendee.values()],
    }
    return problem


def _part_groups(session: Session) -> list[list[int]]:
    """The problem sessions a session becomes: one per part of a series workshop, else one
    holding every part (back to back in one room)."""
    if session.parts > 1 and not session.parts_consecutive:
        return [[k] for k in range(1, session.parts + 1)]
    return [list(range(1, session.parts + 1))]


def build_problem(
    event: Event, *, show_up: float = 0.6, grid: list[dt.time] | None = None
) -> PlanningProblem:
    """The umbrella's work in progress as a problem.  ``grid``, the start times of every
    day's periods, replaces the grid read off the work in progress: for a programme that is
    not placed yet (the demo generator's), where there is nothing to read it from."""
    umbrella = event.umbrella
    wip = wip_schedule(umbrella)
    periods = _periods(umbrella, wip, grid)
    period_at = {p.start: p for p in periods}
    rooms = {
        f"r{r.pk}": r
        for r in Room.objects.filter(event=umbrella).prefetch_related("availabilities")
    }
    room_id = {r.pk: rid for rid, r in rooms.items()}
    room_blocked: dict[str, set[str]] = {rid: set() for rid in rooms}

    sessions = list(
        Session.objects.filter(umbrella=umbrella, state__in=Session.SCHEDULABLE)
        .select_related("session_type", "track")
        .prefetch_related("speaker_links__speaker__availabilities")
    )
    slots_of: dict[int, list[Slot]] = defaultdict(list)
    for slot in wip.slots.filter(session__isnull=False).order_by("part"):
        slots_of[slot.session_id].append(slot)

    problem_sessions: list[dict] = []
    mapping: dict[str, tuple[Session, list[int]]] = {}
    assignments: dict[str, dict] = {}
    speakers: dict[str, set[str]] = {}

    for session in sessions:
        slots = slots_of.get(session.pk, [])
        speaker_ids = []
        for link in session.speaker_links.all():
            sid = f"sp{link.speaker_id}"
            speaker_ids.append(sid)
            windows = [(a.start, a.end) for a in link.speaker.availabilities.all()]
            speakers[sid] = _unavailable(periods, windows)
        pinned_off_grid = any(s.pinned and s.start not in period_at for s in slots)
        if pinned_off_grid:
            for slot in slots:
                overlapping = {p.id for p in periods if p.start < slot.end and slot.start < p.end}
                targets = rooms if session.is_plenary else [room_id.get(slot.room_id)]
                for rid in targets:
                    if rid:
                        room_blocked[rid] |= overlapping
            continue
        groups = _part_groups(session)
        for parts in groups:
            pid = f"s{session.pk}" if len(groups) == 1 else f"s{session.pk}p{parts[0]}"
            first = next((s for s in slots if s.part == parts[0]), None)
            fixed = None
            if first and first.pinned and first.room_id:
                fixed = {"period": period_at[first.start].id, "room": room_id[first.room_id]}
            problem_sessions.append(
                {
                    "id": pid,
                    "title": session.title,
                    "track": session.track.slug if session.track_id else "",
                    "kind": session.session_type.slug,
                    "length": _length(session, len(parts)),
                    "speakers": speaker_ids,
                    "requires": sorted(session.all_required_features),
                    "plenary": session.is_plenary,
                    "fixed": fixed,
                }
            )
            mapping[pid] = (session, parts)
            if first and first.room_id and first.start in period_at:
                assignments[pid] = {
                    "period": period_at[first.start].id,
                    "room": room_id[first.room_id],
                }

    problem = _document(umbrella, show_up, periods, rooms, room_blocked, speakers, mapping)
    problem["sessions"] = problem_sessions
    current = {"format": "hallway-scheduling-solution/1", "assignments": assignments}
    return PlanningProblem(problem, periods, rooms, mapping, current)


def _series_in_order(planning: PlanningProblem, assignments: dict, existing: dict) -> dict:
    """The solver knows nothing of part numbers: the parts of a series workshop are
    interchangeable problem sessions (same length, speakers and needs).  Hand their places out
    in time order so that part 1 comes first; pinned parts keep their own place."""
    ordered = dict(assignments)
    period_index = {p.id: i for i, p in enumerate(planning.periods)}
    series: dict[int, list[str]] = defaultdict(list)
    for pid in assignments:
        session, parts = planning.sessions[pid]
        slot = existing.get((session.pk, parts[0]))
        if session.parts > 1 and not session.parts_consecutive and not (slot and slot.pinned):
            series[session.pk].append(pid)
    for pids in series.values():
        by_part = sorted(pids, key=lambda pid: planning.sessions[pid][1][0])
        places = sorted((assignments[pid] for pid in pids), key=lambda a: period_index[a["period"]])
        ordered.update(zip(by_part, places, strict=True))
    return ordered


@transaction.atomic
def apply_solution(planning: PlanningProblem, solution: dict, event: Event) -> int:
    """Write the solver's placement into the work-in-progress schedule; returns how many
    session parts changed place (or left it: cancelled and withdrawn sessions lose their
    slots).  Pinned slots and breaks are left alone.

    Refuses (raising ``ValidationError``, writing nothing) if the result has hard conflicts.
    """
    ensure_not_frozen(event)
    wip = wip_schedule(event.umbrella)
    period_by_id = {p.id: i for i, p in enumerate(planning.periods)}
    gone = wip.slots.filter(session__isnull=False).exclude(session__state__in=Session.SCHEDULABLE)
    touched = set(gone.values_list("session_id", flat=True))
    changed, _ = gone.delete()
    existing = {(s.session_id, s.part): s for s in wip.slots.filter(session__isnull=False)}
    assignments = _series_in_order(planning, solution["assignments"], existing)
    for pid, place in assignments.items():
        session, parts = planning.sessions[pid]
        first = period_by_id[place["period"]]
        room = planning.rooms[place["room"]]
        length = _length(session, len(parts))
        for k, part in enumerate(parts):
            # Consecutive parts start on evenly spread periods of the session's block.
            period = planning.periods[first + (k * length) // len(parts)]
            start = period.start
            end = start + dt.timedelta(minutes=session.duration)
            slot = existing.get((session.pk, part))
            if slot and slot.pinned:
                continue
            if slot is None:
                Slot.objects.create(
                    schedule=wip, session=session, part=part, room=room, start=start, end=end
                )
                changed += 1
                touched.add(session.pk)
            elif (slot.start, slot.end, slot.room_id) != (start, end, room.pk):
                slot.start, slot.end, slot.room = start, end, room
                slot.save(update_fields=["start", "end", "room"])
                changed += 1
                touched.add(session.pk)
    conflicts = schedule_conflicts(wip)
    if conflicts:
        raise ValidationError([c.message for c in conflicts])
    stamp_changes(event, touched, source="the optimiser (hallway schedule optimize)")
    return changed
