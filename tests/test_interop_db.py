"""Interop through the database: real files imported with ``import_file`` and the ``import``
command, exports read back from releases and over HTTP, and the organiser's upload page.

The large real files are imported once per module (committed, outside the per-test
transactions) and deleted again when the module ends; everything else runs in the usual
rolled-back test transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import uuid
from io import StringIO
from pathlib import Path

import defusedxml.ElementTree as DET
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from hallway import interop
from hallway.events.models import Event, Room
from hallway.interop.exports import export_bytes
from hallway.interop.imports import import_file, import_programme
from hallway.programme.models import Resource, Session, SessionSpeaker, Speaker
from hallway.schedule.models import Schedule, Slot
from hallway.schedule.services import latest_release
from interop.conftest import json_validator, xml_schema  # noqa: F401 (fixtures)
from interop.realdata import REAL_FILES, REAL_ZONES, independent_counts

pytestmark = pytest.mark.shared

#: Two files of the CCC hub share 38C3's session, speaker and room guids; the hub file is
#: imported on its own (see test_hub_file_beside_38c3 and test_hub_file_alone).
SHARES_GUIDS_WITH_38C3 = "voc-validator-hub-schedule2.json"
MODULE_FILES = sorted(set(REAL_FILES) - {SHARES_GUIDS_WITH_38C3})


def slug_for(name: str) -> str:
    return "real-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]


# --------------------------------------------------------------------------- helpers


def declared_span(path: Path, fmt: str) -> int | None:
    """Days from the file's own conference start to end date (read without hallway)."""
    if fmt == "frab-xml":
        conference = DET.fromstring(path.read_bytes()).find("conference")
        start, end = conference.findtext("start"), conference.findtext("end")
    elif fmt == "frab-json":
        conference = json.loads(path.read_bytes())["schedule"]["conference"]
        start, end = conference.get("start"), conference.get("end")
    else:
        return None
    if not start or not end:
        return None
    first, last = dt.date.fromisoformat(start[:10]), dt.date.fromisoformat(end[:10])
    return (last - first).days + 1


def db_counts(event: Event) -> dict[str, int]:
    release = latest_release(event)
    slots = Slot.objects.filter(schedule=release, session__isnull=False)
    return {
        "sessions": slots.count(),
        "rooms": Room.objects.filter(slots__in=slots).distinct().count(),
        "days": len(event.days),
        "persons": Speaker.objects.filter(event=event.umbrella).count(),
    }


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Event, Session, Speaker, Room, Schedule, Slot, SessionSpeaker, Resource)
    }


def snapshot(event: Event) -> dict:
    """Every exported field of every released session of ``event``, keyed by guid."""
    release = latest_release(event)
    rows = {}
    slots = (
        Slot.objects.filter(schedule=release, session__isnull=False)
        .select_related("session__track", "session__session_type", "room")
        .order_by("start")
    )
    for slot in slots:
        session = slot.session
        rows[session.uuid] = {
            "title": session.title,
            "subtitle": session.subtitle,
            "abstract": session.abstract,
            "description": session.description,
            "language": session.language,
            "type": session.session_type.name,
            "start": slot.start,
            "end": slot.end,
            "duration": session.duration,
            "room": (slot.room.name, slot.room.uuid) if slot.room else None,
            "track": (session.track.name, session.track.colour) if session.track else None,
            "persons": [
                (link.speaker.name, link.speaker.uuid)
                for link in session.speaker_links.select_related("speaker").order_by("position")
            ],
            "links": list(
                session.resources.order_by("position").values_list(
                    "kind", "title", "url", "link_type"
                )
            ),
            "do_not_record": session.do_not_record,
        }
    return rows


def delete_event(event: Event) -> None:
    """Delete an imported event and everything in it (rooms and types are protected)."""
    from hallway.events.models import SessionType, Track

    Schedule.objects.filter(event=event).delete()
    Session.objects.filter(umbrella=event).delete()
    for model in (Speaker, Room, Track, SessionType):
        model.objects.filter(event=event).delete()
    event.delete()


