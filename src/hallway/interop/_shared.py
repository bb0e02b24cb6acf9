"""Small helpers shared by the format modules: time parsing, day grouping, id allocation.

Kept private: the public surface is :mod:`hallway.interop`.  Everything here is about the
frab family's conventions (``HH:MM`` durations, sessions grouped by conference day) that
several readers and writers need to agree on, so a round trip gives back what went in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hallway.common.validators import is_safe_url

from .errors import FormatError
from .model import Day, Entry, Person, Programme

_DURATION = re.compile(r"^\s*(?:(\d+):)?(\d{1,3}):(\d{2})(?::(\d{2}))?\s*$")
_ISO_DURATION = re.compile(
    r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?$"
)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def zone(name: str, *, format: str, location: str | None = None) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise FormatError(f"unknown time zone {name!r}", location, format=format) from None


#: The zone of times a file gives without an offset when it names no zone either: UTC in
#: value, told apart from a stated UTC by identity, until :func:`settle_zone` decides.
UNSTATED = timezone(timedelta(0), "unstated")


def settle_zone(
    programme: Programme, caller: str | None, *, format: str, redate: bool = False
) -> None:
    """The zone of a programme whose file names none, from what the file does say.

    Offsets on its times (frab ``<date>2025-02-01T10:00:00+01:00``) are the file's own word:
    the caller's zone (the target event's, or one given) is kept when it agrees with every
    offset; otherwise one offset throughout is a fixed-offset zone (``Etc/GMT-1`` is
    UTC+01:00), and several (a file across a daylight-saving change) name the one IANA zone
    they fit, or the file is refused listing the zones that fit.  With no offsets the caller's
    zone is used, and without one the programme is marked ``time_zone_source = "assumed"``
    (UTC in value), which the importer refuses to guess with.  Times the file gave without
    offset keep their wall clock in the zone chosen.
    """
    values = [s.start for s in programme.sessions]
    values += [t for d in programme.days for t in (d.start, d.end) if t is not None]
    stated = [v for v in values if v.tzinfo is not UNSTATED]
    if stated:
        name = _zone_from_offsets(stated, caller, format=format)
        programme.time_zone_source = "offsets"
        if caller and name != caller:
            programme.warnings.append(
                f"the file names no time zone and its offsets ({_offsets(stated)}) are not "
                f"those of {caller}: times kept as the file gives them, in {name}"
            )
        elif not caller:
            programme.warnings.append(
                f"the file names no time zone; read in {name}, from its offsets "
                f"({_offsets(stated)})"
            )
    elif caller:
        name, programme.time_zone_source = caller, "caller"
    elif values:
        # nothing known: the times stay UNSTATED (UTC in value) for the importer to place
        programme.time_zone, programme.time_zone_source = "UTC", "assumed"
        programme.warnings.append(
            "the file gives its times without a time zone or offset: read as UTC only "
            "until a zone is given"
        )
        return
    else:
        name, programme.time_zone_source = "UTC", "unneeded"
    zone(name, format=format)
    assume_zone(programme, name)
    if redate:  # days the parser numbered from its sessions' dates, now in the right zone
        tz = ZoneInfo(name)
        set_days(programme, {s.start.astimezone(tz).date() for s in programme.sessions})


def assume_zone(programme: Programme, name: str) -> None:
    """Read the times a file gave without offset as wall clock in ``name``."""
    tz = ZoneInfo(name)

    def fix(value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=tz) if value is not None and value.tzinfo is UNSTATED else value

    for session in programme.sessions:
        session.start = fix(session.start)
    for day in programme.days:
        day.start, day.end = fix(day.start), fix(day.end)
    programme.time_zone = name


def _offsets(values: list[datetime]) -> str:
    found = sorted({v.utcoffset() for v in values})
    return ", ".join(_offset_text(o) for o in found)


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _zone_from_offsets(values: list[datetime], prefer: str | None, *, format: str) -> str:
    def fits(name: str, samples) -> bool:
        try:
            tz = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return False
        return all(v.astimezone(tz).utcoffset() == v.utcoffset() for v in samples)

    # the first and last time of each offset are enough to tell zones apart
    by_offset: dict[timedelta, list[datetime]] = defaultdict(list)
    for v in values:
        by_offset[v.utcoffset()].append(v)
    samples = [x for vs in by_offset.values() for x in (min(vs), max(vs))]
    if prefer and fits(prefer, samples):
        return prefer
    if len(by_offset) == 1:
        seconds = int(next(iter(by_offset)).total_seconds())
        if seconds == 0:
            return "UTC"
        if seconds % 3600 == 0:
            return f"Etc/GMT{-seconds // 3600:+d}"  # POSIX sign: Etc/GMT-1 is UTC+01:00
    from zoneinfo import available_timezones  # noqa: PLC0415 - only for unusual files

    candidates = sorted(
        name
        for name in available_timezones()
        if "/" in name
        and not name.startswith(("Etc/", "SystemV/", "US/", "posix", "right"))
        and fits(name, samples)
    )
    if len(candidates) == 1:
        return candidates[0]
    fitting = ", ".join(candidates[:6]) + (", …" if len(candidates) > 6 else "")
    raise FormatError(
        f"the file names no time zone and its offsets ({_offsets(values)}) "
        + (f"fit several zones ({fitting})" if candidates else "fit no IANA time zone")
        + ": name the event's time zone",
        format=format,
    )


def _as_text(value: object, what: str, *, format: str, location: str | None) -> str:
    """A date, time or duration field's text; None counts as empty, other types are refused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FormatError(
            f"{what} should be a string, found {kind_of(value)}", location, format=format
        )
    return value.strip()


