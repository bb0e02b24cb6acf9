"""A spreadsheet view of the programme: one row per session, for organisers who live in
LibreOffice and for quick diffing of two releases.  Export only: a CSV has too little
structure to import a programme from safely."""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from . import _shared as sh
from .model import Programme

# "event" is the co-located event a session belongs to (empty for the umbrella's own), so a
# merged programme can be sorted and filtered by it in a spreadsheet.
COLUMNS = (
    "date",
    "start",
    "end",
    "room",
    "title",
    "speakers",
    "event",
    "track",
    "type",
    "language",
    "url",
    "guid",
)


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (=HYPERLINK(...), +cmd|..., @SUM(...), and tab or CR ahead of one): OWASP's CSV injection.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it as text: a leading single quote, which those
    programs read as "this is text" and do not display, in front of a formula's first
    character.  Applied to every cell, since any of them can come from an imported file."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def export_csv(programme: Programme) -> bytes:
    """UTF-8 CSV (with BOM so spreadsheet apps detect the encoding), times in the
    programme's zone, speakers separated by ``; ``."""
    tz = ZoneInfo(programme.time_zone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for session in sorted(
        programme.sessions, key=lambda s: (s.start, s.room.name if s.room else "", s.title)
    ):
        start = session.start.astimezone(tz)
        end = session.end.astimezone(tz)
        cells = [
            start.date().isoformat(),
            start.strftime("%H:%M"),
            # A session running past midnight (a CTF, a party) says on which day it ends.
            end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%Y-%m-%d %H:%M"),
            session.room.name if session.room else "",
            session.title,
            "; ".join(p.name for p in session.persons),
            session.sub_event or "",
            session.track.name if session.track else "",
            session.type,
            session.language,
            # a spreadsheet turns a URL cell into a link: never a javascript: or data: one
            session.url if sh.is_http_url(session.url) else "",
            str(session.guid),
        ]
        writer.writerow([spreadsheet_cell(cell) for cell in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
