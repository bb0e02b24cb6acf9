"""My agenda: starred sessions day by day across co-located events, clashes with their
alternatives, and what changed since a session was starred; the calendar feed following
releases (same UID, higher SEQUENCE)."""

from __future__ import annotations

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from factories import at
from hallway.attendees import services
from hallway.attendees.models import Attendee
from hallway.programme.models import Session
from hallway.schedule.models import Slot
from hallway.schedule.services import release_schedule, wip_schedule

from .conftest import move, post_star

pytestmark = pytest.mark.django_db


def agenda_page(client, event="alpha") -> str:
    response = client.get(reverse("attendees:agenda", args=[event]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return response.content.decode()


def test_an_empty_agenda_explains_itself(client, world):
    assert "You have not starred any session yet" in agenda_page(client)


def test_clashes_are_marked_with_alternatives(client, world):
    for session in (world.apricot, world.cherry, world.walnut, world.blueberry):
        post_star(client, session, "star")
    attendee = Attendee.objects.get(event=world.alpha)
    agenda = services.agenda_of(attendee, world.alpha)
    assert agenda.count == 5  # Walnut has two parts
    assert len(agenda.clashes) == 1
    group = agenda.clashes[0]
    assert {(e.session.title, e.slot.part) for e in group} == {
        ("Talk Apricot", 1),
        ("Talk Cherry", 1),
        ("Workshop Walnut", 1),
    }
    by_title = {e.session.title: e for e in group}
    walnut = by_title["Workshop Walnut"]
    assert [a.kind for a in walnut.alternatives] == ["part", "least"]
    assert walnut.alternatives[0].slot.part == 2
    cherry = by_title["Talk Cherry"]
    # Cherry overlaps 15 + 15 minutes, the others 45: Cherry is the least-overlapping choice.
    assert [a.kind for a in cherry.alternatives] == ["recording"]
    assert cherry.alternatives[0].url == "https://video.example/cherry"
    assert by_title["Talk Apricot"].alternatives[-1].slot.session == world.cherry
    page = agenda_page(client)
    assert "1 clash" in page
    assert "Clashes with" in page
    assert "Watch the recording later" in page
    assert "Go to the part 2 on" in page
    assert "overlaps least with the others (30 min)" in page
    # Blueberry at 10:00 and Walnut's second part clash with nothing.
    blueberry = next(e for _d, es in agenda.days for e in es if e.session == world.blueberry)
    assert blueberry.clashes_with == []


def test_the_agenda_spans_the_co_located_events_from_any_of_their_addresses(client, world):
    post_star(client, world.apricot, "star")  # Apricot Days
    post_star(client, world.walnut, "star")  # Blueberry Camp
    for slug in ("alpha", "apricot", "blueberry"):
        page = agenda_page(client, slug)
        assert "Talk Apricot" in page and "Workshop Walnut" in page


def test_days_are_the_events_days_in_its_time_zone(client, world):
    world.alpha.time_zone = "America/Los_Angeles"
    world.alpha.save()
    post_star(client, world.apricot, "star")  # 09:00 UTC is 01:00 in Los Angeles
    page = agenda_page(client)
    assert "01:00" in page
    attendee = Attendee.objects.get(event=world.alpha)
    ((day, _entries),) = services.agenda_of(attendee, world.alpha).days
    assert day == world.alpha.day_of(at(9))


def test_a_moved_session_is_flagged_and_moves_in_the_feed(client, world):
    post_star(client, world.apricot, "star")
    post_star(client, world.blueberry, "star")
    attendee = Attendee.objects.get(event=world.alpha)
    feed_url = reverse("attendees:feed", args=["alpha", attendee.feed_token])
    before = icalendar.Calendar.from_ical(Client().get(feed_url).content)
    old = {str(e["UID"]): e for e in before.walk("VEVENT")}
    assert str(world.apricot.uuid) in old

    move(world.apricot, at(15), world.beaver)
    page = agenda_page(client)
    assert "moved since you starred it: was" in page
    assert page.count("Changed:") == 1  # Blueberry did not move

    after = icalendar.Calendar.from_ical(Client().get(feed_url).content)
    new = {str(e["UID"]): e for e in after.walk("VEVENT")}
    uid = str(world.apricot.uuid)
    assert set(new) == set(old)
    assert new[uid]["SEQUENCE"] > old[uid]["SEQUENCE"]
    assert new[uid].decoded("DTSTART") == at(15)
    assert str(new[uid]["LOCATION"]) == "Room Beaver"
    blue = str(world.blueberry.uuid)
    assert new[blue]["SEQUENCE"] == old[blue]["SEQUENCE"]


def test_a_star_made_after_the_move_is_not_flagged(client, world):
    move(world.apricot, at(15))
    post_star(client, world.apricot, "star")
    assert "Changed:" not in agenda_page(client)


def test_a_cancelled_session_is_flagged(client, world):
    post_star(client, world.cherry, "star")
    world.cherry.state = Session.CANCELLED
    world.cherry.save()
    release_schedule(world.alpha, "3.0")
    page = agenda_page(client)
    assert "cancelled since you starred it" in page


def test_a_session_taken_off_the_programme_is_listed(client, world):
    post_star(client, world.cherry, "star")
    Slot.objects.filter(schedule=wip_schedule(world.alpha), session=world.cherry).delete()
    release_schedule(world.alpha, "3.0")
    page = agenda_page(client)
    assert "“Talk Cherry” is no longer on the programme: taken off the programme (was" in page


def test_the_feed_answers_304_and_is_private(client, world):
    post_star(client, world.apricot, "star")
    attendee = Attendee.objects.get(event=world.alpha)
    url = reverse("attendees:feed", args=["alpha", attendee.feed_token])
    first = Client().get(url)
    assert first.status_code == 200
    assert first["Content-Type"].startswith("text/calendar")
    assert first["Cache-Control"].startswith("private")
    again = Client().get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    post_star(client, world.cherry, "star")  # a new star changes the feed
    changed = Client().get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert len(icalendar.Calendar.from_ical(changed.content).walk("VEVENT")) == 2


def test_multi_part_uids_match_the_exports(client, world):
    post_star(client, world.walnut, "star")
    attendee = Attendee.objects.get(event=world.alpha)
    mine = Client().get(reverse("attendees:feed", args=["alpha", attendee.feed_token]))
    export = Client().get(reverse("export", args=["alpha", "ics"]))
    exported = {str(e["UID"]) for e in icalendar.Calendar.from_ical(export.content).walk("VEVENT")}
    uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(mine.content).walk("VEVENT")}
    assert len(uids) == 2
    assert uids <= exported


def test_the_one_off_download(client, world):
    assert client.get(reverse("attendees:download", args=["alpha"])).status_code == 404
    post_star(client, world.cherry, "star")
    response = client.get(reverse("attendees:download", args=["alpha"]))
    assert response["Content-Disposition"] == 'attachment; filename="alpha-agenda.ics"'
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Talk Cherry"
    assert str(event["URL"]).endswith("/alpha/sessions/talk-cherry/")
