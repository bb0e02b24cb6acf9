"""The schedule editor in a real Chromium: drag a session to a free slot, drag another onto a
slot that makes a speaker clash and see the hard conflict, undo it, let the solver propose
the day and accept part of its diff."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.test import Client

from chromium import NEEDS_CHROMIUM

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from hallway.schedule.models import Proposal, Slot  # noqa: E402
from hallway.schedule.services import wip_schedule  # noqa: E402

pytestmark = [*NEEDS_CHROMIUM, pytest.mark.django_db(transaction=True)]


def logged_in_page(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1600, "height": 1100})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def slot_of(session):
    return Slot.objects.filter(schedule=wip_schedule(session.event), session=session).first()


def test_drag_clash_undo_propose_accept(live_server, browser, editor_world):
    from playwright.sync_api import expect

    w = editor_world
    world = w.world
    context, page = logged_in_page(browser, live_server, world.user("umbrella_organiser"))
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: (
            r.status >= 400 and "favicon" not in r.url and errors.append(f"{r.status} {r.url}")
        ),
    )
    page.goto(f"{live_server.url}/{world.alpha.slug}/manage/schedule/{w.day}/")
    expect(page.locator(".organiser-bar .zone")).to_have_text("Times are in UTC.")

    def cell(room, time):
        return page.locator(f'.editor-grid .drop[data-room="{room.pk}"][data-time="{time}"]')

    # 1. A session from the list to a free slot.
    page.locator(f"#session-{w.fresh.pk}-1").drag_to(cell(w.hall, "11:00"))
    expect(page.locator(".messages")).to_contain_text("'Fresh Blueberry' is now in Room Bison")
    expect(page.locator(f".editor-grid #session-{w.fresh.pk}-1")).to_contain_text("11:00–11:30")
    assert slot_of(w.fresh).start.hour == 11
    expect(page.locator("#conflicts")).not_to_contain_text("two places")

    # 2. Speaker Apricot's second talk beside their first: a hard conflict, linked.
    page.locator(f"#session-{w.second.pk}-1").drag_to(cell(w.hall, "09:00"))
    expect(page.locator(".messages")).to_contain_text("'Second Apricot' is now in Room Bison")
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
    assert not errors, errors
    context.close()
