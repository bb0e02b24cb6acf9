"""Issue #12, the data path: links that could run script, colours that break out of a style
attribute, formula cells, numbers and dates that crashed a request.

Each test pushes a hostile value through a real way in (a file import, the import command,
the upload page, a model form's validation, a row written past validation) and checks what
comes out (the database, the pages parsed as HTML, the exports parsed by their own readers).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from hallway import interop
from hallway.events.models import Event, Room, Track
from hallway.interop.model import Entry, Link, Person, Programme
from hallway.interop.model import Track as TrackItem
from hallway.programme.models import Resource, Speaker
from hallway.schedule.services import latest_release
from hostile_data import GOOD_URL, HOSTILE_URLS, frab_json

pytestmark = pytest.mark.django_db

SCRIPT_SCHEMES = ("javascript", "data", "vbscript")


# --------------------------------------------------------------------------- helpers


class Attributes(HTMLParser):
    """Every (tag, attribute, value) of a page, values as the browser decodes them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.found += [(tag, name, value or "") for name, value in attrs]


def attributes(html: str) -> list[tuple[str, str, str]]:
    parser = Attributes()
    parser.feed(html)
    parser.close()
    return parser.found


def scheme_of(url: str) -> str:
    """The scheme a browser sees: it drops leading C0 controls and spaces and every tab and
    newline before reading it."""
    cleaned = url.lstrip("".join(map(chr, range(0x21)))).replace("\t", "").replace("\n", "")
    cleaned = cleaned.replace("\r", "")
    return cleaned.split(":", 1)[0].lower() if ":" in cleaned else ""


def assert_no_script_links(html: str, where: str) -> None:
    for tag, name, value in attributes(html):
        if name in ("href", "src", "action", "formaction", "xlink:href"):
            assert scheme_of(value) not in SCRIPT_SCHEMES, f"{where}: <{tag} {name}={value!r}>"
        assert not name.startswith("on"), f"{where}: <{tag} {name}={value!r}>"


def organiser_client() -> Client:
    client = Client()
    assert client.login(username="organiser", password="hallway-demo")
    return client


def tiny_json(*, colour: str = "#aa00ff", digits: str = "1", url: str = GOOD_URL) -> bytes:
    guid = "0b6a6f5e-2d0c-4a3e-9a53-5f3c7f1a2b01"
    text = json.dumps(
        {
            "schedule": {
                "version": "1",
                "conference": {
                    "acronym": "tinysec",
                    "title": "Tiny",
                    "time_zone_name": "Europe/Berlin",
                    "tracks": [{"name": "Web", "color": colour}],
                    "days": [
                        {
                            "index": 1,
                            "date": "2031-05-01",
                            "rooms": {
                                "Hall": [
                                    {
                                        "guid": guid,
                                        "id": "ID",
                                        "date": "2031-05-01T10:00:00+02:00",
                                        "start": "10:00",
                                        "duration": "00:30",
                                        "room": "Hall",
                                        "title": "A talk",
                                        "track": "Web",
                                        "type": "talk",
                                        "links": [{"url": url, "title": "x"}],
                                        "persons": [],
                                    }
                                ]
                            },
                        }
                    ],
                },
            }
        }
    )
    return text.replace('"ID"', digits).encode()


def counts() -> dict[str, int]:
    from hallway.programme.models import Session as SessionRow

    return {m.__name__: m.objects.count() for m in (Event, SessionRow, Speaker, Room, Resource)}


# --------------------------------------------------------------------------- 1. links


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_every_way_a_link_is_validated_refuses_script_urls(url, demo) -> None:
    from hallway.common.validators import validate_link_url, validate_web_url

    for validator in (validate_web_url, validate_link_url):
        with pytest.raises(ValidationError):
            validator(url)
    speaker = Speaker(event=demo, name="S", links=[{"title": "t", "url": url}])
    with pytest.raises(ValidationError) as info:
        speaker.full_clean()
    assert "links" in info.value.message_dict
    speaker = Speaker(event=demo, name="S", picture_url=url)
    with pytest.raises(ValidationError) as info:
        speaker.full_clean()
    assert "picture_url" in info.value.message_dict


