"""frab/C3VOC ``schedule.json`` (v1): the JSON twin of ``schedule.xml``, read from frab,
pretalx and the C3VOC merge tools, written to validate against C3VOC's ``schema.json``.

The v1 shape nests events as ``conference.days[].rooms{name: [event]}``.  Readers accept
the frab (``public_name``) and pretalx (``name``, ``biography``) person styles; the writer
emits each person in exactly one of them because the schema's ``oneOf`` rejects a mix.
Values the schema constrains harder than the model (acronym, slug, link type, time zone
name) are normalised or left out on export instead of producing an invalid document.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hallway.common.validators import is_colour, is_safe_url

from . import _json
from . import _shared as sh
from .model import Day, Entry, Link, Person, Programme, Room, Track, derive_uuid, slugify

FORMAT = "frab-json"
SCHEMA_ID = "https://c3voc.de/schedule/schema.json"
LINK_TYPES = frozenset(
    {"slides", "paper", "web", "blog", "article", "media", "related", "activitypub"}
)
_ACRONYM = re.compile(r"^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$")
_SLUG = re.compile(r"^[a-z0-9_-]+[a-z0-9]$")
_TZ_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
_CODE = re.compile(r"^[A-Z0-9]+$")
_EVENT_KEYS = frozenset(
    {
        "guid",
        "id",
        "code",
        "logo",
        "date",
        "start",
        "end",
        "duration",
        "room",
        "slug",
        "url",
        "title",
        "subtitle",
        "track",
        "type",
        "language",
        "abstract",
        "description",
        "recording_license",
        "do_not_record",
        "persons",
        "links",
        "attachments",
        "feedback_url",
        "origin_url",
    }
)


# --------------------------------------------------------------------------- reading


class _Reader:
    def __init__(self, time_zone: str | None) -> None:
        self.j = _json.JsonPath(FORMAT)
        self.default_zone = time_zone
        self.rooms: dict[str, Room] = {}
        self.tracks: dict[str, Track] = {}
        self.persons: dict[str, Person] = {}
        self.warnings: list[str] = []
        self.ignored: Counter[str] = Counter()

    def read(self, document: object) -> Programme:
        j = self.j
        root = j.obj(document, "$")
        schedule = j.obj(root.get("schedule"), "$.schedule")
        conf = j.obj(schedule.get("conference"), "$.schedule.conference")
        cpath = "$.schedule.conference"
        tz_name = j.text(conf, "time_zone_name", cpath)
        if tz_name:
            self.tz = sh.zone(tz_name, format=FORMAT, location=f"{cpath}.time_zone_name")
        else:  # decided from the file's offsets once all is read (sh.settle_zone)
            tz_name, self.tz = "UTC", sh.UNSTATED
        programme = Programme(
            title=j.text(conf, "title", cpath),
            acronym=j.text(conf, "acronym", cpath),
            time_zone=tz_name,
            version=j.text(schedule, "version", "$.schedule"),
            base_url=j.text(schedule, "base_url", "$.schedule") or None,
            url=j.text(conf, "url", cpath) or None,
        )
        for key in ("start", "end"):
            if j.text(conf, key, cpath):
                setattr(
                    programme,
                    key,
                    sh.parse_date(conf[key], format=FORMAT, location=f"{cpath}.{key}"),
                )
        if j.text(conf, "timeslot_duration", cpath):
            programme.timeslot_duration = sh.parse_duration(
                conf["timeslot_duration"], format=FORMAT, location=f"{cpath}.timeslot_duration"
            )
        self._read_tracks_and_rooms(conf)
        for d, day_value in enumerate(j.arr(conf.get("days"), f"{cpath}.days")):
            self._read_day(day_value, d, programme)
        programme.rooms = list(self.rooms.values())
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
        return programme

    def _read_tracks_and_rooms(self, conf: dict) -> None:
        """The tracks and rooms ``conference`` declares, before any event names them."""
        j, cpath = self.j, "$.schedule.conference"
        for i, item in enumerate(j.arr(conf.get("tracks"), f"{cpath}.tracks")):
            path = f"{cpath}.tracks[{i}]"
            item = j.obj(item, path)
            name = j.text(item, "name", path, required=True)
            track = self._track(name)
            track.slug = j.text(item, "slug", path) or None
            track.color = j.text(item, "color", path) or None
        for i, item in enumerate(j.arr(conf.get("rooms"), f"{cpath}.rooms")):
            path = f"{cpath}.rooms[{i}]"
            item = j.obj(item, path)
            room = self._room(j.text(item, "name", path, required=True))
            if j.text(item, "guid", path):
                room.guid = self._uuid(item["guid"], f"{path}.guid")
            room.slug = j.text(item, "slug", path) or None
            capacity = item.get("capacity")
            if isinstance(capacity, int | float) and not 0 <= capacity < 2**31:
                raise sh.FormatError(  # NaN, 1e999, -3, 1e30: no number of seats
                    f"invalid capacity {capacity!r}", path + ".capacity", format=FORMAT
                )
            room.capacity = int(capacity) if isinstance(capacity, int | float) else None
            description = item.get("description")
            if isinstance(description, dict):
                description = description.get("en") or next(iter(description.values()), "")
            room.description = description.strip() if isinstance(description, str) else ""

    def _read_day(self, day_value: object, d: int, programme: Programme) -> None:
        """The ``d``-th day (appended to the programme's days) and its events, room by room."""
        j, dpath = self.j, f"$.schedule.conference.days[{d}]"
        day_obj = j.obj(day_value, dpath)
        day = Day(
            index=j.integer(day_obj, "index", dpath) if day_obj.get("index") is not None else d + 1,
            date=sh.parse_date(
                j.text(day_obj, "date", dpath, required=True),
                format=FORMAT,
                location=f"{dpath}.date",
            ),
        )
        for key, attr in (("day_start", "start"), ("day_end", "end")):
            if j.text(day_obj, key, dpath):
                setattr(
                    day,
                    attr,
                    sh.parse_datetime(
                        day_obj[key], self.tz, format=FORMAT, location=f"{dpath}.{key}"
                    ),
                )
        programme.days.append(day)
        rooms = j.obj(day_obj.get("rooms") or {}, f"{dpath}.rooms")
        for room_name, events in rooms.items():
            if events:  # a key with no events is a wrapper, not a declared room
                self._room(room_name.strip())
            rpath = f"{dpath}.rooms[{json.dumps(room_name, ensure_ascii=False)}]"
            for e, event in enumerate(j.arr(events, rpath)):
                programme.sessions.append(
                    self._event(
                        j.obj(event, f"{rpath}[{e}]"), day, room_name, programme, f"{rpath}[{e}]"
                    )
                )

    def _uuid(self, value: str, path: str) -> uuid.UUID:
        try:
            return uuid.UUID(str(value).strip())
        except ValueError:
            self.warnings.append(f"{path}: invalid guid {value!r}; a stable one was derived")
            return derive_uuid("guid", value)

    def _track(self, name: str) -> Track:
        return self.tracks.setdefault(name, Track(name=name))

    def _room(self, name: str) -> Room | None:
        if not name:
            return None
        return self.rooms.setdefault(name, Room(name=name))

    def _event(self, ev: dict, day: Day, room_name: str, programme: Programme, path: str) -> Entry:
        j = self.j
        title = j.text(ev, "title", path, required=True)
        for key, value in ev.items():
            if key not in _EVENT_KEYS and value not in (None, "", [], {}):
                self.ignored[f"event.{key}"] += 1
        local_id = _positive(j.integer(ev, "id", path))
        if j.text(ev, "guid", path):
            guid = self._uuid(ev["guid"], f"{path}.guid")
        else:
            guid = derive_uuid(
                programme.slug,
                "session",
                local_id if local_id is not None else f"{title}|{ev.get('date')}",
            )
        if j.text(ev, "date", path):
            start = sh.parse_datetime(ev["date"], self.tz, format=FORMAT, location=f"{path}.date")
        else:
            wall = sh.parse_time(
                j.text(ev, "start", path, required=True), format=FORMAT, location=f"{path}.start"
            )
            start = datetime.combine(day.date, wall, self.tz)
            if day.start is not None and start < day.start:
                start += timedelta(days=1)
        if j.text(ev, "duration", path):
            duration = sh.parse_duration(ev["duration"], format=FORMAT, location=f"{path}.duration")
        elif j.text(ev, "end", path):
            duration = (
                sh.parse_datetime(ev["end"], self.tz, format=FORMAT, location=f"{path}.end") - start
            )
        else:
            raise j.fail("event has neither 'duration' nor 'end'", path)
        track = j.text(ev, "track", path)
        session = Entry(
            guid=guid,
            local_id=local_id,
            code=j.text(ev, "code", path) or None,
            title=title,
            start=start,
            duration=duration,
            room=self._room(j.text(ev, "room", path) or room_name),
            slug=j.text(ev, "slug", path),
            subtitle=j.text(ev, "subtitle", path),
            type=j.text(ev, "type", path),
            track=self._track(track) if track else None,
            language=j.text(ev, "language", path),
            abstract=j.text(ev, "abstract", path),
            description=j.text(ev, "description", path),
            recording_license=j.text(ev, "recording_license", path),
            url=j.text(ev, "url", path) or None,
            feedback_url=j.text(ev, "feedback_url", path) or None,
            origin_url=j.text(ev, "origin_url", path) or None,
            logo=j.text(ev, "logo", path) or None,
            day=day.date,
        )
        if session.url and session.url == f"urn:uuid:{guid}":
            session.url = None  # our own placeholder for "no page"
        dnr = ev.get("do_not_record")
        session.do_not_record = dnr if isinstance(dnr, bool) else None
        for p, person in enumerate(j.arr(ev.get("persons"), f"{path}.persons")):
            session.persons.append(
                self._person(j.obj(person, f"{path}.persons[{p}]"), f"{path}.persons[{p}]")
            )
        session.links = self._links(ev.get("links"), f"{path}.links")
        session.attachments = self._links(ev.get("attachments"), f"{path}.attachments")
        return session

    def _person(self, obj: dict, path: str) -> Person:
        j = self.j
        name = j.text(obj, "public_name", path) or j.text(obj, "name", path)
        person = Person(
            name=name,
            guid=self._uuid(obj["guid"], f"{path}.guid") if j.text(obj, "guid", path) else None,
            local_id=_positive(j.integer(obj, "id", path)),
            code=j.text(obj, "code", path) or None,
            bio=j.text(obj, "biography", path),
            avatar=j.text(obj, "avatar", path) or None,
            url=j.text(obj, "url", path) or None,
            links=self._links(obj.get("links"), f"{path}.links"),
        )
        existing = self.persons.get(person.key)
        if existing is None:
            self.persons[person.key] = person
            return person
        # The same speaker may carry a bio on one event and not on another.
        existing.bio = existing.bio or person.bio
        return existing

    def _links(self, value: object, path: str) -> list[Link]:
        links = []
        for i, item in enumerate(self.j.arr(value, path)):
            if isinstance(item, str):
                links.append(Link(url=item.strip()))
                continue
            item = self.j.obj(item, f"{path}[{i}]")
            links.append(
                Link(
                    url=self.j.text(item, "url", f"{path}[{i}]", required=True),
                    title=self.j.text(item, "title", f"{path}[{i}]"),
                    type=self.j.text(item, "type", f"{path}[{i}]") or None,
                )
            )
        return links


def _positive(value: int | None) -> int | None:
    """frab ids start at 1; the 32C3 wiki import wrote 0 for "no id"."""
    return value if value is not None and value > 0 else None


def parse_frab_json(data: bytes, *, time_zone: str | None = None) -> Programme:
    """Read a frab/pretalx/C3VOC ``schedule.json`` (v1)."""
    return parse_frab_json_document(_json.load_json(data, format=FORMAT), time_zone=time_zone)


def parse_frab_json_document(document: object, *, time_zone: str | None = None) -> Programme:
    with sh.unexpected_content(FORMAT):
        return _Reader(time_zone).read(document)


# --------------------------------------------------------------------------- writing


def json_acronym(programme: Programme) -> str:
    """The acronym as schema.json's pattern allows (``fosdem-2025`` → ``fosdem_2025``)."""
    if _ACRONYM.match(programme.acronym):
        return programme.acronym
    base = slugify(programme.acronym or programme.title, allow_underscore=True) or "conf"
    candidate = base[:1] + base[1:].replace("-", "_")
    return candidate.ljust(4, "_")


def session_slug(session: Entry, acronym: str, local_id: int) -> str:
    if _SLUG.match(session.slug):
        return session.slug
    return (
        slugify(f"{acronym}-{local_id}-{session.title}", allow_underscore=True)[:120].rstrip("-_")
        or f"{acronym}-{local_id}"
    )


def _uri(value: str | None) -> str | None:
    # An absolute URI (schema.json's format "uri", so not frab's relative attachment paths):
    # http(s) with a host ("http://" alone appears in FOSDEM 2016) or mailto:; never a
    # javascript: or data: URL an imported file carried.
    return value if is_safe_url(value, mailto=True) else None


def _links_json(links: list[Link]) -> list[dict]:
    result = []
    for link in links:
        if not _uri(link.url):
            continue
        item = {"url": link.url, "title": link.title}
        if link.type in LINK_TYPES:
            item["type"] = link.type
        result.append(item)
    return result


def _person_json(person: Person) -> dict:
    # schema.json's Person is oneOf(FrabPerson, PretalxPerson): give exactly one shape.
    if person.local_id is not None:
        obj: dict = {"id": person.local_id, "public_name": person.name}
    else:
        obj = {"name": person.name}
    if person.guid is not None:
        obj["guid"] = str(person.guid)
    if person.code:
        obj["code"] = person.code
    if person.bio:
        obj["biography"] = person.bio
    if _uri(person.avatar):
        obj["avatar"] = person.avatar
    if _uri(person.url):
        obj["url"] = person.url
    if person.links:
        obj["links"] = _links_json(person.links)
    return obj


def export_frab_json_document(programme: Programme) -> dict:
    tz = ZoneInfo(programme.time_zone)
    grouped = sh.group_by_day(programme)
    acronym = json_acronym(programme)
    ids = sh.allocate_ids(programme.sessions)
    first = programme.start or (grouped[0][0].date if grouped else None)
    last = programme.end or (grouped[-1][0].date if grouped else None)
    conference: dict = {
        "acronym": acronym,
        "title": programme.title,
        "start": first.isoformat() if first else "",
        "end": last.isoformat() if last else "",
        "daysCount": len(grouped),
        "timeslot_duration": (
            sh.format_duration(programme.timeslot_duration) if programme.timeslot_duration else ""
        ),
    }
    if _TZ_NAME.match(programme.time_zone):
        conference["time_zone_name"] = programme.time_zone
    if _uri(programme.url):
        conference["url"] = programme.url
    if programme.tracks:
        conference["tracks"] = []
        for track in programme.tracks:
            item = {"name": track.name}
            if track.slug and _SLUG.match(track.slug):
                item["slug"] = track.slug
            if is_colour(track.color):  # apps put it into style attributes: #rrggbb only
                item["color"] = track.color
            conference["tracks"].append(item)
    conference["rooms"] = []
    for room in programme.rooms:
        item: dict = {
            "name": room.name,
            "guid": str(room.guid or derive_uuid(programme.slug, "room", room.name)),
        }
        if room.slug and _SLUG.match(room.slug):
            item["slug"] = room.slug
        if room.capacity is not None:
            item["capacity"] = room.capacity
        if room.description:
            item["description"] = room.description
        conference["rooms"].append(item)
    conference["days"] = []
    for day, sessions in grouped:
        rooms: dict[str, list] = {}
        for session in sessions:
            rooms.setdefault(session.room.name if session.room else "", []).append(
                _event_json(session, ids[id(session)], acronym, tz)
            )
        conference["days"].append(
            {
                "index": day.index,
                "date": day.date.isoformat(),
                "day_start": day.start.astimezone(tz).isoformat(),
                "day_end": day.end.astimezone(tz).isoformat(),
                "rooms": rooms,
            }
        )
    schedule: dict = {"version": programme.version}
    if _uri(programme.base_url):
        schedule["base_url"] = programme.base_url
    schedule["conference"] = conference
    return {
        "$schema": SCHEMA_ID,
        "generator": {"name": "hallway", "version": sh.generator_version()},
        "schedule": schedule,
    }


def _event_json(session: Entry, local_id: int, acronym: str, tz: ZoneInfo) -> dict:
    local = session.start.astimezone(tz)
    minutes = int(session.duration.total_seconds() // 60)
    event: dict = {
        "guid": str(session.guid),
        "id": local_id,
        "date": local.isoformat(),
        "start": local.strftime("%H:%M"),
        "end": session.end.astimezone(tz).isoformat(),
        "duration": f"{minutes // 60:02d}:{minutes % 60:02d}",
        "room": session.room.name if session.room else "",
        "slug": session_slug(session, acronym, local_id),
        "url": _uri(session.url) or f"urn:uuid:{session.guid}",
        "title": session.title,
        "subtitle": session.subtitle,
        "track": session.track.name if session.track else None,
        "type": session.type,
        "language": session.language,
        "abstract": session.abstract,
        "description": session.description,
        "recording_license": session.recording_license,
        "do_not_record": session.do_not_record,
        "persons": [_person_json(p) for p in session.persons],
        "links": _links_json(session.links),
        "attachments": _links_json(session.attachments),
    }
    if session.code and _CODE.match(session.code):
        event["code"] = session.code
    event["logo"] = _uri(session.logo)
    for key in ("feedback_url", "origin_url"):
        if _uri(getattr(session, key)):
            event[key] = getattr(session, key)
    return event


def export_frab_json(programme: Programme) -> bytes:
    """``schedule.json`` v1, valid against C3VOC's ``schema.json`` (draft-06)."""
    document = export_frab_json_document(programme)
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


__all__ = ["export_frab_json", "json_acronym", "parse_frab_json", "parse_frab_json_document"]
