"""Every public page renders against the demo and shows what the database holds.

Expected text is read from the database (the demo generator may change its titles), so a test
fails when a page shows the wrong thing, not when the demo is regenerated.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from hallway.events.models import Event, Room
from hallway.programme.models import Exhibitor, Resource, Session, Speaker
from hallway.schedule.models import Slot
from hallway.schedule.services import latest_release, release_schedule, wip_schedule

pytestmark = pytest.mark.django_db

THURSDAY, FRIDAY = dt.date(2027, 3, 4), dt.date(2027, 3, 5)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return response.content.decode()


def shown(html: str, text: str) -> bool:
    return escape(text) in html


def day_slots(event: Event, day: dt.date, **filters):
    start = dt.datetime.combine(day, dt.time(0), tzinfo=event.tz)
    return (
        latest_release(event)
        .slots.filter(
            session__isnull=False,
            start__gte=start,
            start__lt=start + dt.timedelta(days=1),
            **filters,
        )
        .select_related("session", "room")
        .order_by("start", "room__position")
    )


def a_title(event: Event, day: dt.date, **filters) -> str:
    slot = day_slots(event, day, **filters).first()
    assert slot is not None, f"the demo has no session on {day} matching {filters}"
    return slot.session.title


def grid_url(event: Event, day: dt.date, query: str = "") -> str:
    return f"/{event.slug}/programme/{day.isoformat()}/" + (f"?{query}" if query else "")


def local(moment: dt.datetime, event: Event) -> dt.datetime:
    return timezone.localtime(moment, event.tz)


# --- landing pages ---------------------------------------------------------------------------


def test_root_redirects_to_the_only_umbrella(demo, client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/{demo.slug}/"


def test_umbrella_home_lists_its_sub_events_and_days(demo, client):
    html = page(client, f"/{demo.slug}/")
    assert shown(html, demo.name)
    for sub in demo.sub_events.all():
        assert shown(html, sub.name)
        assert f'href="/{sub.slug}/"' in html
    for day in demo.days:
        assert f'href="{grid_url(demo, day)}"' in html


def test_sub_event_landing_and_its_programme(demo, client):
    kcd = Event.objects.get(slug="kcd-pasadena")
    html = page(client, "/kcd-pasadena/")
    assert shown(html, kcd.name)
    assert shown(html, demo.name)  # the breadcrumb back to the umbrella
    grid = page(client, grid_url(kcd, THURSDAY))
    assert shown(grid, a_title(demo, THURSDAY, session__event=kcd))
    assert not shown(grid, a_title(demo, THURSDAY, session__event__slug="devopsdays-la"))


# --- the grid ----------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", range(4))
def test_grid_renders_every_day_with_that_days_sessions(demo, client, offset):
    day = demo.days[offset]
    html = page(client, grid_url(demo, day))
    slots = list(day_slots(demo, day))
    assert slots
    for slot in (slots[0], slots[len(slots) // 2], slots[-1]):
        assert shown(html, slot.session.title), slot.session.title
        start = local(slot.start, demo).strftime("%H:%M")
        assert f"{start}–{local(slot.end, demo):%H:%M}" in html  # local time, not UTC
    assert not shown(html, a_title(demo, demo.days[(offset + 1) % 4]))


def test_grid_without_a_day_shows_the_first_day(demo, client):
    html = page(client, f"/{demo.slug}/programme/")
    assert shown(html, a_title(demo, THURSDAY))


def test_grid_filter_by_sub_event(demo, client):
    html = page(client, grid_url(demo, THURSDAY, "event=kcd-pasadena"))
    kcd = [s.session.title for s in day_slots(demo, THURSDAY, session__event__slug="kcd-pasadena")]
    assert kcd and all(shown(html, t) for t in kcd)
    for slot in day_slots(demo, THURSDAY).exclude(session__event__slug="kcd-pasadena"):
        assert not shown(html, slot.session.title), slot.session.title
    assert 'value="kcd-pasadena" checked' in html  # the form remembers the choice


def test_grid_filter_by_track(demo, client):
    html = page(client, grid_url(demo, FRIDAY, "track=security"))
    assert shown(html, a_title(demo, FRIDAY, session__track__slug="security"))
    assert not shown(html, a_title(demo, FRIDAY, session__track__slug="databases"))


def test_grid_filter_by_type(demo, client):
    html = page(client, grid_url(demo, FRIDAY, "type=workshop"))
    assert shown(html, a_title(demo, FRIDAY, session__session_type__slug="workshop"))
    assert not shown(html, a_title(demo, FRIDAY, session__session_type__slug="talk"))


def test_grid_filter_by_room(demo, client):
    lab = Room.objects.get(event=demo, name="Lab 211")
    html = page(client, grid_url(demo, FRIDAY, f"room={lab.slug}"))
    assert shown(html, a_title(demo, FRIDAY, room=lab))
    assert not shown(html, a_title(demo, FRIDAY, room__name="Ballroom E"))


def test_grid_filter_matching_nothing_says_so(demo, client):
    html = page(client, grid_url(demo, FRIDAY, "event=kcd-pasadena"))  # KCD is Thursday only
    assert "No sessions on Friday 5 March match these filters" in html


def test_grid_query_count_does_not_grow_with_the_sessions(
    demo, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        page(client, grid_url(demo, FRIDAY))
    counts = []
    for day in demo.days:
        cache.clear()  # the rendering is measured, not the cache
        with CaptureQueriesContext(connection) as queries:
            page(client, grid_url(demo, day))
        counts.append(len(queries))
    # Days with 40 or 90 sessions cost the same number of queries: no N+1.
    assert len(set(counts)) == 1, counts


# --- list ---------------------------------------------------------------------------------------


def test_list_shows_every_day_and_filters(demo, client):
    html = page(client, f"/{demo.slug}/programme/list/")
    for day in demo.days:
        assert shown(html, a_title(demo, day))
        assert f"{day:%A} {day.day} {day:%B}" in html
    filtered = page(client, f"/{demo.slug}/programme/list/?event=embedded-linux")
    assert shown(filtered, a_title(demo, FRIDAY, session__event__slug="embedded-linux"))
    assert not shown(filtered, a_title(demo, THURSDAY, session__event__slug="kcd-pasadena"))


# --- session, speaker, room, signage, expo --------------------------------------------------


def _session_with_recording_and_slides(demo: Event) -> Session:
    return (
        Session.objects.filter(
            umbrella=demo, resources__kind=Resource.VIDEO, parts=1, track__isnull=False
        )
        .filter(resources__kind=Resource.SLIDES)
        .exclude(speaker_links=None)
        .first()
    )


def test_session_page_shows_everything_about_the_session(demo, client):
    session = _session_with_recording_and_slides(demo)
    slot = latest_release(demo).slots.select_related("room").get(session=session)
    html = page(client, f"/{demo.slug}/sessions/{session.slug}/")

    assert f"<h1>{escape(session.title)}</h1>" in html
    for speaker in session.speakers.all():
        assert f'href="/{demo.slug}/speakers/{speaker.slug}/"' in html
        assert shown(html, speaker.name)
    start = local(slot.start, demo)
    assert f"{start:%A} {start.day} {start:%B}, {start:%H:%M}" in html  # Los Angeles time
    assert f'datetime="{start.isoformat()}"' in html
    assert shown(html, slot.room.name)
    assert f'href="/{demo.slug}/rooms/{slot.room.slug}/"' in html
    assert shown(html, session.track.name)
    assert shown(html, session.session_type.name)
    first_paragraph = session.abstract.split("\n\n")[0]
    assert f"<p>{escape(first_paragraph)}" in html  # Markdown rendered to HTML
    for resource in session.resources.all():
        assert f'href="{resource.url}"' in html
    assert "Recording" in html and "Slides" in html


def test_session_page_renders_markdown(demo, client):
    session = Session.objects.filter(umbrella=demo, session_type__slug="talk").first()
    session.abstract = "We trace with **eBPF** and `bpftrace`.\n\n* one\n* two"
    session.save()
    html = page(client, f"/{demo.slug}/sessions/{session.slug}/")
    assert "<strong>eBPF</strong>" in html
    assert "<code>bpftrace</code>" in html
    assert "<li>one</li>" in html


def test_session_page_sanitises_markdown(demo, client):
    session = Session.objects.filter(umbrella=demo, session_type__slug="talk").first()
    session.abstract = "<script>alert(1)</script>[x](javascript:alert(1))"
    session.description = '<img src=x onerror="alert(2)"> <a href="javascript:alert(3)">y</a>'
    session.save()
    html = page(client, f"/{demo.slug}/sessions/{session.slug}/").lower()
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "alert(1)" not in html.split("<h2>abstract</h2>", 1)[1].split("</section>")[0]


def test_session_page_of_a_sub_event_session_links_its_event(demo, client):
    session = Session.objects.filter(event__slug="devopsdays-la").first()
    html = page(client, f"/{demo.slug}/sessions/{session.slug}/")
    assert shown(html, "DevOpsDays LA")
    assert 'href="/devopsdays-la/"' in html


def test_speaker_page_lists_their_sessions(demo, client):
    speaker = (
        Speaker.objects.filter(event=demo)
        .annotate(n=Count("sessions"))
        .filter(n__gte=2)
        .order_by("name")
        .first()
    )
    html = page(client, f"/{demo.slug}/speakers/{speaker.slug}/")
    assert f"<h1>{escape(speaker.name)}</h1>" in html
    for session in speaker.sessions.all():
        assert shown(html, session.title)
    speakers = page(client, f"/{demo.slug}/speakers/")
    assert f'href="/{demo.slug}/speakers/{speaker.slug}/"' in speakers


def test_room_page_and_room_list(demo, client):
    room = Room.objects.get(event=demo, name="Ballroom E")
    html = page(client, f"/{demo.slug}/rooms/{room.slug}/")
    assert f"<h1>{room.name}</h1>" in html
    assert f"<dd>{room.capacity}</dd>" in html
    for slot in latest_release(demo).slots.filter(room=room, session__isnull=False)[:5]:
        assert shown(html, slot.session.title)
    assert not shown(html, a_title(demo, FRIDAY, room__name="Lab 211"))
    rooms = page(client, f"/{demo.slug}/rooms/")
    for r in Room.objects.filter(event=demo):
        assert shown(rooms, r.name)


def test_room_signage_shows_what_is_on_and_next(demo, client):
    room = Room.objects.get(event=demo, name="Ballroom E")
    moment = dt.datetime(2027, 3, 5, 11, 0, tzinfo=demo.tz)
    slots = latest_release(demo).slots.filter(room=room, end__gt=moment).order_by("start")
    current = slots.filter(start__lte=moment).select_related("session").get()
    following = slots.filter(start__gt=moment).select_related("session").first()
    html = page(client, f"/{demo.slug}/rooms/{room.slug}/now/?at=2027-03-05T11:00")
    now = html.split('class="now"', 1)[1].split('class="next"', 1)[0]
    assert shown(now, current.session.title)
    assert f"until {local(current.end, demo):%H:%M}" in now
    nxt = html.split('class="next"', 1)[1]
    assert shown(nxt, following.session.title)
    assert "Friday 11:00" in html


def test_room_signage_between_sessions_and_bad_time(demo, client):
    room = Room.objects.get(event=demo, name="Ballroom E")
    html = page(client, f"/{demo.slug}/rooms/{room.slug}/now/?at=2027-03-05T06:00")
    assert "Nothing right now" in html
    # a time that is not one is a bad request, like one beyond the calendar (issue #12)
    page(client, f"/{demo.slug}/rooms/{room.slug}/now/?at=teatime", status=400)


def test_exhibitors_page(demo, client):
    html = page(client, f"/{demo.slug}/exhibitors/")
    exhibitors = Exhibitor.objects.filter(event=demo)
    assert f"{exhibitors.count()} exhibitors" in html
    for e in exhibitors:
        assert shown(html, e.name)
    for label in {e.get_category_display() for e in exhibitors}:
        assert f"<h2>{escape(label)}</h2>" in html


# --- what must not be shown ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/no-such-event/",
        "/no-such-event/programme/",
        "/pose27/programme/2027-03-08/",
        "/pose27/programme/2027-03-03/",
        "/pose27/programme/not-a-date/",
        "/pose27/sessions/no-such-session/",
        "/pose27/speakers/no-such-speaker/",
        "/pose27/rooms/no-such-room/",
        "/pose27/rooms/no-such-room/now/",
        "/kcd-pasadena/speakers/",  # speakers, rooms and sessions live under the umbrella
    ],
)
def test_unknown_things_are_404(demo, client, url):
    page(client, url, status=404)


def test_session_not_in_the_latest_release_is_not_on_the_grid(demo, client):
    slot = day_slots(demo, FRIDAY, session__session_type__slug="talk").first()
    wip_schedule(demo).slots.filter(session=slot.session).delete()
    assert shown(page(client, grid_url(demo, FRIDAY)), slot.session.title)  # 1.0 still has it
    release_schedule(demo, "1.1")
    html = page(client, grid_url(demo, FRIDAY))
    assert "Programme version 1.1" in html
    assert not shown(html, slot.session.title)
    # Taken off the programme: its page answers like one that never existed (issue #12).
    page(client, f"/{demo.slug}/sessions/{slot.session.slug}/", status=404)


def test_session_only_in_the_work_in_progress_is_not_on_the_grid(demo, client):
    talk = Session.objects.filter(umbrella=demo, session_type__slug="talk").first()
    new = Session.objects.create(
        event=demo,
        title="Secret unreleased talk",
        duration=45,
        session_type=talk.session_type,
        state=Session.CONFIRMED,
    )
    start = dt.datetime(2027, 3, 5, 21, 30, tzinfo=demo.tz)
    Slot.objects.create(
        schedule=wip_schedule(demo),
        session=new,
        room=Room.objects.get(event=demo, name="Room 101"),
        start=start,
        end=start + dt.timedelta(minutes=45),
    )
    assert not shown(page(client, grid_url(demo, FRIDAY)), new.title)
    assert not shown(page(client, f"/{demo.slug}/programme/list/"), new.title)


def _speakers_with(n_sessions: int, demo: Event) -> list[Speaker]:
    """Speakers with exactly ``n_sessions`` sessions, every one of them in the release."""
    released = set(latest_release(demo).slots.values_list("session_id", flat=True))
    found = []
    for speaker in Speaker.objects.filter(event=demo).prefetch_related("sessions").order_by("pk"):
        sessions = list(speaker.sessions.all())
        if len(sessions) == n_sessions and all(s.pk in released for s in sessions):
            found.append(speaker)
    assert found, f"the demo has no speaker with {n_sessions} released sessions"
    return found


def _speaker_with(n_sessions: int, demo: Event) -> Speaker:
    return _speakers_with(n_sessions, demo)[0]


def test_withdrawn_sessions_are_not_shown(demo, client):
    speaker = _speaker_with(2, demo)
    session, other = speaker.sessions.order_by("pk")
    slot = latest_release(demo).slots.filter(session=session).first()
    session.state = Session.WITHDRAWN
    session.save()
    day = demo.day_of(slot.start)
    # Which sessions are on the programme is part of the timetable a release freezes.
    assert shown(page(client, grid_url(demo, day)), session.title)
    release_schedule(demo, "1.1")
    assert not shown(page(client, grid_url(demo, day)), session.title)
    assert not shown(page(client, f"/{demo.slug}/programme/list/"), session.title)
    assert not shown(page(client, f"/{demo.slug}/rooms/{slot.room.slug}/"), session.title)
    page(client, f"/{demo.slug}/sessions/{session.slug}/", status=404)
    # The speaker's page stays for their other session, without the withdrawn one.
    speaker_page = page(client, f"/{demo.slug}/speakers/{speaker.slug}/")
    assert not shown(speaker_page, session.title)
    assert shown(speaker_page, other.title)


def test_a_speaker_whose_only_session_is_withdrawn_keeps_their_page_until_the_release(demo, client):
    """The release, not the live session, decides what is public: a withdrawal shows on the
    speaker's page and in the list only once a release leaves the session out, while a
    cancellation keeps the speaker listed, their session marked cancelled."""
    speaker, *others = _speakers_with(1, demo)
    session = speaker.sessions.get()
    other = next(s for s in others if s.sessions.get() != session)
    url = f"/{demo.slug}/speakers/{speaker.slug}/"
    session.state = Session.WITHDRAWN
    session.save()
    assert shown(page(client, url), session.title)  # not released yet: still public
    assert shown(page(client, f"/{demo.slug}/speakers/"), speaker.name)
    # A cancelled session stays on the programme: its speaker keeps their page.
    cancelled = other.sessions.get()
    cancelled.state = Session.CANCELLED
    cancelled.save()
    release_schedule(demo, "1.1")
    page(client, url, status=404)
    speakers = page(client, f"/{demo.slug}/speakers/")
    assert not shown(speakers, speaker.name)
    assert shown(speakers, other.name)
    kept = page(client, f"/{demo.slug}/speakers/{other.slug}/")
    assert "Cancelled:" in kept and shown(kept, cancelled.title)


def test_signage_does_not_label_a_same_day_evening_session_with_a_day(demo, client):
    """An 18:30 session is 02:30 UTC the next day: the '(Saturday)' style label is for
    sessions on another *local* day only."""
    start = dt.datetime.combine(FRIDAY, dt.time(17, 0), tzinfo=demo.tz)
    slot = (
        latest_release(demo)
        .slots.filter(
            session__isnull=False,
            room__isnull=False,
            start__gte=start,
            start__lt=start + dt.timedelta(hours=5),
        )
        .select_related("session", "room")
        .order_by("start")
        .first()
    )
    at = local(slot.start, demo) - dt.timedelta(minutes=15)
    html = page(client, f"/{demo.slug}/rooms/{slot.room.slug}/now/?at={at:%Y-%m-%dT%H:%M}")
    nxt = html.split('class="next"', 1)[1].split("</section>", 1)[0]
    assert shown(nxt, slot.session.title)
    assert "(Friday)" not in nxt


def test_public_pages_leave_the_current_time_zone_alone(demo, client, settings):
    """A view must not leave the event's zone active for whatever the thread serves next."""
    timezone.deactivate()
    page(client, grid_url(demo, FRIDAY))
    leaked = timezone.get_current_timezone_name()
    timezone.deactivate()
    assert leaked == settings.TIME_ZONE


