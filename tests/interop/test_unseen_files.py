"""Imports of files like those other conferences publish, built here to show one class of
defect each (issue 10): imported as a new user would, through the command line and the web
import page, and compared with what the file says."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from factories import make_umbrella
from hallway import interop
from hallway.events.models import Event
from hallway.interop.imports import import_file
from hallway.programme.models import Session, Speaker
from hallway.schedule.services import latest_release, wip_schedule


def frab_xml(
    days: list[dict], *, zone: str | None = "Europe/Berlin", title: str = "Unseen"
) -> bytes:
    """A schedule.xml: each day {date, start?, end?, rooms: {name: [event dict]}}; each event
    {id, guid?, date?, start, duration, title, persons: [(id, name)], links: [xml text]}."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<schedule><version>1</version>"]
    out.append(f"<conference><title>{title}</title><acronym>unseen</acronym>")
    if zone:
        out.append(f"<time_zone_name>{zone}</time_zone_name>")
    out.append("</conference>")
    for index, day in enumerate(days, start=1):
        bounds = "".join(f' {k}="{day[k]}"' for k in ("start", "end") if k in day)
        out.append(f'<day index="{index}" date="{day["date"]}"{bounds}>')
        for room, events in day["rooms"].items():
            out.append(f'<room name="{room}">')
            for ev in events:
                guid = f' guid="{ev["guid"]}"' if ev.get("guid") else ""
                out.append(f'<event id="{ev["id"]}"{guid}>')
                if ev.get("date"):
                    out.append(f"<date>{ev['date']}</date>")
                out.append(f"<start>{ev['start']}</start><duration>{ev['duration']}</duration>")
                out.append(f"<room>{ev.get('room', room)}</room><title>{ev['title']}</title>")
                out.append(f"<type>{ev.get('type', 'talk')}</type>")
                out.append(f"<language>{ev.get('language', 'en')}</language>")
                for tag in ("slug", "url", "feedback_url"):
                    if ev.get(tag):
                        out.append(f"<{tag}>{ev[tag]}</{tag}>")
                out.append("<persons>")
                for pid, name, *guid in ev.get("persons", []):
                    attrs = f' id="{pid}"' + (f' guid="{guid[0]}"' if guid else "")
                    out.append(f"<person{attrs}>{name}</person>")
                out.append("</persons><links>" + "".join(ev.get("links", [])) + "</links>")
                out.append("</event>")
            out.append("</room>")
        out.append("</day>")
    out.append("</schedule>")
    return "\n".join(out).encode()


def speakers_of(event: Event) -> dict[str, list[str]]:
    """Each released session's title → its speakers' names, in order."""
    release = latest_release(event.umbrella)
    return {
        slot.session.title: [
            link.speaker.name for link in slot.session.speaker_links.order_by("position")
        ]
        for slot in release.slots.select_related("session")
    }


def run_import(tmp_path: Path, data: bytes, *args: str, name: str = "schedule.bin") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    out = StringIO()
    call_command("import", str(path), *args, stdout=out)
    return out.getvalue()


# --------------------------------------------------------------------------- 1: people


MERGED = frab_xml(
    [
        {
            "date": "2025-12-27",
            "rooms": {
                "Saal 1": [
                    {
                        "id": 10,
                        "date": "2025-12-27T11:00:00+01:00",
                        "start": "11:00",
                        "duration": "00:40",
                        "title": "Stage one talk",
                        "persons": [(7, "Alice Example")],
                    },
                    {
                        "id": 11,
                        "date": "2025-12-27T12:00:00+01:00",
                        "start": "12:00",
                        "duration": "00:40",
                        "title": "Alice again",
                        "persons": [(7, "Alice Example")],
                    },
                ],
                "Stage B": [
                    {
                        "id": 20,
                        "date": "2025-12-27T11:00:00+01:00",
                        "start": "11:00",
                        "duration": "00:40",
                        "title": "Stage two talk",
                        "persons": [(7, "Bob Other")],
                    }
                ],
            },
        }
    ]
)


