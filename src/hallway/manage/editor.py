"""What the schedule editor's day page shows: the rooms × time grid of one conference day in the
umbrella's zone, the session parts not on the grid, and the conflicts, read in a handful of
queries whatever the number of sessions (the page must stay fast with 200 of them)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.urls import reverse
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe

from hallway.events.models import Event, Room, SessionType, Track
from hallway.permissions import organised_event_ids
from hallway.programme.models import Session, SessionSpeaker
from hallway.schedule.conflicts import day_conflicts
from hallway.schedule.models import Schedule, Slot
from hallway.schedule.services import wip_schedule

ROW_MINUTES = 5  # the grid's rows
DROP_MINUTES = 15  # where a dragged session may land
DEFAULT_HOURS = (9, 18)


@dataclasses.dataclass
class Card:
    """A session part, on the grid or on the list."""

    session: Session
    part: int
    slot: Slot | None
    movable: bool
    speakers: str
    column: int = 0
    row_start: int = 0
    row_end: int = 0

    @property
    def anchor(self) -> str:
        return f"session-{self.session.pk}-{self.part}"

    @property
    def version(self) -> str:
        return "" if self.slot is None else str(self.slot.version)

    @property
    def cancelled(self) -> bool:
        return self.session.state not in Session.SCHEDULABLE


@dataclasses.dataclass
class ConflictLine:
    severity: str
    kind: str
    message: str
    links: list[tuple[str, str]]  # (title, url)


def local_start(event: Event, day: dt.date, time: dt.time) -> dt.datetime:
    """The moment ``time`` on conference day ``day``: before the day change it is already the
    next calendar date (01:30 on a day that changes at 04:00)."""
    umbrella = event.umbrella
    date = day + dt.timedelta(days=1) if time < umbrella.day_change else day
    return dt.datetime.combine(date, time, tzinfo=umbrella.tz)


def _room_options(rooms: list[Room]) -> dict[int | None, str]:
    """The rooms' <option>s, once per selected room, so 200 "move to" forms cost no template
    loop each."""
    options = {}
    for selected in [None, *[r.pk for r in rooms]]:
        options[selected] = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((r.pk, " selected" if r.pk == selected else "", r.name) for r in rooms),
        )
    return options


def _day_options(days: list[dt.date]) -> dict[dt.date, str]:
    return {
        selected: format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((d.isoformat(), " selected" if d == selected else "", f"{d:%a %-d %b}") for d in days),
        )
        for selected in days
    }


def _backdrop(times: list, rooms: list[Room], column: dict[int, int]) -> str:
    """The time labels and the empty cells a session may be dropped on (rooms × quarter
    hours: up to a thousand), rendered here in one go rather than by a template loop; each
    room's name is escaped once, the rest are numbers and times this function made."""
    span = DROP_MINUTES // ROW_MINUTES
    names = [(room.pk, escape(room.name), column[room.pk]) for room in rooms]
    cells = []
    for row, label, hour in times:
        cells.append(
            f'<div class="time{" hour" if hour else ""}" '
            f'style="grid-column: 1; grid-row: {row} / span {span}">{label}</div>'
        )
        for pk, name, col in names:
            cells.append(
                f'<div class="drop" data-room="{pk}" data-time="{label}" title="{name} {label}" '
                f'style="grid-column: {col}; grid-row: {row} / span {span}"></div>'
            )
    return mark_safe("".join(cells))  # noqa: S308 - names escaped above, the rest numbers


def _sessions(family: list[int]) -> tuple[dict[int, Session], dict[int, str]]:
    """The sessions the editor shows (submitted and rejected ones never), and each one's
    speakers' names.  Only what the cards show: model instances with every field cost more
    than the queries."""
    sessions = {
        s.pk: s
        for s in Session.objects.filter(event_id__in=family)
        .exclude(state__in=[Session.SUBMITTED, Session.REJECTED])
        .select_related("event", "track")
        .only(
            *("id", "title", "state", "parts", "duration", "event_id", "track_id"),
            *("session_type_id", "event__name", "event__short_name", "track__colour"),
        )
    }
    speaker_names: dict[int, list[str]] = {}
    for session_id, name in (
        SessionSpeaker.objects.filter(session_id__in=sessions)
        .order_by("position", "id")
        .values_list("session_id", "speaker__name")
    ):
        speaker_names.setdefault(session_id, []).append(name)
    return sessions, {pk: ", ".join(speaker_names.get(pk, ())) for pk in sessions}


def _waiting(sessions: dict, placed: set, movable, names: dict, filters: dict) -> list[Card]:
    """The session parts on no slot, filtered as the side list asks, by title."""
    waiting = []
    for session in sessions.values():
        if session.state not in Session.SCHEDULABLE:
            continue
        for part in range(1, session.parts + 1):
            if (session.pk, part) not in placed:
                waiting.append(Card(session, part, None, movable(session), names[session.pk]))
    for key, field in (("event", "event_id"), ("track", "track_id"), ("type", "session_type_id")):
        if filters.get(key):
            waiting = [c for c in waiting if str(getattr(c.session, field)) == filters[key]]
    waiting.sort(key=lambda c: (c.session.title.lower(), c.part))
    return waiting