# --- following changes -------------------------------------------------------------------


def _second_release(demo):
    """Move one sub-event talk, cancel an umbrella talk, and release '1.1'."""
    wip = wip_schedule(demo)
    moved = (
        wip.slots.filter(session__session_type__slug="talk", session__event__parent=demo)
        .select_related("session__event", "room")
        .first()
    )
    free = Room.objects.filter(event=demo).exclude(
        pk__in=wip.slots.filter(
            start__lt=moved.end, end__gt=moved.start, room__isnull=False
        ).values("room")
    )
    needs = moved.session.all_required_features
    new_room = next(r for r in free if "plenary" not in r.features and needs <= set(r.features))
    old_room = moved.room
    moved.room = new_room
    moved.save()
    cancelled = (
        wip.slots.filter(session__session_type__slug="talk", session__event=demo)
        .select_related("session")
        .first()
    ).session
    cancelled.state = Session.CANCELLED
    cancelled.save()
    wip.slots.filter(session=cancelled).delete()
    release_schedule(demo, "1.1", comment="Room swap & a cancellation.")
    return moved, old_room, cancelled


def test_changes_page_lists_every_release_with_what_it_changed(demo, client):
    html = page(client, f"/{demo.slug}/changes/")
    assert "Version 1.0" in html and "First published programme" in html
    moved, old_room, cancelled = _second_release(demo)
    html = page(client, f"/{demo.slug}/changes/")
    assert html.index("Version 1.1") < html.index("Version 1.0")  # newest first
    assert "1 moved · 1 cancelled." in html
    assert escape("Room swap & a cancellation.") in html
    assert f'href="/{demo.slug}/changes/1-1/"' in html


