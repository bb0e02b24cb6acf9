"""The attendee's path in a real Chromium: star from the grid without JavaScript (forms that
come back) and with it (htmx in place, marked again after a reload), see the clash and an
alternative, subscribe to the feed and read it with icalendar, then go offline: the agenda and
a starred session page still open, and a star made offline is saved once back online.  Then
notes: one written on yesterday's session (htmx in place) and found on the recap, a session
marked "watch later", and a note written offline that the service worker sends once back
online."""

from __future__ import annotations

import datetime as dt
import os
import urllib.request

import icalendar
import pytest

from chromium import NEEDS_CHROMIUM

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.utils import timezone  # noqa: E402

from factories import make_session, place  # noqa: E402
from hallway.attendees.models import Favourite, Note  # noqa: E402
from hallway.schedule.services import release_schedule  # noqa: E402

from .conftest import build_world  # noqa: E402

pytestmark = NEEDS_CHROMIUM

GRID = "/alpha/programme/2030-03-01/"


def _star_button(page, title: str):
    card = page.locator(".card-wrap", has=page.locator(".card-title", has_text=title)).first
    return card.locator("form.star button")


@pytest.mark.django_db(transaction=True)
def test_an_attendees_path(live_server, browser):
    from playwright.sync_api import expect

    world = build_world()
    # A session held yesterday, for the recap (the world's others are in 2030).
    yesterday = make_session(world.apricot.event, "Talk Yesterday")
    place(yesterday, world.beaver, timezone.now().replace(microsecond=0) - dt.timedelta(days=1))
    release_schedule(world.alpha, "2.1")
    site = live_server.url

    # Without JavaScript: each star is a form that posts and comes back to the grid.
    plain = browser.new_context(java_script_enabled=False)
    page = plain.new_page()
    page.set_default_timeout(15_000)
    page.goto(site + GRID)
    _star_button(page, "Talk Apricot").click()
    page.wait_for_url(f"**{GRID}")
    _star_button(page, "Talk Cherry").click()
    page.wait_for_url(f"**{GRID}")
    page.goto(f"{site}/alpha/agenda/")
    expect(page.locator(".agenda-entry")).to_have_count(2)
    expect(page.locator("p.clash-note").first).to_contain_text("Clashes with")
    plain.close()

    # With JavaScript: htmx toggles in place; stars.js marks the cached page after a reload.
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(site + GRID)
    expect(page.locator("html[data-stars-marked=true]")).to_have_count(1)
    for title in ("Talk Apricot", "Talk Cherry", "Workshop Walnut"):
        button = _star_button(page, title)
        expect(button).to_have_attribute("aria-pressed", "false")
        button.click()
        expect(_star_button(page, title)).to_have_attribute("aria-pressed", "true")
    assert page.url.endswith(GRID)
    page.reload()
    expect(page.locator("html[data-stars-marked=true]")).to_have_count(1)
    expect(_star_button(page, "Talk Cherry")).to_have_attribute("aria-pressed", "true")
    expect(_star_button(page, "Talk Blueberry")).to_have_attribute("aria-pressed", "false")

    page.get_by_role("link", name="My agenda").click()
    cherry = page.locator(".agenda-entry", has=page.locator("h3", has_text="Talk Cherry"))
    expect(cherry.locator(".clash-note")).to_contain_text("Talk Apricot")
    expect(cherry.get_by_role("link", name="Watch the recording later")).to_be_visible()
    walnut = page.locator(".agenda-entry", has=page.locator("h3", has_text="Walnut")).first
    expect(walnut.locator(".alternative.part")).to_contain_text("part 2")

    # Subscribe: the feed address from "another device", read as a calendar app would.
    page.get_by_role("link", name="Keep my agenda on another device").click()
    feed = page.locator("#feed-link").inner_text().strip()
    with urllib.request.urlopen(feed) as response:  # no cookie: the token is enough
        calendar = icalendar.Calendar.from_ical(response.read())
    titles = sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert titles == [
        "Talk Apricot",
        "Talk Cherry",
        "Workshop Walnut (part 1 of 2)",
        "Workshop Walnut (part 2 of 2)",
    ]

    # Offline: the agenda and a starred session page never opened before still open (the
    # service worker kept them), and a star made offline is sent when the connection returns.
    page.goto(f"{site}/alpha/agenda/")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.goto(site + GRID)
    expect(page.locator("html[data-stars-marked=true]")).to_have_count(1)
    page.evaluate(KEPT, "/alpha/sessions/talk-cherry/")
    context.set_offline(True)
    page.goto(f"{site}/alpha/agenda/")
    expect(page.locator(".agenda-entry")).to_have_count(4)
    page.goto(f"{site}/alpha/sessions/talk-cherry/")
    expect(page.locator("h1")).to_have_text("Talk Cherry")
    page.goto(site + GRID)
    _star_button(page, "Talk Blueberry").click()
    expect(_star_button(page, "Talk Blueberry")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#sync-status")).to_contain_text("Offline")
    expect(page.locator("#sync-status")).to_contain_text("1 star waiting to be sent")
    assert not Favourite.objects.filter(session__title="Talk Blueberry").exists()
    context.set_offline(False)
    expect(page.locator("html[data-stars-replayed=true]")).to_have_count(1)
    attendee = Favourite.objects.get(session__title="Workshop Walnut").attendee
    assert sorted(attendee.favourites.values_list("session__title", flat=True)) == [
        "Talk Apricot",
        "Talk Blueberry",
        "Talk Cherry",
        "Workshop Walnut",
    ]
    page.reload()
    expect(_star_button(page, "Talk Blueberry")).to_have_attribute("aria-pressed", "true")
    try:
        _notes_walk(page, context, site)
    finally:
        context.close()


def _notes_walk(page, context, site):
    from playwright.sync_api import expect

    # A note on yesterday's session: the notes block loads into the cached page and saves in
    # place; the recap shows it.
    page.goto(f"{site}/alpha/sessions/talk-yesterday/")
    page.locator(".session-head form.star button").click()
    expect(page.locator(".session-head form.star button")).to_have_attribute("aria-pressed", "true")
    page.get_by_label("Write a note").fill("### What I learnt\n\nMeasure *first*.")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("#my-notes .note-saved")).to_have_text("Note saved.")
    expect(page.locator("#my-notes .note-text h3")).to_have_text("What I learnt")
    assert page.url.endswith("/alpha/sessions/talk-yesterday/")  # htmx: no navigation
    page.get_by_role("link", name="My agenda").click()
    page.get_by_role("link", name="My recap").click()
    recap = page.locator("#recap-talk-yesterday")
    expect(recap.locator(".note-text em")).to_have_text("first")
    expect(page.locator(".recap-item")).to_have_count(1)  # the 2030 sessions are not over

    # Watch later, from a session page; it shows on the agenda.
    page.goto(f"{site}/alpha/sessions/talk-blueberry/")
    page.get_by_role("button", name="Watch later").click()
    expect(page.locator("#my-notes")).to_contain_text("On your watch-later list")
    page.goto(f"{site}/alpha/agenda/")
    expect(page.locator("#watch-later .watch-item")).to_contain_text("Talk Blueberry")

    # A note written offline waits in the service worker and is saved once back online.
    page.evaluate(KEPT, "/alpha/agenda/notes/talk-cherry/block/")
    context.set_offline(True)
    page.goto(f"{site}/alpha/sessions/talk-cherry/")
    page.get_by_label("Write a note").fill("Written on the plane")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("#my-notes[data-queued=true] .note-queued")).to_contain_text("offline")
    assert not Note.objects.filter(session__slug="talk-cherry").exists()
    context.set_offline(False)
    expect(page.locator("html[data-notes-replayed=true]")).to_have_count(1)
    assert Note.objects.get(session__slug="talk-cherry").text == "Written on the plane"
    page.reload()
    expect(page.locator("#my-notes .note-text")).to_have_text("Written on the plane")


# Waits (up to 10 s) until the service worker holds a page in its cache.
KEPT = """async (path) => {
  for (let i = 0; i < 100; i++) {
    const cache = await caches.open("hallway-v1");
    if (await cache.match(path, {ignoreVary: true})) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error("not kept: " + path);
}"""