def test_a_person_id_reused_for_another_name_is_another_person() -> None:
    programme = interop.parse(MERGED)
    assert sorted(p.name for p in programme.persons) == ["Alice Example", "Bob Other"]
    assert any("id 7: 'Alice Example', 'Bob Other'" in w for w in programme.warnings)


@pytest.mark.django_db
def test_a_merged_schedule_credits_each_session_to_its_own_speaker(tmp_path: Path) -> None:
    out = run_import(tmp_path, MERGED, "--event", "merged")
    event = Event.objects.get(slug="merged")
    assert speakers_of(event) == {
        "Stage one talk": ["Alice Example"],
        "Alice again": ["Alice Example"],
        "Stage two talk": ["Bob Other"],
    }
    assert Speaker.objects.filter(event=event).count() == 2
    assert "inconsistent person ids" in out
    # the same file again: the same two people, nothing new
    report = import_file(MERGED, "merged")
    assert report.count("speakers", "unchanged") == 2 and report.release is None


# --------------------------------------------------------------------------- 2: nothing placed


def sessionize_cfp() -> bytes:
    """A Sessionize 'All' export taken during the call for papers: no times, no rooms."""
    return json.dumps(
        {
            "sessions": [
                {
                    "id": str(100 + n),
                    "title": f"Proposal {n}",
                    "description": "An abstract.",
                    "startsAt": None,
                    "endsAt": None,
                    "roomId": None,
                    "speakers": ["a1b2c3d4-0000-4000-8000-000000000001"],
                    "categoryItems": [],
                }
                for n in range(3)
            ],
            "speakers": [
                {
                    "id": "a1b2c3d4-0000-4000-8000-000000000001",
                    "firstName": "Ada",
                    "lastName": "Lovelace",
                    "fullName": "Ada Lovelace",
                    "bio": "",
                    "links": [],
                }
            ],
            "rooms": [],
            "categories": [],
            "questions": [],
        }
    ).encode()


EMPTY_XML = frab_xml([])


def admin_client() -> Client:
    from django.contrib.auth.models import User

    client = Client()
    client.force_login(User.objects.create_superuser("importer", "i@example.org", "pw-1-x"))
    return client


def upload(client: Client, data: bytes, event: str, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/manage/import/",
        {"file": SimpleUploadedFile("schedule", data), "event": event, "release": "on", **fields},
    )


@pytest.mark.django_db
def test_a_call_for_papers_export_imports_its_sessions_unscheduled(tmp_path: Path) -> None:
    out = run_import(tmp_path, sessionize_cfp(), "--event", "cfp-time")
    assert "3 without a time (unscheduled)" in out and "nothing to schedule" in out
    event = Event.objects.get(slug="cfp-time")
    sessions = Session.objects.filter(umbrella=event)
    assert sorted(s.title for s in sessions) == ["Proposal 0", "Proposal 1", "Proposal 2"]
    assert all(s.speakers.get().name == "Ada Lovelace" for s in sessions)
    assert not wip_schedule(event).slots.exists() and latest_release(event) is None
    # the web page says the same, with no error
    response = upload(admin_client(), sessionize_cfp(), "cfp-time")
    assert response.status_code == 200
    assert "nothing to schedule" in response.content.decode()


@pytest.mark.django_db
def test_an_empty_programme_says_there_is_nothing_to_schedule(tmp_path: Path) -> None:
    out = run_import(tmp_path, EMPTY_XML, "--event", "empty")
    assert "the file holds no sessions" in out
    response = upload(admin_client(), EMPTY_XML, "empty-too")
    assert response.status_code == 200
    assert "the file holds no sessions" in response.content.decode()


# --------------------------------------------------------------------------- 4: time zones


