"""Lay a day's slots out as a rooms × time grid (CSS grid rows of five minutes)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from hallway.events.models import Room
from hallway.schedule.models import Slot

ROW_MINUTES = 5


@dataclasses.dataclass
class Cell:
    slot: Slot
    row_start: int
    row_end: int
    column: int | None  # None: a break that spans every room
    local_start: dt.datetime
    local_end: dt.datetime

    @property
    def size(self) -> str:
        """How much a card of this height can show, so that its title is never cut or covered:
        'micro' (10 minutes or less: one line of title), 'mini' (15: the time and one line),
        'tiny' (20: the time and two lines), 'short' (30: and the speakers), or '' (all)."""
        minutes = (self.row_end - self.row_start) * ROW_MINUTES
        for limit, size in ((10, "micro"), (15, "mini"), (20, "tiny"), (30, "short")):
            if minutes <= limit:
                return size
        return ""


@dataclasses.dataclass
class Grid:
    rooms: list[Room]
    cells: list[Cell]
    hours: list[tuple[int, str]]  # (row, "10:00") markers for the time column
    rows: int

    @property
    def columns(self) -> int:
        return len(self.rooms)


def build_grid(slots: Iterable[Slot], breaks: Iterable[Slot], rooms: Iterable[Room], tz) -> Grid:
    slots, breaks = list(slots), list(breaks)
    if not slots:
        return Grid(rooms=[], cells=[], hours=[], rows=0)
    used = {s.room_id for s in slots if not s.session.is_plenary}
    rooms = [r for r in rooms if r.pk in used]
    # A session is drawn in its room's column.  Only a plenary session in a room that is no
    # column of the day (the combined ballroom of the keynotes) spans the grid: nothing else
    # runs beside it, and its room is named on its card.
    column_of = {r.pk: i + 2 for i, r in enumerate(rooms)}  # column 1 is the time column
    first = min(s.start for s in slots).astimezone(tz)
    last = max(s.end for s in slots).astimezone(tz)
    origin = first.replace(minute=0, second=0, microsecond=0)

    def row(moment: dt.datetime) -> int:
        return int((moment.astimezone(tz) - origin).total_seconds() // 60 // ROW_MINUTES) + 2

    # A zero-length entry still gets one row.
    cells = [
        Cell(
            s,
            row(s.start),
            max(row(s.end), row(s.start) + 1),
            column_of.get(s.room_id),
            s.start.astimezone(tz),
            s.end.astimezone(tz),
        )
        for s in slots
    ]
    cells += [
        Cell(b, row(b.start), row(b.end), None, b.start.astimezone(tz), b.end.astimezone(tz))
        for b in breaks
        if b.start < last and b.end > first
    ]
    hours = []
    moment = origin
    while moment < last:
        hours.append((row(moment), moment.strftime("%H:%M")))
        moment += dt.timedelta(minutes=30)
    return Grid(rooms=rooms, cells=cells, hours=hours, rows=row(last))
