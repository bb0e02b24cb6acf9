"""Hostile and broken input is refused with one FormatError that says what and where."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hallway.interop import FormatError, parse

MINIMAL_XML = """<?xml version="1.0" encoding="UTF-8"?>
<schedule>
  <version>1</version>
  <conference><title>Tiny</title><acronym>tiny</acronym>
    <time_zone_name>Europe/Brussels</time_zone_name></conference>
  <day index="1" date="2025-02-01">
    <room name="K.1.105">
      <event id="1" guid="7b6b5a1e-0b43-4d27-9a52-9b1b2a1c3d4e">
        <date>2025-02-01T10:00:00+01:00</date><start>10:00</start><duration>{duration}</duration>
        <room>K.1.105</room><title>{title}</title><type>talk</type><abstract/><track/>
      </event>
    </room>
  </day>
</schedule>
"""


def minimal(title: str = "Café", duration: str = "00:30") -> str:
    return MINIMAL_XML.format(title=title, duration=duration)


def refused(data: bytes, **kwargs) -> FormatError:
    with pytest.raises(FormatError) as info:
        parse(data, **kwargs)
    return info.value


def test_minimal_document_is_fine() -> None:
    programme = parse(minimal().encode())
    assert [s.title for s in programme.sessions] == ["Café"]


def test_external_entity_is_refused_without_reading_it() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE schedule [<!ENTITY xxe SYSTEM '
        b'"file:///etc/passwd">]><schedule><version>&xxe;</version></schedule>'
    )
    error = refused(data)
    assert "DTD" in str(error) or "entit" in str(error)
    assert "root:" not in str(error)


def test_external_dtd_is_refused() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE schedule SYSTEM "http://example.invalid/s.dtd"><schedule/>'
    )
    assert "DTD" in str(refused(data))


def test_billion_laughs_is_refused() -> None:
    entities = "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    data = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>'
        "<schedule><version>&lol9;</version></schedule>"
    ).encode()
    assert "DTD" in str(refused(data))


def test_truncated_xml_names_the_line() -> None:
    data = minimal().encode()[:300]
    error = refused(data)
    assert "not well-formed" in error.message or "no element" in error.message
    assert error.location and error.location.startswith("line ")


def test_latin1_bytes_claimed_as_utf8() -> None:
    data = minimal(title="Café").encode("latin-1")
    error = refused(data)
    assert "UTF-8" in error.message and "Latin-1" in error.message
    lines = minimal().splitlines()
    line_no = next(i for i, line in enumerate(lines, start=1) if "Café" in line)
    column = lines[line_no - 1].index("é") + 1
    assert error.location == f"line {line_no}, column {column}"


def test_latin1_declared_as_latin1_is_read() -> None:
    text = minimal(title="Café").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    assert parse(text.encode("latin-1")).sessions[0].title == "Café"


def test_json_claimed_as_xml() -> None:
    error = refused(b'{"schedule": {}}', format="frab-xml")
    assert "frab-xml" in str(error) and "JSON" in str(error)


def test_xml_claimed_as_json() -> None:
    assert "XML" in str(refused(minimal().encode(), format="frab-json"))


def test_frab_json_claimed_as_sessionize() -> None:
    data = json.dumps({"schedule": {"version": "1", "conference": {"title": "x"}}}).encode()
    assert "looks like frab-json" in str(refused(data, format="sessionize"))


def test_unknown_format_name() -> None:
    assert "unknown import format" in str(refused(minimal().encode(), format="pdf"))


def test_size_limit_is_configurable() -> None:
    data = minimal().encode()
    error = refused(data, max_bytes=100)
    assert "limit" in error.message
    assert parse(data, max_bytes=len(data)).sessions


def test_the_default_size_limit_is_the_documented_one() -> None:
    """README promises 50 MB for imports: without ``max_bytes``, parse() refuses one byte more,
    unread (that the limit is exact is shown above, on a small one)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "| `HALLWAY_MAX_IMPORT_BYTES` | 50 MB |" in readme
    head, tail = b"<schedule>", b"</schedule>"
    over = head + b" " * (50 * 1024 * 1024 + 1 - len(head) - len(tail)) + tail
    assert "larger than the 52,428,800-byte limit" in refused(over).message


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01\x02binary", b"%PDF-1.7"])
def test_not_a_schedule_at_all(data: bytes) -> None:
    refused(data)


