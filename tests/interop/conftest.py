"""Fixtures for the interop tests: the shared real schedule files and the C3VOC schemas.

The real files live outside the repository (``../shared``, never committed: several come
from repositories without a licence).  Where they are absent the tests that need them are
skipped with the reason; CI sets ``HALLWAY_REQUIRE_SHARED=1`` to turn that skip into a
failure so a misconfigured runner cannot pass silently.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest

from .realdata import REAL, SCHEMAS, SHARED


def require_shared() -> Path:
    if not REAL.is_dir() or not SCHEMAS.is_dir():
        reason = f"shared test data not found at {SHARED / 'interop'}"
        if os.environ.get("HALLWAY_REQUIRE_SHARED") == "1":
            pytest.fail(f"{reason}, and HALLWAY_REQUIRE_SHARED=1 says it must be there")
        pytest.skip(f"{reason} (set HALLWAY_REQUIRE_SHARED=1 to make this a failure)")
    return SHARED


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared``, or a skip (a failure under ``HALLWAY_REQUIRE_SHARED=1``)."""
    return require_shared()


@pytest.fixture
def real_file(shared_dir: Path, request: pytest.FixtureRequest) -> Path:
    """The real file named by the test's ``name`` parameter; fails if it is missing."""
    path = shared_dir / "interop" / "real" / request.param
    if not path.is_file():
        pytest.fail(f"{path} is listed in REAL_FILES but missing")
    return path


@cache
def _xsd(path: str):
    import xmlschema

    return xmlschema.XMLSchema(path)


@pytest.fixture(scope="session")
def xml_schema(shared_dir: Path):
    return _xsd(str(shared_dir / "interop" / "schemas" / "schedule.xml.xsd"))


@pytest.fixture(scope="session")
def json_validator(shared_dir: Path):
    """A validator for the draft schema.json declares, with stricter checks for the
    formats whose optional checker packages are not installed (date-time, uri)."""
    import jsonschema

    schema = json.loads(
        (shared_dir / "interop" / "schemas" / "schedule.schema.json").read_text(encoding="utf-8")
    )
    validator_class = jsonschema.validators.validator_for(schema)
    checker = validator_class.FORMAT_CHECKER
    checker = jsonschema.FormatChecker(formats=checker.checkers)

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        from datetime import datetime

        if not isinstance(value, str):
            return True
        parsed = datetime.fromisoformat(value)
        return parsed.tzinfo is not None and "T" in value

    @checker.checks("uri", raises=ValueError)
    def _uri(value: object) -> bool:
        from urllib.parse import urlsplit

        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme) and " " not in value and bool(parts.netloc or parts.path)

    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=checker)