def sessionize_day(hour: int = 9, first_id: int = 200) -> bytes:
    """A Sessionize 'All' export with two placed sessions (local times, as Sessionize gives)."""
    return json.dumps(
        {
            "sessions": [
                {
                    "id": str(first_id + n),
                    "title": f"Talk {n}",
                    "description": "",
                    "startsAt": f"2025-05-10T{hour + n:02d}:00:00",
                    "endsAt": f"2025-05-10T{hour + n:02d}:45:00",
                    "roomId": 1,
                    "speakers": [],
                    "categoryItems": [],
                }
                for n in range(2)
            ],
            "speakers": [],
            "rooms": [{"id": 1, "name": "Hall A"}],
            "categories": [],
            "questions": [],
        }
    ).encode()


def wall_clock(event: Event) -> dict[str, str]:
    tz = ZoneInfo(event.umbrella.time_zone)
    return {
        slot.session.title: slot.start.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        for slot in latest_release(event.umbrella).slots.select_related("session")
    }


OFFSETS_ONLY = frab_xml(
    [
        {
            "date": "2025-02-01",
            "rooms": {
                "K.1.105": [
                    {
                        "id": 1,
                        "date": "2025-02-01T10:00:00+01:00",
                        "start": "10:00",
                        "duration": "00:30",
                        "title": "Morning",
                    }
                ]
            },
        }
    ],
    zone=None,
)


@pytest.mark.django_db
def test_offsets_in_a_file_without_a_zone_name_keep_the_wall_clock(tmp_path: Path) -> None:
    out = run_import(tmp_path, OFFSETS_ONLY, "--event", "offsets")
    event = Event.objects.get(slug="offsets")
    assert event.time_zone == "Etc/GMT-1" and "from its offsets (+01:00)" in out
    assert wall_clock(event) == {"Morning": "2025-02-01 10:00"}


@pytest.mark.django_db
def test_sessionize_times_are_read_in_the_existing_events_zone(tmp_path: Path) -> None:
    event = make_umbrella("Vienna days", "vienna")
    event.time_zone = "Europe/Vienna"
    event.save()
    run_import(tmp_path, sessionize_day(), "--event", "vienna")
    assert wall_clock(event) == {"Talk 0": "2025-05-10 09:00", "Talk 1": "2025-05-10 10:00"}
    releases = event.schedules.filter(version__isnull=False).count()
    report = import_file(sessionize_day(), "vienna")  # again: nothing moves, no release
    assert report.count("sessions", "unchanged") == 2 and report.release is None
    assert event.schedules.filter(version__isnull=False).count() == releases
    assert wall_clock(event) == {"Talk 0": "2025-05-10 09:00", "Talk 1": "2025-05-10 10:00"}