def test_release_page_says_what_moved_where_and_what_was_cancelled(demo, client):
    moved, old_room, cancelled = _second_release(demo)
    html = page(client, f"/{demo.slug}/changes/1-1/")
    assert "Programme version 1.1" in html
    assert f'href="/{demo.slug}/changes/1-0/"' in html
    moved_section = html[html.index("<h2>Moved</h2>") :]
    assert shown(moved_section, moved.session.title)
    assert shown(moved_section, moved.room.name) and shown(moved_section, old_room.name)
    cancelled_section = html[html.index("<h2>Cancelled</h2>") : html.index("<h2>Moved</h2>")]
    assert shown(cancelled_section, cancelled.title)
    # Its slot was removed too, so 1.1 does not carry it: it has no page to link to.
    assert f"/{demo.slug}/sessions/{cancelled.slug}/" not in cancelled_section


def test_sub_event_changes_show_only_its_own_sessions(demo, client):
    moved, _, cancelled = _second_release(demo)
    own = moved.session.event
    html = page(client, f"/{own.slug}/changes/1-1/")
    assert shown(html, moved.session.title) and not shown(html, cancelled.title)
    other = demo.sub_events.exclude(pk=own.pk).first()
    html = page(client, f"/{other.slug}/changes/1-1/")
    assert f"No session of {escape(other.name)} changed" in html


def test_release_slugs_are_unique_and_unknown_ones_are_404(demo, client):
    release_schedule(demo, "1-0")  # slugifies like "1.0"
    assert latest_release(demo).slug == "1-0-2"
    page(client, f"/{demo.slug}/changes/1-0-2/")
    page(client, f"/{demo.slug}/changes/9-9/", status=404)
