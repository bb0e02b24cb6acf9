"""What the public sees: the latest release, and nothing else (issue #12, items 3 and 4).

- A session, speaker or room that is not in the latest release is "not found" everywhere:
  pages, the speakers and rooms lists, exports and the calendar filters, with the same status
  and the same body as a slug that never existed.
- A release freezes the timetable (which sessions, scheduled or cancelled, when, where); text
  (titles, abstracts, bios) is read live, so a corrected typo is public at once.
"""

from __future__ import annotations

import pytest
from django.utils.html import escape

from factories import at, make_world, place
from hallway.events.models import Room
from hallway.programme.models import Session
from hallway.schedule.services import release_schedule

pytestmark = pytest.mark.django_db

MISSING = "no-such-thing-at-all"


@pytest.fixture
def world(db):
    world = make_world()
    # A room that only the work in progress uses: not on the published programme.
    world.hidden_room = Room.objects.create(event=world.alpha, name="Room Hiddenhall", capacity=9)
    hidden_slot = world.apricot.hidden.slots.get()
    hidden_slot.room = world.hidden_room
    hidden_slot.save()
    return world


def _not_found_alike(client, url_of, hidden_slug: str):
    """``url_of(slug)`` answers the hidden slug exactly as a slug that does not exist."""
    hidden = client.get(url_of(hidden_slug))
    missing = client.get(url_of(MISSING))
    assert hidden.status_code == missing.status_code == 404
    # The body may echo the path; with the slug taken out it must be the same bytes.
    assert hidden.content.replace(hidden_slug.encode(), b"X") == missing.content.replace(
        MISSING.encode(), b"X"
    )


def _hidden_things(world) -> list[str]:
    return [
        world.apricot.hidden.title,
        world.apricot.hidden_speaker.name,
        world.hidden_room.name,
        world.blueberry.hidden.title,
    ]


def test_an_unreleased_session_is_not_found_like_a_missing_one(world, client):
    _not_found_alike(client, lambda s: f"/alpha/sessions/{s}/", world.apricot.hidden.slug)


def test_a_speaker_of_unreleased_sessions_only_is_not_found_like_a_missing_one(world, client):
    _not_found_alike(client, lambda s: f"/alpha/speakers/{s}/", world.apricot.hidden_speaker.slug)


def test_a_room_only_the_work_in_progress_uses_is_not_found_like_a_missing_one(world, client):
    _not_found_alike(client, lambda s: f"/alpha/rooms/{s}/", world.hidden_room.slug)
    _not_found_alike(client, lambda s: f"/alpha/rooms/{s}/now/", world.hidden_room.slug)


@pytest.mark.parametrize("name", ["session", "speaker", "room"])
def test_calendar_filters_answer_a_hidden_thing_like_a_missing_one(world, client, name):
    slug = {
        "session": world.apricot.hidden.slug,
        "speaker": world.apricot.hidden_speaker.slug,
        "room": world.hidden_room.slug,
    }[name]
    _not_found_alike(client, lambda s: f"/alpha/schedule.ics?{name}={s}", slug)


def test_calendar_filter_on_a_track_with_no_published_session_is_not_found(world, client):
    track = world.apricot.track
    world.apricot.session.track = None
    world.apricot.session.save()  # now only the unreleased session uses the track
    _not_found_alike(client, lambda s: f"/alpha/schedule.ics?track={s}", track.slug)
    # Nor does the programme's track filter offer it.
    assert track.name not in client.get("/alpha/programme/list/").content.decode()


def test_calendar_filters_still_find_published_things(world, client):
    for query in (
        f"session={world.apricot.session.slug}",
        f"speaker={world.apricot.speaker.slug}",
        f"room={world.alpha_room.slug}",
        f"track={world.apricot.track.slug}",
    ):
        response = client.get(f"/alpha/schedule.ics?{query}")
        assert response.status_code == 200, query
        assert world.apricot.session.title in response.content.decode(), query


