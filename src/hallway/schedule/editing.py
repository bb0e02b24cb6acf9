"""The schedule editor's writes: place a session part, move it, take it back to the list, undo.

Each is one transaction that, in this order, locks the umbrella's work in progress (so two
organisers' moves are serialised), checks the user's rights on the session
(``hallway.change_slot``), the freeze, and the version the user's page showed, then writes the
slot and its audit entry.  The WIP's edit counter (``Schedule.edits``) numbers the moves; each
moved slot carries the number of its last move (``Slot.version``), so a page that showed an
older number is stale, and the refusal says who changed what meanwhile.

Times come in as aware datetimes; the views make them from the event's own zone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hallway.audit.models import AuditEntry
from hallway.audit.services import record
from hallway.events.models import Event, Room
from hallway.permissions import require
from hallway.programme.models import Session
from hallway.schedule.models import Schedule, Slot
from hallway.schedule.services import ensure_not_frozen, wip_schedule

PLACED, MOVED, UNPLACED, UNDONE = "slot.placed", "slot.moved", "slot.unplaced", "slot.undone"
#: A change to the work in progress made outside the editor (the admin, an import, the
#: optimiser): one entry naming the sessions it touched and the edit number it took.
REWRITTEN = "schedule.rewritten"
UNDOABLE = (PLACED, MOVED, UNPLACED)
#: How far back "undo" reaches, per user.
UNDO_DEPTH = 50


class StaleEdit(ValidationError):
    """The page the move came from showed an older state of this session part."""


@dataclasses.dataclass(frozen=True)
class Placement:
    room: Room
    start: dt.datetime


def _local(moment: dt.datetime | str | None, event: Event) -> str:
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return timezone.localtime(moment, event.umbrella.tz).strftime("%a %H:%M")


def describe(state: dict | None, event: Event) -> str:
    """'Room Aardvark, Fri 10:00' or 'the list of unscheduled sessions'."""
    if not state or not state.get("start"):
        return "the list of unscheduled sessions"
    return f"{state.get('room_name') or 'no room'}, {_local(state.get('start'), event)}"


def _state(slot: Slot | None) -> dict | None:
    if slot is None:
        return None
    return {
        "part": slot.part,
        "room": slot.room_id,
        "room_name": slot.room.name if slot.room_id else "",
        "start": slot.start.isoformat(),
        "end": slot.end.isoformat(),
        "version": slot.version,
    }


def _lock_wip(event: Event) -> Schedule:
    wip = wip_schedule(event.umbrella)
    return Schedule.objects.select_for_update().get(pk=wip.pk)


def stamp_changes(event: Event, session_ids, *, by=None, source: str) -> int:
    """Number a change to the work in progress made outside the editor: ``source`` (the
    admin, an import, the optimiser) moved, added or removed the slots of ``session_ids``.
    Under the WIP's lock the change takes the next edit number, the sessions' remaining slots
    carry it, and one audit entry names the source, so an editor page that showed the older
    state is refused with who changed what (rather than silently overwriting it).  Call it
    inside the change's transaction; returns the number taken (0: nothing changed)."""
    session_ids = sorted({pk for pk in session_ids if pk is not None})
    if not session_ids:
        return 0
    wip = _lock_wip(event)
    wip.edits += 1
    Schedule.objects.filter(pk=wip.pk).update(edits=wip.edits)
    wip.slots.filter(session_id__in=session_ids).update(version=wip.edits)
    record(
        event.umbrella,
        REWRITTEN,
        by=by,
        obj=wip,
        after={"edits": wip.edits, "sessions": session_ids, "source": source},
        note=f"{len(session_ids)} session(s) changed by {source}",
    )
    return wip.edits