def parse_duration(text: str, *, format: str, location: str | None) -> timedelta:
    """``HH:MM``, ``HH:MM:SS``, ``D:HH:MM`` (pentabarf) or ISO 8601 ``PT1H30M``."""
    text = _as_text(text, "a duration", format=format, location=location)
    if m := _ISO_DURATION.match(text):
        if text not in ("P", "PT"):
            parts = {k: int(v) for k, v in m.groupdict(default="0").items()}
            return timedelta(
                days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"]
            )
    if m := _DURATION.match(text):
        days, hours, minutes, seconds = (int(g) if g else 0 for g in m.groups())
        if m.group(4) is None and m.group(1) is not None:
            # "1:00:30" is ambiguous; pentabarf wrote H:MM:SS, so read it that way.
            days, hours, minutes, seconds = 0, days, hours, minutes
        return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    raise FormatError(f"invalid duration {text!r} (expected HH:MM)", location, format=format)


def format_duration(value: timedelta, *, seconds: bool = False) -> str:
    total = int(value.total_seconds())
    if total < 0:
        raise ValueError(f"negative duration {value}")
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if seconds and secs:
        return f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{hours:02d}:{minutes:02d}"


def parse_datetime(text: str, tz: ZoneInfo, *, format: str, location: str | None) -> datetime:
    """ISO 8601 date-time; a value without offset is read as wall-clock time in ``tz``."""
    text = _as_text(text, "a date-time", format=format, location=location)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise FormatError(f"invalid date-time {text!r}", location, format=format) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def parse_date(text: str, *, format: str, location: str | None) -> date:
    text = _as_text(text, "a date", format=format, location=location)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise FormatError(f"invalid date {text!r}", location, format=format) from None


def parse_time(text: str, *, format: str, location: str | None) -> time:
    text = _as_text(text, "a time", format=format, location=location)
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise FormatError(
            f"invalid time {text!r} (expected HH:MM)", location, format=format
        ) from None


def xml_text(value: str) -> str:
    """Drop the control characters XML 1.0 cannot carry (they can arrive from JSON)."""
    return _XML_ILLEGAL.sub("", value)


def group_by_day(programme: Programme) -> list[tuple[Day, list[Entry]]]:
    """Sessions grouped into the programme's days, every day given a start and an end.

    A session belongs to the day the file lists it under (``Entry.day``) when there is one,
    else to the day whose ``start``–``end`` range holds it (days may run past midnight), else
    to the day of its local date; days are made up where none fit.  A day's range is widened
    to hold its sessions (a file may say a day ends at 19:00 and list talks until 03:00).
    Returned days are fresh objects indexed 1…n, the programme is not modified.
    """
    tz = ZoneInfo(programme.time_zone)
    days = sorted(programme.days, key=lambda d: d.date)
    by_date = {d.date: d for d in days}
    buckets: dict[date, list[Entry]] = defaultdict(list)
    for session in sorted(
        programme.sessions, key=lambda s: (s.start, s.room.name if s.room else "", s.title)
    ):
        day = by_date.get(session.day) if session.day is not None else None
        day = day or next(
            (d for d in days if d.start and d.end and d.start <= session.start < d.end), None
        )
        if day is None:
            local = session.start.astimezone(tz).date()
            day = by_date.get(local)
            if day is None:
                day = by_date[local] = Day(index=0, date=local)
                days.append(day)
        buckets[day.date].append(session)
    result = []
    for index, day in enumerate(sorted(days, key=lambda d: d.date), start=1):
        sessions = buckets.get(day.date, [])
        start, end = day.start, day.end
        if sessions and start is not None:
            start = min([start] + [s.start for s in sessions])
        if sessions and end is not None:
            end = max([end] + [s.end for s in sessions])
        if start is None:
            start = min([datetime.combine(day.date, time(), tz)] + [s.start for s in sessions])
        if end is None:
            end = max(
                [datetime.combine(day.date + timedelta(days=1), time(), tz)]
                + [s.end for s in sessions]
            )
        result.append((Day(index=index, date=day.date, start=start, end=end), sessions))
    return result


