"""The release part of the organisers' walk in a real Chromium, with a real SMTP server: a
session has moved in the work in progress (the schedule editor's test drags it); the organiser
reads the diff, releases with a note through the preview, and finds the changelog, its Atom
feed and the emails: the speaker whose session moved gets exactly that change, the speaker
whose session did not move gets nothing."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.test import Client

from chromium import NEEDS_CHROMIUM

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the
# test's own database queries as "async-unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from factories import at, make_world  # noqa: E402
from hallway.schedule.services import latest_release, wip_schedule  # noqa: E402

pytestmark = NEEDS_CHROMIUM
ATOM = "{http://www.w3.org/2005/Atom}"


def logged_in_page(browser, base: str, user):
    """A page whose browser holds ``user``'s session (logging in is the accounts tests')."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
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
    page.set_default_timeout(15_000)
    return page


@pytest.mark.django_db(transaction=True)
def test_release_with_a_note_reaches_the_changelog_the_feed_and_the_right_speaker(
    live_server, browser, smtp
):
    from playwright.sync_api import expect

    world = make_world()
    world.alpha.time_zone = "America/Los_Angeles"
    world.alpha.save()
    for speaker, address in [
        (world.apricot.speaker, "ana@example.net"),
        (world.blueberry.speaker, "bo@example.net"),
    ]:
        speaker.email = address
        speaker.save()
    slot = wip_schedule(world.alpha).slots.get(session=world.apricot.session)
    slot.start, slot.end = at(11), at(11, 30)  # 01:00 → 03:00 in Los Angeles
    slot.save()

    base = live_server.url
    page = logged_in_page(browser, base, world.user("umbrella_organiser"))
    page.goto(f"{base}/alpha/manage/releases/")
    expect(page.locator(".release-diff li.moved")).to_contain_text(
        "Talk Apricot — Fri 1 Mar 01:00 Room Aardvark → Fri 1 Mar 03:00 Room Aardvark"
    )
    page.fill("#id_version", "2.0")
    page.fill("#id_note", "Ana's talk moves to three.")
    page.get_by_role("button", name="Preview the release").click()
    expect(page.locator("h1")).to_have_text("Release version 2.0?")
    expect(page.locator("ul.notices")).to_contain_text("Speaker Apricot <ana@example.net>")
    expect(page.locator("ul.notices")).not_to_contain_text("bo@example.net")
    page.get_by_role("button", name="Release version 2.0 and send the emails").click()
    expect(page.locator(".messages")).to_contain_text("Released version 2.0; 1 email")
    release = latest_release(world.alpha)
    assert (release.version, release.comment) == ("2.0", "Ana's talk moves to three.")

    page.goto(f"{base}/alpha/changes/")
    expect(page.locator(".release-entry").first).to_contain_text("Version 2.0")
    expect(page.locator(".release-entry").first).to_contain_text("Ana's talk moves to three.")
    feed_href = page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute(
        "href"
    )
    feed = page.request.get(base + feed_href)
    assert feed.ok and feed.headers["content-type"].startswith("application/atom+xml")
    entries = ET.fromstring(feed.body()).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Version 2.0", "Version 1.0"]
    assert entries[0].findtext(f"{ATOM}id") == release.uuid.urn
    assert "Moved: Talk Apricot, now Fri 1 Mar 03:00" in entries[0].findtext(f"{ATOM}summary")

    assert [m["X-Envelope-To"] for m in smtp.messages] == ["ana@example.net"]
    body = smtp.body(smtp.messages[0])
    changes = [line for line in body.splitlines() if line.startswith("- ")]
    assert changes == [
        "- “Talk Apricot” moved: Fri 1 Mar, 01:00–01:30 PST in Room Aardvark → "
        "Fri 1 Mar, 03:00–03:30 PST in Room Aardvark."
    ]
    assert "Ana's talk moves to three." in body
    assert smtp.to("bo@example.net") == []
