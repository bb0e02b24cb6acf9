"""Sessionize's API views: "All" (``/api/v2/{id}/view/All``: sessions, speakers, rooms,
categories and custom questions), and "Sessions", "GridSmart" and "Speakers", read by
rewriting them in the All view's shape, as exported by the many community events that plan with
Sessionize and want a frab file for apps.

Sessionize gives local times without a zone, so the caller passes the event's
``time_zone``; without one the programme is marked ``time_zone_source = "assumed"`` and the
importer asks for one.  Categories whose title
mentions "track" become tracks and "format"/"type" ones become session types.  Sessions
without a time slot (an export taken during the call for papers) are read as
``Programme.unscheduled``.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from . import _json
from . import _shared as sh
from .model import Entry, Link, Person, Programme, Room, Track, derive_uuid

FORMAT = "sessionize"


def view_of(document: object) -> str | None:
    """Which of Sessionize's standard API views ``document`` is, if any."""
    if isinstance(document, dict):
        if all(isinstance(document.get(k), list) for k in ("sessions", "speakers", "rooms")):
            return "All"
        return None
    if not isinstance(document, list) or not document or not isinstance(document[0], dict):
        return None
    first = document[0]
    if "groupId" in first and isinstance(first.get("sessions"), list):
        return "Sessions"
    if "date" in first and isinstance(first.get("rooms"), list) and "timeSlots" in first:
        return "GridSmart"
    if "fullName" in first or ("firstName" in first and "sessions" in first):
        return "Speakers"
    return None


def _as_all(document: object, view: str) -> tuple[dict, list[str]]:
    """One of the other standard views rewritten in the 'All' view's shape.

    Sessions (a list of groups of sessions) and GridSmart (days → rooms → sessions) carry
    whole sessions whose speakers and categories are objects; Speakers carries people and
    only the ids and titles of their sessions, which are read as unscheduled titles."""
    j = _json.JsonPath(FORMAT)
    if view == "Speakers":
        speakers, sessions = [], {}
        for i, item in enumerate(document):
            item = j.obj(item, f"$[{i}]")
            speakers.append(item)
            for k, ref in enumerate(j.arr(item.get("sessions"), f"$[{i}].sessions")):
                ref = j.obj(ref, f"$[{i}].sessions[{k}]")
                entry = sessions.setdefault(
                    str(ref.get("id")),
                    {"id": str(ref.get("id")), "title": ref.get("name"), "speakers": []},
                )
                entry["speakers"].append(str(item.get("id")))
        notes = [
            "Sessionize 'Speakers' view: it gives each session's title only, so sessions are "
            "read unscheduled and only their titles and speakers are updated"
        ]
        return {"sessions": list(sessions.values()), "speakers": speakers, "rooms": []}, notes
    if view == "Sessions":
        found = [
            (f"$[{g}].sessions[{k}]", x)
            for g, group in enumerate(document)
            for k, x in enumerate(j.arr(j.obj(group, f"$[{g}]").get("sessions"), f"$[{g}]"))
        ]
    else:  # GridSmart
        found = [
            (f"$[{d}].rooms[{r}].sessions[{k}]", x)
            for d, day in enumerate(document)
            for r, room in enumerate(j.arr(j.obj(day, f"$[{d}]").get("rooms"), f"$[{d}].rooms"))
            for k, x in enumerate(
                j.arr(j.obj(room, f"$[{d}].rooms[{r}]").get("sessions"), f"$[{d}].rooms[{r}]")
            )
        ]
    sessions, speakers, rooms, categories = {}, {}, {}, {}
    for path, item in found:
        item = dict(j.obj(item, path))
        if str(item.get("id")) in sessions:
            continue  # a plenary appears in every room of GridSmart
        refs = []
        for k, ref in enumerate(j.arr(item.get("speakers"), f"{path}.speakers")):
            ref = j.obj(ref, f"{path}.speakers[{k}]")
            speakers.setdefault(
                str(ref.get("id")), {"id": ref.get("id"), "fullName": ref.get("name")}
            )
            refs.append(str(ref.get("id")))
        items = []
        for c, cat in enumerate(j.arr(item.get("categories"), f"{path}.categories")):
            cat = j.obj(cat, f"{path}.categories[{c}]")
            merged = categories.setdefault(cat.get("id"), {"title": cat.get("name"), "items": {}})
            for x in j.arr(cat.get("categoryItems"), f"{path}.categories[{c}].categoryItems"):
                merged["items"][x.get("id")] = x
                items.append(x.get("id"))
        if item.get("roomId") is not None:
            rooms.setdefault(item["roomId"], {"id": item["roomId"], "name": item.get("room") or ""})
        item.update(speakers=refs, categoryItems=items)
        sessions[str(item.get("id"))] = item
    document = {
        "sessions": list(sessions.values()),
        "speakers": list(speakers.values()),
        "rooms": list(rooms.values()),
        "categories": [
            {"id": cid, "title": c["title"], "items": list(c["items"].values())}
            for cid, c in categories.items()
        ],
    }
    return document, [f"Sessionize '{view}' view read (speakers without bios or links)"]


