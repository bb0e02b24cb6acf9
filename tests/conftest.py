"""Fixtures every test module may use.

``demo`` gives the generated demo conference.  It is loaded into the test database once per
session; tests run inside a transaction that is rolled back, so they may change it freely.
Tests that flush the database (live-server browser tests) reload it through the same fixture.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def pytest_configure(config):
    """WhiteNoise warns on every request when the static root is missing (before `make demo`
    has run collectstatic); the tests do not need the files, only the directory."""
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


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
