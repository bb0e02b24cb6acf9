"""hallway's format layer: schedule files in and out, independent of the database.

``parse(bytes) -> Programme`` reads every schedule format hallway meets in the wild;
``export(programme, format) -> bytes`` writes the formats apps and calendars consume.  The
Django glue maps :class:`~hallway.interop.model.Programme` to and from models; nothing in
this package imports Django.  Every import failure is a :class:`FormatError` naming what is
wrong and where, raised before anything is returned: a parse either succeeds completely or
produces nothing.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import _json
from . import _shared as sh
from ._shared import assume_zone, day_change_of
from .csv_export import export_csv
from .errors import FormatError
from .frab_json import export_frab_json, parse_frab_json_document
from .frab_xml import parse_frab_xml
from .frab_xml_export import export_frab_xml
from .ical import export_ical, parse_ical
from .model import Day, Entry, Link, Person, Programme, Room, Track, derive_uuid, slugify
from .scale_signs import parse_scale_signs_document
from .schedule2 import parse_schedule2_document
from .sessionize import parse_sessionize_document
from .sniff import family_of, sniff_family, sniff_json

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    media_type: str
    extension: str
    can_parse: bool
    can_export: bool


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "frab-xml",
            "frab/pentabarf schedule.xml",
            "application/vnd.c3voc.schedule+xml",
            "xml",
            True,
            True,
        ),
        Format("frab-json", "frab/C3VOC schedule.json", "application/json", "json", True, True),
        Format("schedule2-json", "C3VOC schedule2 JSON", "application/json", "json", True, False),
        Format(
            "sessionize",
            "Sessionize JSON (All, Sessions, GridSmart or Speakers view)",
            "application/json",
            "json",
            True,
            False,
        ),
        Format("scale-signs", "SCaLE signage JSON", "application/json", "json", True, False),
        Format("ical", "iCalendar", "text/calendar", "ics", True, True),
        Format("csv", "CSV (one row per session)", "text/csv", "csv", False, True),
    )
}

_JSON_PARSERS: dict[str, Callable[..., Programme]] = {
    "frab-json": parse_frab_json_document,
    "schedule2-json": parse_schedule2_document,
    "sessionize": parse_sessionize_document,
    "scale-signs": parse_scale_signs_document,
}
_EXPORTERS: dict[str, Callable[[Programme], bytes]] = {
    "frab-xml": export_frab_xml,
    "frab-json": export_frab_json,
    "ical": export_ical,
    "csv": export_csv,
}


def sniff(data: bytes) -> str:
    """The format name of ``data`` (parses JSON to tell the JSON formats apart)."""
    data, _ = sh.as_utf8(data)
    family = sniff_family(data)
    if family == "json":
        return sniff_json(_json.load_json(data, format="json"))
    return "frab-xml" if family == "xml" else "ical"


def parse(
    data: bytes,
    *,
    format: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    time_zone: str | None = None,
) -> Programme:
    """Read a schedule file into a :class:`Programme`.

    ``format`` is one of the parseable :data:`FORMATS` names, or ``None`` to sniff it.
    ``time_zone`` (IANA name) is used where the file does not say (old FOSDEM, Sessionize).
    Raises :class:`FormatError` for anything that cannot be read completely.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("parse() takes bytes; open files in binary mode")
    data = bytes(data)
    if len(data) > max_bytes:
        raise FormatError(
            f"file is {len(data):,} bytes, larger than the {max_bytes:,}-byte limit", format=format
        )
    if format is not None and (format not in FORMATS or not FORMATS[format].can_parse):
        readable = ", ".join(n for n, f in FORMATS.items() if f.can_parse)
        raise FormatError(f"unknown import format {format!r} (known: {readable})")
    data, encoding_note = sh.as_utf8(data)
    programme = _parse(data, format, time_zone)
    if encoding_note:
        programme.warnings.insert(0, encoding_note)
    return programme


def _parse(data: bytes, format: str | None, time_zone: str | None) -> Programme:
    family = sniff_family(data)
    if format is not None and family_of(format) != family:
        raise FormatError(
            f"the file was declared {format} but its content is "
            f"{ {'xml': 'XML', 'json': 'JSON', 'ical': 'iCalendar'}[family] }",
            "line 1",
            format=format,
        )
    try:
        if family == "xml":
            return parse_frab_xml(data, time_zone=time_zone)
        if family == "ical":
            return parse_ical(data, time_zone=time_zone)
        document = _json.load_json(data, format=format or "json")
        found = sniff_json(document) if format is None else format
        if format is not None:
            try:
                actual = sniff_json(document)
            except FormatError:
                actual = None
            if actual is not None and actual != format:
                raise FormatError(
                    f"the file was declared {format} but looks like {actual}", "$", format=format
                )
        return _JSON_PARSERS[found](document, time_zone=time_zone)
    except RecursionError:
        raise FormatError("document nested too deeply", format=format) from None
    except FormatError as exc:
        # The parsers' guard (``unexpected_content``) turns Python's refusal of a long digit
        # run into "unexpected content" with no place: say what it is and where.
        if _over_digit_limit(exc.__cause__):
            raise sh.long_number_error(data.decode("utf-8", "replace"), format=format) from None
        raise
    except ValueError as exc:
        # The same refusal where no guard is (the iCalendar reader); any other ValueError is
        # a bug and is not hidden.
        if not _over_digit_limit(exc):
            raise
        raise sh.long_number_error(data.decode("utf-8", "replace"), format=format) from None
    except OverflowError:
        # A date or duration beyond what Python's datetime can hold (year 10000, 10^12 days).
        raise FormatError(
            "a date, time or duration is out of range (beyond the year 9999)", format=format
        ) from None


