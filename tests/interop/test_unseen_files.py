"""Imports of files like those other conferences publish, built here to show one class of
defect each (issue 10): imported as a new user would, through the command line and the web
import page, and compared with what the file says."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

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
                out += [
                    f'<person id="{pid}">{name}</person>' for pid, name in ev.get("persons", [])
                ]
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
