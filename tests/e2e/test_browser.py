"""The public programme in a real Chromium: filtering the grid, opening a session, and the
phone layout.

Playwright's own browser download does not work here, so the tests drive Debian's Chromium
and are skipped (saying so) where it is not installed.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from chromium import NEEDS_CHROMIUM

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the
# test's own database queries as "async-unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from hallway.schedule.services import latest_release  # noqa: E402

THURSDAY, FRIDAY = dt.date(2027, 3, 4), dt.date(2027, 3, 5)

pytestmark = NEEDS_CHROMIUM


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _titles_on(event, day: dt.date, **filters) -> set[str]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=event.tz)
    return set(
        latest_release(event)
        .slots.filter(
            session__isnull=False,
            start__gte=start,
            start__lt=start + dt.timedelta(days=1),
            **filters,
        )
        .values_list("session__title", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_filter_the_grid_to_kcd_and_open_a_session(live_server, demo, page):
    from playwright.sync_api import expect

    kcd_titles = _titles_on(demo, THURSDAY, session__event__slug="kcd-pasadena")
    all_titles = _titles_on(demo, THURSDAY)
    assert kcd_titles and all_titles - kcd_titles

    page.goto(f"{live_server.url}/{demo.slug}/programme/{THURSDAY.isoformat()}/")
    grid = page.locator(".grid")
    expect(grid).to_be_visible()
    assert set(grid.locator(".card-title").all_inner_texts()) == all_titles

    page.get_by_text("Filter the programme").click()
    kcd_box = page.get_by_role("checkbox", name="KCD")
    expect(kcd_box).to_be_visible()
    kcd_box.check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**event=kcd-pasadena**")

    expect(page.get_by_role("checkbox", name="KCD")).to_be_checked()
    shown = grid.locator(".card-title").all_inner_texts()
    assert set(shown) == kcd_titles
    for meta in grid.locator(".card-meta").all_inner_texts():
        assert "KCD" in meta

    card = grid.locator(".card", has=page.locator(".card-speakers")).first
    title = card.locator(".card-title").inner_text()
    session = latest_release(demo).slots.get(session__title=title, part=1).session
    names = [link.speaker.name for link in session.speaker_links.select_related("speaker")]
    card.click()
    page.wait_for_url(f"**/{demo.slug}/sessions/{session.slug}/")
    expect(page.locator("h1")).to_have_text(title)
    speakers = page.locator(".speakers")
    for name in names:
        expect(speakers).to_contain_text(name)
    expect(page).to_have_title(f"{title} — {demo.name}")


@pytest.mark.django_db(transaction=True)
def test_phone_shows_the_programme_by_time_not_the_grid(live_server, demo, browser):
    from playwright.sync_api import expect

    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/{demo.slug}/programme/{FRIDAY.isoformat()}/")
        expect(page.locator(".by-time")).to_be_visible()
        expect(page.locator(".grid-scroll")).to_be_hidden()
        first = sorted(_titles_on(demo, FRIDAY))[0]
        expect(page.locator(".by-time .card-title", has_text=first).first).to_be_visible()
        # Nothing makes the page scroll sideways on a phone.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width}px wide on a 390px phone"
    finally:
        context.close()