def test_wrong_root_element() -> None:
    error = refused(b"<html><body/></html>")
    assert "<html>" in error.message and "<schedule>" in error.message


def test_event_without_title_names_the_element_and_line() -> None:
    error = refused(minimal(title="").encode())
    assert "title" in error.message
    assert "/schedule/day[1]/room[1]/event[1]" in error.location
    event_line = next(
        i for i, line in enumerate(minimal().splitlines(), start=1) if "<event " in line
    )
    assert f"(line {event_line})" in error.location


def test_bad_duration_names_the_element() -> None:
    error = refused(minimal(duration="half an hour").encode())
    assert "duration" in error.message
    assert error.location.startswith("/schedule/day[1]/room[1]/event[1]/duration")


def test_unknown_time_zone() -> None:
    data = minimal().replace("Europe/Brussels", "Mars/Olympus_Mons").encode()
    assert "Mars/Olympus_Mons" in refused(data).message


def test_truncated_json_names_line_and_column() -> None:
    data = json.dumps(
        {"schedule": {"version": "1", "conference": {"title": "x"}}}, indent=1
    ).encode()[:-10]
    error = refused(data)
    assert "invalid JSON" in error.message and error.location.startswith("line ")


def test_json_with_wrong_types_names_the_path() -> None:
    data = json.dumps(
        {
            "schedule": {
                "version": "1",
                "conference": {
                    "title": "x",
                    "days": [{"index": 1, "date": "2025-01-01", "rooms": {"A": "oops"}}],
                },
            }
        }
    )
    error = refused(data.encode())
    assert error.location == '$.schedule.conference.days[0].rooms["A"]'
    assert "array" in error.message


def test_deeply_nested_json() -> None:
    refused(b"[" * 100_000 + b"]" * 100_000)


def test_json_latin1() -> None:
    data = '{"schedule": {"conference": {"title": "Café"}}}'.encode("latin-1")
    assert "UTF-8" in refused(data).message


def test_sessionize_unknown_speaker() -> None:
    data = json.dumps(
        {
            "sessions": [
                {
                    "id": "1",
                    "title": "t",
                    "startsAt": "2024-01-01T10:00:00",
                    "endsAt": "2024-01-01T11:00:00",
                    "speakers": ["nobody"],
                    "roomId": None,
                }
            ],
            "speakers": [],
            "rooms": [],
        }
    ).encode()
    error = refused(data)
    assert "unknown speaker" in error.message and error.location == "$.sessions[0].speakers[0]"


def test_ical_without_end_is_truncated() -> None:
    data = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:x\r\n"
    assert "truncated" in refused(data).message


def test_ical_event_without_start() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:x\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert "DTSTART" in refused(data).message


@pytest.mark.shared
@pytest.mark.parametrize(
    "name", ["fosdem-2025.schedule.xml", "ccc-32c3.schedule.json", "giggity-kielux_2020.ics"]
)
def test_truncated_real_files(shared_dir: Path, name: str) -> None:
    data = (shared_dir / "interop" / "real" / name).read_bytes()
    for fraction in (0.1, 0.5, 0.99):
        refused(data[: int(len(data) * fraction)])


def test_dtd_error_names_the_line() -> None:
    data = b'<?xml version="1.0"?>\n\n<!DOCTYPE schedule [<!ENTITY a "b">]>\n<schedule/>'
    assert refused(data).location == "line 3"


def test_repeated_guids_are_made_unique_with_a_warning() -> None:
    text = minimal()
    start = text.index("      <event ")
    end = text.index("</event>") + len("</event>\n")
    event = text[start:end]
    doubled = text[:end] + event.replace('id="1"', 'id="2"') + text[end:]
    programme = parse(doubled.encode())
    assert len({s.guid for s in programme.sessions}) == 2
    assert any("repeats guid" in w for w in programme.warnings)