def forget_module_copy(name: str) -> None:
    """Delete the module's import of ``name`` (inside the test's transaction), so the test
    can import the file afresh: session and speaker guids are unique across the site."""
    for event in Event.objects.filter(slug=slug_for(name)):
        delete_event(event)


def export_of(event: Event, fmt: str) -> bytes:
    return export_bytes(event, fmt, base_url="https://hallway.example.org/")


def assert_valid_exports(event: Event, xml_schema, json_validator) -> None:  # noqa: F811
    xml = export_of(event, "frab-xml")
    head = xml[:1024]
    assert b"<schedule" in head and b"<conference" in head
    errors = [str(e)[:300] for e in xml_schema.iter_errors(xml.decode("utf-8"))]
    assert errors == []
    document = json.loads(export_of(event, "frab-json"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in json_validator.iter_errors(document)]
    assert errors == []


def ical_events(data: bytes) -> dict[str, dict[str, str]]:
    """VEVENTs of an iCalendar file by UID, by a plain unfolding pass (not our parser)."""
    text = re.sub(r"\r?\n[ \t]", "", data.decode("utf-8"))
    events = {}
    for block in re.findall(r"BEGIN:VEVENT\r?\n(.*?)END:VEVENT", text, re.S):
        fields = {}
        for line in block.splitlines():
            name, _, value = line.partition(":")
            fields[name.split(";")[0]] = value
        events[fields["UID"]] = fields
    return events


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def real_events(shared_dir, django_db_setup, django_db_blocker):
    """Every real file (but the hub file) imported into its own event, once per module."""
    real = shared_dir / "interop" / "real"
    events = {}
    try:
        with django_db_blocker.unblock():
            for name in MODULE_FILES:
                events[name] = import_file(
                    (real / name).read_bytes(), slug_for(name), time_zone=REAL_ZONES.get(name)
                ).event
        yield events
    finally:
        with django_db_blocker.unblock():
            for event in Event.objects.filter(slug__in=[slug_for(n) for n in MODULE_FILES]):
                delete_event(event)


@pytest.fixture
def real(shared_dir) -> Path:
    return shared_dir / "interop" / "real"


# --------------------------------------------------------------------------- counts


def test_every_real_file_is_covered(real: Path) -> None:
    assert {p.name for p in real.iterdir() if p.name != "PROVENANCE.md"} == set(REAL_FILES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", MODULE_FILES)
def test_counts_in_the_database_match_the_file(real_events, real: Path, name: str) -> None:
    fmt = REAL_FILES[name]
    expected = independent_counts(real / name, fmt)
    # hallway's days are the calendar dates of the event; where the file's conference
    # start/end span more days than its <day> list (32C3, DebConf23, Camp 2019), the
    # event keeps the declared span.
    span = declared_span(real / name, fmt)
    if span is not None:
        expected["days"] = max(expected["days"], span)
    assert db_counts(Event.objects.get(slug=slug_for(name))) == expected


@pytest.mark.django_db
def test_hub_file_alone(real: Path) -> None:
    """The hub file's counts, imported through the command into a database without 38C3."""
    for event in Event.objects.filter(slug=slug_for("ccc-38c3.schedule.xml")):
        delete_event(event)
    path = real / SHARES_GUIDS_WITH_38C3
    out = StringIO()
    call_command("import", str(path), "--event", "hub", stdout=out)
    assert "sessions: 2 created" in out.getvalue()
    counts = independent_counts(path, REAL_FILES[SHARES_GUIDS_WITH_38C3])
    assert db_counts(Event.objects.get(slug="hub")) == counts


@pytest.mark.django_db
def test_hub_file_beside_38c3(real_events, real: Path) -> None:
    """Both of the hub file's sessions are 38C3's: imported as it is, it is refused whole.
    With one session made its own, that one is imported, the other skipped with a note, and
    rooms whose guids 38C3 already holds are matched by name (this raised IntegrityError)."""
    data = (real / SHARES_GUIDS_WITH_38C3).read_bytes()
    tables = table_counts()
    with pytest.raises(ValidationError, match="all 2 sessions in this file already belong"):
        import_file(data, "hub")
    assert table_counts() == tables
    programme = interop.parse(data)
    programme.sessions[0].guid = uuid.uuid5(uuid.NAMESPACE_URL, "hub-only session")
    report = import_programme(programme, "hub")
    assert report.count("sessions", "created") == 1
    assert report.count("sessions", "skipped") == 1
    assert any("belongs to" in note for note in report.notes)
    assert any("already used by another event" in note for note in report.notes)
    assert Room.objects.filter(event=report.event).count() == 5


@pytest.mark.django_db
def test_two_rooms_with_one_guid_in_a_file(real_events, real: Path) -> None:
    """pretalx's democon export gives Tan Room and Gray Room the same guid (this raised
    IntegrityError before); both rooms exist and a re-import changes nothing."""
    forget_module_copy("voc-validator-pretalx-democon.json")
    data = (real / "voc-validator-pretalx-democon.json").read_bytes()
    report = import_file(data, "democon")
    rooms = Room.objects.filter(event=report.event)
    assert sorted(rooms.values_list("name", flat=True)) == ["Gray Room", "Tan Room"]
    again = import_file(data, "democon")
    assert again.release is None
    assert again.count("rooms", "unchanged") == 2 and again.count("sessions", "unchanged") == 36


# --------------------------------------------------------------------------- exports valid


@pytest.mark.django_db
def test_demo_exports_are_valid(demo, xml_schema, json_validator) -> None:  # noqa: F811
    assert_valid_exports(demo, xml_schema, json_validator)


@pytest.mark.django_db
def test_merged_csv_names_each_sessions_co_located_event(demo) -> None:
    rows = list(csv.DictReader(StringIO(export_bytes(demo, "csv").decode("utf-8-sig"))))
    sub_event = demo.sub_events.first()
    theirs = set(
        Session.objects.filter(event=sub_event, slots__schedule=latest_release(demo)).values_list(
            "title", flat=True
        )
    )
    assert theirs
    assert {r["title"] for r in rows if r["event"] == sub_event.name} == theirs
    own = {r["event"] for r in rows if r["title"] not in theirs}
    assert "" in own and sub_event.name not in own


@pytest.mark.django_db
@pytest.mark.parametrize("name", MODULE_FILES)
def test_exports_of_imported_files_are_valid(
    real_events,
    name: str,
    xml_schema,  # noqa: F811
    json_validator,  # noqa: F811
) -> None:
    assert_valid_exports(Event.objects.get(slug=slug_for(name)), xml_schema, json_validator)


# --------------------------------------------------------------------------- round trip

ROUND_TRIP = [
    "fosdem-2025.schedule.xml",
    "ccc-38c3.schedule.xml",
    "giggity-debconf23.xml",
    "voc-validator-pretalx-democon.json",
    "sessionize-globalazure-austria-2024.all.json",
    "scale-13x.signs.json",
]


def essentials(event: Event) -> dict:
    """What attendees plan by, per released session: its time as an instant and as the wall
    clock of the event's zone, its conference day, room and speakers' names."""
    tz = event.umbrella.tz
    return {
        slot.session.uuid: (
            slot.session.title,
            slot.start,
            slot.end,
            slot.start.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            event.umbrella.day_of(slot.start),
            slot.room.name if slot.room else None,
            [x.speaker.name for x in slot.session.speaker_links.order_by("position")],
        )
        for slot in latest_release(event.umbrella)
        .slots.filter(session__isnull=False)
        .select_related("session", "room")
        .prefetch_related("session__speaker_links__speaker")
    }


def round_trip(first: Event, fmt: str) -> tuple[dict, dict, Event]:
    """The first event's essentials, and those of its export imported into a fresh event.
    Guids are unique across the site, so the first event is deleted (inside the test's
    transaction) before the second import: the second database holds only the export."""
    before, days = essentials(first), first.umbrella.days
    data = export_of(first, fmt)
    delete_event(first)
    report = import_file(data, "second", format=fmt)
    assert report.count("sessions", "skipped") == 0
    second = report.event
    assert second.umbrella.days == days
    # (the wall clock in each event's own zone is part of the essentials compared)
    return before, essentials(second), second


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["frab-xml", "frab-json"])
@pytest.mark.parametrize("name", ROUND_TRIP)
def test_import_export_import_is_lossless(real_events, name: str, fmt: str) -> None:
    """Export the release an import published, import that into a second event: every
    session row is the same."""
    first = Event.objects.get(slug=slug_for(name))
    rows = snapshot(first)
    before, after, second = round_trip(first, fmt)
    assert after == before
    again = snapshot(second)
    assert len(again) == len(rows)
    for guid, row in rows.items():
        assert again[guid] == row, guid


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, fmt",
    [
        (name, ("frab-xml", "frab-json")[i % 2])
        for i, name in enumerate(sorted(set(REAL_FILES) - set(ROUND_TRIP)))
    ],
)
def test_every_real_file_survives_import_export_import(
    real_events, real: Path, name: str, fmt: str
) -> None:
    """The property for every real file (the six above are checked field by field in both
    formats): the same sessions at the same instants and wall-clock times, on the same days,
    in the same rooms, with the same speakers."""
    if name == SHARES_GUIDS_WITH_38C3:
        forget_module_copy("ccc-38c3.schedule.xml")
        first = import_file((real / name).read_bytes(), "hub-first").event
    else:
        first = Event.objects.get(slug=slug_for(name))
    before, after, _ = round_trip(first, fmt)
    assert len(before) > 0
    assert after == before