def _last_change(session: Session) -> tuple[AuditEntry | None, str]:
    """The last entry that changed ``session``'s place: a move in the editor, or a change
    from outside it (with its source)."""
    last = (
        AuditEntry.objects.filter(
            object_type="program.session", object_id=str(session.pk), action__in=[*UNDOABLE, UNDONE]
        )
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    outside = AuditEntry.objects.filter(
        event=session.event.umbrella, action=REWRITTEN, id__gt=last.pk if last else 0
    )
    for entry in outside.select_related("actor").order_by("-id")[:50]:
        if session.pk in (entry.after or {}).get("sessions", ()):
            return entry, f" through {entry.after.get('source', 'another page')}"
    return last, ""


def _what_changed(session: Session, part: int, current: Slot | None) -> str:
    """The refusal of a stale move: who last changed this part, and where it is now."""
    event = session.event
    last, through = _last_change(session)
    where = describe(_state(current), event)
    who = "someone"
    if last is not None:
        who = last.actor.get_username() if last.actor_id else "the system"
        when = timezone.localtime(last.at, event.umbrella.tz).strftime("%H:%M")
        who = f"{who} (at {when}){through}"
    title = session.title if session.parts == 1 else f"{session.title} (part {part})"
    return (
        f"'{title}' was changed by {who} since your page was loaded: it is now in {where}. "
        "Nothing was moved; look again and repeat the move if it still makes sense."
    )


def _check_version(session: Session, part: int, current: Slot | None, version) -> None:
    """``version`` is what the user's page showed: the slot's version, or ``None`` for a part
    that was on the list (no slot)."""
    expected = None if current is None else current.version
    if version != expected:
        raise StaleEdit(_what_changed(session, part, current))


def _current(wip: Schedule, session: Session, part: int) -> Slot | None:
    return (
        Slot.objects.select_related("room").filter(schedule=wip, session=session, part=part).first()
    )


def _check_place(session: Session, part: int, placement: Placement) -> None:
    umbrella = session.event.umbrella
    if part < 1 or part > session.parts:
        raise ValidationError(f"'{session.title}' has no part {part}.")
    if placement.room.event_id != umbrella.pk:
        raise ValidationError(f"{placement.room.name} is not a room of {umbrella.name}.")
    if timezone.is_naive(placement.start):
        raise ValidationError("A start time needs its time zone.")
    if umbrella.day_of(placement.start) not in umbrella.days:
        raise ValidationError(
            f"{_local(placement.start, umbrella)} is not on one of {umbrella.name}'s days."
        )


def place(
    session: Session,
    part: int,
    placement: Placement,
    *,
    by,
    version: int | None,
    undoes: int | None = None,
) -> Slot:
    """Put part ``part`` of ``session`` at ``placement`` (from the list, or from elsewhere on
    the grid).  ``version`` is the slot's version the user's page showed (``None``: the page
    showed the part unscheduled).  Conflicts the move makes are not refused: the editor shows
    them, and a release refuses the hard ones.  ``undoes`` is the audit entry an undo takes
    back (the entry written is then ``slot.undone``)."""
    with transaction.atomic():
        wip = _lock_wip(session.event)
        current = _current(wip, session, part)
        require(by, "hallway.change_slot", current or Slot(schedule=wip, session=session))
        require(by, "hallway.change_session", session)
        ensure_not_frozen(session.event)
        _check_version(session, part, current, version)
        _check_place(session, part, placement)
        before = _state(current)
        wip.edits += 1
        Schedule.objects.filter(pk=wip.pk).update(edits=wip.edits)
        end = placement.start + dt.timedelta(minutes=session.duration)
        if current is None:
            slot = Slot.objects.create(
                schedule=wip,
                session=session,
                part=part,
                room=placement.room,
                start=placement.start,
                end=end,
                version=wip.edits,
            )
        else:
            slot = current
            slot.room, slot.start, slot.end, slot.version = (
                placement.room,
                placement.start,
                end,
                wip.edits,
            )
            slot.save(update_fields=["room", "start", "end", "version"])
        action = PLACED if current is None else MOVED
        _record(session, action, by, before, _state(slot), undoes)
        return slot


def _record(session, action, by, before, after, undoes) -> None:
    if undoes is not None:
        # An undo is in the log as itself, naming the move it took back, so the next undo
        # goes one further back rather than undoing the undo.
        action, after = UNDONE, {**(after or {}), "undoes": undoes}
    record(session.event, action, by=by, obj=session, before=before, after=after)


def unplace(
    session: Session, part: int, *, by, version: int | None, undoes: int | None = None
) -> None:
    """Take part ``part`` of ``session`` off the grid, back to the list of unscheduled
    sessions."""
    with transaction.atomic():
        wip = _lock_wip(session.event)
        current = _current(wip, session, part)
        if current is None and version is None:
            return  # already on the list, as the page showed: nothing to do
        require(by, "hallway.change_slot", current or Slot(schedule=wip, session=session))
        require(by, "hallway.change_session", session)
        ensure_not_frozen(session.event)
        _check_version(session, part, current, version)
        before = _state(current)
        wip.edits += 1
        Schedule.objects.filter(pk=wip.pk).update(edits=wip.edits)
        current.delete()
        _record(session, UNPLACED, by, before, None, undoes)


def undo_candidates(event: Event, by) -> list[AuditEntry]:
    """``by``'s last moves in ``event``'s conference not undone yet, newest first."""
    umbrella = event.umbrella
    entries = AuditEntry.objects.filter(
        event_id__in=umbrella.family_ids(), actor=by, action__in=[*UNDOABLE, UNDONE]
    ).order_by("-id")[: UNDO_DEPTH * 2]
    undone: set[int] = set()
    pending = []
    for entry in entries:
        if entry.action == UNDONE:
            undone.add((entry.after or {}).get("undoes"))
        elif entry.pk not in undone:
            pending.append(entry)
    return pending


@transaction.atomic
def undo_last(event: Event, *, by) -> AuditEntry | None:
    """Undo ``by``'s last move in ``event``'s conference; returns the move undone (``None``:
    nothing to undo).

    Refused (``StaleEdit``) when someone moved that session part since: undo never overwrites
    another organiser's later move."""
    _lock_wip(event)
    candidates = undo_candidates(event, by)
    if not candidates:
        return None
    entry = candidates[0]
    session = Session.objects.select_related("event__parent").filter(pk=entry.object_id).first()
    if session is None:
        raise ValidationError("The session of your last move no longer exists.")
    part = (entry.after or entry.before or {}).get("part", 1)
    # The part must still be where that move left it (an undo re-creates slots, so their
    # version numbers differ from the entry's; the place is what matters).
    current = _current(wip_schedule(event), session, part)
    where = (current.room_id, current.start.isoformat()) if current else None
    left = (entry.after["room"], entry.after["start"]) if entry.after else None
    if where != left:
        raise StaleEdit(_what_changed(session, part, current))
    version = current.version if current else None
    if entry.before:
        room = Room.objects.filter(pk=entry.before["room"], event=event.umbrella).first()
        if room is None:
            raise ValidationError("The room of your last move no longer exists.")
        start = dt.datetime.fromisoformat(entry.before["start"])
        place(session, part, Placement(room, start), by=by, version=version, undoes=entry.pk)
    else:
        unplace(session, part, by=by, version=version, undoes=entry.pk)
    return entry
