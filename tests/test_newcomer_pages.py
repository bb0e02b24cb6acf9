"""What a newcomer saw on a first look at the styled pages (issue #16), each fixed and checked
against the demo through the test client: where a plenary session is drawn, which days a
co-located event offers, the day on a speaker's sessions, speaker photos, links to the
exports, and the signage page as a door sign."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils.html import escape

from demo_cases import plenary_alone_in_its_room, plenary_in_a_grid_room
from hallway.events.models import Event, Room
from hallway.schedule.services import latest_release

pytestmark = pytest.mark.django_db

THURSDAY, FRIDAY = dt.date(2027, 3, 4), dt.date(2027, 3, 5)


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def slot_div(html: str, title: str) -> str:
    """The opening tag of the grid cell holding the card titled ``title``."""
    for match in re.finditer(r'<div class="(slot[^"]*)" style="([^"]*)">(.*?)</div>', html, re.S):
        if escape(title) in match.group(3):
            return match.group(0)[: match.group(0).index(">") + 1]
    raise AssertionError(f"no grid cell for {title!r}")


def test_a_plenary_session_in_a_room_of_the_grid_is_drawn_in_that_rooms_column(demo, client):
    kcd_keynote = plenary_in_a_grid_room(latest_release(demo), THURSDAY)
    html = html_of(client, f"/{demo.slug}/programme/{THURSDAY}/")
    heads = re.findall(
        r'<div class="room-head" style="grid-row:1;grid-column:(\d+)"><a [^>]*>([^<]*)<', html
    )
    column = {name: col for col, name in heads}[kcd_keynote.room.name]
    tag = slot_div(html, kcd_keynote.session.title)
    assert f'grid-column:{column}"' in tag
    assert "spanning" not in tag


def test_a_plenary_session_in_a_room_outside_the_grid_spans_it_and_names_its_room(demo, client):
    keynote = plenary_alone_in_its_room(latest_release(demo), FRIDAY)
    html = html_of(client, f"/{demo.slug}/programme/{FRIDAY}/")
    assert f">{escape(keynote.room.name)}</a>" not in html.split('<div class="slot')[0]
    tag = slot_div(html, keynote.session.title)
    assert "spanning" in tag and "grid-column:2 / -1" in tag
    assert escape(keynote.room.name) in html  # the card names the room it is in


def shorten(slot, minutes: int) -> None:
    slot.end = slot.start + dt.timedelta(minutes=minutes)
    slot.save()


def test_short_cells_get_a_size_that_fits_their_title(demo, client):
    release = latest_release(demo)
    friday = (
        release.slots.filter(
            session__isnull=False,
            session__parts=1,
            start__gte=dt.datetime(2027, 3, 5, 19, 0, tzinfo=dt.UTC),
        )
        .select_related("session")
        .order_by("start", "room__position")
    )
    half_hour, twenty = list(friday.filter(end__lt=dt.datetime(2027, 3, 6, tzinfo=dt.UTC))[:2])
    shorten(half_hour, 30)
    shorten(twenty, 20)
    html = html_of(client, f"/{demo.slug}/programme/{FRIDAY}/")
    assert re.search(r'class="slot short"', slot_div(html, half_hour.session.title))
    assert re.search(r'class="slot tiny"', slot_div(html, twenty.session.title))
    shorten(twenty, 5)
    html = html_of(client, f"/{demo.slug}/programme/{FRIDAY}/")
    assert re.search(r'class="slot micro"', slot_div(html, twenty.session.title))


def test_a_co_located_event_offers_only_its_own_days(demo, client):
    kcd = Event.objects.get(slug="kcd-pasadena")
    assert kcd.start_date == kcd.end_date == THURSDAY
    grid = html_of(client, f"/{kcd.slug}/programme/")
    tabs = re.findall(r'href="/kcd-pasadena/programme/(\d{4}-\d\d-\d\d)/', grid)
    assert tabs == [THURSDAY.isoformat()]
    assert client.get(f"/{kcd.slug}/programme/{FRIDAY}/").status_code == 404
    home = html_of(client, f"/{kcd.slug}/")
    assert "Friday" not in home.split("<h2>Days</h2>")[1].split("</section>")[0]
    umbrella_tabs = re.findall(
        r'href="/pose27/programme/(\d{4}-\d\d-\d\d)/', html_of(client, "/pose27/programme/")
    )
    assert len(umbrella_tabs) == 4


def test_a_speakers_sessions_show_their_day(demo, client):
    slot = (
        latest_release(demo)
        .slots.filter(session__speakers__isnull=False, start__date=FRIDAY)
        .select_related("session")
        .first()
    )
    speaker = slot.session.speakers.first()
    html = html_of(client, f"/{demo.slug}/speakers/{speaker.slug}/")
    local = slot.start.astimezone(demo.tz)
    assert f"{local:%a} {local.day} {local:%b}, {local:%H:%M}" in html  # "Fri 5 Mar, 10:45"


def test_speaker_photos_are_shown_and_initials_stand_in_without_one(demo, client):
    slot = latest_release(demo).slots.filter(session__speakers__isnull=False).first()
    speaker = slot.session.speakers.first()
    speaker.picture_url = "https://photos.example.org/ada.jpg"
    speaker.save()
    for url in (
        f"/{demo.slug}/speakers/{speaker.slug}/",
        f"/{demo.slug}/sessions/{slot.session.slug}/",
    ):
        html = html_of(client, url)
        assert re.search(
            r'<img class="avatar [a-z]+" src="https://photos.example.org/ada.jpg" alt="Photo of '
            + re.escape(escape(speaker.name)),
            html,
        ), url
    speaker.picture_url = ""
    speaker.save()
    html = html_of(client, f"/{demo.slug}/speakers/{speaker.slug}/")
    assert '<span class="avatar initials large"' in html
    assert "<img" not in html


def test_the_exports_and_feeds_are_linked_and_answer(demo, client):
    home = html_of(client, f"/{demo.slug}/")
    for ext, kind in [("xml", "xml"), ("json", "json"), ("ics", "calendar"), ("csv", "csv")]:
        assert f'href="/{demo.slug}/schedule.{ext}"' in home
        response = client.get(f"/{demo.slug}/schedule.{ext}")
        assert response.status_code == 200 and kind in response["Content-Type"]
    # Every page of the event links them in its footer, a co-located event its own.
    assert 'href="/kcd-pasadena/schedule.xml"' in html_of(client, "/kcd-pasadena/programme/")
    track_feeds = re.findall(r'href="(/pose27/schedule\.ics\?track=[^"]+)"', home)
    assert track_feeds and client.get(track_feeds[0]).status_code == 200

    slot = latest_release(demo).slots.filter(session__speakers__isnull=False).first()
    speaker = slot.session.speakers.first()
    feed = re.search(
        r'href="(/pose27/schedule\.ics\?speaker=[^"]+)"',
        html_of(client, f"/{demo.slug}/speakers/{speaker.slug}/"),
    ).group(1)
    body = client.get(feed).content.decode()
    assert (
        body.count("BEGIN:VEVENT")
        == latest_release(demo).slots.filter(session__speakers=speaker).count()
    )

    room = Room.objects.get(pk=slot.room_id)
    feed = re.search(
        r'href="(/pose27/schedule\.ics\?room=[^"]+)"',
        html_of(client, f"/{demo.slug}/rooms/{room.slug}/"),
    ).group(1)
    assert client.get(feed).status_code == 200


def test_signage_is_a_door_sign_without_the_sites_menu(demo, client):
    room = latest_release(demo).slots.filter(session__isnull=False).first().room
    html = html_of(client, f"/{demo.slug}/rooms/{room.slug}/now/?at=2027-03-05T11:00")
    assert 'class="signage-page"' in html
    assert '<nav aria-label="Main">' not in html
    assert "Skip to content" not in html
    assert f"<h1>{escape(room.name)}</h1>" in html
