"""Every real schedule file in ../shared parses, is recognised as its format, and yields the
counts a plain pass over the file (and PROVENANCE.md) gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from hallway.interop import parse, sniff

from .realdata import PROVENANCE, REAL_FILES, independent_counts

pytestmark = pytest.mark.shared


def model_counts(programme) -> dict[str, int]:
    return {
        "sessions": len(programme.sessions),
        "rooms": len({s.room.name for s in programme.sessions if s.room}),
        "days": len(programme.days),
        "persons": len(programme.persons),
    }


def test_every_shared_file_is_covered(shared_dir: Path) -> None:
    present = {
        p.name for p in (shared_dir / "interop" / "real").iterdir() if p.name != "PROVENANCE.md"
    }
    assert present == set(REAL_FILES)


@pytest.mark.parametrize("real_file", sorted(REAL_FILES), indirect=True)
def test_sniffs_the_format(real_file: Path) -> None:
    assert sniff(real_file.read_bytes()) == REAL_FILES[real_file.name]


@pytest.mark.parametrize("real_file", sorted(REAL_FILES), indirect=True)
def test_counts_match_the_file(real_file: Path) -> None:
    fmt = REAL_FILES[real_file.name]
    programme = parse(real_file.read_bytes())
    assert model_counts(programme) == independent_counts(real_file, fmt)


@pytest.mark.parametrize("real_file", sorted(REAL_FILES), indirect=True)
def test_counts_match_provenance(real_file: Path) -> None:
    programme = parse(real_file.read_bytes())
    counts = model_counts(programme)
    expected = PROVENANCE[real_file.name]
    assert {k: counts[k] for k in expected} == expected


@pytest.mark.parametrize("real_file", sorted(REAL_FILES), indirect=True)
def test_parse_with_declared_format(real_file: Path) -> None:
    data = real_file.read_bytes()
    assert len(parse(data, format=REAL_FILES[real_file.name]).sessions) == len(parse(data).sessions)


@pytest.mark.parametrize("real_file", sorted(REAL_FILES), indirect=True)
def test_sessions_are_well_formed(real_file: Path) -> None:
    programme = parse(real_file.read_bytes())
    guids = [s.guid for s in programme.sessions]
    assert len(set(guids)) == len(guids)
    for session in programme.sessions:
        assert session.title
        assert session.start.tzinfo is not None
        assert session.duration.total_seconds() >= 0
        assert session.room is None or session.room in programme.rooms
        assert session.track is None or session.track in programme.tracks
        assert all(p in programme.persons for p in session.persons)


def test_fosdem_2025_details(shared_dir: Path) -> None:
    """Spot checks against values read from the file by eye, not from our output."""
    programme = parse((shared_dir / "interop/real/fosdem-2025.schedule.xml").read_bytes())
    assert programme.title == "FOSDEM 2025"
    assert programme.time_zone == "Europe/Brussels"
    assert str(programme.start) == "2025-02-01"
    assert programme.days[0].start.isoformat() == "2025-02-01T09:00:00+01:00"


def test_38c3_details(shared_dir: Path) -> None:
    programme = parse((shared_dir / "interop/real/ccc-38c3.schedule.xml").read_bytes())
    opening = next(
        s for s in programme.sessions if str(s.guid) == "270fa44c-821a-577f-8ca3-33e8d4a8c2a7"
    )
    assert opening.title == "38C3: Opening Ceremony"
    assert opening.start.isoformat() == "2024-12-27T10:30:00+01:00"
    assert opening.duration.total_seconds() == 30 * 60
    assert opening.room.name == "Saal 1"
    assert str(opening.room.guid) == "ba692ba3-421b-5371-8309-60acc34a3c05"
    assert opening.track.name == "CCC" and opening.track.color == "#F2F006"
    assert [p.name for p in opening.persons][:2] == ["Gabriela Bogk", "Senficon"]


def test_debconf_utc_dates_win_over_local_start(shared_dir: Path) -> None:
    """wafer writes <date> in UTC and <start> in Kolkata time; the instant must be right."""
    programme = parse((shared_dir / "interop/real/giggity-debconf23.xml").read_bytes())
    opening = next(s for s in programme.sessions if s.local_id == 35)
    assert opening.start.isoformat() == "2023-09-10T05:00:00+00:00"
    assert programme.time_zone == "Asia/Kolkata"


def test_fosdem_2007_events_without_room_wrappers(shared_dir: Path) -> None:
    programme = parse(
        (shared_dir / "interop/real/fosdem-2007.schedule.xml").read_bytes(),
        time_zone="Europe/Brussels",
    )
    aiglx = next(s for s in programme.sessions if s.title == "AIGLX")
    assert aiglx.room.name == "Chavanne"
    assert aiglx.start.isoformat() == "2007-02-25T15:00:00+01:00"
    assert aiglx.persons[0].name == "Kristian Høgsberg"
    assert aiglx.links[0].url == "http://video.fosdem.org/2007/FOSDEM2007-AIGLX.ogg"


def test_old_fosdem_without_time_zone_warns(shared_dir: Path) -> None:
    programme = parse((shared_dir / "interop/real/fosdem-2016.schedule.xml").read_bytes())
    # no zone name and no offsets: UTC only as a placeholder, which the importer refuses
    assert programme.time_zone_source == "assumed"
    assert any("without a time zone or offset" in w for w in programme.warnings)


def test_jres_folded_inside_utf8_is_read(shared_dir: Path) -> None:
    programme = parse((shared_dir / "interop/real/giggity-jres_2022.ics").read_bytes())
    assert programme.time_zone == "Europe/Paris"
    assert any("folded inside" in w for w in programme.warnings)
    assert any("’" in s.abstract for s in programme.sessions)


def test_scale_23x_skips_unscheduled_entries_with_a_warning(shared_dir: Path) -> None:
    programme = parse((shared_dir / "interop/real/scale-23x-testdata.signs.json").read_bytes())
    assert len([w for w in programme.warnings if "no StartTime" in w]) == 8
    keynote = next(s for s in programme.sessions if s.title.startswith("Closing Keynote"))
    assert keynote.url == (
        "https://www.socallinuxexpo.org/scale/23x/presentations/closing-keynote-doug-comer"
    )
    assert [p.name for p in keynote.persons] == ["Doug Comer"]


def test_sessionize_speakers_and_rooms(shared_dir: Path) -> None:
    programme = parse(
        (shared_dir / "interop/real/sessionize-globalazure-austria-2024.all.json").read_bytes(),
        time_zone="Europe/Vienna",
    )
    keynote = next(s for s in programme.sessions if s.local_id == 658419)
    assert keynote.start.isoformat() == "2024-04-20T09:00:00+02:00"
    assert keynote.room.name == "Aula"
    assert len(keynote.persons) == 2