def test_safe_links_pass_and_mailto_only_where_an_address_is_meant(demo) -> None:
    from hallway.common.validators import validate_link_url, validate_web_url

    validate_web_url("HTTPS://Example.org/a?b=c#d")
    validate_link_url("mailto:speaker@example.org")
    with pytest.raises(ValidationError):
        validate_web_url("mailto:speaker@example.org")
    # ftp passed Django's URLValidator; hallway stores only what browsers open as pages
    session = demo.all_sessions.first()
    with pytest.raises(ValidationError):
        Resource(session=session, kind=Resource.SLIDES, url="ftp://example.org/x").full_clean()
    Speaker(
        event=demo, name="S", links=[{"title": "mail", "url": "mailto:s@example.org"}]
    ).full_clean()


def test_import_refuses_script_links_and_reports_each(demo) -> None:
    from hallway.interop.imports import import_file

    report = import_file(frab_json("refuse"), "hostile-refuse")
    event = Event.objects.get(slug="hostile-refuse")
    urls = list(Resource.objects.filter(session__umbrella=event).values_list("url", flat=True))
    assert GOOD_URL in urls
    links = [link["url"] for s in Speaker.objects.filter(event=event) for link in s.links] + list(
        Speaker.objects.filter(event=event).values_list("picture_url", flat=True)
    )
    assert GOOD_URL in links
    for url in urls + links:
        assert url == "" or url.startswith(("http://", "https://", "mailto:")), url
        assert scheme_of(url) not in SCRIPT_SCHEMES
    assert event.website == ""  # the file's conference url was javascript:
    refused = report.count("links", "refused")
    assert refused >= len(HOSTILE_URLS) * 3  # links, attachments, speaker links of a session
    assert sum("refused" in note for note in report.notes) == refused
    assert any("links:" in line and "refused" in line for line in report.lines())


def test_pages_never_link_a_script_url_stored_past_validation(demo, client) -> None:
    """The templates' second line of defence: rows written with .update() (no validation),
    as data from before the validators existed would be."""
    release = latest_release(demo)
    slot = release.slots.filter(session__isnull=False, room__isnull=False).first()
    session = slot.session
    speaker = Speaker.objects.create(event=demo, name="Pwned Speaker")
    session.speaker_links.create(speaker=speaker, position=99)
    for n in range(len(HOSTILE_URLS)):
        Resource.objects.create(session=session, kind=Resource.OTHER, url=GOOD_URL, position=n)
    for resource, url in zip(
        Resource.objects.filter(session=session, url=GOOD_URL), HOSTILE_URLS, strict=False
    ):
        Resource.objects.filter(pk=resource.pk).update(url=url)
    Speaker.objects.filter(pk=speaker.pk).update(
        links=[{"title": "x", "url": url} for url in HOSTILE_URLS]
    )
    Room.objects.filter(pk=slot.room_id).update(stream_url=HOSTILE_URLS[0])
    for url in (
        f"/{demo.slug}/sessions/{session.slug}/",
        f"/{demo.slug}/speakers/{speaker.slug}/",
        f"/{demo.slug}/rooms/{slot.room.slug}/",
        f"/{demo.slug}/",
        f"/{demo.slug}/programme/",
    ):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_no_script_links(html, url)


def test_pages_never_put_a_bad_colour_stored_past_validation_into_a_style(demo, client) -> None:
    slot = latest_release(demo).slots.filter(session__track__isnull=False).first()
    # seven characters, so PostgreSQL's varchar(7) holds it too
    bad_colour = "red;}*{"
    Track.objects.filter(pk=slot.session.track_id).update(colour=bad_colour)
    Event.objects.filter(pk__in=demo.family_ids()).update(colour=bad_colour)
    for url in (
        f"/{demo.slug}/sessions/{slot.session.slug}/",
        f"/{demo.slug}/",
        f"/{demo.slug}/programme/",
    ):
        html = client.get(url, follow=True).content.decode()
        styles = [value for _tag, name, value in attributes(html) if name == "style"]
        assert styles, url
        assert not any(bad_colour in style for style in styles), (url, styles)


