"""Every organiser page and the attendee's agenda at a phone's width (390 px) in a real
Chromium: nothing makes the page wider than the screen (a wide table scrolls inside itself),
so no button or column is out of reach.  The organiser bar and its tables once overflowed
to 700 px."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.test import Client

from chromium import NEEDS_CHROMIUM

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from hallway.events.models import EventRole  # noqa: E402
from hallway.programme.models import Session  # noqa: E402

pytestmark = [*NEEDS_CHROMIUM, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# Elements whose right edge passes the viewport, leaving out those inside something that
# scrolls or clips sideways (a wide table, the editor's grid) and fixed ones.
OVERFLOWING = """
() => {
  const width = document.documentElement.clientWidth;
  const clipped = el => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const wide = [...document.querySelectorAll('body *')].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && getComputedStyle(el).position !== 'fixed'
      && !clipped(el);
  }).map(el => `${el.tagName.toLowerCase()}.${el.className} ends at `
    + `${Math.round(el.getBoundingClientRect().right)}px`);
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}
"""


def test_organiser_pages_and_agenda_fit_a_phone(live_server, demo, browser, django_user_model):
    organiser = django_user_model.objects.create_user("phone-organiser", password="x")
    EventRole.objects.create(event=demo, user=organiser, role=EventRole.ORGANISER)
    client = Client()
    client.force_login(organiser)
    session = Session.objects.filter(umbrella=demo).order_by("title").first()
    day = demo.days[1].isoformat()
    base = f"/{demo.slug}/manage"
    organiser_pages = [
        f"{base}/",
        f"{base}/sessions/",
        f"{base}/sessions/{session.uuid}/",
        f"{base}/speakers/",
        f"{base}/rooms/",
        f"{base}/tracks/",
        f"{base}/types/",
        f"{base}/exhibitors/",
        f"{base}/schedule/{day}/",
        f"{base}/releases/",
        f"{base}/log/",
        f"{base}/log/session/{session.uuid}/",
    ]

    context = browser.new_context(viewport=PHONE)
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
    too_wide = {}
    try:
        for path in organiser_pages:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            found = page.evaluate(OVERFLOWING)
            if found["scrollWidth"] > found["width"] or found["wide"]:
                too_wide[path] = found
        # The attendee's side: star sessions that clash, then read the agenda.
        page.goto(f"{live_server.url}/{demo.slug}/programme/{day}/")
        stars = page.locator("form.star button:visible")
        for i in range(0, 8, 2):
            stars.nth(i).click()
            page.wait_for_load_state()
        page.goto(f"{live_server.url}/{demo.slug}/agenda/")
        assert page.locator(".agenda-session, article").count() >= 1
        found = page.evaluate(OVERFLOWING)
        if found["scrollWidth"] > found["width"] or found["wide"]:
            too_wide["agenda"] = found
    finally:
        context.close()
    assert not too_wide, too_wide
