"""Cases the page tests need, made from the demo's release rather than assumed of where the
demo's placement (the scheduler's) happens to put sessions."""

from __future__ import annotations

import datetime as dt


def slots_on(release, day: dt.date):
    """The release's slots starting on ``day`` (from 06:00 UTC, before any demo session)."""
    start = dt.datetime.combine(day, dt.time(6), tzinfo=dt.UTC)
    return release.slots.filter(start__gte=start, start__lt=start + dt.timedelta(days=1))


def plenary_in_a_grid_room(release, day: dt.date):
    """The day's plenary slot, its room made a column of the grid: if the placement left that
    room to the plenary alone, an ordinary session of the day moves into it."""
    plenary = release.slots.select_related("session", "room").get(
        session__session_type__is_plenary=True, start__date=day
    )
    sessions = slots_on(release, day).filter(session__isnull=False)
    if not sessions.filter(room=plenary.room).exclude(pk=plenary.pk).exists():
        other = next(
            slot
            for slot in sessions.exclude(session__session_type__is_plenary=True).order_by("start")
            if slot.start >= plenary.end or slot.end <= plenary.start
        )
        other.room = plenary.room
        other.save()
    return plenary


def plenary_alone_in_its_room(release, day: dt.date):
    """The day's plenary slot, the only session in its room that day: any ordinary session
    the placement put there is taken out of the release."""
    plenary = release.slots.select_related("session", "room").get(
        session__session_type__is_plenary=True, start__date=day
    )
    slots_on(release, day).filter(room=plenary.room).exclude(
        session__session_type__is_plenary=True
    ).delete()
    return plenary