def test_exports_leave_out_script_links() -> None:
    links = [Link(url=u, title="t") for u in HOSTILE_URLS] + [Link(url=GOOD_URL, title="ok")]
    person = Person(name="P", links=list(links), avatar=HOSTILE_URLS[0], url=HOSTILE_URLS[1])
    session = Entry(
        guid=uuid.uuid4(),
        title="T",
        start=dt.datetime(2031, 5, 1, 10, tzinfo=dt.UTC),
        duration=dt.timedelta(minutes=30),
        persons=[person],
        links=list(links),
        attachments=list(links),
        url=HOSTILE_URLS[2],
        logo=HOSTILE_URLS[3],
        feedback_url=HOSTILE_URLS[4],
    )
    track = TrackItem(name="Web", color="#000;background:url(https://x/)")
    session.track = track
    programme = Programme(
        title="T",
        time_zone="UTC",
        sessions=[session],
        persons=[person],
        tracks=[track],
        url=HOSTILE_URLS[5],
    )
    from hallway.interop._shared import set_days

    set_days(programme, {dt.date(2031, 5, 1)})
    for fmt in ("frab-xml", "frab-json", "ical", "csv"):
        body = interop.export(programme, fmt).decode()
        lowered = body.lower()
        for scheme in SCRIPT_SCHEMES:
            assert f"{scheme}:" not in lowered.replace("\t", "").replace("\n", ""), (fmt, scheme)
        assert "url(" not in body, fmt  # a track colour that is not #rrggbb is left out
        if fmt in ("frab-xml", "frab-json"):  # iCalendar and CSV carry no links
            assert GOOD_URL in body, fmt


# --------------------------------------------------------------------------- 5. CSV


def test_csv_cells_never_start_a_formula() -> None:
    titles = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "plain", "a=b"]
    sessions = [
        Entry(
            guid=uuid.uuid4(),
            title=title,
            start=dt.datetime(2031, 5, 1, 10 + n, tzinfo=dt.UTC),
            duration=dt.timedelta(minutes=30),
            persons=[Person(name="=cmd|' /C calc'!A0")],
            type="-talk",
            language="@en",
        )
        for n, title in enumerate(titles)
    ]
    programme = Programme(title="T", time_zone="UTC", sessions=sessions)
    text = interop.export(programme, "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["title"] for row in rows] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\t=1",
        "'\r=1",
        "plain",
        "a=b",
    ]
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)


# --------------------------------------------------------------------------- 8. crashes


def test_a_number_of_5000_digits_is_a_format_error_with_its_place(demo, tmp_path) -> None:
    data = tiny_json(digits="9" * 5000)
    with pytest.raises(interop.FormatError) as info:
        interop.parse(data)
    assert "4,300 digits" in str(info.value) and info.value.location.startswith("line 1")
    before = counts()
    response = organiser_client().post(
        "/manage/import/",
        {"file": io.BytesIO(data), "event": demo.slug, "release": "on"},
    )
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert "4,300 digits" in response.content.decode()
    path = tmp_path / "big.json"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="4,300 digits"):
        call_command("import", str(path), event=demo.slug)
    assert counts() == before


@pytest.mark.parametrize(
    "at",
    [
        "0001-01-01T00:00+14:00",
        "9999-12-31T23:59",
        "9999-12-31T23:59-12:00",
        "not a time",
    ],
)
def test_signage_answers_400_for_times_it_cannot_show(at, demo, client) -> None:
    room = Room.objects.filter(event=demo).first()
    response = client.get(f"/{demo.slug}/rooms/{room.slug}/now/", {"at": at})
    assert response.status_code == 400
    assert "'at'" in response.content.decode()


@pytest.mark.parametrize("at", ["2027-03-05T10:30", "0001-01-01T00:00", "9999-12-30T00:00"])
def test_signage_shows_any_time_that_exists_in_the_events_zone(at, demo, client) -> None:
    # 0001-01-01 00:00 in Los Angeles is 08:00 UTC: early, but a time like any other
    room = Room.objects.filter(event=demo).first()
    response = client.get(f"/{demo.slug}/rooms/{room.slug}/now/", {"at": at})
    assert response.status_code == 200


# --------------------------------------------------------------------------- 11. validation


BAD_COLOUR = "#000000;background:url(https://x/)}{y"  # 37 characters


@pytest.mark.parametrize("colour", [BAD_COLOUR, "red", "#12345g", "#fff"])
def test_import_refuses_a_colour_naming_the_item_and_field(colour, demo, tmp_path) -> None:
    from hallway.interop.imports import import_file

    data = tiny_json(colour=colour)
    before = counts()
    with pytest.raises(ValidationError) as info:
        import_file(data, "tiny-colour")
    message = " ".join(info.value.messages)
    assert "0b6a6f5e-2d0c-4a3e-9a53-5f3c7f1a2b01" in message and "colour" in message
    assert "Nothing was imported" in message
    assert counts() == before
    assert not Event.objects.filter(slug="tiny-colour").exists()

    path = tmp_path / "colour.json"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="colour"):
        call_command("import", str(path), event="tiny-colour")
    response = organiser_client().post(
        "/manage/import/", {"file": io.BytesIO(data), "event": demo.slug, "release": "on"}
    )
    assert response.status_code == 200
    assert "colour" in response.content.decode()
    assert counts() == before


