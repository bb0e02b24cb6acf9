"""Real file → frab XML / frab JSON → parse again gives back the same programme, field by
field, for every real file (whatever its original format)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hallway.interop import export, parse

from .compare import JSON_RULES, XML_RULES, assert_same_programme
from .realdata import REAL_FILES

pytestmark = pytest.mark.shared


@pytest.mark.parametrize("real_file", sorted(REAL_FILES), indirect=True)
def test_frab_xml_round_trip_is_lossless(real_file: Path) -> None:
    before = parse(real_file.read_bytes())
    after = parse(export(before, "frab-xml"), format="frab-xml")
    assert_same_programme(before, after, XML_RULES)


@pytest.mark.parametrize("real_file", sorted(REAL_FILES), indirect=True)
def test_frab_json_round_trip_is_lossless(real_file: Path) -> None:
    before = parse(real_file.read_bytes())
    after = parse(export(before, "frab-json"), format="frab-json")
    assert_same_programme(before, after, JSON_RULES)


@pytest.mark.parametrize("real_file", sorted(REAL_FILES), indirect=True)
def test_second_export_is_identical(real_file: Path) -> None:
    """Export → parse → export is a fixed point: nothing drifts on repeated round trips."""
    programme = parse(real_file.read_bytes())
    for fmt in ("frab-xml", "frab-json"):
        first = export(programme, fmt)
        assert export(parse(first, format=fmt), fmt) == first
