"""frab/pentabarf ``schedule.xml``: the lingua franca of conference apps (Giggity,
EventFahrplan, the C3VOC recording tracker), read in every dialect we have met and written
so that it validates against C3VOC's ``schedule.xml.xsd`` (the writer is
:mod:`hallway.interop.frab_xml_export`).

Reading is lenient about dialects (FOSDEM 2007 puts ``<event>`` straight under ``<day>``;
old FOSDEM files have no guids, no ``<date>`` and no time zone; wafer writes UTC dates) and
strict about safety: the XML goes through :mod:`defusedxml` with DTDs, entities and
external references forbidden, and any problem becomes a :class:`FormatError` that names
the line and element.  Writing drops what the XSD cannot carry (slugs that do not match its
pattern, room slugs, non-HTTP URLs) rather than emitting an invalid file.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import datetime, time, timedelta
from xml.etree.ElementTree import Element

import defusedxml
from defusedxml.ElementTree import DefusedXMLParser

from . import _shared as sh
from .errors import FormatError, decode_utf8
from .model import Day, Entry, Link, Person, Programme, Room, Track, derive_uuid

FORMAT = "frab-xml"
_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_EVENT_TAGS = frozenset(
    {
        "date",
        "start",
        "duration",
        "room",
        "slug",
        "url",
        "title",
        "subtitle",
        "language",
        "track",
        "type",
        "abstract",
        "description",
        "logo",
        "persons",
        "links",
        "attachments",
        "recording",
        "feedback_url",
        "origin_url",
    }
)
_CONFERENCE_TAGS = frozenset(
    {
        "title",
        "acronym",
        "start",
        "end",
        "days",
        "timeslot_duration",
        "time_zone_name",
        "base_url",
        "url",
        "track",
        "day_change",
        "venue",
        "city",
    }
)


# --------------------------------------------------------------------------- reading


class _LineTreeBuilder(ET.TreeBuilder):
    """Remembers the source line of each element so errors can point at it."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: DefusedXMLParser | None = None
        self.lines: dict[int, int] = {}

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        if self.parser is not None:
            self.lines[id(element)] = self.parser.parser.CurrentLineNumber
        return element