def _hours(umbrella: Event, day_start: dt.datetime, day_slots: list) -> tuple:
    """Where the day's grid begins and ends: 09:00 to 18:00, stretched to hold every slot."""
    tz = umbrella.tz
    begin = dt.datetime.combine(day_start.date(), dt.time(DEFAULT_HOURS[0]), tzinfo=tz)
    finish = dt.datetime.combine(day_start.date(), dt.time(DEFAULT_HOURS[1]), tzinfo=tz)
    if day_slots:
        first = min(s.start for s in day_slots)
        begin = min(begin, first.astimezone(tz).replace(minute=0, second=0, microsecond=0))
        finish = max(finish, max(s.end for s in day_slots).astimezone(tz))
    return begin, finish


def editor_day(event: Event, day: dt.date, user, filters: dict) -> dict:
    umbrella = event.umbrella
    wip = wip_schedule(umbrella)
    rooms = list(Room.objects.filter(event=umbrella))
    column = {r.pk: i + 2 for i, r in enumerate(rooms)}  # column 1 holds the times
    mine = organised_event_ids(user)
    frozen = wip.frozen_at is not None
    day_start, day_end = umbrella.day_bounds(day)
    family = umbrella.family_ids()
    sessions, names = _sessions(family)
    placed: set[tuple[int, int]] = set()
    day_slots = []
    for slot in Slot.objects.filter(schedule=wip, session__isnull=False).only(
        "id", "schedule_id", "session_id", "part", "room_id", "start", "end", "version", "pinned"
    ):
        placed.add((slot.session_id, slot.part))
        if day_start <= slot.start < day_end and slot.session_id in sessions:
            day_slots.append(slot)
    begin, finish = _hours(umbrella, day_start, day_slots)
    rows = max(1, -(-int((finish - begin).total_seconds() // 60) // ROW_MINUTES))

    def row(moment: dt.datetime) -> int:
        return 2 + int((moment - begin).total_seconds() // 60) // ROW_MINUTES

    def movable(session: Session) -> bool:
        return not frozen and session.event_id in mine

    room_of = {r.pk: r for r in rooms}
    cards = []
    for slot in day_slots:
        session = sessions[slot.session_id]
        slot.room = room_of.get(slot.room_id)
        start, end = row(slot.start), row(slot.end)
        cards.append(
            Card(
                *(session, slot.part, slot, movable(session), names[session.pk]),
                *(column.get(slot.room_id, 2), start, max(end, start + 1)),
            )
        )
    times = []
    moment = begin
    while moment < finish:
        times.append((row(moment), moment.strftime("%H:%M"), moment.minute == 0))
        moment += dt.timedelta(minutes=DROP_MINUTES)
    return {
        "backdrop": _backdrop(times, rooms, column),
        "umbrella": umbrella,
        "wip": wip,
        "day": day,
        "day_iso": day.isoformat(),
        "days": umbrella.days,
        "rooms": [(r, column[r.pk]) for r in rooms],
        "cards": cards,
        "waiting": _waiting(sessions, placed, movable, names, filters),
        "times": times,
        "rows": rows,
        "columns": len(rooms),
        "drop_span": DROP_MINUTES // ROW_MINUTES,
        "room_options": _room_options(rooms),
        "day_options": _day_options(umbrella.days),
        "conflicts": conflict_lines(umbrella, wip, day, sessions),
        "urls": {
            name: reverse(f"manage:editor_{name}", args=[event.slug])
            for name in ("move", "unplace", "propose")
        },
        "filter_events": Event.objects.filter(pk__in=family).order_by("parent_id", "name"),
        "filter_tracks": Track.objects.filter(event_id__in=family),
        "filter_types": SessionType.objects.filter(event_id__in=family),
        "filters": filters,
        "frozen": frozen,
    }


def conflict_lines(
    umbrella: Event, wip: Schedule, day: dt.date, sessions: dict
) -> list[ConflictLine]:
    """The conflicts of the day's sessions (with whatever they clash with, on this day or
    beside it), hard first, each linking to its sessions on the editor's day page.  The
    whole work in progress's are on the release page."""
    lines = []
    for conflict in day_conflicts(wip, day, soft=True):
        links = []
        for pk in conflict.sessions:
            session = sessions.get(pk)
            if session is None or conflict.when is None:
                continue
            day = umbrella.day_of(conflict.when)
            url = reverse("manage:editor_day", args=[umbrella.slug, day.isoformat()])
            links.append((session.title, f"{url}#session-{pk}-1"))
        lines.append(ConflictLine(conflict.severity, conflict.kind, conflict.message, links))
    lines.sort(key=lambda line: line.severity != "hard")
    return lines
