"""A room capacity a JSON number cannot be in seats (NaN, 1e999, negative, beyond a database
integer) is refused with where it is, not as "unexpected content" or a database error."""

from __future__ import annotations

from pathlib import Path

import pytest

from hallway import interop

pytestmark = pytest.mark.shared


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "1e999", "-3", "1e30"])
def test_an_impossible_capacity_is_refused_with_its_location(shared_dir: Path, bad: str):
    original = (shared_dir / "interop" / "real" / "voc-validator-pretalx-democon.json").read_text()
    data = original.replace('"capacity": null', f'"capacity": {bad}', 1)
    assert data != original
    with pytest.raises(interop.FormatError) as refused:
        interop.parse(data.encode(), format="frab-json")
    assert "invalid capacity" in str(refused.value)
    assert refused.value.location.endswith(".capacity"), refused.value.location


def test_a_whole_float_capacity_is_read_as_seats(shared_dir: Path):
    original = (shared_dir / "interop" / "real" / "voc-validator-pretalx-democon.json").read_text()
    data = original.replace('"capacity": null', '"capacity": 120.0', 1)
    rooms = interop.parse(data.encode(), format="frab-json").rooms
    assert [r.capacity for r in rooms if r.capacity] == [120]
