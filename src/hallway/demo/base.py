"""The demo's fixed points: its slug, its days and time zone, and its stable identifiers.

UUIDs are uuid5 of stable keys, so the demo is the same on every machine and a re-import of
an export of it matches it row for row.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

DEMO_SLUG = "pose27"
TZ = zoneinfo.ZoneInfo("America/Los_Angeles")
FIRST_DAY = dt.date(2027, 3, 4)  # a Thursday
DAYS = 4
NAMESPACE = uuid.UUID("6f1d8a52-3c1e-4a8e-9a57-0d0c6a9b2f11")


def stable_uuid(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts))


def at(day: int, hhmm: str) -> dt.datetime:
    """``hhmm`` local time on the demo's day ``day`` (0 = Thursday)."""
    h, m = map(int, hhmm.split(":"))
    return dt.datetime.combine(FIRST_DAY + dt.timedelta(days=day), dt.time(h, m), tzinfo=TZ)


def on(date: dt.date, hhmm: str) -> dt.datetime:
    """``hhmm`` local time on ``date`` (for dates before the conference: calls for papers)."""
    h, m = map(int, hhmm.split(":"))
    return dt.datetime.combine(date, dt.time(h, m), tzinfo=TZ)