# --------------------------------------------------------------------------- re-import


@pytest.mark.django_db
def test_reimport_same_file_changes_nothing(real_events, real: Path) -> None:
    forget_module_copy("fosdem-2007.schedule.xml")
    data = (real / "fosdem-2007.schedule.xml").read_bytes()
    out = StringIO()
    call_command(
        "import",
        str(real / "fosdem-2007.schedule.xml"),
        "--event",
        "f7",
        "--time-zone",
        "Europe/Brussels",
        stdout=out,
    )
    assert "sessions: 215 created" in out.getvalue()
    tables, releases = table_counts(), Schedule.objects.filter(version__isnull=False).count()
    rows = snapshot(Event.objects.get(slug="f7"))
    report = import_file(data, "f7")
    assert report.release is None
    assert report.count("sessions", "unchanged") == 215
    assert report.count("sessions", "updated") == report.count("sessions", "created") == 0
    assert table_counts() == tables
    assert Schedule.objects.filter(version__isnull=False).count() == releases
    assert snapshot(Event.objects.get(slug="f7")) == rows


@pytest.mark.django_db
def test_reimport_changed_file_updates_by_guid(real_events, real: Path) -> None:
    forget_module_copy("giggity-romhack_camp_2026.pretalx.schedule.xml")
    original = (real / "giggity-romhack_camp_2026.pretalx.schedule.xml").read_bytes()
    first = import_file(original, "romhack")
    event = first.event
    before = snapshot(event)
    ical_before = ical_events(export_of(event, "ical"))
    tables = table_counts()

    programme = interop.parse(original)
    renamed, moved = programme.sessions[0], programme.sessions[3]
    renamed.title = "A title changed by the organisers"
    moved.start = moved.start + dt.timedelta(hours=1)
    second = import_file(interop.export(programme, "frab-xml"), "romhack")

    assert second.release is not None and second.release != first.release
    assert second.count("sessions", "updated") == 2
    assert second.count("sessions", "unchanged") == len(before) - 2
    counts = table_counts()
    # One more release with its copy of every slot; nothing else grows.
    assert counts["Schedule"] == tables["Schedule"] + 1
    assert counts["Slot"] == tables["Slot"] + len(before)
    assert {k: v for k, v in counts.items() if k not in ("Schedule", "Slot")} == {
        k: v for k, v in tables.items() if k not in ("Schedule", "Slot")
    }
    after = snapshot(event)
    assert set(after) == set(before)
    for guid, row in before.items():
        expected = dict(row)
        if guid == renamed.guid:
            expected["title"] = "A title changed by the organisers"
        if guid == moved.guid:
            expected["start"] += dt.timedelta(hours=1)
            expected["end"] += dt.timedelta(hours=1)
        assert after[guid] == expected, guid

    ical_after = ical_events(export_of(event, "ical"))
    seq = {uid: int(fields.get("SEQUENCE", "0")) for uid, fields in ical_after.items()}
    assert seq[str(moved.guid)] == int(ical_before[str(moved.guid)].get("SEQUENCE", "0")) + 1
    assert all(n == 0 for uid, n in seq.items() if uid != str(moved.guid))


