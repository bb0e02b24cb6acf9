"""The organisers' walk of issue #9 in one real Chromium, with a real SMTP server (aiosmtpd),
served by Django's live server as the other walks are (DEBUG off, static files through
WhiteNoise, as `make demo` serves them): drag a session to a free slot; drag another onto a
slot that makes a speaker clash and see the hard conflict; undo it; let the solver propose
the day and accept part of its diff; move a released talk; release with a note through the
preview; find the changelog, its Atom feed, and the emails: each speaker whose released
session moved gets exactly their changes, nobody else gets anything.

The viewport is tall enough for the whole day: a drag whose target must first be scrolled
into view starts no HTML drag in Chromium under Playwright."""

from __future__ import annotations

import datetime as dt
import os
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.db.models import Q
from django.test import Client

from chromium import NEEDS_CHROMIUM

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the
# test's own database queries as "async-unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from factories import DAY  # noqa: E402
from hallway.programme.models import SessionSpeaker, Speaker  # noqa: E402
from hallway.schedule.models import Proposal, Slot  # noqa: E402
from hallway.schedule.services import latest_release, wip_schedule  # noqa: E402

pytestmark = [*NEEDS_CHROMIUM, pytest.mark.django_db(transaction=True)]
ATOM = "{http://www.w3.org/2005/Atom}"
ADDRESSES = {"Speaker Apricot": "ana@example.net", "Speaker Blueberry": "bo@example.net"}


def logged_in_page(browser, base: str, user, width=1600, height=1800):
    """A page whose browser holds ``user``'s session (logging in is the accounts tests')."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def slot_of(session):
    return Slot.objects.filter(schedule=wip_schedule(session.event), session=session).first()


def placement(schedule) -> dict:
    return {
        s.session_id: s
        for s in schedule.slots.filter(session__isnull=False).select_related("room", "session")
    }


def free_time(room, session) -> str:
    """An afternoon half hour where ``room`` and ``session``'s speakers are free (whatever
    part of the solver's proposal was accepted)."""
    speakers = SessionSpeaker.objects.filter(session=session).values("speaker")
    for hour in (16, 15, 12, 11):
        start = dt.datetime.combine(DAY, dt.time(hour, 30), tzinfo=dt.UTC)
        end = start + dt.timedelta(minutes=session.duration)
        busy = wip_schedule(room.event).slots.filter(start__lt=end, end__gt=start)
        if not busy.filter(Q(room=room) | Q(session__speaker_links__speaker__in=speakers)):
            return f"{hour}:30"
    raise AssertionError("no free half hour")


def when(slot) -> str:
    """How a change email writes a place (the world's zone is UTC)."""
    start, end = slot.start, slot.end
    return f"{start:%a} {start.day} {start:%b, %H:%M}–{end:%H:%M} UTC in {slot.room.name}"


def expected_mail(release_before, wip) -> dict[str, list[str]]:
    """Address → the lines its email must list: every session of the last release whose time
    or room differs in the work in progress, to each of its speakers with an address."""
    old, new = placement(release_before), placement(wip)
    mail: dict[str, list[str]] = {}
    for session_id, before in old.items():
        after = new.get(session_id)
        if after is None or (before.start, before.end, before.room_id) == (
            after.start,
            after.end,
            after.room_id,
        ):
            continue
        line = f"- “{after.session.title}” moved: {when(before)} → {when(after)}."
        for link in SessionSpeaker.objects.filter(session_id=session_id).select_related("speaker"):
            if link.speaker.email:
                mail.setdefault(link.speaker.email, []).append(line)
    return mail


