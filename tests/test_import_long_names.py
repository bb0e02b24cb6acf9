"""A track or session type name longer than hallway keeps is refused with where it is, and
nothing is imported; it used to be cut to 120 or 80 characters without a word."""

from __future__ import annotations

from pathlib import Path

import pytest

from hallway.events.models import Event
from hallway.interop.import_checks import ImportRefused
from hallway.interop.imports import import_file

pytestmark = [pytest.mark.django_db, pytest.mark.shared]


@pytest.mark.parametrize(
    ("original", "field", "limit"),
    [('"track": "Phased"', "track", 120), ('"type": "Talk"', "type", 80)],
)
def test_a_name_too_long_is_refused_not_cut(shared_dir: Path, original, field, limit):
    data = (shared_dir / "interop" / "real" / "voc-validator-pretalx-democon.json").read_text()
    long_name = "A name that goes on " * 10
    assert len(long_name) > limit
    data = data.replace(original, f'"{field}": "{long_name}"', 1)
    with pytest.raises(ImportRefused) as refused:
        import_file(data.encode(), "long-names")
    message = " ".join(refused.value.messages)
    assert f"{field} 'A name that goes on" in message and str(limit) in message, message
    assert "Nothing was imported" in message
    assert not Event.objects.filter(slug="long-names").exists()


def test_names_within_the_limits_are_kept_whole(shared_dir: Path):
    data = (shared_dir / "interop" / "real" / "voc-validator-pretalx-democon.json").read_text()
    name = "T" * 120
    import_file(data.replace('"track": "Phased"', f'"track": "{name}"', 1).encode(), "long-ok")
    assert Event.objects.get(slug="long-ok").tracks.filter(name=name).exists()