# --------------------------------------------------------------------------- hostile input

TINY = """<?xml version="1.0" encoding="UTF-8"?>
<schedule><version>1</version>
  <conference><title>Tiny</title><acronym>tiny</acronym>
    <time_zone_name>Europe/Brussels</time_zone_name></conference>
  <day index="1" date="2025-02-01"><room name="K.1.105">
      <event id="1" guid="7b6b5a1e-0b43-4d27-9a52-9b1b2a1c3d4e">
        <date>2025-02-01T10:00:00+01:00</date><start>10:00</start><duration>00:30</duration>
        <room>K.1.105</room><title>Café</title><type>talk</type><abstract/><track/>
      </event>
  </room></day>
</schedule>
"""
LAUGHS = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
HOSTILE = {
    "xxe": (
        b'<?xml version="1.0"?><!DOCTYPE schedule [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<schedule><version>&xxe;</version></schedule>",
        None,
        "DTD",
    ),
    "billion-laughs": (
        f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{LAUGHS}]>'
        "<schedule><version>&lol9;</version></schedule>".encode(),
        None,
        "DTD",
    ),
    "truncated": (TINY.encode()[:300], None, "line "),
    "latin1-as-utf8": (TINY.encode("latin-1"), None, "UTF-8"),
    "json-declared-xml": (b'{"schedule": {"version": "1"}}', "frab-xml", "declared frab-xml"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_file_through_the_command(demo, tmp_path: Path, case: str) -> None:
    data, fmt, words = HOSTILE[case]
    path = tmp_path / "schedule.bin"
    path.write_bytes(data)
    tables = table_counts()
    args = [str(path), "--event", demo.slug] + (["--format", fmt] if fmt else [])
    with pytest.raises(CommandError) as info:
        call_command("import", *args, stdout=StringIO())
    message = str(info.value)
    assert words in message and "Nothing was imported" in message
    assert "root:" not in message
    assert table_counts() == tables


@pytest.mark.django_db
def test_command_refuses_a_file_over_the_limit(demo, tmp_path: Path, settings) -> None:
    settings.HALLWAY_MAX_IMPORT_BYTES = 100
    path = tmp_path / "schedule.xml"
    path.write_bytes(TINY.encode())
    tables = table_counts()
    with pytest.raises(CommandError, match="over the 100-byte limit"):
        call_command("import", str(path), "--event", demo.slug, stdout=StringIO())
    assert table_counts() == tables


def organiser_client() -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="organiser", password="hallway-demo")
    return client


