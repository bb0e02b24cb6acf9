"""Running `hallway` commands as a user would, in a subprocess with its own data directory."""

from __future__ import annotations

import os
from pathlib import Path


def hallway_environment(data: Path, **extra: str) -> dict[str, str]:
    """The environment a `hallway` command run by a test sees: this machine's, without any
    hallway or Django setting of the test run, with its own data directory."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HALLWAY_", "DJANGO_")) and k != "DATABASE_URL"
    }
    return {**base, "HALLWAY_DATA_DIR": str(data), **extra}