def parse_sessionize_document(
    document: object, *, time_zone: str | None = None, title: str = ""
) -> Programme:
    j = _json.JsonPath(FORMAT)
    warnings: list[str] = []
    with sh.unexpected_content(FORMAT):
        view = view_of(document)
        if view not in (None, "All"):
            document, warnings = _as_all(document, view)
        root = j.obj(document, "$")
        for key in ("sessions", "speakers", "rooms"):
            if not isinstance(root.get(key), list):
                raise j.fail(f"a Sessionize 'All' export has a {key!r} array", "$")
        reader = _Reader(j, Programme(title=title))
        programme = reader.read(root)
        programme.warnings = warnings
        programme.ignored = _ignored(j, root)
        if view == "Speakers":
            programme.session_fields = frozenset({"title"})
        sh.settle_zone(programme, time_zone, format=FORMAT, redate=True)
        sh.dedupe_guids(programme)
        return programme


class _Reader:
    """The rooms, categories (tracks and types) and speakers by id, then the sessions that
    reference them."""

    # Sessionize gives local times and no zone: the caller's (the target event's), or the
    # importer asks (sh.settle_zone marks the programme).
    tz = sh.UNSTATED

    def __init__(self, j: _json.JsonPath, programme: Programme) -> None:
        self.j, self.programme = j, programme
        self.rooms: dict[str, Room] = {}
        self.tracks: dict[str, Track] = {}
        self.types: dict[str, str] = {}
        self.persons: dict[str, Person] = {}

    def read(self, root: dict) -> Programme:
        j, programme = self.j, self.programme
        for i, item in enumerate(root["rooms"]):
            item = j.obj(item, f"$.rooms[{i}]")
            room = Room(name=j.text(item, "name", f"$.rooms[{i}]", required=True))
            self.rooms[j.text(item, "id", f"$.rooms[{i}]")] = room
            programme.rooms.append(room)
        self._categories(root)
        for i, item in enumerate(root["speakers"]):
            self._speaker(j.obj(item, f"$.speakers[{i}]"), f"$.speakers[{i}]")
        dates = set()
        for i, item in enumerate(root["sessions"]):
            session = self._session(j.obj(item, f"$.sessions[{i}]"), f"$.sessions[{i}]")
            if session.start is not None:
                programme.sessions.append(session)
                dates.add(session.start.astimezone(self.tz).date())
            else:
                programme.unscheduled.append(session)
        sh.set_days(programme, dates)
        return programme

    def _categories(self, root: dict) -> None:
        j = self.j
        for c, category in enumerate(j.arr(root.get("categories"), "$.categories")):
            cpath = f"$.categories[{c}]"
            category = j.obj(category, cpath)
            kind = j.text(category, "title", cpath).lower()
            for i, item in enumerate(j.arr(category.get("items"), f"{cpath}.items")):
                item = j.obj(item, f"{cpath}.items[{i}]")
                item_id = j.text(item, "id", f"{cpath}.items[{i}]")
                name = j.text(item, "name", f"{cpath}.items[{i}]")
                if "track" in kind or "topic" in kind:
                    self.tracks[item_id] = Track(name=name)
                    self.programme.tracks.append(self.tracks[item_id])
                elif "format" in kind or "type" in kind:
                    self.types[item_id] = name

    def _speaker(self, item: dict, path: str) -> None:
        j = self.j
        speaker_id = j.text(item, "id", path, required=True)
        try:
            guid = uuid.UUID(speaker_id)
        except ValueError:
            guid = derive_uuid("sessionize", "speaker", speaker_id)
        name = j.text(item, "fullName", path) or " ".join(
            filter(None, (j.text(item, "firstName", path), j.text(item, "lastName", path)))
        )
        links = []
        for k, link in enumerate(j.arr(item.get("links"), f"{path}.links")):
            link = j.obj(link, f"{path}.links[{k}]")
            links.append(
                Link(
                    url=j.text(link, "url", f"{path}.links[{k}]", required=True),
                    title=j.text(link, "title", f"{path}.links[{k}]"),
                    type=j.text(link, "linkType", f"{path}.links[{k}]") or None,
                )
            )
        person = Person(
            name=name,
            guid=guid,
            bio=j.text(item, "bio", path),
            avatar=j.text(item, "profilePicture", path) or None,
            links=links,
        )
        self.persons[speaker_id] = person
        self.programme.persons.append(person)

    def _session(self, item: dict, path: str) -> Entry:
        """A session; not placed yet (an export during the call for papers), its start is
        None."""
        j, tz = self.j, self.tz
        session_id = j.text(item, "id", path, required=True)
        scheduled = bool(j.text(item, "startsAt", path) and j.text(item, "endsAt", path))
        if scheduled:
            start = sh.parse_datetime(
                item["startsAt"], tz, format=FORMAT, location=f"{path}.startsAt"
            )
            end = sh.parse_datetime(item["endsAt"], tz, format=FORMAT, location=f"{path}.endsAt")
            if end < start:
                raise j.fail("session ends before it starts", path)
        else:
            start = end = None
        room_id = j.text(item, "roomId", path)
        if room_id and room_id not in self.rooms:
            raise j.fail(f"unknown roomId {room_id}", f"{path}.roomId")
        category_ids = [str(x) for x in j.arr(item.get("categoryItems"), f"{path}.categoryItems")]
        session = Entry(
            guid=derive_uuid("sessionize", "session", session_id),
            local_id=int(session_id) if session_id.isdigit() else None,
            title=j.text(item, "title", path, required=True),
            start=start,
            duration=end - start if scheduled else timedelta(0),
            room=self.rooms.get(room_id),
            abstract=j.text(item, "description", path),
            track=next((self.tracks[c] for c in category_ids if c in self.tracks), None),
            type=next(
                (self.types[c] for c in category_ids if c in self.types),
                "service" if item.get("isServiceSession") else "",
            ),
        )
        for key, kind in (("recordingUrl", "media"), ("liveUrl", "web")):
            if url := j.text(item, key, path):
                session.links.append(Link(url=url, title=key, type=kind))
        for s, speaker in enumerate(j.arr(item.get("speakers"), f"{path}.speakers")):
            speaker_key = (
                speaker
                if isinstance(speaker, str)
                else (j.obj(speaker, f"{path}.speakers[{s}]").get("id"))
            )
            if str(speaker_key) not in self.persons:
                raise j.fail(f"unknown speaker {speaker_key}", f"{path}.speakers[{s}]")
            session.persons.append(self.persons[str(speaker_key)])
        return session


def _ignored(j: _json.JsonPath, root: dict) -> dict[str, int]:
    """What the export holds that hallway does not keep, counted for the import's report."""
    ignored: dict[str, int] = {}
    for kind, items, key in (
        ("speaker.tagLine", root["speakers"], "tagLine"),
        ("speaker.questionAnswers", root["speakers"], "questionAnswers"),
        ("session.questionAnswers", root["sessions"], "questionAnswers"),
    ):
        n = sum(1 for x in items if isinstance(x, dict) and x.get(key))
        if n:
            ignored[kind] = n
    other = [
        c
        for c in j.arr(root.get("categories"), "$.categories")
        if isinstance(c, dict)
        and not any(
            w in str(c.get("title", "")).lower() for w in ("track", "topic", "format", "type")
        )
    ]
    if other:
        ignored["category (not a track or type)"] = len(other)
    return ignored


def parse_sessionize(data: bytes, *, time_zone: str | None = None) -> Programme:
    """Read a Sessionize "All" JSON export."""
    return parse_sessionize_document(_json.load_json(data, format=FORMAT), time_zone=time_zone)
