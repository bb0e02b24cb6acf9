"""Fixtures every test module may use.

``demo`` gives the generated demo conference.  It is loaded into the test database once per
session; tests run inside a transaction that is rolled back, so they may change it freely.
Tests that flush the database (live-server browser tests) reload it through the same fixture.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ALLOWED_SKIPS = ROOT / ".ci" / "allowed-skips"


def _allowed_skip_patterns() -> list[re.Pattern]:
    lines = ALLOWED_SKIPS.read_text().splitlines() if ALLOWED_SKIPS.exists() else []
    return [re.compile(line) for line in lines if line.strip() and not line.startswith("#")]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (``HALLWAY_FAIL_ON_SKIP=1``) a skipped test is a failure unless its reason is on
    the short list in ``.ci/allowed-skips``: a real-client test that skips because Chromium
    or ConfClerk is missing must not let CI go green untested."""
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    if os.environ.get("HALLWAY_FAIL_ON_SKIP") != "1":
        return
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    if any(p.search(reason) for p in _allowed_skip_patterns()):
        return
    report.outcome = "failed"
    report.longrepr = (
        f"skipped in CI for a reason .ci/allowed-skips does not accept: {reason}\n"
        "Install what the test needs (make test does), or add the reason to that list."
    )


def pytest_configure(config):
    """WhiteNoise warns on every request when the static root is missing (before `make demo`
    has run collectstatic); the tests do not need the files, only the directory."""
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    # See tests/quick_hasher.py: the same algorithm, a thousandth of the work.
    settings.PASSWORD_HASHERS = [
        "quick_hasher.QuickPBKDF2PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test rolls its database back, and with it the change counter that public pages
    are cached by; a page cached by one test must not be served to the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from hallway.demo import load_demo

    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def demo(db):
    """The demo umbrella event (reloaded if an earlier test flushed the database)."""
    from hallway.demo import DEMO_SLUG, load_demo
    from hallway.events.models import Event

    load_demo()
    return Event.objects.get(slug=DEMO_SLUG)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module (see tests/chromium.py)."""
    from chromium import ARGS, CHROMIUM

    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (real interop files, schemas, the scheduling referee).

    Absent on a user's clone: the test skips, saying so.  CI sets HALLWAY_REQUIRE_SHARED=1,
    and there its absence fails the test instead.
    """
    if SHARED.is_dir():
        return SHARED
    if os.environ.get("HALLWAY_REQUIRE_SHARED") == "1":
        pytest.fail(f"HALLWAY_REQUIRE_SHARED=1 but {SHARED} does not exist")
    pytest.skip(f"{SHARED} is absent (it ships beside the repository in CI only)")