def day_change_of(programme: Programme) -> time:
    """The time of day at which the programme's conference days turn over.

    What the file states (frab's ``day_change``) wins.  Otherwise it is read from how the file
    groups sessions into days: CCC lists a 01:00 session under the evening before, so its day
    must change after 01:00 and no later than the earliest session of a day.  The earliest
    whole hour that keeps every session on the day the file put it is chosen; midnight when
    calendar dates already do, or when no single time of day up to noon fits (a later one
    would mean the file's day labels are off, as in DebConf 23's, not that nights run late).
    """
    if programme.day_change is not None:
        return programme.day_change
    tz = ZoneInfo(programme.time_zone)
    low, high = -1, 24 * 60 - 1  # minutes after the listed day's midnight: low < change <= high
    for day, sessions in group_by_day(programme):
        midnight = datetime.combine(day.date, time())
        for session in sessions:
            local = session.start.astimezone(tz).replace(tzinfo=None)
            offset = int((local - midnight).total_seconds() // 60)
            low, high = max(low, offset - 24 * 60), min(high, offset)
    if low < 0 <= high:
        return time(0, 0)
    change = (low // 60 + 1) * 60
    if not low < change <= high:
        change = low + 1
    if not low < change <= min(high, 12 * 60):
        return time(0, 0)
    return time(change // 60, change % 60)


def ignored_warning(ignored: dict[str, int]) -> list[str]:
    """One warning naming the fields with content that the model has no place for."""
    if not ignored:
        return []
    listed = ", ".join(f"{name} ×{count}" for name, count in sorted(ignored.items()))
    return [f"not imported (no place for them in hallway's model): {listed}"]


def person_id_conflicts(persons: list[Person]) -> list[str]:
    """One warning per person id the file gives to more than one name: such people are read
    as different people (the id alone cannot tell them apart in a merged schedule)."""
    names: dict[int, list[str]] = defaultdict(list)
    for person in persons:
        if person.local_id is not None and person.name not in names[person.local_id]:
            names[person.local_id].append(person.name)
    clashes = {pid: n for pid, n in names.items() if len(n) > 1}
    if not clashes:
        return []
    shown = "; ".join(
        f"id {pid}: " + ", ".join(repr(n) for n in ns[:4]) for pid, ns in list(clashes.items())[:5]
    )
    more = f" (and {len(clashes) - 5} more ids)" if len(clashes) > 5 else ""
    return [
        f"inconsistent person ids: {len(clashes)} id(s) are given to different names, read as "
        f"different people: {shown}{more}"
    ]


def set_days(programme: Programme, dates: set[date]) -> None:
    """Number the programme's days from the dates its sessions fall on, and set its span."""
    programme.days = [Day(index=i, date=d) for i, d in enumerate(sorted(dates), start=1)]
    if dates:
        programme.start, programme.end = min(dates), max(dates)


@contextmanager
def unexpected_content(format: str) -> Iterator[None]:
    """Turn a parser's slip on content it did not expect into a FormatError naming the format.

    Parsers raise FormatError with a location where they check; anything else that a malformed
    file provokes (a string where a number should be, a date out of range) is still refused
    cleanly instead of escaping as a traceback.
    """
    try:
        yield
    except FormatError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        raise FormatError(f"unexpected content: {exc}", format=format) from exc


def dedupe_guids(programme: Programme) -> None:
    """Give repeated session guids a derived successor (frab formats require uniqueness),
    recording each change as a warning; the first occurrence keeps its guid."""
    seen: set = set()
    for index, session in enumerate(programme.sessions):
        if session.guid in seen:
            from .model import derive_uuid  # noqa: PLC0415 - keeps the import list short

            new = derive_uuid("duplicate", session.guid, index)
            known_as = (
                f"id {session.local_id}"
                if session.local_id is not None
                else f"code {session.code}"
                if session.code
                else "without an id"
            )
            programme.warnings.append(
                f"session {known_as} ({session.title!r}, at {session.start:%Y-%m-%d %H:%M}) "
                f"repeats guid {session.guid}; it was given {new}"
            )
            session.guid = new
        seen.add(session.guid)


def allocate_ids(sessions: list[Entry]) -> dict[int, int]:
    """A positive, unique numeric id per session (frab needs one): keep the source's where
    it is usable, give the others fresh numbers above the largest.  Keyed by ``id(session)``."""
    taken: set[int] = set()
    ids: dict[int, int] = {}
    pending = []
    for session in sessions:
        local = session.local_id
        if local is not None and local > 0 and local not in taken:
            taken.add(local)
            ids[id(session)] = local
        else:
            pending.append(session)
    next_id = max(taken, default=0) + 1
    for session in pending:
        ids[id(session)] = next_id
        next_id += 1
    return ids


def is_http_url(value: str | None) -> bool:
    """An http(s) URL: the only kind exported where a web page is meant."""
    return is_safe_url(value)


def is_link_url(value: str | None) -> bool:
    """A link an export may carry: http(s), a mailto: address, or a reference without a
    scheme (frab's relative attachment paths).  Anything else (a ``javascript:`` or ``data:``
    URL from an imported file) is left out, never written."""
    return is_safe_url(value, mailto=True, relative=True)


def localise(value: datetime, tz: ZoneInfo) -> datetime:
    return value.astimezone(tz)


#: Python refuses to turn a longer run of digits into an int (sys.get_int_max_str_digits,
#: against CPU exhaustion); a file holding one gets a FormatError saying where it is.
_MAX_DIGITS = 4300
_LONG_NUMBER = re.compile(rf"\d{{{_MAX_DIGITS + 1},}}")


def long_number_error(text: str, *, format: str | None) -> FormatError:
    """The FormatError for a file with a number of more than 4,300 digits, at its place."""
    location = None
    if m := _LONG_NUMBER.search(text):
        line = text.count("\n", 0, m.start()) + 1
        column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        location = f"line {line}, column {column}"
    return FormatError(
        f"a number has more than {_MAX_DIGITS:,} digits, more than any schedule needs",
        location,
        format=format,
    )


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32 (little-endian)"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32 (big-endian)"),
    (b"\xff\xfe", "utf-16-le", "UTF-16 (little-endian)"),
    (b"\xfe\xff", "utf-16-be", "UTF-16 (big-endian)"),
)
_XML_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*encoding\s*=\s*["'])[^"']+""")


def as_utf8(data: bytes) -> tuple[bytes, str | None]:
    """``data`` in UTF-8, and what it was when it was not: a UTF-16 or UTF-32 file (Windows
    tools save "Unicode" text so), told by its byte-order mark or, without one, by the zero
    bytes of ASCII characters.  Refused naming the encoding when it does not decode as it."""
    codec = label = None
    body = data
    for bom, name, what in _BOMS:
        if data.startswith(bom):
            codec, label, body = name, f"{what}, by its byte-order mark", data[len(bom) :]
            break
    else:
        if len(data) >= 4 and data[0] == 0 and data[1] != 0 and data[2] == 0:
            codec, label = "utf-16-be", "UTF-16 (big-endian), by its zero bytes"
        elif len(data) >= 4 and data[0] != 0 and data[1] == 0 and data[3] == 0:
            codec, label = "utf-16-le", "UTF-16 (little-endian), by its zero bytes"
    if codec is None:
        return data, None
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"the file is {label}, but byte {exc.start + len(data) - len(body):,} does not "
            f"decode as {codec.upper()}",
            format=None,
        ) from None
    utf8 = _XML_ENCODING.sub(rb"\1UTF-8", text.encode("utf-8"), count=1)
    return utf8, f"the file is {label}: read as such"


def generator_version() -> str:
    """hallway's version, as the exports name their generator."""
    from importlib import metadata  # noqa: PLC0415 - only the writers need it

    try:
        return metadata.version("hallway")
    except metadata.PackageNotFoundError:
        return "dev"


def kind_of(value: object) -> str:
    """What a parsed JSON value is, in an error message's words."""
    return {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
    }.get(type(value), type(value).__name__)
