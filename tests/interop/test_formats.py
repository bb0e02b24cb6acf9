"""Format details that the real files do not exercise, on small hand-written documents:
Sessionize categories, schedule2 references, sniffing, CSV layout, export preconditions."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hallway.interop import FORMATS, Entry, FormatError, Programme, Room, export, parse, sniff

SESSIONIZE = {
    "sessions": [
        {
            "id": "101",
            "title": "Kubernetes for cats",
            "description": "Purr.",
            "startsAt": "2024-04-20T09:00:00",
            "endsAt": "2024-04-20T09:45:00",
            "isServiceSession": False,
            "speakers": ["5b0c6f0e-4b8e-4a1e-9d35-1a2b3c4d5e6f"],
            "categoryItems": [11, 21],
            "roomId": 1,
            "recordingUrl": "https://video.example/101",
        },
        {
            "id": "sv-1",
            "title": "Lunch",
            "startsAt": "2024-04-20T12:00:00",
            "endsAt": "2024-04-20T13:00:00",
            "isServiceSession": True,
            "speakers": [],
            "categoryItems": [],
            "roomId": 1,
        },
        {
            "id": "102",
            "title": "Not scheduled yet",
            "startsAt": None,
            "endsAt": None,
            "speakers": [],
            "categoryItems": [],
            "roomId": None,
        },
    ],
    "speakers": [
        {
            "id": "5b0c6f0e-4b8e-4a1e-9d35-1a2b3c4d5e6f",
            "firstName": "Ada",
            "lastName": "L.",
            "fullName": "Ada L.",
            "bio": "Counts.",
            "links": [{"title": "Blog", "url": "https://ada.example", "linkType": "Blog"}],
        }
    ],
    "categories": [
        {"id": 1, "title": "Track", "items": [{"id": 11, "name": "Cloud"}]},
        {"id": 2, "title": "Entry format", "items": [{"id": 21, "name": "Lightning talk"}]},
    ],
    "rooms": [{"id": 1, "name": "Aula"}],
    "questions": [],
}


def test_sessionize_categories_become_tracks_and_types() -> None:
    programme = parse(json.dumps(SESSIONIZE).encode(), time_zone="Europe/Vienna")
    talk, lunch = programme.sessions
    assert talk.track.name == "Cloud" and talk.type == "Lightning talk"
    assert talk.start == datetime(2024, 4, 20, 9, 0, tzinfo=ZoneInfo("Europe/Vienna"))
    assert talk.duration == timedelta(minutes=45)
    assert talk.persons[0].name == "Ada L." and talk.persons[0].bio == "Counts."
    assert str(talk.persons[0].guid) == "5b0c6f0e-4b8e-4a1e-9d35-1a2b3c4d5e6f"
    assert talk.links[0].url == "https://video.example/101"
    assert lunch.type == "service" and lunch.local_id is None
    assert [s.local_id for s in programme.unscheduled] == [102]  # no time slot yet
    # Re-importing gives the same guids.
    again = parse(json.dumps(SESSIONIZE).encode(), time_zone="Europe/Vienna")
    assert [s.guid for s in again.sessions] == [s.guid for s in programme.sessions]


SCHEDULE2 = {
    "schedule": {
        "version": "1",
        "conference": {
            "acronym": "tiny",
            "title": "Tiny",
            "time_zone_name": "Europe/Berlin",
            "start": "2024-12-27",
            "end": "2024-12-27",
            "tracks": [{"name": "Science", "slug": "science", "colors": {"light": "#00A356"}}],
            "rooms": [
                {
                    "name": "Saal 1",
                    "guid": "ba692ba3-421b-5371-8309-60acc34a3c05",
                    "capacity": 3025,
                    "description": {"en": "Big hall"},
                }
            ],
            "days": [
                {
                    "index": 1,
                    "date": "2024-12-27",
                    "start": "2024-12-27T09:00:00+01:00",
                    "end": "2024-12-28T04:00:00+01:00",
                }
            ],
        },
        "events": [
            {
                "guid": "270fa44c-821a-577f-8ca3-33e8d4a8c2a7",
                "title": "Opening",
                "start": "2024-12-27T10:30:00+01:00",
                "end": "2024-12-27T11:00:00+01:00",
                "room": {"guid": "ba692ba3-421b-5371-8309-60acc34a3c05"},
                "track": {"slug": "science"},
                "logo": {"url": "https://x.example/l.png"},
                "participants": [
                    {
                        "guid": "0c16ffaa-709d-599f-959f-9a38b911361a",
                        "name": "Gabriela",
                        "role": "SPEAKER",
                    }
                ],
                "attachments": [{"type": "SLIDES", "url": "https://x.example/s.pdf"}],
            }
        ],
        "persons": [
            {
                "guid": "0c16ffaa-709d-599f-959f-9a38b911361a",
                "name": "Gabriela",
                "biography": "Hacker.",
            }
        ],
    }
}


def test_schedule2_resolves_references() -> None:
    data = json.dumps(SCHEDULE2).encode()
    assert sniff(data) == "schedule2-json"
    programme = parse(data)
    (opening,) = programme.sessions
    assert opening.room.name == "Saal 1" and opening.room.capacity == 3025
    assert opening.room.description == "Big hall"
    assert opening.track.name == "Science" and opening.track.color == "#00A356"
    assert opening.duration == timedelta(minutes=30)
    assert [(p.name, p.bio) for p in opening.persons] == [("Gabriela", "Hacker.")]
    assert opening.attachments[0].type == "slides"
    assert opening.logo == "https://x.example/l.png"


def test_sniff_tells_the_json_formats_apart() -> None:
    assert sniff(json.dumps(SESSIONIZE).encode()) == "sessionize"
    assert sniff(b'\xef\xbb\xbf {"schedule": {"conference": {}}}') == "frab-json"
    assert sniff(b'[{"Name": "x", "StartTime": "", "EndTime": ""}]') == "scale-signs"
    assert sniff(b"  <?xml version='1.0'?><schedule/>") == "frab-xml"
    assert sniff(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n") == "ical"


def _one_session_programme(**session_fields) -> Programme:
    tz = ZoneInfo("Europe/Rome")
    room = Room("Workshop 2")
    fields = {
        "guid": uuid.uuid4(),
        "title": 'CTF, "all night"',
        "start": datetime(2026, 10, 2, 17, 0, tzinfo=tz),
        "duration": timedelta(hours=15),
        "room": room,
    } | session_fields
    return Programme(
        title="Camp", time_zone="Europe/Rome", rooms=[room], sessions=[Entry(**fields)]
    )


def test_csv_layout_and_sessions_past_midnight() -> None:
    programme = _one_session_programme(sub_event="Embedded Linux Day")
    rows = list(csv.reader(io.StringIO(export(programme, "csv").decode("utf-8-sig"), newline="")))
    assert rows[0] == [
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
    ]
    assert rows[1][:5] == [
        "2026-10-02",
        "17:00",
        "2026-10-03 08:00",
        "Workshop 2",
        'CTF, "all night"',
    ]
    assert rows[1][6] == "Embedded Linux Day"


def test_export_refuses_naive_datetimes_and_bad_zones() -> None:
    naive = _one_session_programme(start=datetime(2026, 10, 2, 17, 0))
    with pytest.raises(ValueError, match="naive"):
        export(naive, "frab-xml")
    programme = _one_session_programme()
    programme.time_zone = "Rome"
    with pytest.raises(ValueError, match="IANA"):
        export(programme, "ical")
    with pytest.raises(ValueError, match="unknown export format"):
        export(programme, "pdf")


def test_the_registry_says_what_the_code_does() -> None:
    """Each format's flags are checked against what export and parse really do, so a format
    listed as exportable without an exporter, or parseable without a parser, fails here."""
    programme = _one_session_programme()
    for name, fmt in FORMATS.items():
        if fmt.can_export:
            data = export(programme, name)
            assert data, name
        else:
            with pytest.raises(ValueError, match="unknown export format"):
                export(programme, name)
        if fmt.can_parse and fmt.can_export:
            assert sniff(data) == name
            assert [s.title for s in parse(data, format=name).sessions] == [
                s.title for s in programme.sessions
            ], name
        elif not fmt.can_parse:
            with pytest.raises(FormatError, match="unknown import format"):
                parse(b"{}", format=name)
        family = {"json": "json", "xml": "xml", "ics": "calendar", "csv": "csv"}[fmt.extension]
        assert family in fmt.media_type, (name, fmt.media_type)


def test_day_change_is_read_from_how_the_file_groups_its_nights() -> None:
    from datetime import time

    from hallway.interop import Day, day_change_of

    berlin = ZoneInfo("Europe/Berlin")
    room = Room("Saal 1")

    def at(day: int, hhmm: str) -> datetime:
        h, m = map(int, hhmm.split(":"))
        return datetime(2024, 12, 27 + day, h, m, tzinfo=berlin)

    def programme(starts: list[datetime], days: list[Day]) -> Programme:
        return Programme(
            title="night owls",
            time_zone="Europe/Berlin",
            rooms=[room],
            days=days,
            sessions=[
                Entry(
                    guid=uuid.uuid4(),
                    title=f"s{i}",
                    start=start,
                    duration=timedelta(minutes=30),
                    room=room,
                )
                for i, start in enumerate(starts)
            ],
        )

    ccc_days = [
        Day(1, at(0, "00:00").date(), at(0, "10:00"), at(1, "06:00")),
        Day(2, at(1, "00:00").date(), at(1, "06:00"), at(2, "06:00")),
    ]
    # a 01:30 talk listed under the evening before: days change after it, at the next hour
    night = programme([at(0, "11:00"), at(1, "01:30"), at(1, "11:00")], ccc_days)
    assert day_change_of(night) == time(2, 0)
    # what the file says wins
    night.day_change = time(4, 0)
    assert day_change_of(night) == time(4, 0)
    # no session after midnight: calendar dates
    assert day_change_of(programme([at(0, "11:00"), at(1, "11:00")], ccc_days)) == time(0, 0)
    # day labels a whole day off (DebConf 23's file): not mistaken for a late night
    shifted = [Day(1, at(0, "00:00").date(), at(1, "03:00"), at(2, "03:00"))]
    assert day_change_of(programme([at(1, "09:00"), at(1, "19:00")], shifted)) == time(0, 0)