def test_import_refuses_a_number_the_database_cannot_hold(demo) -> None:
    """A room capacity beyond the database's integers was a raw database error (OverflowError
    on SQLite, out of range on PostgreSQL); the file is now refused where it says it."""
    from hallway.interop.errors import FormatError
    from hallway.interop.imports import import_file

    document = json.loads(tiny_json())
    document["schedule"]["conference"]["rooms"] = [{"name": "Hall", "capacity": 10**20}]
    before = counts()
    with pytest.raises(FormatError) as info:
        import_file(json.dumps(document).encode(), "tiny-capacity")
    assert "capacity" in str(info.value) and "rooms[0].capacity" in str(info.value)
    assert counts() == before


@pytest.mark.parametrize("model,field", [(Track, "colour"), (Event, "colour")])
def test_models_refuse_a_colour_that_is_not_rrggbb(model, field, demo) -> None:
    row = (
        model.objects.filter(pk=demo.pk).first() if model is Event else Track(event=demo, name="T")
    )
    setattr(row, field, "red;}")
    with pytest.raises(ValidationError) as info:
        row.full_clean()
    assert field in info.value.message_dict


@pytest.mark.parametrize("where", ["title", "abstract", "person"])
def test_import_refuses_nul_characters_as_the_admin_forms_do(where, demo) -> None:
    """PostgreSQL cannot store NUL in text or jsonb: a raw database error before."""
    from hallway.interop.imports import import_file

    document = json.loads(tiny_json())
    event = document["schedule"]["conference"]["days"][0]["rooms"]["Hall"][0]
    if where == "person":
        event["persons"] = [{"id": 7, "public_name": "Ada", "biography": "a\x00b"}]
    else:
        event[where] = "a\x00b"
    before = counts()
    with pytest.raises(ValidationError) as info:
        import_file(json.dumps(document).encode(), "tiny-nul")
    message = " ".join(info.value.messages)
    assert "Null characters" in message
    assert ("speaker" if where == "person" else "0b6a6f5e") in message
    assert counts() == before


def test_import_makes_frab_attachment_paths_absolute_and_keeps_bare_hosts_as_https(demo) -> None:
    """frab writes attachments as paths on its own site: they are kept, against the file's
    base URL.  A bare "www.example.org" is read as a browser would read it, https, and the
    report says so (issue #10: a link is never dropped without a word)."""
    from hallway.interop.imports import import_file

    document = json.loads(tiny_json())
    document["schedule"]["base_url"] = "https://fahrplan.example/2031/"
    event = document["schedule"]["conference"]["days"][0]["rooms"]["Hall"][0]
    event["attachments"] = [{"url": "/system/slides.pdf", "title": "Slides"}]
    event["links"] = [{"url": "www.example.org", "title": "site"}]
    report = import_file(json.dumps(document).encode(), "tiny-paths")
    urls = list(
        Resource.objects.filter(session__umbrella__slug="tiny-paths").values_list("url", flat=True)
    )
    assert sorted(urls) == ["https://fahrplan.example/system/slides.pdf", "https://www.example.org"]
    assert any("www.example.org" in note for note in report.notes)


def test_a_5000_digit_number_written_as_a_string_is_a_format_error_too() -> None:
    """The JSON reader is not the only place digits become ints: a parser's own int() of a
    string field (frab's event id as "123") hits the same limit."""
    data = tiny_json(digits='"' + "7" * 5000 + '"')
    with pytest.raises(interop.FormatError) as info:
        interop.parse(data)
    assert "4,300 digits" in str(info.value) and info.value.location.startswith("line 1")


def test_a_5000_digit_number_in_icalendar_is_a_format_error_with_its_place() -> None:
    data = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a@b\r\n"
        "DTSTART:20310501T100000Z\r\nDTEND:20310501T110000Z\r\nSUMMARY:t\r\n"
        f"SEQUENCE:{'9' * 5000}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    with pytest.raises(interop.FormatError) as info:
        interop.parse(data)
    assert "4,300 digits" in str(info.value) and info.value.location == "line 9, column 10"
