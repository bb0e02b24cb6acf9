"""Fixtures every test module may use.

``demo`` gives the generated demo conference.  It is loaded into the test database once per
session; tests run inside a transaction that is rolled back, so they may change it freely.
Tests that flush the database (live-server browser tests) reload it through the same fixture.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from subprocesses import hallway_environment

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ALLOWED_SKIPS = ROOT / ".ci" / "allowed-skips"


def _one_request_at_a_time_on_sqlite() -> None:
    """On SQLite the live server answers one request at a time.  The test database is in
    memory, so the test and every server thread share one connection; two requests at once
    (a page, its htmx block and the service worker's precache) then collide inside it as
    "database table is locked".  PostgreSQL keeps Django's threaded server."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    from django.core.servers.basehttp import WSGIServer
    from django.test import testcases

    class OneRequestAtATime(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            # The server thread itself holds the overridden connections (LiveServerThread.run).
            super().__init__(*args, **kwargs)

    testcases.LiveServerThread.server_class = OneRequestAtATime


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    """Before a live-server test's fixtures are torn down (its database flushed), wait until
    the server has answered whatever the browser left in flight: every public page registers
    the service worker, whose precache requests otherwise meet the flush on SQLite's one
    shared connection as "database table is locked"."""
    server = getattr(item, "funcargs", {}).get("live_server")
    if server is not None and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        from chromium import settle

        settle(server.url)
    yield


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
    # Export files are a cache keyed by the change counter, like the pages (below): each
    # test process gets a directory of its own, emptied before every test.
    import tempfile

    settings.HALLWAY_EXPORT_DIR = Path(tempfile.mkdtemp(prefix="hallway-test-exports-"))
    # See tests/quick_hasher.py: the same algorithm, a thousandth of the work.
    settings.PASSWORD_HASHERS = [
        "quick_hasher.QuickPBKDF2PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    _one_request_at_a_time_on_sqlite()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test rolls its database back, and with it the change counter that public pages
    are cached by; a page cached by one test must not be served to the next."""
    from django.conf import settings
    from django.core.cache import cache

    cache.clear()
    if Path(settings.HALLWAY_EXPORT_DIR).exists():
        shutil.rmtree(settings.HALLWAY_EXPORT_DIR, ignore_errors=True)
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


def _built_once(tmp_path_factory, name: str, steps: list[tuple[str, ...]]) -> Path:
    """A data directory made by running ``steps`` (hallway commands) once per test run,
    shared by every xdist worker: the first to get the lock builds it, the others wait."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the directory all workers' temporary directories share
    built = root / f"{name}-data"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (built / "done").exists():
            shutil.rmtree(built, ignore_errors=True)
            env = hallway_environment(built)
            command = Path(sys.executable).with_name("hallway")
            for args in steps:
                result = subprocess.run(
                    [str(command), *args], env=env, capture_output=True, text=True, timeout=600
                )
                assert result.returncode == 0, f"hallway {' '.join(args)}: " + (
                    result.stdout + result.stderr
                )
            (built / "done").touch()
    return built


@pytest.fixture
def migrated_data(tmp_path_factory, tmp_path) -> Path:
    """A copy of a data directory with an empty, migrated SQLite database (`hallway migrate`)."""
    source = _built_once(tmp_path_factory, "migrated", [("migrate", "--no-input", "-v0")])
    copy = tmp_path / "migrated"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("done"))
    return copy


@pytest.fixture
def demo_data(tmp_path_factory, tmp_path) -> Path:
    """A copy of a data directory as the first two steps of `make demo` leave it (`hallway
    migrate`, `hallway load-demo`), built once per test run: each test may change its copy."""
    source = _built_once(
        tmp_path_factory, "demo", [("migrate", "--no-input", "-v0"), ("load-demo",)]
    )
    copy = tmp_path / "demo"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("done"))
    return copy
