"""The solver in the schedule editor: propose a schedule beside the work in progress, show it
as moves with figures, and accept all or some of those moves through the editor's move service.

A proposal never writes the work in progress: ``run_proposal`` (a background task, see
``schedule/tasks.py``) stores the solver's answer as a list of changes on the ``Proposal`` row,
with its progress while it runs; ``accept`` applies the chosen changes one by one with
``editing.place`` / ``editing.unplace``, so each is checked (rights, freeze, the version the
solver read) and audited like a move by hand.

Scopes: the whole event (from scratch), one day (that day's sessions re-arranged within it,
the other days untouched), only the unscheduled sessions, and a re-plan after a cancellation
(both the solver's minimal re-planning from the work in progress, see ``solver/api.py``: the
latter may also move kept sessions into the freed place when that saves favourites).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hallway.attendees.models import Favourite
from hallway.events.models import Event, Room
from hallway.permissions import require
from hallway.programme.models import Session
from hallway.schedule import editing
from hallway.schedule.models import Proposal, Slot
from hallway.schedule.planning import PlanningProblem, _length, _series_in_order, build_problem
from hallway.schedule.services import SHOW_UP, ensure_not_frozen, wip_schedule

MAX_SECONDS = 120.0


def create_proposal(
    event: Event,
    *,
    by,
    scope: str,
    day: dt.date | None = None,
    cancelled: Session | None = None,
    time_limit: float = 5.0,
) -> Proposal:
    """Ask the solver for a proposal: a task, run at once with HALLWAY_TASKS=immediate."""
    from hallway.schedule.tasks import run_proposal_task

    umbrella = event.umbrella
    require(by, "hallway.optimise_schedule", umbrella)
    ensure_not_frozen(umbrella)
    if scope not in dict(Proposal.SCOPES):
        raise ValidationError(f"Unknown scope {scope!r}.")
    if scope == Proposal.DAY and day not in umbrella.days:
        raise ValidationError("Choose one of the event's days to propose for.")
    if scope == Proposal.REPLAN:
        if cancelled is None or cancelled.umbrella_id != umbrella.pk:
            raise ValidationError("A re-plan starts from a cancelled session of this event.")
        if cancelled.state in Session.SCHEDULABLE:
            raise ValidationError(f"'{cancelled.title}' is not cancelled.")
    if not 0.5 <= time_limit <= MAX_SECONDS:
        raise ValidationError(f"The time limit must be between 0.5 and {MAX_SECONDS:.0f} seconds.")
    proposal = Proposal.objects.create(
        event=umbrella,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        scope=scope,
        day=day if scope == Proposal.DAY else None,
        cancelled_session_id=cancelled.pk if cancelled else None,
        time_limit=time_limit,
    )
    run_proposal_task.enqueue(proposal.pk)
    proposal.refresh_from_db()
    return proposal


def _day_problem(planning: PlanningProblem, day_index: int) -> dict:
    """The problem of one day: its periods and the sessions on it now; the rest stays put."""
    problem = planning.problem
    periods = [p for p in problem["periods"] if p["day"] == day_index]
    ids = {p["id"] for p in periods}
    current = planning.current["assignments"]
    sessions = [
        s
        for s in problem["sessions"]
        if (s.get("fixed") or current.get(s["id"], {})).get("period") in ids
    ]
    kept = {s["id"] for s in sessions}
    speakers = {sp for s in sessions for sp in s["speakers"]}
    return {
        **problem,
        "periods": periods,
        "rooms": [
            {**r, "unavailable": [p for p in r["unavailable"] if p in ids]}
            for r in problem["rooms"]
        ],
        "speakers": [
            {**sp, "unavailable": [p for p in sp["unavailable"] if p in ids]}
            for sp in problem["speakers"]
            if sp["id"] in speakers
        ],
        "sessions": sessions,
        "attendees": [f for f in ([s for s in a if s in kept] for a in problem["attendees"]) if f],
    }


def _placements(planning: PlanningProblem, assignments: dict, existing: dict) -> dict:
    """(session id, part) -> (room, start, end) for the solver's assignments, as
    ``planning.apply_solution`` would write them."""
    index = {p.id: i for i, p in enumerate(planning.periods)}
    out = {}
    for pid, place in _series_in_order(planning, assignments, existing).items():
        session, parts = planning.sessions[pid]
        first = index[place["period"]]
        length = _length(session, len(parts))
        for k, part in enumerate(parts):
            slot = existing.get((session.pk, part))
            if slot is not None and slot.pinned:
                continue
            start = planning.periods[first + (k * length) // len(parts)].start
            end = start + dt.timedelta(minutes=session.duration)
            out[(session.pk, part)] = (planning.rooms[place["room"]], start, end)
    return out


def _state(room: Room | None, start: dt.datetime, end: dt.datetime) -> dict:
    return {
        "room": room.pk if room else None,
        "room_name": room.name if room else "",
        "start": start.isoformat(),
        "end": end.isoformat(),
    }


def figures(umbrella: Event, placement: dict, capacity: dict[int, int | None]) -> dict:
    """Missed favourites (the referee's count: per attendee, favourites beyond the most that do
    not overlap; an unplaced favourite is missed) and seats over capacity (favourites ×
    show-up rate beyond the room's seats) of ``placement``: (session, part) -> (room id,
    start, end)."""
    spans: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    rooms_of: dict[int, list[int]] = defaultdict(list)
    for (session_id, _part), (room_id, start, end) in placement.items():
        a, b = spans.get(session_id, (start, end))
        spans[session_id] = (min(a, start), max(b, end))
        rooms_of[session_id].append(room_id)
    by_attendee: dict[int, list[int]] = defaultdict(list)
    stars: dict[int, int] = defaultdict(int)
    for attendee, session in Favourite.objects.filter(
        attendee__event=umbrella, session__state__in=Session.SCHEDULABLE
    ).values_list("attendee_id", "session_id"):
        by_attendee[attendee].append(session)
        stars[session] += 1
    missed = total = 0
    for favourites in by_attendee.values():
        total += len(favourites)
        intervals = sorted((spans[s][1], spans[s][0]) for s in favourites if s in spans)
        kept, last_end = 0, None
        for end, start in intervals:
            if last_end is None or start >= last_end:
                kept, last_end = kept + 1, end
        missed += len(favourites) - kept
    over = 0.0
    for session_id, rooms in rooms_of.items():
        for room_id in rooms:
            seats = capacity.get(room_id)
            if seats:
                over += max(0.0, stars.get(session_id, 0) * SHOW_UP - seats)
    return {"missed": missed, "favourites": total, "over_capacity": round(over)}


def _changes(planning: PlanningProblem, umbrella: Event, result) -> tuple[dict, dict, list]:
    """The work in progress's slots, the solver's placement, and the moves between them (with
    the version each slot had when the solver read it)."""
    wip = wip_schedule(umbrella)
    existing = {
        (s.session_id, s.part): s
        for s in Slot.objects.filter(schedule=wip, session__isnull=False).select_related("room")
    }
    proposed = _placements(planning, result.solution["assignments"], existing)
    titles = {s.pk: s.title for s, _parts in planning.sessions.values()}
    changes = []
    for key, (room, start, end) in proposed.items():
        slot = existing.get(key)
        if slot is not None and (slot.room_id, slot.start, slot.end) == (room.pk, start, end):
            continue
        title = titles.get(key[0], f"session {key[0]}")
        changes.append(
            {
                "session": key[0],
                "part": key[1],
                "title": title,
                "before": _state(slot.room, slot.start, slot.end) if slot else None,
                "after": _state(room, start, end),
                "version": slot.version if slot else None,
            }
        )
    return existing, proposed, changes


def run_proposal(proposal_id: int) -> str:
    """Solve, and store the proposal's changes and figures on its row (the task's body)."""
    from hallway.solver import InfeasibleError, ProblemError, solve

    proposal = Proposal.objects.select_related("event").get(pk=proposal_id)
    if proposal.state != Proposal.QUEUED:
        return proposal.state
    Proposal.objects.filter(pk=proposal.pk).update(state=Proposal.RUNNING)
    umbrella = proposal.event
    last = [0.0]

    def progress(info: dict) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5 and info.get("phase") != "done":
            return
        last[0] = now
        keys = ("phase", "elapsed", "time_left", "missed", "best_missed", "overflow")
        Proposal.objects.filter(pk=proposal.pk).update(
            progress={
                k: round(v, 1) if isinstance(v, float) else v for k, v in info.items() if k in keys
            }
        )

    try:
        planning = build_problem(umbrella)
        problem, keep, allow_moves = planning.problem, None, False
        if proposal.scope == Proposal.DAY:
            problem = _day_problem(planning, umbrella.days.index(proposal.day))
        elif proposal.scope in (Proposal.UNSCHEDULED, Proposal.REPLAN):
            keep = planning.current if planning.current["assignments"] else None
            allow_moves = proposal.scope == Proposal.REPLAN and keep is not None
        if not problem["sessions"]:
            raise ValidationError("There is nothing to schedule in this scope.")
        result = solve(
            problem,
            time_limit=proposal.time_limit,
            seed=proposal.pk,
            keep=keep,
            allow_moves=allow_moves,
            on_progress=progress,
        )
    except (InfeasibleError, ProblemError, ValidationError) as exc:
        message = "; ".join(getattr(exc, "reasons", None) or getattr(exc, "messages", [str(exc)]))
        Proposal.objects.filter(pk=proposal.pk).update(
            state=Proposal.FAILED, error=message[:5000], finished_at=timezone.now()
        )
        return Proposal.FAILED

    existing, proposed, changes = _changes(planning, umbrella, result)
    changes.sort(key=lambda c: (c["after"]["start"], c["title"]))
    schedulable = {s.pk for s, _parts in planning.sessions.values()}
    current = {k: (s.room_id, s.start, s.end) for k, s in existing.items() if k[0] in schedulable}
    after = {**current, **{k: (r.pk, a, b) for k, (r, a, b) in proposed.items()}}
    capacity = {r.pk: r.capacity for r in planning.rooms.values()}
    Proposal.objects.filter(pk=proposal.pk).update(
        state=Proposal.DONE,
        changes=changes,
        figures={
            "current": figures(umbrella, current, capacity),
            "proposed": {**figures(umbrella, after, capacity), "moved": len(changes)},
            "solver": result.gap_text(),
            "seconds": round(result.seconds, 1),
        },
        finished_at=timezone.now(),
    )
    return Proposal.DONE


def change_key(change: dict) -> str:
    return f"{change['session']}-{change['part']}"


def accept(proposal: Proposal, keys: set[str] | None, *, by) -> tuple[int, list[str]]:
    """Apply the proposal's changes named by ``keys`` (``None``: all of them) through the move
    service; returns how many were made and, for each refused one, why (someone moved the
    session since the solver read it, the user may not move it, the schedule is frozen)."""
    if proposal.state != Proposal.DONE:
        raise ValidationError("This proposal is not ready.")
    umbrella = proposal.event
    sessions = Session.objects.select_related("event__parent").in_bulk(
        {c["session"] for c in proposal.changes}
    )
    rooms = Room.objects.filter(event=umbrella).in_bulk()
    made, refused = 0, []
    changes = list(proposal.changes)
    for change in changes:
        if change.get("accepted") or (keys is not None and change_key(change) not in keys):
            continue
        session = sessions.get(change["session"])
        try:
            if session is None:
                raise ValidationError(f"'{change['title']}' no longer exists.")
            room = rooms.get(change["after"]["room"])
            if room is None:
                raise ValidationError(f"The room for '{change['title']}' no longer exists.")
            start = dt.datetime.fromisoformat(change["after"]["start"])
            editing.place(
                session,
                change["part"],
                editing.Placement(room, start),
                by=by,
                version=change["version"],
            )
        except (ValidationError, PermissionDenied) as exc:
            refused.append(getattr(exc, "messages", [str(exc)])[0])
            continue
        change["accepted"] = True
        made += 1
    Proposal.objects.filter(pk=proposal.pk).update(changes=changes)
    proposal.changes = changes
    return made, refused