@pytest.mark.parametrize(
    "url",
    [
        "/alpha/",
        "/alpha/programme/2030-03-01/",
        "/alpha/programme/list/",
        "/apricot/programme/list/",
        "/alpha/speakers/",
        "/alpha/rooms/",
        "/alpha/rooms/room-aardvark/",
        "/alpha/changes/",
        "/alpha/schedule.xml",
        "/alpha/schedule.json",
        "/alpha/schedule.ics",
        "/alpha/schedule.csv",
        "/apricot/schedule.json",
    ],
)
def test_public_pages_and_exports_show_nothing_unreleased(world, client, url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    # The page shows the published programme (so a blank page cannot pass)...
    if url not in ("/alpha/", "/alpha/rooms/", "/alpha/changes/"):
        assert world.apricot.session.title in body or world.apricot.speaker.name in body
    # ...and nothing the latest release does not contain.
    for hidden in _hidden_things(world):
        assert hidden not in body and escape(hidden) not in body, hidden


def test_the_next_release_publishes_them(world, client):
    release_schedule(world.alpha, "2.0")
    assert client.get(f"/alpha/sessions/{world.apricot.hidden.slug}/").status_code == 200
    assert client.get(f"/alpha/speakers/{world.apricot.hidden_speaker.slug}/").status_code == 200
    assert client.get(f"/alpha/rooms/{world.hidden_room.slug}/").status_code == 200
    assert world.apricot.hidden.title in client.get("/alpha/schedule.json").content.decode()


# --- item 4: what a release freezes ---------------------------------------------------------


def test_text_edits_are_public_at_once_without_a_release(world, client):
    session = world.apricot.session
    session.title = "Talk Apricot, typo fixed"
    session.abstract = "A corrected abstract."
    session.save()
    speaker = world.apricot.speaker
    speaker.bio = "A corrected biography."
    speaker.save()
    page = client.get(f"/alpha/sessions/{session.slug}/").content.decode()
    assert "Talk Apricot, typo fixed" in page and "A corrected abstract." in page
    assert "A corrected biography." in page
    assert "Talk Apricot, typo fixed" in client.get("/alpha/schedule.json").content.decode()
    assert "Talk Apricot, typo fixed" in client.get("/alpha/programme/list/").content.decode()
    # ...and the changes page tells attendees so.
    changes = client.get("/alpha/changes/").content.decode()
    assert "published at once, without a new version" in changes


def test_a_cancellation_is_published_by_a_release(world, client):
    session = world.apricot.session
    session.state = Session.CANCELLED
    session.save()
    # Not yet: the published timetable still has it on.
    page = client.get(f"/alpha/sessions/{session.slug}/").content.decode()
    assert "has been cancelled" not in page
    assert "Cancelled:" not in client.get("/alpha/programme/2030-03-01/").content.decode()
    release_schedule(world.alpha, "2.0")
    page = client.get(f"/alpha/sessions/{session.slug}/").content.decode()
    assert "has been cancelled" in page
    assert "Cancelled:" in client.get("/alpha/programme/2030-03-01/").content.decode()
    changes = client.get("/alpha/changes/2-0/").content.decode()
    assert "<h2>Cancelled</h2>" in changes and session.title in changes


def test_a_withdrawal_or_time_change_waits_for_the_release(world, client):
    session = world.blueberry.session
    session.state = Session.WITHDRAWN
    session.save()
    slot = world.apricot.session.slots.get(schedule__version=None)
    slot.start, slot.end = at(16), at(16, 30)
    slot.save()
    grid = client.get("/alpha/programme/2030-03-01/").content.decode()
    assert session.title in grid
    assert client.get(f"/alpha/sessions/{session.slug}/").status_code == 200
    release_schedule(world.alpha, "2.0")
    grid = client.get("/alpha/programme/2030-03-01/").content.decode()
    assert session.title not in grid
    assert client.get(f"/alpha/sessions/{session.slug}/").status_code == 404
    assert "16:00" in client.get(f"/alpha/sessions/{world.apricot.session.slug}/").content.decode()


def test_a_session_placed_after_the_release_stays_off_until_the_next(world, client):
    new = Session.objects.create(
        event=world.blueberry.event,
        title="Talk Latecomer",
        state=Session.CONFIRMED,
        duration=30,
        session_type=world.blueberry.session_type,
    )
    place(new, world.alpha_room, at(17))
    assert "Talk Latecomer" not in client.get("/alpha/programme/list/").content.decode()
    assert client.get(f"/alpha/sessions/{new.slug}/").status_code == 404