def _parse_tree(data: bytes) -> tuple[Element, dict[int, int]]:
    declared = _DECLARED_ENCODING.match(data)
    encoding = declared.group(1).decode().lower() if declared else "utf-8"
    if encoding in ("utf-8", "utf8"):
        decode_utf8(data, format=FORMAT)  # a clear message beats expat's "invalid token"
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as exc:
        line, column = exc.position
        message = str(exc).split(":")[0]
        raise FormatError(
            f"not well-formed XML: {message}", f"line {line}, column {column}", format=FORMAT
        ) from None
    except defusedxml.DTDForbidden:
        raise FormatError(
            "XML document type declarations (DTDs) are not accepted: they "
            "allow entity expansion and external references",
            f"line {parser.parser.CurrentLineNumber}",
            format=FORMAT,
        ) from None
    except defusedxml.EntitiesForbidden as exc:
        raise FormatError(
            f"XML entity declarations are not accepted (entity {exc.name!r})",
            f"line {parser.parser.CurrentLineNumber}",
            format=FORMAT,
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise FormatError(
            f"unsafe XML refused: {exc}", f"line {parser.parser.CurrentLineNumber}", format=FORMAT
        ) from None
    except LookupError as exc:  # unknown declared encoding
        raise FormatError(f"unknown XML encoding: {exc}", "line 1", format=FORMAT) from None
    return root, builder.lines


class _Reader:
    def __init__(self, root: Element, lines: dict[int, int], time_zone: str | None) -> None:
        self.root = root
        self.lines = lines
        self.default_zone = time_zone
        self.persons: dict[str, Person] = {}
        self.tracks: dict[str, Track] = {}
        self.rooms: dict[str, Room] = {}
        self.warnings: list[str] = []
        self.ignored: Counter[str] = Counter()

    def note_ignored(self, element: Element, known: frozenset[str], prefix: str) -> None:
        for child in element:
            if child.tag not in known and (
                (child.text or "").strip() or len(child) or child.attrib
            ):
                self.ignored[f"{prefix}/{child.tag}"] += 1

    def where(self, element: Element, path: str) -> str:
        line = self.lines.get(id(element))
        return f"{path} (line {line})" if line else path

    def fail(self, message: str, element: Element, path: str) -> FormatError:
        return FormatError(message, self.where(element, path), format=FORMAT)

    def read(self) -> Programme:
        """The conference, its tracks, then day by day its rooms and events; last, what the
        whole file settles (rooms in use, the zone, warnings, duplicate guids)."""
        root = self.root
        if root.tag != "schedule":
            raise self.fail(f"root element is <{root.tag}>, expected <schedule>", root, "/")
        conference = root.find("conference")
        if conference is None:
            raise self.fail("no <conference> element", root, "/schedule")
        programme, day_change = self._read_conference(conference)
        # Tracks are declared in <conference> (frab, pretalx) or a top-level <tracks> (FOSDEM).
        for i, element in enumerate(conference.findall("track"), start=1):
            self._declare_track(element, f"/schedule/conference/track[{i}]")
        for i, element in enumerate(root.findall("tracks/track"), start=1):
            self._declare_track(element, f"/schedule/tracks/track[{i}]")
        sessions: list[Entry] = []
        for d, day_el in enumerate(root.findall("day"), start=1):
            sessions += self._read_day_events(day_el, d, day_change, programme)
        programme.sessions = sessions
        self._finish(programme)
        return programme

    def _read_conference(self, conference: Element) -> tuple[Programme, time | None]:
        """The programme as ``<conference>`` describes it, and its day change (if given)."""
        root = self.root
        cpath = "/schedule/conference"

        def ctext(tag: str) -> str:
            return (conference.findtext(tag) or "").strip()

        self.note_ignored(conference, _CONFERENCE_TAGS, "conference")
        tz_name = ctext("time_zone_name")
        if tz_name:
            self.tz = sh.zone(tz_name, format=FORMAT, location=self.where(conference, cpath))
        else:  # decided from the file's offsets once all is read (sh.settle_zone)
            tz_name, self.tz = "UTC", sh.UNSTATED
        programme = Programme(
            title=ctext("title"),
            acronym=ctext("acronym"),
            time_zone=tz_name,
            base_url=ctext("base_url") or None,
            url=ctext("url") or None,
            version=(root.findtext("version") or "").strip(),
            venue=ctext("venue"),
            city=ctext("city"),
        )
        for tag in ("start", "end"):
            value = ctext(tag)
            if value:
                element = conference.find(tag)
                setattr(
                    programme,
                    tag,
                    sh.parse_date(
                        value, format=FORMAT, location=self.where(element, f"{cpath}/{tag}")
                    ),
                )
        if ctext("timeslot_duration"):
            programme.timeslot_duration = sh.parse_duration(
                ctext("timeslot_duration"),
                format=FORMAT,
                location=self.where(conference, f"{cpath}/timeslot_duration"),
            )
        day_change = None
        if ctext("day_change"):
            day_change = sh.parse_time(
                ctext("day_change"), format=FORMAT, location=f"{cpath}/day_change"
            )
            programme.day_change = day_change
        return programme, day_change

    def _read_day_events(
        self, day_el: Element, d: int, day_change: time | None, programme: Programme
    ) -> list[Entry]:
        """The ``d``-th ``<day>`` (appended to the programme's days) and its events, room by
        room."""
        dpath = f"/schedule/day[{d}]"
        day = self._read_day(day_el, d, dpath)
        programme.days.append(day)
        sessions = []
        for r, room_el in enumerate(day_el.findall("room"), start=1):
            rpath = f"{dpath}/room[{r}]"
            name = (room_el.get("name") or "").strip()
            room = self._room(name)
            if room is not None:
                if room.guid is None and room_el.get("guid"):
                    room.guid = self._uuid(room_el.get("guid"), room_el, rpath)
                if room.slug is None and room_el.get("slug"):
                    room.slug = room_el.get("slug")
            for e, event_el in enumerate(room_el.findall("event"), start=1):
                sessions.append(
                    self._read_event(event_el, day, day_change, programme, f"{rpath}/event[{e}]")
                )
        # FOSDEM 2007: events directly in the day, the room only named inside each event.
        for e, event_el in enumerate(day_el.findall("event"), start=1):
            sessions.append(
                self._read_event(event_el, day, day_change, programme, f"{dpath}/event[{e}]")
            )
        return sessions

    def _finish(self, programme: Programme) -> None:
        """What only the whole file decides: the rooms in use, the zone, the warnings."""
        sessions = programme.sessions
        # A <room> wrapper names a room only for the events inside it: one that no event is
        # in (an empty wrapper, or its events name another room) is not a room of the file.
        used = {id(s.room) for s in sessions}
        unused = [name for name, room in self.rooms.items() if id(room) not in used]
        if unused:
            self.warnings.append(
                f"{len(unused)} <room> wrapper name(s) hold no event, not read as rooms: "
                + ", ".join(repr(n) for n in unused[:5])
                + (", …" if len(unused) > 5 else "")
            )
            self.ignored["room wrapper without events"] += len(unused)
        programme.rooms = [r for r in self.rooms.values() if id(r) in used]
        programme.tracks = list(self.tracks.values())
        programme.persons = list(self.persons.values())
        programme.ignored = dict(self.ignored)
        if self.tz is sh.UNSTATED:
            sh.settle_zone(programme, self.default_zone, format=FORMAT)
        programme.warnings += (
            self.warnings
            + sh.person_id_conflicts(programme.persons)
            + sh.ignored_warning(self.ignored)
        )
        sh.dedupe_guids(programme)

    def _declare_track(self, element: Element, path: str) -> None:
        name = (element.get("name") or element.text or "").strip()
        if not name:
            self.warnings.append(f"{path}: track without a name ignored")
            return
        track = self._track(name)
        track.slug = track.slug or element.get("slug") or None
        track.color = track.color or element.get("color") or None

    def _track(self, name: str) -> Track:
        if name not in self.tracks:
            self.tracks[name] = Track(name=name)
        return self.tracks[name]

    def _room(self, name: str) -> Room | None:
        if not name:
            return None
        if name not in self.rooms:
            self.rooms[name] = Room(name=name)
        return self.rooms[name]

    def _uuid(self, value: str, element: Element, path: str) -> uuid.UUID:
        try:
            return uuid.UUID(value.strip())
        except ValueError:
            self.warnings.append(
                f"{self.where(element, path)}: invalid guid {value!r}; "
                "a stable one was derived from it"
            )
            return derive_uuid("guid", value)

    def _read_day(self, element: Element, position: int, path: str) -> Day:
        index_text = element.get("index")
        try:
            index = int(index_text) if index_text is not None else position
        except ValueError:
            raise self.fail(f"day index {index_text!r} is not a number", element, path) from None
        if not element.get("date"):
            raise self.fail("<day> without a date attribute", element, path)
        day = Day(
            index=index,
            date=sh.parse_date(
                element.get("date"), format=FORMAT, location=self.where(element, path)
            ),
        )
        for attr in ("start", "end"):
            if element.get(attr):
                setattr(
                    day,
                    attr,
                    sh.parse_datetime(
                        element.get(attr),
                        self.tz,
                        format=FORMAT,
                        location=self.where(element, f"{path}/@{attr}"),
                    ),
                )
        return day

    def _read_event(
        self, el: Element, day: Day, day_change: time | None, programme: Programme, path: str
    ) -> Entry:
        def text(tag: str) -> str:
            return (el.findtext(tag) or "").strip()

        title = text("title")
        if not title:
            raise self.fail("event without a <title>", el, path)
        self.note_ignored(el, _EVENT_TAGS, "event")
        id_text = (el.get("id") or "").strip()
        local_id = _positive_id(id_text)
        if id_text and local_id is None:
            self.warnings.append(f"{self.where(el, path)}: non-numeric id {id_text!r} ignored")
        guid_text = el.get("guid")
        if guid_text:
            guid = self._uuid(guid_text, el, path)
        else:
            guid = derive_uuid(
                programme.slug,
                "session",
                local_id
                if local_id is not None
                else f"{title}|{text('date') or day.date}|{text('start')}",
            )
        start = self._event_start(el, day, day_change, path)
        if el.find("duration") is None:
            raise self.fail("event without a <duration>", el, path)
        duration = sh.parse_duration(
            text("duration"), format=FORMAT, location=self.where(el, f"{path}/duration")
        )
        track_name = text("track")
        session = Entry(
            guid=guid,
            local_id=local_id,
            code=el.get("code") or None,
            title=title,
            start=start,
            duration=duration,
            room=self._room(text("room")),
            slug=text("slug"),
            subtitle=text("subtitle"),
            type=text("type"),
            track=self._track(track_name) if track_name else None,
            language=text("language"),
            abstract=text("abstract"),
            description=text("description"),
            url=text("url") or None,
            feedback_url=text("feedback_url") or None,
            origin_url=text("origin_url") or None,
            logo=text("logo") or None,
            day=day.date,
        )
        for p, person_el in enumerate(el.findall("persons/person"), start=1):
            session.persons.append(self._person(person_el, f"{path}/persons/person[{p}]"))
        session.links = [self._link(x) for x in el.findall("links/link")]
        session.attachments = [self._link(x) for x in el.findall("attachments/attachment")]
        recording = el.find("recording")
        if recording is not None:
            session.recording_license = (recording.findtext("license") or "").strip()
            optout = (recording.findtext("optout") or "").strip().lower()
            session.do_not_record = optout in ("true", "1") if optout else None
        return session

    def _event_start(self, el: Element, day: Day, day_change: time | None, path: str) -> datetime:
        date_text = (el.findtext("date") or "").strip()
        if date_text:
            return sh.parse_datetime(
                date_text, self.tz, format=FORMAT, location=self.where(el, f"{path}/date")
            )
        start_text = (el.findtext("start") or "").strip()
        if not start_text:
            raise self.fail("event has neither <date> nor <start>", el, path)
        wall = sh.parse_time(start_text, format=FORMAT, location=self.where(el, f"{path}/start"))
        start = datetime.combine(day.date, wall, self.tz)
        # Events after midnight still belong to the previous conference day.
        if day.start is not None:
            if start < day.start:
                start = datetime.combine(day.date + timedelta(days=1), wall, self.tz)
        elif day_change is not None and wall < day_change:
            start = datetime.combine(day.date + timedelta(days=1), wall, self.tz)
        return start

    def _person(self, el: Element, path: str) -> Person:
        name = (el.text or "").strip()
        guid = self._uuid(el.get("guid"), el, path) if el.get("guid") else None
        local_id = _positive_id((el.get("id") or "").strip())
        person = Person(name=name, guid=guid, local_id=local_id)
        existing = self.persons.get(person.key)
        if existing is None:
            self.persons[person.key] = person
            return person
        return existing

    @staticmethod
    def _link(el: Element) -> Link:
        href, text = (el.get("href") or "").strip(), (el.text or "").strip()
        if not href and " " not in text and ("://" in text or "." in text.split("/")[0]):
            # Some generators write <link>https://…</link>: the text is the URL, no title.
            return Link(url=text, type=el.get("type") or None)
        return Link(url=href, title=text, type=el.get("type") or None)


def _positive_id(text: str) -> int | None:
    """frab ids start at 1; pentabarf and the 32C3 wiki import used 0 for "none"."""
    return int(text) if re.fullmatch(r"\d+", text) and int(text) > 0 else None


def parse_frab_xml(data: bytes, *, time_zone: str | None = None) -> Programme:
    """Read a frab/pentabarf/pretalx/wafer ``schedule.xml``.

    ``time_zone`` is used when the file names none (old pentabarf files); its absence is
    recorded in ``Programme.warnings`` and UTC assumed.
    """
    root, lines = _parse_tree(data)
    with sh.unexpected_content(FORMAT):
        return _Reader(root, lines, time_zone).read()


__all__ = ["parse_frab_xml"]
