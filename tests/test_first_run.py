"""The site as `make demo` serves it: `hallway serve` with HALLWAY_DEBUG=0 from a fresh data
directory, every stylesheet, script and image of the first pages a newcomer opens answering
200, and production mode never offering the demo's published password."""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from subprocesses import hallway_environment

ROOT = Path(__file__).resolve().parents[1]
HALLWAY = Path(sys.executable).with_name("hallway")


def environment(data: Path, **extra: str) -> dict[str, str]:
    return hallway_environment(data, **extra)


def hallway(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(HALLWAY), *args], env=env, capture_output=True, text=True, timeout=300
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env: dict[str, str], port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [str(HALLWAY), "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"hallway serve exited: {server.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own server
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer within {seconds} s")


def test_served_as_make_demo_serves_it_every_asset_answers(demo_data):
    """The first `make demo` served every page without its CSS (collectstatic under other
    settings than the server's); a second start must work as well as the first."""
    env = environment(demo_data, HALLWAY_DEBUG="0")
    for _ in range(2):
        port = free_port()
        server = serve(env, port)
        try:
            wait_until_up(f"http://127.0.0.1:{port}/", server)
            check = subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "scripts" / "check_assets.py"),
                    f"http://127.0.0.1:{port}",
                ],
                capture_output=True,
                text=True,
                timeout=120,
            )
        finally:
            server.terminate()
            output = server.communicate(timeout=30)[0]
        assert check.returncode == 0, check.stdout + check.stderr
        assert "/static/hallway/hallway." in check.stdout  # the hashed stylesheet was fetched
        assert "/static/admin/js/" in check.stdout  # and the organiser area's scripts
        assert "Demo organiser login" in output


def test_production_refuses_to_serve_while_the_demo_password_works(demo_data):
    env = environment(
        demo_data,
        HALLWAY_MODE="production",
        HALLWAY_SECRET_KEY=secrets.token_urlsafe(50),
        HALLWAY_ALLOWED_HOSTS="schedule.example.org",
    )
    server = serve(env, free_port())
    output = server.communicate(timeout=120)[0]
    assert server.returncode != 0
    assert "hallway.E001" in output
    assert "hallway-demo" not in output  # the password itself is never printed


def test_production_demo_gets_no_usable_password_and_prints_none(migrated_data):
    env = environment(
        migrated_data,
        HALLWAY_MODE="production",
        HALLWAY_SECRET_KEY=secrets.token_urlsafe(50),
        HALLWAY_ALLOWED_HOSTS="schedule.example.org",
    )
    loaded = hallway(env, "load-demo")
    assert loaded.returncode == 0, loaded.stderr
    assert "hallway-demo" not in loaded.stdout
    check = hallway(env, "check", "--deploy", "--database", "default", "--fail-level", "WARNING")
    assert check.returncode == 0, check.stdout + check.stderr


def test_forwarded_headers_are_trusted_only_behind_a_proxy(settings):
    from hallway.server.management.commands.serve import gunicorn_argv

    settings.HALLWAY_BEHIND_PROXY = False
    assert "--forwarded-allow-ips=" in gunicorn_argv("127.0.0.1", "8000", 1)
    settings.HALLWAY_BEHIND_PROXY = True
    assert "--forwarded-allow-ips=127.0.0.1,::1" in gunicorn_argv("127.0.0.1", "8000", 1)
