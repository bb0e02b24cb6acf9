"""Configuration mistakes stop ``hallway`` with one line naming the variable, and a complete
production configuration passes Django's deployment checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

HALLWAY = Path(sys.executable).with_name("hallway")


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HALLWAY_", "DJANGO_")) and k != "DATABASE_URL"
    }
    base["HALLWAY_DATA_DIR"] = str(tmp_path / "var")
    return subprocess.run(
        [str(HALLWAY), *args],
        env={**base, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, result
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture(autouse=True)
def _needs_the_console_script():
    if not HALLWAY.exists():
        pytest.fail(f"{HALLWAY} is missing: install hallway with `make install`")


def test_production_without_a_secret_key_stops_with_one_line(tmp_path):
    line = one_line(
        run(
            tmp_path,
            "check",
            HALLWAY_MODE="production",
            HALLWAY_ALLOWED_HOSTS="schedule.example.org",
        )
    )
    assert "HALLWAY_SECRET_KEY" in line
    assert line.startswith("hallway: configuration error:")


def test_production_without_allowed_hosts_stops_with_one_line(tmp_path):
    line = one_line(
        run(
            tmp_path,
            "check",
            HALLWAY_MODE="production",
            HALLWAY_SECRET_KEY=secrets.token_urlsafe(50),
        )
    )
    assert "HALLWAY_ALLOWED_HOSTS" in line


def test_unknown_database_url_stops_with_one_line(tmp_path):
    line = one_line(run(tmp_path, "check", DATABASE_URL="nosuchdb://x"))
    assert "DATABASE_URL" in line
    assert "nosuchdb" in line


def test_unknown_time_zone_stops_with_one_line(tmp_path):
    line = one_line(run(tmp_path, "check", HALLWAY_TIME_ZONE="Mars/Olympus"))
    assert "HALLWAY_TIME_ZONE" in line
    assert "Mars/Olympus" in line


def test_unknown_mode_stops_with_one_line(tmp_path):
    line = one_line(run(tmp_path, "check", HALLWAY_MODE="staging"))
    assert "HALLWAY_MODE" in line


def test_bad_boolean_stops_with_one_line(tmp_path):
    line = one_line(run(tmp_path, "check", HALLWAY_DEBUG="maybe"))
    assert "HALLWAY_DEBUG" in line


def test_production_configuration_passes_the_deploy_checks(tmp_path):
    result = run(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        HALLWAY_MODE="production",
        HALLWAY_SECRET_KEY=secrets.token_urlsafe(50),
        HALLWAY_ALLOWED_HOSTS="schedule.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_defaults_pass_the_plain_checks(tmp_path):
    result = run(tmp_path, "check")
    assert result.returncode == 0, result.stdout + result.stderr