def post_upload(client: Client, data: bytes, event: str, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.get("/manage/import/")
    assert page.status_code == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    return client.post(
        "/manage/import/",
        {
            "csrfmiddlewaretoken": token.decode(),
            "file": SimpleUploadedFile("schedule.xml", data),
            "event": event,
            "release": "on",
            **fields,
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_file_through_the_upload_page(demo, case: str) -> None:
    data, fmt, words = HOSTILE[case]
    tables = table_counts()
    response = post_upload(organiser_client(), data, demo.slug, format=fmt or "")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nothing was imported" in text and words in text
    assert "root:" not in text
    assert table_counts() == tables


@pytest.mark.django_db
def test_upload_page_refuses_a_file_over_the_limit(demo, settings) -> None:
    settings.HALLWAY_MAX_IMPORT_BYTES = 100
    tables = table_counts()
    response = post_upload(organiser_client(), TINY.encode(), demo.slug)
    assert response.status_code == 200
    assert "larger than 100 bytes" in response.content.decode()
    assert table_counts() == tables


# --------------------------------------------------------------------------- upload page


@pytest.mark.django_db
def test_upload_page_requires_login(demo) -> None:
    response = Client().get("/manage/import/")
    assert response.status_code == 302 and "login" in response["Location"]
    tables = table_counts()
    response = Client().post("/manage/import/", {"event": demo.slug})
    assert response.status_code == 302 and "login" in response["Location"]
    assert table_counts() == tables


@pytest.mark.django_db
def test_upload_page_works_for_the_demo_organiser(demo) -> None:
    tables = table_counts()
    response = post_upload(organiser_client(), TINY.encode(), demo.slug)
    assert response.status_code == 200, response.content[:500]
    assert "sessions: 1 created" in response.content.decode()
    session = Session.objects.get(uuid="7b6b5a1e-0b43-4d27-9a52-9b1b2a1c3d4e")
    assert session.umbrella == demo and session.title == "Café"
    assert table_counts()["Session"] == tables["Session"] + 1
    slot = latest_release(demo).slots.get(session=session)
    assert slot.start == dt.datetime(2025, 2, 1, 9, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_upload_page_refuses_without_csrf_token(demo) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = organiser_client()
    tables = table_counts()
    response = client.post(
        "/manage/import/", {"file": SimpleUploadedFile("s.xml", TINY.encode()), "event": demo.slug}
    )
    assert response.status_code == 403
    assert table_counts() == tables


@pytest.mark.django_db
def test_upload_page_refuses_an_organiser_of_another_event(demo, real_events, real) -> None:
    from django.contrib.auth.models import User

    from hallway.events.models import EventRole

    forget_module_copy("giggity-kielux_2020.ics")
    other = import_file((real / "giggity-kielux_2020.ics").read_bytes(), "kielux").event
    user = User.objects.create_user("stranger", password="pw-stranger-1", is_staff=True)
    EventRole.objects.create(event=other, user=user, role=EventRole.ORGANISER)
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="stranger", password="pw-stranger-1")
    tables = table_counts()
    response = post_upload(client, TINY.encode(), demo.slug)
    assert response.status_code == 403
    # ...while the demo organiser may not create events (only site administrators may).
    response = post_upload(organiser_client(), TINY.encode(), "brand-new-event")
    assert response.status_code == 403
    assert table_counts() == tables
    # Their own event is fine.
    assert post_upload(client, TINY.encode(), "kielux").status_code == 200
    assert Session.objects.filter(umbrella=other).count() == 25


# --------------------------------------------------------------------------- HTTP exports

MEDIA_TYPES = {
    "xml": "application/vnd.c3voc.schedule+xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


@pytest.mark.django_db
@pytest.mark.parametrize("extension", sorted(MEDIA_TYPES))
def test_http_export_with_etag(demo, extension: str) -> None:
    client = Client()
    url = f"/{demo.slug}/schedule.{extension}"
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == MEDIA_TYPES[extension]
    fmt = {"xml": "frab-xml", "json": "frab-json", "ics": "ical", "csv": "csv"}[extension]
    expected = export_bytes(demo, fmt, base_url="http://testserver/")
    # DTSTAMP is the time of writing; everything else must be what export_bytes gives.
    assert re.sub(rb"DTSTAMP:\d+T\d+Z", b"", first.content) == re.sub(
        rb"DTSTAMP:\d+T\d+Z", b"", expected
    )
    etag = first["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    # A new release (here: an import of one more session) changes the ETag.
    import_file(TINY.encode(), demo.slug)
    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after["ETag"] != etag
    assert "Café".encode() in after.content
    assert "Café".encode() not in first.content


@pytest.mark.django_db
def test_http_unknown_extension_is_404(demo) -> None:
    assert Client().get(f"/{demo.slug}/schedule.pdf").status_code == 404
    assert Client().get("/no-such-event/schedule.xml").status_code == 404


@pytest.mark.django_db
def test_ical_filters_narrow_the_calendar(demo) -> None:
    client = Client()
    everything = ical_events(client.get(f"/{demo.slug}/schedule.ics").content)
    release = latest_release(demo)
    slot = (
        release.slots.filter(
            session__isnull=False, session__track__isnull=False, room__isnull=False
        )
        .select_related("session__track", "room")
        .order_by("start")
        .first()
    )
    session = slot.session
    speaker = session.speaker_links.order_by("position").first().speaker
    released = Slot.objects.filter(schedule=release, session__isnull=False).exclude(
        session__state__in=["withdrawn", "rejected"]
    )
    expected = {
        "track": released.filter(session__track=session.track),
        "room": released.filter(room=slot.room),
        "speaker": released.filter(session__speaker_links__speaker=speaker),
        "session": released.filter(session=session),
    }
    values = {
        "track": session.track.slug,
        "room": slot.room.slug,
        "speaker": speaker.slug,
        "session": session.slug,
    }
    for key, value in values.items():
        response = client.get(f"/{demo.slug}/schedule.ics", {key: value})
        assert response.status_code == 200
        events = ical_events(response.content)
        assert 0 < len(events) < len(everything), key
        assert len(events) == expected[key].count(), key
        assert set(events) <= set(everything)
    assert client.get(f"/{demo.slug}/schedule.ics", {"track": "no-such-track"}).status_code == 404


@pytest.mark.django_db
def test_http_export_notices_a_renamed_speaker_and_room(demo) -> None:
    """Speakers and rooms are read live, not copied into the release: renaming one in the
    organiser area must change the ETag and the cached body (it was served stale, as 304)."""
    client = Client()
    url = f"/{demo.slug}/schedule.xml"
    first = client.get(url)
    slot = (
        latest_release(demo)
        .slots.filter(session__isnull=False, room__isnull=False)
        .select_related("room")
        .first()
    )
    speaker = slot.session.speaker_links.first().speaker
    speaker.name = "Renamed Speaker"
    speaker.save()
    second = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200 and b"Renamed Speaker" in second.content
    room = slot.room
    room.name = "Renamed Room"
    room.save()
    third = client.get(url, headers={"If-None-Match": second["ETag"]})
    assert third.status_code == 200 and b"Renamed Room" in third.content


@pytest.mark.django_db
def test_http_export_links_use_the_requested_host(demo) -> None:
    """Absolute links in an export follow the host it was asked for; the cache must not hand
    one host's links to another."""
    url = f"/{demo.slug}/schedule.xml"
    local = Client(HTTP_HOST="localhost").get(url)
    loopback = Client(HTTP_HOST="127.0.0.1").get(url)
    assert b"http://localhost/" in local.content
    assert b"http://127.0.0.1/" in loopback.content
    assert b"http://localhost/" not in loopback.content


@pytest.mark.django_db
def test_reimport_queries_do_not_grow_with_the_sessions(real_events, real: Path) -> None:
    """Re-importing FOSDEM 2007 (215 sessions) unchanged takes a fixed number of queries;
    comparing each session's track and type once cost two queries per session."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = (real / "fosdem-2007.schedule.xml").read_bytes()
    with CaptureQueriesContext(connection) as queries:
        report = import_file(data, slug_for("fosdem-2007.schedule.xml"))
    assert report.count("sessions", "unchanged") == 215
    assert len(queries.captured_queries) < 100, len(queries.captured_queries)


@pytest.mark.django_db
def test_a_file_imported_under_a_second_event_is_refused_whole(tmp_path: Path) -> None:
    """Every session of the file belongs to the first event: the second import would create an
    event with rooms and speakers but no sessions, so it is refused and writes nothing."""
    path = tmp_path / "schedule.xml"
    path.write_bytes(TINY.encode())
    call_command("import", str(path), "--event", "tiny-a", stdout=StringIO())
    tables = table_counts()
    with pytest.raises(CommandError) as info:
        call_command("import", str(path), "--event", "tiny-b", stdout=StringIO())
    message = str(info.value)
    assert "all 1 sessions in this file already belong to another event: 'tiny-a' (1)" in message
    assert "Nothing was imported" in message
    assert table_counts() == tables
    assert not Event.objects.filter(slug="tiny-b").exists()
    # the event that owns the sessions still takes the file
    call_command("import", str(path), "--event", "tiny-a", stdout=StringIO())


NIGHT_OWLS = """<?xml version="1.0" encoding="UTF-8"?>
<schedule><version>1</version>
  <conference><title>Night owls</title><acronym>owls</acronym>
    <time_zone_name>Europe/Berlin</time_zone_name></conference>
  <day index="1" date="2024-12-27" start="2024-12-27T10:00:00+01:00"
       end="2024-12-28T06:00:00+01:00"><room name="Saal 1">
    <event guid="0b0c5cfe-3b8b-4bb4-9d1a-6f3c2f0e0a01"><date>2024-12-27T11:00:00+01:00</date>
      <start>11:00</start><duration>00:30</duration><room>Saal 1</room>
      <title>Opening</title><type>talk</type></event>
    <event guid="0b0c5cfe-3b8b-4bb4-9d1a-6f3c2f0e0a02"><date>2024-12-28T01:30:00+01:00</date>
      <start>01:30</start><duration>00:45</duration><room>Saal 1</room>
      <title>Lightning talks after dark</title><type>talk</type></event>
  </room></day>
  <day index="2" date="2024-12-28" start="2024-12-28T06:00:00+01:00"
       end="2024-12-29T06:00:00+01:00"><room name="Saal 1">
    <event guid="0b0c5cfe-3b8b-4bb4-9d1a-6f3c2f0e0a03"><date>2024-12-28T11:00:00+01:00</date>
      <start>11:00</start><duration>00:30</duration><room>Saal 1</room>
      <title>Second morning</title><type>talk</type></event>
  </room></day>
</schedule>
"""


@pytest.mark.django_db
def test_a_night_session_stays_on_the_evenings_day(client, xml_schema) -> None:  # noqa: F811
    """CCC lists a 01:30 talk under the day before; hallway keeps it there on its pages and in
    its exports instead of starting an extra day at midnight."""
    report = import_file(NIGHT_OWLS.encode(), "owls")
    event = report.event
    assert event.day_change == dt.time(2, 0)
    assert any("days change at 02:00" in note for note in report.notes)
    assert event.days == [dt.date(2024, 12, 27), dt.date(2024, 12, 28)]

    first = client.get("/owls/programme/2024-12-27/").content.decode()
    second = client.get("/owls/programme/2024-12-28/").content.decode()
    assert "Lightning talks after dark" in first and "Lightning talks after dark" not in second
    assert "Second morning" in second and "Second morning" not in first
    listing = client.get("/owls/programme/list/").content.decode()
    friday, saturday = listing.split("Saturday 28 December")
    assert "Lightning talks after dark" in friday and "Second morning" in saturday

    exported = export_of(event, "frab-xml")
    assert not list(xml_schema.iter_errors(exported))
    days = DET.fromstring(exported).findall("day")
    assert [d.get("date") for d in days] == ["2024-12-27", "2024-12-28"]
    assert [e.findtext("title") for e in days[0].iter("event")] == [
        "Opening",
        "Lightning talks after dark",
    ]
    # and the export reads back with the same day change and the same days
    again = interop.parse(exported)
    assert interop.day_change_of(again) == dt.time(2, 0)
    # an organiser who set the event back to midnight keeps that on the next import
    event.day_change = dt.time(0, 0)
    event.save()
    report = import_file(NIGHT_OWLS.encode(), "owls")
    assert "the file's days change at 02:00, owls's at 00:00; kept owls's" in report.notes
    event.refresh_from_db()
    assert event.day_change == dt.time(0, 0)
