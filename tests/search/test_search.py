"""Search over the published programme (issue #11, "Search"), through the page an attendee
uses, on whichever database the suite runs on (SQLite's FTS5 or PostgreSQL's full-text search:
the same tests run on both, with DATABASE_URL for PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from factories import DAY, at, make_session, make_world, place
from hallway.events.models import Room, Track
from hallway.programme.models import Session, SessionSpeaker, Speaker
from hallway.programme.services import save_session
from hallway.schedule.services import release_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    world = make_world()
    talk = world.apricot.session
    talk.title = "Kubernetes operators in production"
    talk.abstract = "We run **Postgres** clusters with `<script>alert(1)</script>` & friends."
    talk.save()
    speaker = world.apricot.speaker
    speaker.name = "Zoë Müller-Lüdenscheidt"
    speaker.save()
    world.apricot.track.name = "Cloud Native"
    world.apricot.track.save()
    world.alpha_room.name = "Ballroom Ceres"
    world.alpha_room.save()
    return world


def search(client, slug: str, q: str, **filters) -> tuple[int, str]:
    response = client.get(f"/{slug}/search/", {"q": q, **filters})
    return response.status_code, response.content.decode()


def results(page: str) -> str:
    """The results part of the page only (the search box echoes the query)."""
    return page.split('id="search-results"', 1)[1]


def titles(page: str) -> list[str]:
    """The titles shown, in order, with highlight marks taken out."""
    found = re.findall(r'<li class="search-hit"><a href="[^"]*"><strong>(.*?)</strong>', page)
    return [re.sub(r"<[^>]+>", "", t) for t in found]


def session_titles(page: str) -> list[str]:
    section = re.search(r"<h2>Sessions</h2>(.*?)</section>", page, re.S)
    return titles(section.group(1)) if section else []


def test_finds_a_session_by_a_word_of_its_title_and_marks_it(world, client):
    status, page = search(client, "alpha", "operators")
    assert status == 200
    assert titles(page) == ["Kubernetes operators in production"]
    assert "<mark>operators</mark>" in page
    # Its day, time and room, in the event's time zone (UTC here).
    assert "Fri 1 Mar, 09:00–09:30" in page and "Ballroom Ceres" in page


def test_times_are_shown_in_the_events_time_zone(world, client):
    world.alpha.time_zone = "America/Los_Angeles"
    world.alpha.save()
    page = search(client, "alpha", "operators")[1]
    assert "Fri 1 Mar, 01:00–01:30" in page


def test_finds_by_abstract_word_speaker_name_and_track(world, client):
    for q in ["postgres", "Müller", "cloud native"]:
        assert "Kubernetes operators in production" in titles(search(client, "alpha", q)[1]), q


def test_finds_speakers_and_rooms_by_name(world, client):
    page = search(client, "alpha", "Zoë")[1]
    assert "Zoë Müller-Lüdenscheidt" in titles(page)
    assert f'href="/alpha/speakers/{world.apricot.speaker.slug}/"' in page
    page = search(client, "alpha", "ballroom")[1]
    assert "Ballroom Ceres" in titles(page)
    assert f'href="/alpha/rooms/{world.alpha_room.slug}/"' in page


def test_the_last_word_may_be_cut_short(world, client):
    assert titles(search(client, "alpha", "kuber")[1]) == ["Kubernetes operators in production"]
    assert titles(search(client, "alpha", "produc operators")[1]) == []  # only the last word
    assert titles(search(client, "alpha", "operators produc")[1]) == [
        "Kubernetes operators in production"
    ]


@pytest.mark.parametrize("q", ["muller", "MÜLLER", "zoe", "ZOË", "lüdenscheidt", "ludenSCHEIDT"])
def test_accents_and_case_do_not_matter(world, client, q):
    assert "Zoë Müller-Lüdenscheidt" in titles(search(client, "alpha", q)[1])


def test_phrases_exclusions_and_alternatives(world, client):
    assert titles(search(client, "alpha", '"operators in production"')[1])
    assert not titles(search(client, "alpha", '"production in operators"')[1])
    assert not titles(search(client, "alpha", "kubernetes -postgres")[1])
    found = titles(search(client, "alpha", "operators or blueberry")[1])
    assert "Kubernetes operators in production" in found and "Talk Blueberry" in found


def test_never_shows_unreleased_withdrawn_or_another_events_rows(world, client):
    hidden = [world.apricot.hidden, world.blueberry.hidden, world.zulu_family.session]
    for session in hidden:
        assert not titles(search(client, "alpha", session.title)[1]), session.title
    for speaker in [world.apricot.hidden_speaker, world.zulu_family.speaker]:
        assert speaker.name not in titles(search(client, "alpha", speaker.name)[1])
    assert "Room Zebra" not in titles(search(client, "alpha", "zebra")[1])
    only_wip = Room.objects.create(event=world.alpha, name="Room Hiddenhall")
    world.apricot.hidden.slots.update(room=only_wip)
    assert not titles(search(client, "alpha", "hiddenhall")[1])
    # Withdrawn after the release, and released again: gone from search with the next release.
    talk = world.blueberry.session
    talk.state = Session.WITHDRAWN
    talk.save()
    assert titles(search(client, "alpha", "blueberry talk")[1]) == ["Talk Blueberry"]
    talk.slots.filter(schedule__version=None).delete()
    release_schedule(world.alpha, "2.0")
    assert titles(search(client, "alpha", "blueberry talk")[1]) == []


def test_a_newly_released_session_is_found_with_the_release(world, client):
    assert not titles(search(client, "alpha", "secret apricot")[1])
    release_schedule(world.alpha, "2.0")
    assert titles(search(client, "alpha", "secret apricot")[1]) == ["Secret Apricot"]


def test_a_cancelled_session_is_found_as_cancelled(world, client):
    talk = world.blueberry.session
    talk.state = Session.CANCELLED
    talk.save()
    release_schedule(world.alpha, "2.0")
    page = search(client, "alpha", "talk blueberry")[1]
    assert titles(page) == ["Cancelled: Talk Blueberry"]


def test_a_sub_event_finds_only_its_own_the_umbrella_all(world, client):
    assert titles(search(client, "apricot", "talk")[1]) == []  # the talk is renamed
    assert titles(search(client, "blueberry", "talk")[1]) == ["Talk Blueberry"]
    assert "Kubernetes operators in production" not in titles(
        search(client, "blueberry", "kubernetes")[1]
    )
    assert "Zoë Müller-Lüdenscheidt" not in titles(search(client, "blueberry", "zoe")[1])
    both = titles(search(client, "alpha", "talk or kubernetes")[1])
    assert {"Talk Blueberry", "Kubernetes operators in production"} <= set(both)
    assert titles(search(client, "zulu", "talk")[1]) == ["Talk Zanzibar"]


def test_a_renamed_session_is_found_by_its_new_title_at_once(world, client):
    talk = world.blueberry.session
    talk.abstract = "Grapes and time."
    talk.save()
    assert session_titles(search(client, "alpha", "blueberry")[1]) == ["Talk Blueberry"]
    talk.title = "Elderberry wine making"
    save_session(talk, by=world.user("superuser"))
    assert titles(search(client, "alpha", "elderberry")[1]) == ["Elderberry wine making"]
    assert session_titles(search(client, "alpha", "talk blueberry")[1]) == []
    assert session_titles(search(client, "alpha", "talk")[1]) == []


def test_a_renamed_speaker_room_and_track_are_found_at_once(world, client):
    world.alpha_room.name = "Hall Vesta"
    world.alpha_room.save()
    world.apricot.track.name = "Edge Computing"
    world.apricot.track.save()
    speaker = world.blueberry.speaker
    speaker.name = "Ada Quintessa"
    speaker.save()
    assert "Hall Vesta" in titles(search(client, "alpha", "vesta")[1])
    assert not titles(search(client, "alpha", "ceres")[1])
    assert titles(search(client, "alpha", "edge computing")[1]) == [
        "Kubernetes operators in production"
    ]
    found = titles(search(client, "alpha", "quintessa")[1])
    assert "Ada Quintessa" in found and "Talk Blueberry" in found


HOSTILE = [
    '"',
    "*",
    "NEAR(",
    "NEAR(a b, 3)",
    "-",
    '"unbalanced quotes',
    'a" OR "b',
    "title:kubernetes",
    "kubernetes) OR (1=1",
    "'; DROP TABLE search_entry; --",
    "!&|:*<->",
    "a" * 10_000,
    "kuber\x00netes",
    "\x00",
    "^kubernetes",
    "{words_title} : x",
    "  ",
    "operators " * 1000,
]


@pytest.mark.parametrize("q", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_give_results_or_nothing_never_an_error(world, client, q):
    status, page = search(client, "alpha", q)
    assert status == 200
    assert "<script>alert" not in page


def test_hostile_queries_still_search_the_words_they_hold(world, client):
    assert titles(search(client, "alpha", "(operators)")[1]) == [
        "Kubernetes operators in production"
    ]
    assert titles(search(client, "alpha", '"operators')[1]) == [
        "Kubernetes operators in production"
    ]
    assert titles(search(client, "alpha", "operators*")[1]) == [
        "Kubernetes operators in production"
    ]


def test_snippets_are_escaped_text_with_marks(world, client):
    page = search(client, "alpha", "postgres")[1]
    snippet = re.search(r'<p class="snippet">(.*?)</p>', page).group(1)
    assert snippet == (
        "We run <mark>Postgres</mark> clusters with &lt;script&gt;alert(1)&lt;/script&gt; "
        "&amp; friends."
    )


def test_markup_in_titles_and_names_is_shown_as_text(world, client):
    talk = world.blueberry.session
    talk.title = 'Blueberry <img src=x onerror="alert(1)"> pie'
    talk.save()
    page = results(search(client, "alpha", "blueberry")[1])
    assert "<img" not in page
    assert "<mark>Blueberry</mark> &lt;img src=x onerror=&quot;alert(1)&quot;&gt; pie" in page


def test_filters_narrow_the_results(world, client):
    q = "talk or kubernetes"
    by_track = titles(search(client, "alpha", q, track=world.apricot.track.slug)[1])
    assert by_track == ["Kubernetes operators in production"]
    by_type = titles(search(client, "alpha", q, type=world.blueberry.session_type.slug)[1])
    assert by_type == ["Talk Blueberry"]
    by_event = titles(search(client, "alpha", q, event="blueberry")[1])
    assert by_event == ["Talk Blueberry"]
    # A speaker is shown when one of their sessions is within the filters.
    assert "Zoë Müller-Lüdenscheidt" not in titles(
        search(client, "alpha", "zoe", event="blueberry")[1]
    )
    assert "Zoë Müller-Lüdenscheidt" in titles(search(client, "alpha", "zoe", event="apricot")[1])


def test_the_day_filter(world, client):
    second_day = DAY + dt.timedelta(days=1)
    late = make_session(world.blueberry.event, "Talk on day two", speaker=world.blueberry.speaker)
    place(late, world.alpha_room, at(9, day=second_day))
    release_schedule(world.alpha, "2.0")
    assert len(titles(search(client, "alpha", "talk")[1])) == 2
    assert titles(search(client, "alpha", "talk", day=second_day.isoformat())[1]) == [
        "Talk on day two"
    ]
    assert titles(search(client, "alpha", "talk", day=DAY.isoformat())[1]) == ["Talk Blueberry"]
    # A day the event does not have narrows nothing, and is no error.
    assert len(titles(search(client, "alpha", "talk", day="1999-01-01")[1])) == 2
    assert len(titles(search(client, "alpha", "talk", day="not-a-day")[1])) == 2


def test_a_room_filter_shows_that_room_only(world, client):
    other = Room.objects.create(event=world.alpha, name="Ballroom Pallas")
    session = make_session(world.apricot.event, "Ballroom dancing", track=world.apricot.track)
    place(session, other, at(11))
    release_schedule(world.alpha, "2.0")
    found = titles(search(client, "alpha", "ballroom", room=other.slug)[1])
    assert found == ["Ballroom dancing", "Ballroom Pallas"]


def test_title_matches_rank_above_abstract_matches(world, client):
    talk = world.blueberry.session
    talk.abstract = "Nothing about operators here, except the word operators."
    talk.save()
    found = titles(search(client, "alpha", "operators")[1])
    assert found == ["Kubernetes operators in production", "Talk Blueberry"]


def test_no_query_shows_the_box_and_no_results(world, client):
    status, page = search(client, "alpha", "")
    assert status == 200 and 'name="q"' in page and titles(page) == []


def test_the_header_of_public_pages_has_the_search_box(world, client):
    page = client.get("/alpha/programme/list/").content.decode()
    assert 'action="/alpha/search/"' in page and 'name="q"' in page


def test_the_page_is_public_and_cached_by_query(world, client):
    first = client.get("/alpha/search/", {"q": "operators"})
    assert "public" in first["Cache-Control"] and first["ETag"]
    again = client.get("/alpha/search/", {"q": "operators"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    other = client.get("/alpha/search/", {"q": "ballroom"})
    assert other["ETag"] != first["ETag"] and "Ballroom Ceres" in titles(other.content.decode())


def test_an_unknown_event_is_not_found(world, client):
    assert client.get("/no-such-event/search/", {"q": "x"}).status_code == 404


def test_a_speaker_added_to_a_session_is_found_by_name(world, client):
    newcomer = Speaker.objects.create(event=world.alpha, name="Bartholomew Quayle")
    SessionSpeaker.objects.create(session=world.blueberry.session, speaker=newcomer, position=1)
    found = titles(search(client, "alpha", "quayle")[1])
    assert found == ["Talk Blueberry", "Bartholomew Quayle"]


def test_each_umbrella_searches_its_own_tracks(world, client):
    zulu_track = Track.objects.get(pk=world.zulu_family.track.pk)
    zulu_track.name = "Cloud Native"
    zulu_track.save()
    assert titles(search(client, "zulu", "cloud native")[1]) == ["Talk Zanzibar"]
    assert titles(search(client, "alpha", "cloud native")[1]) == [
        "Kubernetes operators in production"
    ]


def test_the_box_updates_results_live_with_htmx_from_the_same_cached_page(world, client):
    page = search(client, "alpha", "")[1]
    box = re.search(r'<input id="search-q"[^>]*>', page, re.S).group(0)
    assert 'hx-get="/alpha/search/"' in box and 'hx-select="#search-results"' in box
    live = client.get("/alpha/search/", {"q": "operators"}, HTTP_HX_REQUEST="true")
    assert live.status_code == 200
    assert titles(results(live.content.decode())) == ["Kubernetes operators in production"]
