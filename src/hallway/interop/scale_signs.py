"""SCaLE's digital-signage JSON (``socallinuxexpo/scale-signs``): a flat list of
``{Name, Description, Location, StartTime, EndTime, Speakers, Topic[, Photo, Link]}``
exported from the SCaLE Drupal site, the only machine-readable archive of past SCaLE
programmes.

Text fields arrive HTML-escaped (``Systems &amp; Infrastructure``) and are unescaped;
``Description`` stays HTML.  Entries without a start time are unscheduled talks and are
skipped with a warning.  Relative ``Link`` paths are resolved against the SCaLE site, and
the time zone defaults to Pasadena's, since only SCaLE produces this format.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

from . import _json
from . import _shared as sh
from .model import Entry, Person, Programme, Room, Track, derive_uuid

FORMAT = "scale-signs"
SCALE_SITE = "https://www.socallinuxexpo.org"
DEFAULT_TIME_ZONE = "America/Los_Angeles"
FIELDS = ("Name", "StartTime", "EndTime", "Location")


def looks_like_signs(document: object) -> bool:
    return (
        isinstance(document, list)
        and bool(document)
        and isinstance(document[0], dict)
        and all(key in document[0] for key in ("Name", "StartTime", "EndTime"))
    )


def parse_scale_signs_document(document: object, *, time_zone: str | None = None) -> Programme:
    j = _json.JsonPath(FORMAT)
    warnings: list[str] = []
    with sh.unexpected_content(FORMAT):
        entries = j.arr(document, "$")
        if document is None or (entries and not looks_like_signs(document)):
            raise j.fail("expected an array of {Name, StartTime, EndTime, …} objects", "$")
        tz_name = time_zone or DEFAULT_TIME_ZONE
        tz = sh.zone(tz_name, format=FORMAT)
        programme = Programme(title="SCaLE", time_zone=tz_name, base_url=SCALE_SITE + "/")
        rooms: dict[str, Room] = {}
        tracks: dict[str, Track] = {}
        persons: dict[str, Person] = {}
        dates = set()
        for i, item in enumerate(entries):
            path = f"$[{i}]"
            item = j.obj(item, path)

            def text(key: str, item: dict = item, path: str = path) -> str:
                return html.unescape(j.text(item, key, path))

            title = text("Name")
            if not title:
                raise j.fail("entry without a Name", path)
            if not j.text(item, "StartTime", path):
                warnings.append(f"{path}: {title!r} has no StartTime; skipped")
                continue
            start = sh.parse_datetime(
                item["StartTime"], tz, format=FORMAT, location=f"{path}.StartTime"
            )
            end_text = j.text(item, "EndTime", path)
            end = (
                sh.parse_datetime(end_text, tz, format=FORMAT, location=f"{path}.EndTime")
                if end_text
                else start
            )
            if end < start:
                raise j.fail("entry ends before it starts", path)
            room_name = text("Location")
            room = rooms.setdefault(room_name, Room(name=room_name)) if room_name else None
            topic = text("Topic")
            track = tracks.setdefault(topic, Track(name=topic)) if topic else None
            speakers = []
            for name in (n.strip() for n in text("Speakers").split(",")):
                if name:
                    speakers.append(persons.setdefault(name, Person(name=name)))
            link = j.text(item, "Link", path)
            session = Entry(
                guid=derive_uuid("scale-signs", title, item["StartTime"], room_name),
                title=title,
                start=start,
                duration=end - start,
                room=room,
                track=track,
                abstract=j.text(item, "Description", path),
                persons=speakers,
                url=urljoin(SCALE_SITE, link) if link else None,
                logo=j.text(item, "Photo", path) or None,
            )
            programme.sessions.append(session)
            dates.add(start.astimezone(tz).date())
            if programme.title == "SCaLE" and link:
                if m := re.match(r"^/scale/(\d+x)/", link):
                    programme.title = f"SCaLE {m.group(1)}"
        programme.rooms = list(rooms.values())
        programme.tracks = list(tracks.values())
        programme.persons = list(persons.values())
        sh.set_days(programme, dates)
        if dates and programme.title == "SCaLE":
            programme.title = f"SCaLE {min(dates).year}"
        programme.warnings = warnings
        sh.dedupe_guids(programme)
        return programme


def parse_scale_signs(data: bytes, *, time_zone: str | None = None) -> Programme:
    """Read a SCaLE signage JSON file."""
    return parse_scale_signs_document(_json.load_json(data, format=FORMAT), time_zone=time_zone)
