"""C3VOC ``schedule2`` JSON (alpha-3), produced by the CCC hub since 38C3: flat ``events[]``
and ``persons[]`` lists, rooms and tracks referenced by guid/slug, ISO 8601 start/end.

Read-only for now: nothing we talk to consumes schedule2 yet, and frab XML/JSON carry the
same information.  Shares the v1 reader's tolerance and error reporting.
"""

from __future__ import annotations

import uuid

from . import _json
from . import _shared as sh
from .model import Day, Entry, Link, Person, Programme, Room, Track, derive_uuid

FORMAT = "schedule2-json"


def _uuid(value: object, warnings: list[str], path: str) -> uuid.UUID:
    try:
        return uuid.UUID(value if isinstance(value, str) else "")
    except ValueError:
        warnings.append(f"{path}: invalid guid {value!r}; a stable one was derived")
        return derive_uuid("guid", str(value))


def _description(value: object) -> str:
    if isinstance(value, dict):
        value = value.get("en") or next(iter(value.values()), "")
    return value.strip() if isinstance(value, str) else ""


def _logo(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("url")
    return value.strip() or None if isinstance(value, str) else None


def _links(j: _json.JsonPath, value: object, path: str) -> list[Link]:
    links = []
    for i, item in enumerate(j.arr(value, path)):
        item = j.obj(item, f"{path}[{i}]")
        kind = j.text(item, "type", f"{path}[{i}]").lower() or None
        links.append(
            Link(
                url=j.text(item, "url", f"{path}[{i}]", required=True),
                title=j.text(item, "title", f"{path}[{i}]"),
                type=kind,
            )
        )
    return links


def parse_schedule2_document(document: object, *, time_zone: str | None = None) -> Programme:
    with sh.unexpected_content(FORMAT):
        return _Reader().read(document, time_zone)


class _Reader:
    """One document's reading: the conference, its tracks, rooms and days, then the persons
    and the events that reference them."""

    def __init__(self) -> None:
        self.j = _json.JsonPath(FORMAT)
        self.warnings: list[str] = []
        self.tracks: dict[str, Track] = {}
        self.rooms: dict[str, Room] = {}
        self.persons: dict[str, Person] = {}

    def read(self, document: object, time_zone: str | None) -> Programme:
        j = self.j
        root = j.obj(document, "$")
        schedule = j.obj(root.get("schedule"), "$.schedule")
        conf = j.obj(schedule.get("conference"), "$.schedule.conference")
        programme = self.programme = self._conference(schedule, conf)
        self._tracks_rooms_days(conf)
        for i, item in enumerate(j.arr(schedule.get("persons"), "$.schedule.persons")):
            self._person(j.obj(item, f"$.schedule.persons[{i}]"), f"$.schedule.persons[{i}]")
        for e, item in enumerate(j.arr(schedule.get("events"), "$.schedule.events")):
            path = f"$.schedule.events[{e}]"
            programme.sessions.append(self._event(j.obj(item, path), path))
        programme.persons = list(self.persons.values())
        programme.warnings = self.warnings
        if self.tz is sh.UNSTATED:
            sh.settle_zone(programme, time_zone, format=FORMAT)
        sh.dedupe_guids(programme)
        return programme

    def _conference(self, schedule: dict, conf: dict) -> Programme:
        j, cpath = self.j, "$.schedule.conference"
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
        return programme

    def _tracks_rooms_days(self, conf: dict) -> None:
        j, cpath, programme = self.j, "$.schedule.conference", self.programme
        for i, item in enumerate(j.arr(conf.get("tracks"), f"{cpath}.tracks")):
            path = f"{cpath}.tracks[{i}]"
            item = j.obj(item, path)
            colors = item.get("colors") if isinstance(item.get("colors"), dict) else {}
            track = Track(
                name=j.text(item, "name", path, required=True),
                slug=j.text(item, "slug", path) or None,
                color=colors.get("light") or j.text(item, "color", path) or None,
            )
            self.tracks[track.slug or track.name] = track
            programme.tracks.append(track)
        for i, item in enumerate(j.arr(conf.get("rooms"), f"{cpath}.rooms")):
            path = f"{cpath}.rooms[{i}]"
            item = j.obj(item, path)
            capacity = item.get("capacity")
            room = Room(
                name=j.text(item, "name", path, required=True),
                guid=_uuid(item["guid"], self.warnings, path) if item.get("guid") else None,
                slug=j.text(item, "slug", path) or None,
                capacity=capacity if isinstance(capacity, int) else None,
                description=_description(item.get("description")),
            )
            self.rooms[str(room.guid) if room.guid else room.name] = room
            programme.rooms.append(room)
        for d, item in enumerate(j.arr(conf.get("days"), f"{cpath}.days")):
            path = f"{cpath}.days[{d}]"
            item = j.obj(item, path)
            day = Day(
                index=j.integer(item, "index", path) or d + 1,
                date=sh.parse_date(
                    j.text(item, "date", path, required=True),
                    format=FORMAT,
                    location=f"{path}.date",
                ),
            )
            for key in ("start", "end"):
                if j.text(item, key, path):
                    setattr(
                        day,
                        key,
                        sh.parse_datetime(
                            item[key], self.tz, format=FORMAT, location=f"{path}.{key}"
                        ),
                    )
            programme.days.append(day)

    def _person(self, item: dict, path: str) -> None:
        j = self.j
        avatar = item.get("avatar")
        person = Person(
            name=j.text(item, "name", path, required=True),
            guid=_uuid(item["guid"], self.warnings, path) if item.get("guid") else None,
            bio=j.text(item, "biography", path),
            avatar=avatar.get("url") if isinstance(avatar, dict) else None,
            url=j.text(item, "url", path) or None,
            links=_links(j, item.get("links"), f"{path}.links"),
        )
        self.persons[person.key] = person

    def _event(self, item: dict, path: str) -> Entry:
        j, tz = self.j, self.tz
        start = sh.parse_datetime(
            j.text(item, "start", path, required=True),
            tz,
            format=FORMAT,
            location=f"{path}.start",
        )
        if j.text(item, "end", path):
            duration = (
                sh.parse_datetime(item["end"], tz, format=FORMAT, location=f"{path}.end") - start
            )
        else:
            duration = sh.parse_duration(
                j.text(item, "duration", path, required=True),
                format=FORMAT,
                location=f"{path}.duration",
            )
        room = self._room(item.get("room"), path)
        track_ref = item.get("track")
        track = None
        if isinstance(track_ref, dict):
            track = self.tracks.get(
                j.text(track_ref, "slug", f"{path}.track")
                or j.text(track_ref, "name", f"{path}.track")
            )
        session = Entry(
            guid=_uuid(j.text(item, "guid", path, required=True), self.warnings, path),
            code=j.text(item, "code", path) or None,
            title=j.text(item, "title", path, required=True),
            start=start,
            duration=duration,
            room=room,
            track=track,
            slug=j.text(item, "slug", path),
            subtitle=j.text(item, "subtitle", path),
            type=j.text(item, "type", path),
            language=j.text(item, "language", path),
            abstract=j.text(item, "abstract", path),
            description=j.text(item, "description", path),
            url=j.text(item, "url", path) or None,
            logo=_logo(item.get("logo")),
            links=_links(j, item.get("links"), f"{path}.links"),
            attachments=_links(j, item.get("attachments"), f"{path}.attachments"),
        )
        for p, ref in enumerate(j.arr(item.get("participants"), f"{path}.participants")):
            ref = j.obj(ref, f"{path}.participants[{p}]")
            guid = ref.get("guid")
            key = f"guid:{guid}" if guid else f"name:{ref.get('name', '')}"
            person = self.persons.get(key)
            if person is None:
                person = Person(
                    name=j.text(ref, "name", f"{path}.participants[{p}]"),
                    guid=_uuid(guid, self.warnings, path) if guid else None,
                )
                self.persons[person.key] = person
            session.persons.append(person)
        return session

    def _room(self, room_ref: object, path: str) -> Room | None:
        """The room an event references (by guid, else name); a new name is a new room."""
        if not isinstance(room_ref, dict):
            return None
        name = self.j.text(room_ref, "name", f"{path}.room")
        key = self.j.text(room_ref, "guid", f"{path}.room") or name
        room = self.rooms.get(key)
        if room is None and name:
            room = self.rooms[key] = Room(name=name)
            self.programme.rooms.append(room)
        return room


def parse_schedule2(data: bytes, *, time_zone: str | None = None) -> Programme:
    """Read a C3VOC/hub ``schedule2`` JSON document."""
    return parse_schedule2_document(_json.load_json(data, format=FORMAT), time_zone=time_zone)