def test_drag_clash_undo_propose_accept_release_and_hear_about_it(
    live_server, browser, editor_world, smtp
):
    from playwright.sync_api import expect

    w = editor_world
    world = w.world
    base = live_server.url
    for speaker in Speaker.objects.filter(name__in=ADDRESSES):
        speaker.email = ADDRESSES[speaker.name]
        speaker.save()
    # Fresh Blueberry's speaker has an address too: an added session is news to nobody.
    fi = Speaker.objects.create(event=world.alpha, name="Speaker Fresh", email="fi@example.net")
    SessionSpeaker.objects.create(session=w.fresh, speaker=fi)
    first_release = latest_release(world.alpha)
    context, page = logged_in_page(browser, base, world.user("umbrella_organiser"))
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: (
            r.status >= 400 and "favicon" not in r.url and errors.append(f"{r.status} {r.url}")
        ),
    )
    day_url = f"{base}/{world.alpha.slug}/manage/schedule/{w.day}/"
    page.goto(day_url)
    expect(page.locator(".organiser-bar .zone")).to_have_text("Times are in UTC.")

    def cell(room, time):
        return page.locator(f'.editor-grid .drop[data-room="{room.pk}"][data-time="{time}"]')

    # 1. A session from the list to a free slot.
    page.locator(f"#session-{w.fresh.pk}-1").drag_to(cell(w.hall, "11:00"))
    expect(page.locator(".messages")).to_contain_text("'Fresh Blueberry' is now in Room Bison")
    expect(page.locator(".messages")).not_to_contain_text("Hard conflict")
    expect(page.locator(f".editor-grid #session-{w.fresh.pk}-1")).to_contain_text("11:00–11:30")
    assert slot_of(w.fresh).start.hour == 11
    expect(page.locator("#conflicts")).not_to_contain_text("two places")

    # 2. Speaker Apricot's second talk beside their first: a hard conflict, said at once by
    # the move and listed with a link to the session.
    page.locator(f"#session-{w.second.pk}-1").drag_to(cell(w.hall, "09:00"))
    expect(page.locator(".messages")).to_contain_text("'Second Apricot' is now in Room Bison")
    expect(page.locator(".messages")).to_contain_text(
        "Hard conflict: Speaker Apricot would be in two places at once"
    )
    hard = page.locator("#conflicts .conflict.hard")
    expect(hard).to_have_count(1)
    expect(hard).to_contain_text("Speaker Apricot would be in two places at once")
    expect(hard.get_by_role("link", name="Second Apricot")).to_be_visible()

    # 3. Undo it: the talk is back on the list, the conflict gone.
    page.get_by_role("button", name="Undo my last move").click()
    expect(page.locator(".messages")).to_contain_text("Undone")
    expect(page.locator("#conflicts .conflict.hard")).to_have_count(0)
    expect(page.locator(f"#unscheduled #session-{w.second.pk}-1")).to_be_visible()
    assert slot_of(w.second) is None

    # 4. Propose this day: Clash Blueberry and Talk Blueberry share an audience at 10:00.
    page.get_by_label("this day").check()
    page.get_by_label("Time limit (s)").fill("2")
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_role("heading", name="Proposal")).to_be_visible()
    expect(page.locator("table.figures")).to_contain_text("Missed favourites", timeout=60_000)
    proposal = Proposal.objects.get()
    assert proposal.state == Proposal.DONE
    assert proposal.figures["current"]["missed"] == 6
    assert proposal.figures["proposed"]["missed"] == 0
    rows = page.locator("table.diff tbody tr")
    assert rows.count() == len(proposal.changes) >= 1

    # 5. Accept one of its moves.
    first = proposal.changes[0]
    page.get_by_label(f"Accept the move of {first['title']}").check()
    page.get_by_role("button", name="Accept the ticked moves").click()
    expect(page.locator(".messages")).to_contain_text("Accepted 1 move")
    expect(page.locator("table.diff tr.accepted")).to_have_count(1)
    moved = slot_of(type(w.fresh).objects.get(pk=first["session"]))
    assert moved.start.isoformat() == first["after"]["start"]

    # 6. A released talk moves too, so a speaker has something to hear about.
    talk = world.apricot.session
    page.goto(day_url)
    free = free_time(world.alpha_room, talk)
    page.locator(f"#session-{talk.pk}-1").drag_to(cell(world.alpha_room, free))
    expect(page.locator(".messages")).to_contain_text("'Talk Apricot' is now in Room Aardvark")
    expect(page.locator("#conflicts .conflict.hard")).to_have_count(0)

    # 7. Release with a note, through the preview.
    mail = expected_mail(first_release, wip_schedule(world.alpha))
    assert "ana@example.net" in mail and "fi@example.net" not in mail
    page.goto(f"{base}/{world.alpha.slug}/manage/releases/")
    expect(page.locator(".release-diff li.moved", has_text="Talk Apricot")).to_contain_text(
        f"Talk Apricot — Fri 1 Mar 09:00 Room Aardvark → Fri 1 Mar {free} Room Aardvark"
    )
    page.fill("#id_version", "2.0")
    page.fill("#id_note", "Ana's talk moves to half past four.")
    page.get_by_role("button", name="Preview the release").click()
    expect(page.locator("h1")).to_have_text("Release version 2.0?")
    notices = page.locator("ul.notices")
    for address in mail:
        expect(notices).to_contain_text(address)
    expect(notices).not_to_contain_text("fi@example.net")
    page.get_by_role("button", name="Release version 2.0 and send the emails").click()
    count = len(mail)
    expect(page.locator(".messages")).to_contain_text(
        f"Released version 2.0; {count} email{'s' if count != 1 else ''}"
    )
    release = latest_release(world.alpha)
    assert (release.version, release.comment) == ("2.0", "Ana's talk moves to half past four.")

    # 8. The public changelog and its Atom feed.
    page.goto(f"{base}/{world.alpha.slug}/changes/")
    expect(page.locator(".release-entry").first).to_contain_text("Version 2.0")
    expect(page.locator(".release-entry").first).to_contain_text("half past four")
    feed_href = page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute(
        "href"
    )
    feed = page.request.get(base + feed_href)
    assert feed.ok and feed.headers["content-type"].startswith("application/atom+xml")
    entries = ET.fromstring(feed.body()).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Version 2.0", "Version 1.0"]
    assert entries[0].findtext(f"{ATOM}id") == release.uuid.urn
    summary = entries[0].findtext(f"{ATOM}summary")
    assert f"Moved: Talk Apricot, now Fri 1 Mar {free}" in summary
    assert "Fresh Blueberry" in summary  # added

    # 9. The emails: one per speaker with a moved session, listing exactly its changes.
    got = {}
    for message in smtp.messages:
        body = smtp.body(message)
        assert "half past four" in body
        got[message["X-Envelope-To"]] = [line for line in body.splitlines() if line[:2] == "- "]
    assert got == mail
    assert not errors, errors
    context.close()

    # 10. The same pages on a phone (390 px): nothing wider than the screen but the grid,
    # which scrolls sideways inside itself; every button and field within reach.
    context, phone = logged_in_page(browser, base, world.user("umbrella_organiser"), 390, 844)
    phone.goto(day_url)
    assert_fits(phone, [".editor-grid", "button:text('Propose')", "#unscheduled .card"])
    grid = phone.locator(".editor-grid")
    assert grid.evaluate("g => g.scrollWidth > g.clientWidth")  # two rooms: it scrolls
    # Scrolled to the last room, the times stay in view.
    assert grid.evaluate("g => { g.scrollLeft = g.scrollWidth; return g.scrollLeft; }") > 0
    hour = phone.locator(".editor-grid .time.hour").first.bounding_box()
    left = grid.bounding_box()["x"]
    assert left <= hour["x"] and hour["x"] + hour["width"] <= 390, (hour, left)
    phone.goto(f"{base}/{world.alpha.slug}/manage/releases/")
    assert_fits(phone, ["#id_version", "#id_note", "button:text('Preview the release')"])
    context.close()


def assert_fits(page, selectors: list[str]) -> None:
    """The page does not scroll sideways, and each of ``selectors`` lies within the screen's
    width (a box check, not a screenshot)."""
    width = page.viewport_size["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    for selector in selectors:
        for box in [e.bounding_box() for e in page.locator(selector).all()]:
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)