@pytest.mark.django_db
def test_local_times_for_a_new_event_need_a_time_zone(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--time-zone") as info:
        run_import(tmp_path, sessionize_day(), "--event", "nowhere")
    assert "Nothing was imported" in str(info.value)
    assert not Event.objects.filter(slug="nowhere").exists()
    run_import(tmp_path, sessionize_day(), "--event", "lisbon", "--time-zone", "Europe/Lisbon")
    assert wall_clock(Event.objects.get(slug="lisbon"))["Talk 0"] == "2025-05-10 09:00"
    # the web import page asks with a field
    client = admin_client()
    page = client.get("/manage/import/").content.decode()
    assert 'name="time_zone"' in page
    response = upload(client, sessionize_day(), "web-nowhere")
    assert response.status_code == 200 and "Nothing was imported" in response.content.decode()
    assert not Event.objects.filter(slug="web-nowhere").exists()
    response = upload(client, sessionize_day(first_id=300), "web-lisbon", time_zone="Europe/Lisbon")
    assert response.status_code == 200
    assert wall_clock(Event.objects.get(slug="web-lisbon"))["Talk 1"] == "2025-05-10 10:00"


# --------------------------------------------------------------------------- 3: next year


def edition(year: int, first_id: int) -> bytes:
    grace = (5, "Grace Hopper", "9a0e7f0e-1d2b-4c3d-8e4f-50607080a0b0")
    return frab_xml(
        [
            {
                "date": f"{year}-03-01",
                "rooms": {
                    "Main": [
                        {
                            "id": first_id,
                            "date": f"{year}-03-01T10:00:00+01:00",
                            "start": "10:00",
                            "duration": "00:45",
                            "title": f"Compilers in {year}",
                            "persons": [grace],
                        }
                    ]
                },
            }
        ],
        title=f"Conf {year}",
    )


@pytest.mark.django_db
def test_a_speaker_of_last_years_event_speaks_again(tmp_path: Path) -> None:
    run_import(tmp_path, edition(2024, 1), "--event", "conf-2024")
    out = run_import(tmp_path, edition(2025, 101), "--event", "conf-2025")
    assert "speakers: 1 created" in out and "is a speaker of" in out
    this_year = Event.objects.get(slug="conf-2025")
    assert speakers_of(this_year) == {"Compilers in 2025": ["Grace Hopper"]}
    assert speakers_of(Event.objects.get(slug="conf-2024")) == {
        "Compilers in 2024": ["Grace Hopper"]
    }
    assert Speaker.objects.filter(name="Grace Hopper").count() == 2
    report = import_file(edition(2025, 101), "conf-2025")  # again: the same row, no change
    assert report.count("speakers", "unchanged") == 1 and report.release is None


@pytest.mark.django_db
def test_a_session_whose_speaker_cannot_be_kept_is_not_published(tmp_path: Path) -> None:
    data = edition(2026, 201).replace(b"Grace Hopper", b"G" * 300)
    report = import_file(data, "conf-2026")
    assert report.count("sessions", "skipped") == 1
    assert not Session.objects.filter(title="Compilers in 2026").exists()
    assert any("could not be imported" in note for note in report.notes)


# --------------------------------------------------------------------------- 6: links


LINKS = frab_xml(
    [
        {
            "date": "2025-06-01",
            "rooms": {
                "Main": [
                    {
                        "id": 1,
                        "date": "2025-06-01T10:00:00+02:00",
                        "start": "10:00",
                        "duration": "00:30",
                        "title": "Linked",
                        "links": [
                            "<link>https://slides.example.org/deck.pdf</link>",
                            '<link href="example.org/notes">Notes</link>',
                            '<link href="">Nothing</link>',
                        ],
                    }
                ]
            },
        }
    ]
)


@pytest.mark.django_db
def test_links_as_element_text_and_without_a_scheme_are_kept(tmp_path: Path) -> None:
    out = run_import(tmp_path, LINKS, "--event", "links")
    session = Session.objects.get(title="Linked")
    assert list(session.resources.order_by("position").values_list("title", "url")) == [
        ("", "https://slides.example.org/deck.pdf"),
        ("Notes", "https://example.org/notes"),
    ]
    assert "1 written without a scheme, kept with https://" in out
    assert "links: 1 not kept" in out and "a link without a URL was not kept" in out


# --------------------------------------------------------------------------- 7: formats


def sessionize_session(n: int, hour: int) -> dict:
    return {
        "id": str(400 + n),
        "title": f"Grid talk {n}",
        "description": "About it.",
        "startsAt": f"2025-09-20T{hour:02d}:00:00",
        "endsAt": f"2025-09-20T{hour:02d}:50:00",
        "isServiceSession": False,
        "isPlenumSession": False,
        "speakers": [{"id": "b0000000-0000-4000-8000-00000000000" + str(n), "name": f"Sp {n}"}],
        "categories": [
            {
                "id": 9,
                "name": "Track",
                "categoryItems": [{"id": 90 + n, "name": f"Track {n}"}],
                "sort": 1,
            }
        ],
        "roomId": 7 + n,
        "room": f"Room {n}",
        "liveUrl": None,
        "recordingUrl": None,
        "status": "Accepted",
    }


SESSIONS_VIEW = [
    {
        "groupId": None,
        "groupName": "All",
        "sessions": [sessionize_session(0, 9), sessionize_session(1, 10)],
        "isDefault": True,
    }
]
GRID_SMART = [
    {
        "date": "2025-09-20T00:00:00",
        "isDefault": True,
        "rooms": [
            {"id": 7, "name": "Room 0", "sessions": [sessionize_session(0, 9)]},
            {"id": 8, "name": "Room 1", "sessions": [sessionize_session(1, 10)]},
        ],
        "timeSlots": [],
    }
]
SPEAKERS_VIEW = [
    {
        "id": "b0000000-0000-4000-8000-000000000000",
        "firstName": "Sp",
        "lastName": "0",
        "fullName": "Sp 0",
        "bio": "Bio.",
        "tagLine": "",
        "profilePicture": None,
        "sessions": [{"id": 400, "name": "Grid talk 0"}],
        "links": [],
    }
]


@pytest.mark.parametrize("view", [SESSIONS_VIEW, GRID_SMART], ids=["Sessions", "GridSmart"])
def test_sessionizes_other_views_are_read(view) -> None:
    programme = interop.parse(json.dumps(view).encode(), time_zone="Europe/Madrid")
    assert [
        (s.title, s.room.name, s.track.name, [p.name for p in s.persons])
        for s in programme.sessions
    ] == [
        ("Grid talk 0", "Room 0", "Track 0", ["Sp 0"]),
        ("Grid talk 1", "Room 1", "Track 1", ["Sp 1"]),
    ]
    assert programme.sessions[0].start.isoformat() == "2025-09-20T09:00:00+02:00"


@pytest.mark.django_db
def test_the_speakers_view_adds_speakers_without_clearing_the_sessions() -> None:
    import_file(json.dumps(SESSIONS_VIEW).encode(), "grid", time_zone="Europe/Madrid")
    report = import_file(json.dumps(SPEAKERS_VIEW).encode(), "grid")
    session = Session.objects.get(title="Grid talk 0")
    assert session.abstract == "About it." and session.speakers.get().bio == "Bio."
    assert report.count("sessions", "unchanged") == 1
    assert wall_clock(Event.objects.get(slug="grid"))["Grid talk 0"] == "2025-09-20 09:00"


def test_utf16_files_are_decoded_and_named() -> None:
    for codec, bom in (("utf-16-le", b"\xff\xfe"), ("utf-16-be", b""), ("utf-8", b"\xef\xbb\xbf")):
        data = bom + MERGED.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode(codec)
        if codec == "utf-8":
            data = bom + MERGED
        programme = interop.parse(data)
        assert len(programme.sessions) == 3, codec
        assert codec == "utf-8" or "UTF-16" in programme.warnings[0]
    with pytest.raises(interop.FormatError, match="UTF-16 \\(little-endian\\), by its"):
        interop.parse(b"\xff\xfe" + "{}".encode("utf-16-le") + b"\x00")


@pytest.mark.parametrize(
    "document, words",
    [
        ({"schedule": {"version": "1", "days": []}}, "no 'conference' object"),
        ({"talks": [], "people": []}, "the keys 'people', 'talks'"),
        ([{"when": "x"}], "the first an object with the keys 'when'"),
    ],
)
def test_a_non_standard_json_says_what_was_found(document, words: str) -> None:
    with pytest.raises(interop.FormatError) as info:
        interop.parse(json.dumps(document).encode())
    assert words in str(info.value) and "frab-json:" not in str(info.value)


# --------------------------------------------------------------------------- 5: days


def night_day(date: str, next_date: str, n: int) -> dict:
    """A day said to run 10:00–19:00 that lists a talk at 11:00 and one at 02:00 after."""
    return {
        "date": date,
        "start": f"{date}T10:00:00+01:00",
        "end": f"{date}T19:00:00+01:00",
        "rooms": {
            "Saal 1": [
                {
                    "id": 10 * n + 1,
                    "date": f"{date}T11:00:00+01:00",
                    "start": "11:00",
                    "duration": "01:00",
                    "title": f"Day {n} morning",
                },
                {
                    "id": 10 * n + 2,
                    "date": f"{next_date}T02:00:00+01:00",
                    "start": "02:00",
                    "duration": "01:00",
                    "title": f"Day {n} night",
                },
            ]
        },
    }


NIGHTS = frab_xml(
    [
        night_day(d, nd, n)
        for n, (d, nd) in enumerate(
            [
                ("2025-12-27", "2025-12-28"),
                ("2025-12-28", "2025-12-29"),
                ("2025-12-29", "2025-12-30"),
                ("2025-12-30", "2025-12-31"),
            ],
            start=1,
        )
    ]
)


@pytest.mark.django_db
def test_the_files_own_days_are_kept_when_its_day_ranges_are_wrong(tmp_path: Path) -> None:
    programme = interop.parse(NIGHTS)
    assert interop.day_change_of(programme) == dt.time(3, 0)
    out = run_import(tmp_path, NIGHTS, "--event", "nights")
    event = Event.objects.get(slug="nights")
    assert len(event.days) == 4 and "another day than the file" not in out
    by_day = {}
    for slot in latest_release(event).slots.select_related("session"):
        by_day.setdefault(event.day_of(slot.start), []).append(slot.session.title)
    assert {day.isoformat(): sorted(titles) for day, titles in by_day.items()} == {
        f"2025-12-{27 + n}": [f"Day {n + 1} morning", f"Day {n + 1} night"] for n in range(4)
    }


# --------------------------------------------------------------------------- 8: small losses


SMALL = frab_xml(
    [
        {
            "date": "2025-02-01",
            "rooms": {
                "Janson": [
                    {
                        "id": 4711,
                        "guid": "1f0e2d3c-4b5a-4968-8776-655443322110",
                        "date": "2025-02-01T10:00:00+01:00",
                        "start": "10:00",
                        "duration": "00:50",
                        "title": "Kept whole",
                        "slug": "unseen-4711-kept-whole",
                        "url": "https://source.example.org/talk/4711",
                        "feedback_url": "https://source.example.org/talk/4711/feedback",
                        "language": "",
                        "type": "",
                    },
                    {
                        "id": 4712,
                        "guid": "1f0e2d3c-4b5a-4968-8776-655443322110",
                        "date": "2025-02-01T11:00:00+01:00",
                        "start": "11:00",
                        "duration": "00:50",
                        "title": "Same guid",
                    },
                ],
                "Empty wrapper": [],
            },
        }
    ],
    zone="Europe/Brussels",
).replace(b"<title>Unseen</title>", b"<title>Unseen</title><venue>ULB</venue><city>Brussels</city>")


@pytest.mark.django_db
def test_ids_urls_venue_and_empty_values_survive_a_re_export() -> None:
    from hallway.interop.exports import export_bytes  # noqa: PLC0415

    report = import_file(SMALL, "small")
    event = report.event
    assert (event.venue_name, event.venue_address) == ("ULB", "Brussels")
    assert not event.rooms.filter(name="Empty wrapper").exists()
    assert any("session id 4712 ('Same guid'" in n for n in report.notes)
    again = interop.parse(export_bytes(event, "frab-xml", base_url="https://hallway.example/"))
    kept = next(s for s in again.sessions if s.title == "Kept whole")
    assert kept.local_id == 4711 and kept.slug == "unseen-4711-kept-whole"
    assert kept.origin_url == "https://source.example.org/talk/4711"
    assert kept.feedback_url == "https://source.example.org/talk/4711/feedback"
    assert (kept.language, kept.type) == ("", "")
    assert [r.name for r in again.rooms] == ["Janson"]


# --------------------------------------------------------------------------- nothing silently


@pytest.mark.django_db
def test_every_value_not_kept_is_counted_by_kind() -> None:
    data = SMALL.replace(
        b"<title>Kept whole</title>",
        b"<title>Kept whole</title><answers>42</answers><logo>https://x.example/l.png</logo>"
        b"<recording><license>CC BY 4.0</license><optout>false</optout></recording>",
    )
    report = import_file(data, "counted")
    line = next(x for x in report.lines() if x.startswith("not kept"))
    assert "event/answers ×1" in line and "session logo ×1" in line
    assert "session recording licence ×1" in line
    assert "room wrapper without events ×1" in line
