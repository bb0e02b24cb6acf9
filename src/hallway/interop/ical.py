"""iCalendar (RFC 5545) for calendar apps: one VEVENT per session, read and written with the
``icalendar`` library.

Written calendars carry a VTIMEZONE for the programme's zone (bounded to the programme's
years, so the file stays small), UIDs derived from the session guid so re-subscribing never
duplicates events, and SEQUENCE/LAST-MODIFIED from the model so a moved session replaces
the old copy in subscribers' calendars.  Lines are folded at 75 octets by ``icalendar``,
which never splits a UTF-8 character (checked in the tests).

Reading accepts the calendars conference sites publish (Giggity's test files: JRES with
``TZID`` but no VTIMEZONE, Kieler Linux Tage in UTC): SUMMARY → title, DESCRIPTION →
abstract, LOCATION → room, CATEGORIES → track, ATTENDEE CN → speakers.  A repeating event
(RRULE, RDATE, EXDATE and RECURRENCE-ID overrides, expanded by ``recurring_ical_events``), such
as "Expo hall open" every day, becomes one session per occurrence, identified by its UID and
original start so a re-import updates each occurrence; a rule without an end is refused.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import uuid
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import recurring_ical_events

from . import _shared as sh
from .errors import FormatError, decode_utf8
from .model import Entry, Person, Programme, Room, Track, derive_uuid

FORMAT = "ical"
PRODID = "-//hallway//hallway interop//EN"
# More sessions than any conference has: a rule expanding past this is refused, not truncated.
MAX_OCCURRENCES = 20_000


# --------------------------------------------------------------------------- reading


def _as_datetime(value: object, tz) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(), tz)
    raise ValueError(f"not a date-time: {value!r}")


def _start_and_duration(event, tz, where: str) -> tuple[datetime, timedelta]:
    """DTSTART and the length (from DTEND or DURATION); refuses an end before the start."""
    try:
        start = _as_datetime(event.decoded("DTSTART"), tz)
        if event.get("DTEND") is not None:
            duration = _as_datetime(event.decoded("DTEND"), tz) - start
        elif event.get("DURATION") is not None:
            duration = event.decoded("DURATION")
        else:
            duration = timedelta(0)
    except (ValueError, TypeError) as exc:
        raise FormatError(f"invalid date-time: {exc}", where, format=FORMAT) from None
    if duration < timedelta(0):
        raise FormatError("event ends before it starts", where, format=FORMAT)
    return start, duration


def parse_ical(data: bytes, *, time_zone: str | None = None) -> Programme:
    """Read an iCalendar file with one VEVENT per session."""
    warnings: list[str] = []
    calendar = _calendar(data, warnings)
    raw_events = list(calendar.walk("VEVENT"))
    recurring = _recurring_uids(raw_events)
    events = _occurrences(calendar, raw_events) if recurring else raw_events
    if recurring:
        warnings.append(
            f"{len(recurring)} repeating event(s) expanded into "
            f"{sum(str(e.get('UID') or '') in recurring for e in events)} sessions"
        )
    tz, tz_name = _default_zone(calendar, events, warnings)
    programme = Programme(title=str(calendar.get("X-WR-CALNAME") or ""), time_zone=tz_name)
    found = _Found()
    dates = set()
    for i, event in enumerate(events):
        # once expanded, the events are in time order, not the file's: name them by UID only
        path = "VEVENT" if recurring else f"VEVENT[{i}]"
        session = _entry(event, path, tz, recurring, found)
        programme.sessions.append(session)
        dates.add(session.start.astimezone(tz).date())
    programme.rooms = list(found.rooms.values())
    programme.tracks = list(found.tracks.values())
    programme.persons = list(found.persons.values())
    sh.set_days(programme, dates)
    programme.warnings = warnings
    if tz is sh.UNSTATED:
        sh.settle_zone(programme, time_zone, format=FORMAT, redate=True)
    sh.dedupe_guids(programme)
    return programme


def _calendar(data: bytes, warnings: list[str]) -> icalendar.Calendar:
    """The file as a calendar, refused with a clear error when it is not a whole one."""
    # Unfold on bytes first: some generators (JRES) fold in the middle of a UTF-8
    # character, which is only decodable once the pieces are joined again.
    unfolded = re.sub(rb"\r?\n[ \t]", b"", data)
    text = decode_utf8(unfolded, format=FORMAT, what="unfolded file")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        warnings.append(
            "lines were folded inside multi-byte UTF-8 characters; read after unfolding"
        )
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise FormatError(
            "not an iCalendar file: it does not start with BEGIN:VCALENDAR", "line 1", format=FORMAT
        )
    if "END:VCALENDAR" not in text.rstrip()[-40:].upper():
        raise FormatError(
            "iCalendar file is truncated: no END:VCALENDAR at the end",
            f"line {text.count(chr(10)) + 1}",
            format=FORMAT,
        )
    try:
        return icalendar.Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError) as exc:
        raise FormatError(f"invalid iCalendar: {exc}", format=FORMAT) from None


def _default_zone(calendar, events: list, warnings: list[str]):
    """The calendar's zone (X-WR-TIMEZONE, else the first event's TZID) and its name; without
    one, ``sh.UNSTATED`` and 'UTC' (the zone is then read from the times)."""
    tz_name = str(calendar.get("X-WR-TIMEZONE") or "")
    if not tz_name:
        for event in events:
            params = getattr(event.get("DTSTART"), "params", {})
            if params.get("TZID"):
                tz_name = str(params["TZID"])
                break
    try:
        tz = sh.zone(tz_name, format=FORMAT) if tz_name else sh.UNSTATED
    except FormatError:
        # icalendar already resolved the events' own TZIDs; only the default zone is lost.
        warnings.append(
            f"time zone {tz_name!r} is not an IANA name; the zone is read from the times"
        )
        tz = sh.UNSTATED
    return tz, (tz_name if tz is not sh.UNSTATED else "UTC")


@dataclasses.dataclass
class _Found:
    """The rooms, tracks and persons read so far, by name (one object each)."""

    rooms: dict[str, Room] = dataclasses.field(default_factory=dict)
    tracks: dict[str, Track] = dataclasses.field(default_factory=dict)
    persons: dict[str, Person] = dataclasses.field(default_factory=dict)


def _entry(event, path: str, tz, recurring: set[str], found: _Found) -> Entry:
    """One VEVENT as a session."""
    uid = str(event.get("UID") or "").strip()
    title = str(event.get("SUMMARY") or "").strip()
    where = f"{path} (UID {uid})" if uid else path
    if event.get("DTSTART") is None:
        raise FormatError("event without DTSTART", where, format=FORMAT)
    start, duration = _start_and_duration(event, tz, where)
    if uid in recurring:
        # an occurrence is known by its UID and the start the rule gave it, even if moved
        original = _as_datetime(event.decoded("RECURRENCE-ID"), tz)
        guid = derive_uuid("ical", f"{uid}|{original.astimezone(UTC).isoformat()}")
    else:
        try:
            guid = uuid.UUID(uid.split("@")[0]) if uid else None
        except ValueError:
            guid = None
        guid = guid or derive_uuid("ical", uid or f"{title}|{start.isoformat()}")
    location = str(event.get("LOCATION") or "").strip()
    room = found.rooms.setdefault(location, Room(name=location)) if location else None
    categories = event.get("CATEGORIES")
    track = None
    if categories is not None:
        first = categories[0] if isinstance(categories, list) else categories
        names = [str(c).strip() for c in getattr(first, "cats", [first])]
        if names and names[0]:
            track = found.tracks.setdefault(names[0], Track(name=names[0]))
    attendees = event.get("ATTENDEE")
    attendees = (
        attendees if isinstance(attendees, list) else ([attendees] if attendees is not None else [])
    )
    speakers = []
    for attendee in attendees:
        name = str(attendee.params.get("CN", "")).strip()
        if name:
            speakers.append(found.persons.setdefault(name, Person(name=name)))
    session = Entry(
        guid=guid,
        title=title,
        start=start,
        duration=duration,
        room=room,
        track=track,
        abstract=str(event.get("DESCRIPTION") or "").strip(),
        url=str(event.get("URL") or "").strip() or None,
        persons=speakers,
        sequence=int(event.get("SEQUENCE") or 0),
    )
    if event.get("LAST-MODIFIED") is not None:
        session.last_modified = _as_datetime(event.decoded("LAST-MODIFIED"), UTC)
    return session


def _recurring_uids(events: list) -> set[str]:
    """UIDs of repeating events; refuses a repeat rule without COUNT or UNTIL."""
    recurring = set()
    for i, event in enumerate(events):
        uid = str(event.get("UID") or "").strip()
        if (
            event.get("RRULE") is None
            and event.get("RDATE") is None
            and event.get("RECURRENCE-ID") is None
        ):
            continue
        where = f"VEVENT[{i}] (UID {uid})" if uid else f"VEVENT[{i}]"
        if not uid:
            raise FormatError("a repeating event needs a UID", where, format=FORMAT)
        if event.get("DTSTART") is None:
            raise FormatError("event without DTSTART", where, format=FORMAT)
        rules = event.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
            if "COUNT" not in rule and "UNTIL" not in rule:
                raise FormatError(
                    "the event repeats without end (RRULE has neither COUNT nor "
                    "UNTIL); a programme needs a finite list of sessions",
                    where,
                    format=FORMAT,
                )
        recurring.add(uid)
    return recurring


def _occurrences(calendar, raw_events: list) -> list:
    """Every occurrence of every event, repeats expanded, in time order."""
    for i, event in enumerate(raw_events):
        # checked here, on the file's events: the expansion would silently swap an end that is
        # before its start, moving the session
        uid = str(event.get("UID") or "").strip()
        where = f"VEVENT[{i}] (UID {uid})" if uid else f"VEVENT[{i}]"
        if event.get("DTSTART") is None:
            raise FormatError("event without DTSTART", where, format=FORMAT)
        _start_and_duration(event, UTC, where)
    try:
        expanded = recurring_ical_events.of(calendar, components=["VEVENT"]).all()
        events = list(itertools.islice(expanded, MAX_OCCURRENCES + 1))
    except (ValueError, TypeError, KeyError, recurring_ical_events.InvalidCalendar) as exc:
        raise FormatError(f"cannot expand the repeating events: {exc}", format=FORMAT) from None
    if len(events) > MAX_OCCURRENCES:
        raise FormatError(
            f"the repeating events expand to more than {MAX_OCCURRENCES} "
            "sessions; is a COUNT or UNTIL wrong?",
            format=FORMAT,
        )
    return events


# --------------------------------------------------------------------------- writing


def fold(line: str) -> bytes:
    """One content line, folded at 75 octets (RFC 5545 §3.1) without ever cutting a UTF-8
    sequence in two; continuation lines start with a space and carry at most 74 octets."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return raw + b"\r\n"
    parts, start, limit = [], 0, 75
    while len(raw) - start > limit:
        end = start + limit
        while raw[end] & 0xC0 == 0x80:  # a continuation byte: back up to the lead byte
            end -= 1
        parts.append(raw[start:end])
        start, limit = end, 74
    parts.append(raw[start:])
    return b"\r\n ".join(parts) + b"\r\n"


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value: str) -> str:
    """TEXT value escaping (§3.3.11); other control characters are not allowed at all."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _param(value: str) -> str:
    """A quoted parameter value: DQUOTE and control characters cannot appear inside."""
    return '"' + _CONTROL.sub("", value).replace('"', "'").replace("\n", " ") + '"'


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def export_ical(programme: Programme, *, now: datetime | None = None) -> bytes:
    """An RFC 5545 calendar of the programme's sessions (filter the programme first for a
    per-track, per-room or per-speaker feed).

    The VTIMEZONE comes from ``icalendar``; events are written directly, because
    ``icalendar``'s character-by-character folding takes half a second for FOSDEM.
    """
    tz = sh.zone(programme.time_zone, format=FORMAT)
    utc = programme.time_zone == "UTC"
    stamp = _utc(now or programme.released_at or datetime.now(UTC))
    out = [
        fold(line)
        for line in (
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            f"PRODID:{PRODID}",
            "CALSCALE:GREGORIAN",
            f"X-WR-CALNAME:{escape_text(programme.title)}",
            f"X-WR-TIMEZONE:{programme.time_zone}",
        )
    ]
    if not utc:
        years = [s.start.astimezone(tz).year for s in programme.sessions] or [
            datetime.now(UTC).year
        ]
        out.append(
            icalendar.Timezone.from_tzid(
                programme.time_zone,
                first_date=date(min(years) - 1, 1, 1),
                last_date=date(max(years) + 1, 12, 31),
            ).to_ical()
        )

    def when(name: str, value: datetime) -> str:
        if utc:
            return f"{name}:{_utc(value)}"
        return f"{name};TZID={programme.time_zone}:{value.astimezone(tz):%Y%m%dT%H%M%S}"

    for session in sorted(programme.sessions, key=lambda s: (s.start, s.title)):
        lines = [
            "BEGIN:VEVENT",
            f"UID:{session.guid}",
            f"DTSTAMP:{stamp}",
            when("DTSTART", session.start),
            when("DTEND", session.end),
            f"SUMMARY:{escape_text(session.title)}",
            f"SEQUENCE:{session.sequence}",
        ]
        if session.cancelled:
            lines.append("STATUS:CANCELLED")
        if session.last_modified:
            lines.append(f"LAST-MODIFIED:{_utc(session.last_modified)}")
        if session.room:
            lines.append(f"LOCATION:{escape_text(session.room.name)}")
        if session.track:
            lines.append(f"CATEGORIES:{escape_text(session.track.name)}")
        description = session.abstract
        if session.persons:
            names = ", ".join(p.name for p in session.persons)
            description = f"{names}\n\n{description}" if description else names
        if description:
            lines.append(f"DESCRIPTION:{escape_text(description)}")
        if sh.is_http_url(session.url):  # no javascript: or data: URL, no line-breaking text
            lines.append(f"URL:{session.url}")
        for person in session.persons:
            # Speakers have no published address; a URN keeps the property valid and stable.
            address = person.guid or derive_uuid(programme.slug, "person", person.key)
            lines.append(f"ATTENDEE;CN={_param(person.name)};ROLE=CHAIR:urn:uuid:{address}")
        lines.append("END:VEVENT")
        out.extend(fold(line) for line in lines)
    out.append(fold("END:VCALENDAR"))
    return b"".join(out)