def _over_digit_limit(exc: BaseException | None) -> bool:
    """Python's refusal to turn more than 4,300 digits into an int (int_max_str_digits)."""
    return isinstance(exc, ValueError) and "integer string conversion" in str(exc)


def export(programme: Programme, format: str) -> bytes:
    """Write ``programme`` in one of the exportable :data:`FORMATS`."""
    if format not in _EXPORTERS:
        writable = ", ".join(_EXPORTERS)
        raise ValueError(f"unknown export format {format!r} (known: {writable})")
    _check_exportable(programme)
    return _EXPORTERS[format](programme)


def _check_exportable(programme: Programme) -> None:
    """Catch the caller bugs that would otherwise give a quietly wrong file."""
    try:
        ZoneInfo(programme.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"programme.time_zone {programme.time_zone!r} is not an IANA time zone name"
        ) from None
    for session in programme.sessions:
        if session.start.tzinfo is None:
            raise ValueError(
                f"session {session.guid} ({session.title!r}) starts at a naive "
                "datetime; the model needs timezone-aware times"
            )
        if session.duration.total_seconds() < 0:
            raise ValueError(f"session {session.guid} ({session.title!r}) has a negative duration")


def _matches(value: object, candidates: set[str]) -> bool:
    return value is not None and str(value) in candidates


def filter_programme(
    programme: Programme,
    *,
    track: str | Track | None = None,
    room: str | Room | None = None,
    person: str | Person | None = None,
    sub_event: str | None = None,
    session: str | uuid.UUID | Entry | None = None,
) -> Programme:
    """A copy of ``programme`` holding only the sessions matching every given criterion.

    Criteria are objects from the programme or strings: a track's name or slug, a room's
    name or guid, a person's name, guid or key, a session's guid.  Rooms, tracks, persons
    and days are narrowed to those the remaining sessions use.
    """
    sessions = list(programme.sessions)
    if track is not None:
        if isinstance(track, Track):
            sessions = [s for s in sessions if s.track is track]
        else:
            sessions = [s for s in sessions if s.track and track in (s.track.name, s.track.slug)]
    if room is not None:
        if isinstance(room, Room):
            sessions = [s for s in sessions if s.room is room]
        else:
            sessions = [
                s
                for s in sessions
                if s.room and (room == s.room.name or _matches(s.room.guid, {room}))
            ]
    if person is not None:
        if isinstance(person, Person):
            sessions = [s for s in sessions if any(p is person for p in s.persons)]
        else:
            sessions = [
                s
                for s in sessions
                if any(person in (p.name, p.key) or _matches(p.guid, {person}) for p in s.persons)
            ]
    if sub_event is not None:
        sessions = [s for s in sessions if s.sub_event == sub_event]
    if session is not None:
        wanted = session.guid if isinstance(session, Entry) else uuid.UUID(str(session))
        sessions = [s for s in sessions if s.guid == wanted]
    used_rooms = {id(s.room) for s in sessions}
    used_tracks = {id(s.track) for s in sessions}
    used_persons = {id(p) for s in sessions for p in s.persons}
    tz = sh.zone(programme.time_zone, format="filter")
    used_dates = {s.start.astimezone(tz).date() for s in sessions}
    days = [
        d
        for d in programme.days
        if d.date in used_dates
        or any(d.start and d.end and d.start <= s.start < d.end for s in sessions)
    ]
    return dataclasses.replace(
        programme,
        sessions=sessions,
        rooms=[r for r in programme.rooms if id(r) in used_rooms],
        tracks=[t for t in programme.tracks if id(t) in used_tracks],
        persons=[p for p in programme.persons if id(p) in used_persons],
        days=days,
        warnings=list(programme.warnings),
    )


__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "Day",
    "Format",
    "FormatError",
    "Link",
    "Person",
    "Programme",
    "Room",
    "Entry",
    "Track",
    "assume_zone",
    "derive_uuid",
    "export",
    "filter_programme",
    "day_change_of",
    "parse",
    "slugify",
    "sniff",
]
