"""Property tests: any programme the model can hold survives frab XML and frab JSON, and the
format layer stays free of Django."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hallway.interop import Link, Person, Programme, Room, Session, Track, export, parse

from .compare import JSON_RULES, XML_RULES, assert_same_programme
from .conftest import require_shared

# Text XML 1.0 can carry: no surrogates, no control characters except tab/newline/CR.
xml_chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
free_text = st.text(st.one_of(xml_chars, st.sampled_from("\t\n\r")), max_size=80).map(str.strip)
name = st.text(xml_chars, min_size=1, max_size=30).map(str.strip).filter(bool)
zones = st.sampled_from(["Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata", "UTC"])


@st.composite
def programmes(draw) -> Programme:
    tz_name = draw(zones)
    tz = ZoneInfo(tz_name)
    rooms = [Room(n, guid=draw(st.none() | st.uuids()))
             for n in draw(st.lists(name, min_size=1, max_size=4, unique=True))]
    tracks = [Track(n, color=draw(st.none() | st.sampled_from(["#aa00ff", "#123456"])))
              for n in draw(st.lists(name, max_size=3, unique=True))]
    persons = [Person(n, guid=draw(st.none() | st.uuids()), local_id=i + 1)
               for i, n in enumerate(draw(st.lists(name, max_size=5, unique=True)))]
    sessions = []
    base = datetime(2025, 2, 1, 9, 0)
    for i in range(draw(st.integers(1, 8))):
        start = (base + timedelta(minutes=5 * draw(st.integers(0, 2 * 24 * 12)))).replace(
            tzinfo=tz)
        sessions.append(Session(
            guid=uuid.uuid4(), local_id=i + 1, title=draw(name), start=start,
            duration=timedelta(minutes=draw(st.integers(0, 600))),
            room=draw(st.sampled_from(rooms)), track=draw(st.none() | st.sampled_from(tracks))
            if tracks else None,
            subtitle=draw(free_text), abstract=draw(free_text), description=draw(free_text),
            type=draw(free_text), language=draw(st.sampled_from(["", "en", "de"])),
            persons=draw(st.lists(st.sampled_from(persons), max_size=3, unique_by=id))
            if persons else [],
            links=[Link(url=f"https://example.org/{i}/{j}", title=draw(free_text))
                   for j in range(draw(st.integers(0, 2)))],
            do_not_record=draw(st.booleans()),
        ))
    used = {id(p) for s in sessions for p in s.persons}
    return Programme(title=draw(name), acronym="prop-test", time_zone=tz_name,
                     version=draw(free_text), rooms=rooms, tracks=tracks,
                     persons=[p for p in persons if id(p) in used], sessions=sessions)


def _days_of(programme: Programme) -> Programme:
    """Days as an exporter makes them, so the comparison has something to compare."""
    from hallway.interop._shared import group_by_day

    programme.days = [day for day, _ in group_by_day(programme)]
    return programme


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programmes())
def test_any_programme_survives_frab_xml(programme: Programme) -> None:
    programme = _days_of(programme)
    assert_same_programme(programme, parse(export(programme, "frab-xml")), XML_RULES)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programmes())
def test_any_programme_survives_frab_json(programme: Programme) -> None:
    programme = _days_of(programme)
    assert_same_programme(programme, parse(export(programme, "frab-json")), JSON_RULES)


def test_format_layer_does_not_import_django() -> None:
    code = ("import sys, hallway.interop, hallway.interop.model; "
            "import hallway.interop.frab_xml, hallway.interop.frab_json, hallway.interop.ical; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_missing_shared_data_skips_or_fails(monkeypatch, tmp_path) -> None:
    from . import conftest

    monkeypatch.setattr(conftest, "REAL", tmp_path / "absent")
    monkeypatch.delenv("HALLWAY_REQUIRE_SHARED", raising=False)
    with pytest.raises(pytest.skip.Exception, match="HALLWAY_REQUIRE_SHARED"):
        require_shared()
    monkeypatch.setenv("HALLWAY_REQUIRE_SHARED", "1")
    with pytest.raises(pytest.fail.Exception, match="must be there"):
        require_shared()
