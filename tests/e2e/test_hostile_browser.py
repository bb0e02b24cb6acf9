"""A hostile schedule file in a real Chromium: nothing on its session and speaker pages runs.

The file (every script-scheme URL variant as links, attachments, speaker links and avatars;
markup and event handlers in every text) is imported and released, and a few links are then
written past validation, as rows stored before the validators existed would be.  Every link
on the pages is clicked; a dialog, or ``window.__pwned`` set, fails the test.
"""

from __future__ import annotations

import os

import pytest

from chromium import NEEDS_CHROMIUM

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from hostile_data import HOSTILE_URLS, frab_json  # noqa: E402

SLUG = "hostile-browser"

pytestmark = NEEDS_CHROMIUM


def hostile_programme():
    """Import the hostile file, then force script URLs into rows past every validator."""
    from hallway.events.models import Event
    from hallway.interop.imports import import_file
    from hallway.programme.models import Resource, Session, Speaker

    report = import_file(frab_json(SLUG), SLUG)
    assert report.count("links", "refused") > 0
    event = Event.objects.get(slug=SLUG)
    sessions = list(Session.objects.filter(umbrella=event).order_by("title")[:1])
    speakers = []
    for session in sessions:
        for n, url in enumerate(HOSTILE_URLS):
            Resource.objects.create(
                session=session, kind=Resource.OTHER, url="https://example.org/", position=50 + n
            )
            Resource.objects.filter(session=session, position=50 + n).update(url=url)
        speaker = session.ordered_speakers()[0]
        Speaker.objects.filter(pk=speaker.pk).update(
            links=[{"title": f"link {n}", "url": url} for n, url in enumerate(HOSTILE_URLS)]
        )
        speakers.append(speaker)
    return event, sessions, speakers


def settle(page) -> None:
    """Let what a click started finish: a javascript: URL runs as a task after the click, and
    a round trip through the page's event loop comes after it."""
    from playwright.sync_api import Error

    for _ in range(2):
        page.wait_for_load_state()
        try:
            page.evaluate("new Promise(resolve => setTimeout(resolve, 0))")
        except Error:  # the click navigated meanwhile: wait for the new document instead
            continue


@pytest.mark.django_db(transaction=True)
def test_clicking_every_link_on_hostile_pages_runs_nothing(live_server, demo, browser):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    event, sessions, speakers = hostile_programme()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Only the live server answers: a click on an outside link fails fast instead of waiting
    # for a network this machine does not have.
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    # Every hostile payload sets window.__pwned or opens a dialog.  The setter reports to
    # the test from whichever document runs it, so a click that also navigates cannot hide it.
    pwned: list[str] = []
    context.expose_function("__hallwayPwned", lambda value: pwned.append(value))
    context.add_init_script(
        "Object.defineProperty(window, '__pwned', {configurable: false, get() {},"
        " set(value) { window.__hallwayPwned(String(value)); }});"
    )
    dialogs: list[str] = []
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    urls = [f"{live_server.url}/{event.slug}/sessions/{s.slug}/" for s in sessions]
    urls += [f"{live_server.url}/{event.slug}/speakers/{s.slug}/" for s in speakers]
    clicked = 0
    try:
        for url in urls:
            page.goto(url)
            assert not pwned and not dialogs, f"{url}: script ran on load"
            count = page.locator("a").count()
            assert count > 5, url
            for i in range(count):
                page.goto(url)
                link = page.locator("a").nth(i)
                if not link.is_visible():
                    continue
                href = link.get_attribute("href") or ""
                try:
                    link.click(no_wait_after=True, timeout=3_000)
                except PlaywrightTimeout:
                    # the skip link sits off screen until focused: activate it as a
                    # keyboard user does
                    link.focus()
                    page.keyboard.press("Enter")
                clicked += 1
                settle(page)
                assert not pwned, f"{url}: clicking {href!r} ran script: {pwned}"
                assert not dialogs, f"{url}: clicking {href!r} opened {dialogs}"
    finally:
        context.close()
    assert clicked > 20
