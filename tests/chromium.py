"""Debian's Chromium for the real-browser tests (Playwright's own download does not work here).

Test modules that drive it set ``pytestmark = NEEDS_CHROMIUM`` and take the ``browser`` fixture
from tests/conftest.py: one browser per module, launched with these arguments.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NEEDS_CHROMIUM = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is not installed "
        "(sudo apt-get install chromium); Playwright's download does not work here",
    ),
]


def settle(server_url: str) -> None:
    """Wait until the live server has answered everything a closed browser left in flight
    (a service worker's precache, an htmx block): on SQLite it answers one request at a time
    (tests/conftest.py), so one more request of our own comes back only after them.
    tests/conftest.py calls it after every live-server test, before its database is flushed."""
    import urllib.request

    with urllib.request.urlopen(f"{server_url}/healthz", timeout=30) as response:
        response.read()
