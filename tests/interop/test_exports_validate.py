"""Every export of every real file is valid: frab XML against C3VOC's XSD and frab JSON
against C3VOC's schema.json with zero errors, iCalendar readable by ``icalendar`` with
folded lines, CSV readable by ``csv``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import icalendar
import pytest

from hallway.interop import FORMATS, export, parse

from .realdata import REAL_FILES

pytestmark = pytest.mark.shared


@pytest.mark.parametrize("real_file", sorted(REAL_FILES), indirect=True)
def test_frab_xml_export_validates_against_xsd(real_file: Path, xml_schema) -> None:
    output = export(parse(real_file.read_bytes()), "frab-xml")
    errors = [f"{e.path}: {e.reason}" for e in xml_schema.iter_errors(output.decode("utf-8"))]
    assert errors == []
    # Giggity sniffs the first kilobyte for these two elements.
    head = output[:1024]
    assert b"<schedule>" in head and b"<conference>" in head


@pytest.mark.parametrize("real_file", sorted(REAL_FILES), indirect=True)
def test_frab_json_export_validates_against_schema(real_file: Path, json_validator) -> None:
    output = export(parse(real_file.read_bytes()), "frab-json")
    document = json.loads(output)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in json_validator.iter_errors(document)]
    assert errors == []


@pytest.mark.parametrize("real_file", sorted(REAL_FILES), indirect=True)
def test_ical_export_parses_back_with_folded_lines(real_file: Path) -> None:
    programme = parse(real_file.read_bytes())
    output = export(programme, "ical")
    lines = output.split(b"\r\n")
    assert lines[-1] == b""
    too_long = [line for line in lines if len(line) > 75]
    assert too_long == []
    for line in lines:
        line.decode("utf-8")  # folding never splits a multi-byte character
    calendar = icalendar.Calendar.from_ical(output)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(programme.sessions)
    assert {str(e["UID"]) for e in events} == {str(s.guid) for s in programme.sessions}
    if programme.time_zone != "UTC":
        assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [programme.time_zone]
    by_uid = {str(s.guid): s for s in programme.sessions}
    for event in events:
        session = by_uid[str(event["UID"])]
        assert event.decoded("DTSTART") == session.start
        assert event.decoded("DTEND") == session.end
        assert str(event["SUMMARY"]) == session.title
        assert "DTSTAMP" in event and "SEQUENCE" in event


@pytest.mark.parametrize("real_file", sorted(REAL_FILES), indirect=True)
def test_csv_export_parses_with_csv(real_file: Path) -> None:
    programme = parse(real_file.read_bytes())
    text = export(programme, "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(programme.sessions)
    assert (
        list(rows[0])
        == [
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
        if rows
        else True
    )
    assert sorted(r["guid"] for r in rows) == sorted(str(s.guid) for s in programme.sessions)
    assert {r["title"] for r in rows} == {s.title for s in programme.sessions}


def test_registry_describes_every_export() -> None:
    for name, fmt in FORMATS.items():
        assert fmt.media_type and fmt.extension
        if fmt.can_export:
            assert isinstance(
                export(
                    parse(
                        b'{"schedule": {"version": "1", "conference": '
                        b'{"title": "Empty", "acronym": "empty"}}}'
                    ),
                    name,
                ),
                bytes,
            )
