#!/usr/bin/env python
"""Screenshots of the public programme for docs/screenshots/, taken in a real Chromium.

Builds a throw-away demo database (``hallway migrate`` + ``hallway load-demo`` in a temporary
data directory, so your own ``var/`` is never touched), starts ``hallway serve`` on a free
port, and photographs the Friday grid and one session page at desktop (1440×1000) and phone
(390×844) widths with Playwright driving Debian's Chromium.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--keep-data]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DAY = "2027-03-05"  # the busiest day: a keynote, the expo, talks, workshops and BoFs
SIZES = {"desktop": (1440, 1000), "phone": (390, 844)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hallway(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "hallway"), *args], env=env, cwd=ROOT, check=True)


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"hallway serve exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - localhost
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise SystemExit(f"hallway serve did not answer {url} within {seconds:.0f} s")


def pick_session(env: dict[str, str]) -> str:
    """The slug of a Friday talk with two speakers, a track, a recording and slides: the
    session page with the most to show."""
    code = f"""
import datetime as dt, zoneinfo, django
django.setup()
from hallway.programme.models import Session
tz = zoneinfo.ZoneInfo("America/Los_Angeles")
start = dt.datetime.combine(dt.date.fromisoformat("{DAY}"), dt.time(0), tzinfo=tz)
s = (Session.objects.filter(umbrella__slug="pose27", event__slug="pose27",
        session_type__slug="talk", track__isnull=False, resources__kind="video",
        slots__start__gte=start, slots__start__lt=start + dt.timedelta(days=1))
     .filter(resources__kind="slides").filter(speaker_links__position=1)
     .order_by("title").first())
print(s.slug)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--keep-data", action="store_true", help="keep the temporary database")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: sudo apt-get install chromium", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    data_dir = Path(tempfile.mkdtemp(prefix="hallway-screenshots-"))
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "HALLWAY_DATA_DIR": str(data_dir),
        "HALLWAY_PORT": str(port),
        "HALLWAY_WORKERS": "2",
        "DJANGO_SETTINGS_MODULE": "hallway.settings",
    }
    base = f"http://127.0.0.1:{port}"
    args.out.mkdir(parents=True, exist_ok=True)
    server = None
    try:
        hallway(env, "migrate", "--no-input", "-v0")
        hallway(env, "load-demo")
        session = pick_session(env)
        server = subprocess.Popen(
            [str(BIN / "hallway"), "serve"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_up(f"{base}/pose27/", server)
        pages = {
            "grid": f"{base}/pose27/programme/{DAY}/",
            "session": f"{base}/pose27/sessions/{session}/",
        }
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for size, (width, height) in SIZES.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    device_scale_factor=1,
                    is_mobile=size == "phone",
                    has_touch=size == "phone",
                )
                page = context.new_page()
                for name, url in pages.items():
                    page.goto(url, wait_until="networkidle")
                    target = args.out / f"{name}-{size}.png"
                    # The grid as an attendee first sees it; the session page whole.
                    page.screenshot(path=str(target), full_page=name == "session")
                    print(f"wrote {target.relative_to(ROOT)}  ({url})")
                context.close()
            browser.close()
    finally:
        if server is not None:
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=10)
            if server.poll() is None:
                server.kill()
        if args.keep_data:
            print(f"demo database kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
