"""iCalendar output: folding of multi-byte text, stable UIDs, SEQUENCE that rises when a
session moves, a VTIMEZONE, and per-track/room/speaker feeds through filter_programme."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hallway.interop import (
    Entry,
    Person,
    Programme,
    Room,
    Track,
    export,
    filter_programme,
    parse,
)
from hallway.interop.errors import FormatError
from hallway.interop.ical import escape_text, fold

BERLIN = ZoneInfo("Europe/Berlin")


def programme() -> Programme:
    saal, foyer = Room("Saal 1", guid=uuid.uuid4()), Room("Foyer ☕")
    science, art = Track("Science", color="#00A356"), Track("Art & Beauty")
    ada, bob = Person("Ada Lovelace", guid=uuid.uuid4()), Person("Bøb Ünïcode", local_id=7)
    sessions = [
        Entry(
            guid=uuid.uuid4(),
            title=" ".join(["Ünïcödé ✓ 日本語の講演"] * 6),
            start=datetime(2024, 12, 27, 10, 30, tzinfo=BERLIN),
            duration=timedelta(minutes=45),
            room=saal,
            track=science,
            persons=[ada, bob],
            abstract=" ".join(["Ça va? 🎉"] * 40),
            sub_event="kcd",
            url="https://example.org/a",
        ),
        Entry(
            guid=uuid.uuid4(),
            title="Second",
            start=datetime(2024, 12, 27, 12, 0, tzinfo=BERLIN),
            duration=timedelta(hours=1),
            room=foyer,
            track=art,
            persons=[bob],
        ),
        Entry(
            guid=uuid.uuid4(),
            title="Third",
            start=datetime(2024, 12, 28, 0, 30, tzinfo=BERLIN),
            duration=timedelta(minutes=30),
            room=saal,
            track=science,
            persons=[ada],
            sub_event="devopsdays",
        ),
    ]
    return Programme(
        title="Test Congress",
        acronym="testcon",
        time_zone="Europe/Berlin",
        rooms=[saal, foyer],
        tracks=[science, art],
        persons=[ada, bob],
        sessions=sessions,
    )


def events(data: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_lines_are_folded_at_75_octets_without_splitting_characters() -> None:
    prog = programme()
    data = export(prog, "ical")
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    folded = [line for line in lines if line.startswith(b" ")]
    assert folded, "the long multi-byte title must have been folded"
    for line in lines:
        line.decode("utf-8")  # raises if a fold split a UTF-8 sequence
    first = prog.sessions[0]
    parsed = events(data)[str(first.guid)]
    assert str(parsed["SUMMARY"]) == first.title
    assert str(parsed["DESCRIPTION"]).endswith(first.abstract)


def test_uids_are_the_session_guids_and_stable() -> None:
    prog = programme()
    first, second = events(export(prog, "ical")), events(export(prog, "ical"))
    assert set(first) == set(second) == {str(s.guid) for s in prog.sessions}


def test_moved_session_gets_a_higher_sequence() -> None:
    prog = programme()
    moved = prog.sessions[1]
    before = events(export(prog, "ical"))[str(moved.guid)]
    moved.start += timedelta(hours=2)
    moved.sequence += 1
    moved.last_modified = datetime(2024, 12, 20, 9, 0, tzinfo=UTC)
    after = events(export(prog, "ical"))[str(moved.guid)]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTART") == moved.start
    assert after.decoded("LAST-MODIFIED") == moved.last_modified


def test_vtimezone_and_local_times() -> None:
    data = export(programme(), "ical")
    calendar = icalendar.Calendar.from_ical(data)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert b"DTSTART;TZID=Europe/Berlin:20241227T103000" in data
    assert all("DTSTAMP" in e for e in calendar.walk("VEVENT"))


def test_ical_parses_back_into_a_programme() -> None:
    prog = programme()
    back = parse(export(prog, "ical"))
    assert back.time_zone == "Europe/Berlin"
    assert sorted(s.title for s in back.sessions) == sorted(s.title for s in prog.sessions)
    assert {s.guid for s in back.sessions} == {s.guid for s in prog.sessions}
    assert {s.room.name for s in back.sessions} == {"Saal 1", "Foyer ☕"}
    assert {s.track.name for s in back.sessions} == {"Science", "Art & Beauty"}
    first = next(s for s in back.sessions if s.guid == prog.sessions[0].guid)
    assert [p.name for p in first.persons] == ["Ada Lovelace", "Bøb Ünïcode"]


def test_filter_by_track_room_person_sub_event_and_session() -> None:
    prog = programme()
    one, two, three = prog.sessions
    assert filter_programme(prog, track="Science").sessions == [one, three]
    assert filter_programme(prog, track=prog.tracks[1]).sessions == [two]
    assert filter_programme(prog, room="Foyer ☕").sessions == [two]
    assert filter_programme(prog, room=str(prog.rooms[0].guid)).sessions == [one, three]
    assert filter_programme(prog, person="Bøb Ünïcode").sessions == [one, two]
    assert filter_programme(prog, person=prog.persons[0]).sessions == [one, three]
    assert filter_programme(prog, sub_event="kcd").sessions == [one]
    assert filter_programme(prog, session=str(three.guid)).sessions == [three]
    combined = filter_programme(prog, track="Science", person="Ada Lovelace", room="Saal 1")
    assert combined.sessions == [one, three]
    narrowed = filter_programme(prog, room="Foyer ☕")
    assert narrowed.rooms == [prog.rooms[1]] and narrowed.persons == [prog.persons[1]]
    assert len(prog.sessions) == 3  # the original is untouched


def test_filtered_feed_contains_only_that_track() -> None:
    prog = programme()
    feed = events(export(filter_programme(prog, track="Art & Beauty"), "ical"))
    assert set(feed) == {str(prog.sessions[1].guid)}


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_fold_never_splits_a_character(text: str) -> None:
    line = "DESCRIPTION:" + escape_text(text)
    folded = fold(line)
    pieces = folded[:-2].split(b"\r\n")
    assert all(len(piece) <= 75 for piece in pieces)
    assert all(piece.startswith(b" ") for piece in pieces[1:])
    decoded = [piece.decode("utf-8") for piece in pieces]  # each piece is valid UTF-8
    assert decoded[0] + "".join(piece[1:] for piece in decoded[1:]) == line


EXPO = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
X-WR-TIMEZONE:America/Los_Angeles\r
BEGIN:VEVENT\r
UID:expo@example.org\r
SUMMARY:Expo hall open\r
LOCATION:Exhibit Hall\r
DTSTART;TZID=America/Los_Angeles:20270304T100000\r
DTEND;TZID=America/Los_Angeles:20270304T180000\r
RRULE:FREQ=DAILY;COUNT=4\r
EXDATE;TZID=America/Los_Angeles:20270306T100000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:expo@example.org\r
RECURRENCE-ID;TZID=America/Los_Angeles:20270305T100000\r
SUMMARY:Expo hall open (short day)\r
LOCATION:Exhibit Hall\r
DTSTART;TZID=America/Los_Angeles:20270305T120000\r
DTEND;TZID=America/Los_Angeles:20270305T160000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:keynote@example.org\r
SUMMARY:Keynote\r
DTSTART;TZID=America/Los_Angeles:20270305T093000\r
DTEND;TZID=America/Los_Angeles:20270305T102000\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_repeating_events_become_one_session_per_occurrence() -> None:
    prog = parse(EXPO)
    pasadena = ZoneInfo("America/Los_Angeles")
    expo = sorted((s for s in prog.sessions if s.title.startswith("Expo")), key=lambda s: s.start)
    assert [(s.start.astimezone(pasadena).strftime("%a %H:%M"), s.duration) for s in expo] == [
        ("Thu 10:00", timedelta(hours=8)),
        ("Fri 12:00", timedelta(hours=4)),  # the override moved and shortened Friday
        ("Sun 10:00", timedelta(hours=8)),  # Saturday was excluded
    ]
    assert expo[1].title == "Expo hall open (short day)"
    assert len({s.guid for s in expo}) == 3
    assert [d.date.isoformat() for d in prog.days] == ["2027-03-04", "2027-03-05", "2027-03-07"]
    assert any("expanded into 3 sessions" in w for w in prog.warnings)
    # identities follow the rule's occurrences, so a re-import updates rather than duplicates
    assert {s.guid for s in parse(EXPO).sessions} == {s.guid for s in prog.sessions}


def test_a_rule_without_end_is_refused_with_its_uid() -> None:
    endless = EXPO.replace(b"RRULE:FREQ=DAILY;COUNT=4", b"RRULE:FREQ=DAILY")
    with pytest.raises(FormatError) as caught:
        parse(endless)
    assert "repeats without end" in str(caught.value)
    assert "expo@example.org" in str(caught.value)


def test_a_rule_expanding_past_any_conference_is_refused() -> None:
    huge = EXPO.replace(b"COUNT=4", b"COUNT=5000000")
    with pytest.raises(FormatError, match="more than 20000 sessions"):
        parse(huge)


def test_an_inverted_event_is_refused_not_silently_swapped_by_the_expansion() -> None:
    # The expansion library would swap an end before its start (moving the session); the file's
    # events are checked first, so the error names the VEVENT as it stands in the file.
    broken = EXPO.replace(
        b"DTEND;TZID=America/Los_Angeles:20270305T102000",
        b"DTEND;TZID=America/Los_Angeles:20270305T090000",
    )
    with pytest.raises(FormatError, match="ends before it starts") as caught:
        parse(broken)
    assert caught.value.location == "VEVENT[2] (UID keynote@example.org)"
    # a negative DURATION on an override is refused the same way
    broken = EXPO.replace(b"DTEND;TZID=America/Los_Angeles:20270305T160000", b"DURATION:-PT1H")
    with pytest.raises(FormatError, match="ends before it starts") as caught:
        parse(broken)
    assert caught.value.location == "VEVENT[1] (UID expo@example.org)"
