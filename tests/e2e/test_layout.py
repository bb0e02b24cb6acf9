"""Layout checks in a real Chromium, measured on the rendered page (the screenshot is kept in
pytest's temporary directory for a human to look at): titles in short grid cells stay whole
and uncovered, a plenary session in a grid room keeps to its column, and the signage page
fills a 1080p screen with large text and no menu."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from chromium import NEEDS_CHROMIUM
from demo_cases import plenary_in_a_grid_room

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from hallway.programme.models import Session  # noqa: E402
from hallway.schedule.services import latest_release  # noqa: E402

THURSDAY, FRIDAY = dt.date(2027, 3, 4), dt.date(2027, 3, 5)

pytestmark = NEEDS_CHROMIUM

# For every card of the grid: the title's box inside the card's, and every line shown after
# it (speakers, meta) starting below the title, not over it.
CARD_GEOMETRY = """
() => [...document.querySelectorAll('.grid .card')].map(card => {
  const box = card.getBoundingClientRect();
  const title = card.querySelector('.card-title').getBoundingClientRect();
  const below = [...card.querySelectorAll('.card-speakers, .card-meta')]
    .filter(e => getComputedStyle(e).display !== 'none')
    .map(e => e.getBoundingClientRect().top);
  return {text: card.querySelector('.card-title').innerText, cardTop: box.top,
          cardBottom: box.bottom, titleTop: title.top, titleBottom: title.bottom,
          titleHeight: title.height, below};
})
"""


@pytest.mark.django_db(transaction=True)
def test_grid_and_signage_layout(live_server, demo, browser, tmp_path):
    release = latest_release(demo)
    # The demo's shortest talks last 45 minutes; imported programmes have 30 down to 5.
    short = list(
        release.slots.filter(session__parts=1, start__date=FRIDAY, start__hour__gte=19)
        .exclude(session__session_type__is_plenary=True)
        .select_related("session")
        .order_by("start", "room__position")[:5]
    )
    for slot, minutes in zip(short, (30, 20, 15, 10, 5), strict=True):
        release.slots.filter(pk=slot.pk).update(end=slot.start + dt.timedelta(minutes=minutes))
    Session.objects.filter(pk=short[0].session_id).update(
        title="A very long title about reproducible builds, supply chains and the people who "
        "keep them running in production for the rest of us"
    )

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/{demo.slug}/programme/{FRIDAY.isoformat()}/")
        page.locator(".grid").wait_for()
        page.screenshot(path=str(tmp_path / "grid-friday-1400.png"))
        cards = page.evaluate(CARD_GEOMETRY)
        assert len(cards) > 30
        for card in cards:
            assert card["titleHeight"] > 8, card  # at least one line of the title shows
            assert card["titleTop"] >= card["cardTop"] - 0.5, card
            assert card["titleBottom"] <= card["cardBottom"] + 0.5, f"title cut: {card}"
            for top in card["below"]:
                assert top >= card["titleBottom"] - 0.5, f"a line covers the title: {card}"

        keynote = plenary_in_a_grid_room(release, THURSDAY)
        page.goto(f"{live_server.url}/{demo.slug}/programme/{THURSDAY.isoformat()}/")
        cell = page.locator(".slot", has_text=keynote.session.title).bounding_box()
        head = page.locator(".room-head", has_text=keynote.room.name).bounding_box()
        assert abs(cell["width"] - head["width"]) < 2, (cell, head)
        assert abs(cell["x"] - head["x"]) < 2, (cell, head)

        page.set_viewport_size({"width": 1920, "height": 1080})
        room = keynote.room
        page.goto(f"{live_server.url}/{demo.slug}/rooms/{room.slug}/now/?at=2027-03-04T09:45")
        page.screenshot(path=str(tmp_path / "signage-1080p.png"))
        assert page.locator("header.site").count() == 0
        size = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.sign-title')).fontSize)"
        )
        assert size >= 64, f"the title of what is on is {size}px on a 1080p door sign"
        assert page.locator(".sign-title").inner_text() == keynote.session.title
        assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    finally:
        context.close()
