"""Property tests: any programme the model can hold survives frab XML and frab JSON, and the
format layer stays free of Django."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hallway.interop import (
    Entry,
    FormatError,
    Link,
    Person,
    Programme,
    Room,
    Track,
    export,
    parse,
)

from .compare import JSON_RULES, XML_RULES, assert_same_programme
from .conftest import require_shared
from .test_formats import SCHEDULE2, SESSIONIZE

# Text XML 1.0 can carry: no surrogates, no control characters except tab/newline/CR.
xml_chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
free_text = st.text(st.one_of(xml_chars, st.sampled_from("\t\n\r")), max_size=80).map(str.strip)
name = st.text(xml_chars, min_size=1, max_size=30).map(str.strip).filter(bool)
zones = st.sampled_from(["Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata", "UTC"])


@st.composite
def programmes(draw) -> Programme:
    tz_name = draw(zones)
    tz = ZoneInfo(tz_name)
    rooms = [
        Room(n, guid=draw(st.none() | st.uuids()))
        for n in draw(st.lists(name, min_size=1, max_size=4, unique=True))
    ]
    tracks = [
        Track(n, color=draw(st.none() | st.sampled_from(["#aa00ff", "#123456"])))
        for n in draw(st.lists(name, max_size=3, unique=True))
    ]
    persons = [
        Person(n, guid=draw(st.none() | st.uuids()), local_id=i + 1)
        for i, n in enumerate(draw(st.lists(name, max_size=5, unique=True)))
    ]
    sessions = []
    base = datetime(2025, 2, 1, 9, 0)
    for i in range(draw(st.integers(1, 8))):
        start = (base + timedelta(minutes=5 * draw(st.integers(0, 2 * 24 * 12)))).replace(tzinfo=tz)
        sessions.append(
            Entry(
                guid=uuid.uuid4(),
                local_id=i + 1,
                title=draw(name),
                start=start,
                duration=timedelta(minutes=draw(st.integers(0, 600))),
                room=draw(st.sampled_from(rooms)),
                track=draw(st.none() | st.sampled_from(tracks)) if tracks else None,
                subtitle=draw(free_text),
                abstract=draw(free_text),
                description=draw(free_text),
                type=draw(free_text),
                language=draw(st.sampled_from(["", "en", "de"])),
                persons=draw(st.lists(st.sampled_from(persons), max_size=3, unique_by=id))
                if persons
                else [],
                links=[
                    Link(url=f"https://example.org/{i}/{j}", title=draw(free_text))
                    for j in range(draw(st.integers(0, 2)))
                ],
                do_not_record=draw(st.booleans()),
            )
        )
    used = {id(p) for s in sessions for p in s.persons}
    return Programme(
        title=draw(name),
        acronym="prop-test",
        time_zone=tz_name,
        version=draw(free_text),
        rooms=rooms,
        tracks=tracks,
        persons=[p for p in persons if id(p) in used],
        sessions=sessions,
    )


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


SIGNS = [
    {
        "Name": "Opening keynote",
        "Location": "Ballroom DE",
        "StartTime": "2026-03-06T09:30:00-08:00",
        "EndTime": "2026-03-06T10:30:00-08:00",
        "Speakers": "Ada L., Grace H.",
        "Topic": "Keynote",
        "Description": "Welcome.",
        "Photo": "",
        "Link": "/scale/23x/presentations/opening",
    },
    {
        "Name": "Unscheduled",
        "Location": "",
        "StartTime": "",
        "EndTime": "",
        "Speakers": "",
        "Topic": "",
        "Description": "",
        "Photo": "",
        "Link": "",
    },
]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(["", "2024-02-30T25:61:00", "99:99", "-1", "P-1D"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


_REMOVED = object()


def _paths(node: object, path: tuple = ()) -> list[tuple]:
    """Every place in a JSON document a value could be replaced, the root excluded."""
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    found = []
    for key, child in children:
        found.append((*path, key))
        found.extend(_paths(child, (*path, key)))
    return found


def _frab_json_document() -> object:
    tz = ZoneInfo("Europe/Brussels")
    room, track, person = Room("K.1.105"), Track("Rust"), Person("Ada", local_id=1)
    session = Entry(
        guid=uuid.uuid4(),
        local_id=1,
        title="Ownership",
        start=datetime(2025, 2, 1, 10, 0, tzinfo=tz),
        duration=timedelta(minutes=25),
        room=room,
        track=track,
        persons=[person],
    )
    programme = Programme(
        title="Tiny",
        acronym="tiny",
        time_zone="Europe/Brussels",
        rooms=[room],
        tracks=[track],
        persons=[person],
        sessions=[session],
    )
    return json.loads(export(_days_of(programme), "frab-json"))


CORRUPTIBLE = {
    "frab-json": _frab_json_document(),
    "sessionize": SESSIONIZE,
    "schedule2-json": SCHEDULE2,
    "scale-signs": SIGNS,
}


@settings(
    max_examples=int(os.environ.get("HALLWAY_FUZZ_EXAMPLES", 300)),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.sampled_from(sorted(CORRUPTIBLE)), st.data())
def test_a_corrupted_document_is_read_or_refused_never_crashes(fmt: str, data) -> None:
    """Replace or remove any one value of a valid document: the parser either reads it or
    refuses it with a FormatError naming the place; a malformed upload never escapes as a
    traceback or as a vague message."""
    document = copy.deepcopy(CORRUPTIBLE[fmt])
    path = data.draw(st.sampled_from(_paths(document)), label="path")
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    value = data.draw(st.just(_REMOVED) | json_values, label="value")
    if value is _REMOVED:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    try:
        parse(json.dumps(document).encode(), format=fmt, time_zone="America/Los_Angeles")
    except FormatError as exc:
        # refused by a check that says what was wrong and where, not by the last-resort net
        assert "unexpected content" not in str(exc)
        assert exc.location


def test_format_layer_does_not_import_django() -> None:
    code = (
        "import sys, hallway.interop, hallway.interop.model; "
        "import hallway.interop.frab_xml, hallway.interop.frab_json, hallway.interop.ical; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
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
