"""Two `hallway serve` processes on one PostgreSQL database and one Redis, as two machines
behind a load balancer would run: a release made through one is what the other serves at
once, pages and exports alike, with no stale cache anywhere."""

from __future__ import annotations

import gzip
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

HALLWAY = Path(sys.executable).with_name("hallway")
REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
        return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL (servers share one database; runs in CI's PostgreSQL pass)",
    ),
    pytest.mark.skipif(not _redis_up(), reason="needs Redis at 127.0.0.1:6379"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def database_url():
    """A database of its own (the servers run outside the test's transaction)."""
    import psycopg

    db = settings.DATABASES["default"]
    name = f"hw_two_servers_{uuid.uuid4().hex[:8]}"
    admin = dict(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"])
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{admin['user']}@{admin['host']}:{admin['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(database_url: str, data: Path) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HALLWAY_", "DJANGO_")) and k != "DATABASE_URL"
    }
    return {
        **base,
        "DATABASE_URL": database_url,
        "HALLWAY_REDIS_URL": "redis://127.0.0.1:6379/13",
        "HALLWAY_DATA_DIR": str(data),
        "HALLWAY_DEBUG": "0",
    }


class Browser:
    """A cookie-keeping client for one server."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def get_gzip(self, path: str) -> str:
        """As an app asking for a compressed export: the body must come gzipped."""
        request = urllib.request.Request(self.base + path, headers={"Accept-Encoding": "gzip"})
        with self.opener.open(request, timeout=30) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            return gzip.decompress(response.read()).decode()

    def post(self, path: str, data: dict) -> str:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=60) as response:
            return response.read().decode()


def test_a_release_through_one_server_is_served_by_the_other_at_once(database_url, tmp_path):
    servers = []
    try:
        for name in ("a", "b"):
            env = environment(database_url, tmp_path / name)
            if name == "a":
                for args in (("migrate", "--no-input", "-v0"), ("load-demo",)):
                    done = subprocess.run(
                        [str(HALLWAY), *args], env=env, capture_output=True, text=True, timeout=600
                    )
                    assert done.returncode == 0, done.stdout + done.stderr
            port = free_port()
            process = subprocess.Popen(
                [str(HALLWAY), "serve", "--port", str(port), "--workers", "2"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            servers.append((process, f"http://127.0.0.1:{port}"))
        for process, base in servers:
            _wait(base, process)
        a, b = Browser(servers[0][1]), Browser(servers[1][1])

        # Both servers have the programme cached before the release, the exports as files
        # in each server's own directory (as each pod's emptyDir would be).
        for server in (a, b):
            assert "<version>1.0</version>" in server.get("/pose27/schedule.xml")
            assert "<version>1.0</version>" in server.get_gzip("/pose27/schedule.xml")
            assert '"version": "1.0"' in server.get("/pose27/schedule.json")
            assert "1.0" in server.get("/pose27/changes/")
            server.get("/pose27/changes/")

        # The organiser releases through server A, as in the organiser area.
        a.get("/manage/login/")
        a.post(
            "/manage/login/?next=/manage/", {"username": "organiser", "password": "hallway-demo"}
        )
        page = a.get("/manage/events/event/")
        # Every row is the demo umbrella or one of its events: the action releases the umbrella.
        pk = re.findall(r'name="_selected_action" value="(\d+)"', page)[0]
        done = a.post(
            "/manage/events/event/", {"action": "release_programme", "_selected_action": [pk]}
        )
        assert "released version 2.0" in done

        before = _export_files(tmp_path / "b")
        assert {p.suffix for p in before} == {".xml", ".json", ".gz"}

        # Server B serves the new release on its very next request.
        assert "<version>2.0</version>" in b.get("/pose27/schedule.xml")
        assert "<version>2.0</version>" in b.get_gzip("/pose27/schedule.xml")
        assert '"version": "2.0"' in b.get("/pose27/schedule.json")
        # ... from files of the new generation; the old ones are gone.
        after = _export_files(tmp_path / "b")
        assert after and not after & before
        assert "2.0" in b.get("/pose27/changes/")
        assert "Programme version 2.0" in b.get("/pose27/programme/")
    finally:
        for process, _ in servers:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)


def _export_files(data: Path) -> set[Path]:
    return set((data / "exports" / "pose27").glob("g*"))


def _wait(base: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "hallway serve exited"
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{base} did not start within {seconds} s")
