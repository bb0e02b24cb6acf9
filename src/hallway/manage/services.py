"""Read-side summaries for the organiser area (what the dashboard shows)."""

from __future__ import annotations

from django.db.models import Count

from hallway.events.models import Event
from hallway.programme.models import Session
from hallway.schedule.services import (
    latest_release,
    schedule_conflicts,
    unscheduled_sessions,
    wip_schedule,
)


def overview(event: Event) -> dict:
    """Sessions by state, the unscheduled count, conflicts, the last release and the freeze,
    for ``event`` and (an umbrella) its co-located events; each call for papers' phase."""
    family = event.family_ids()
    labels = dict(Session.STATES)
    counts = (
        Session.objects.filter(event_id__in=family)
        .values("state")
        .annotate(n=Count("id"))
        .order_by("state")
    )
    wip = wip_schedule(event)
    conflicts = schedule_conflicts(wip)
    calls = []
    for member in Event.objects.filter(pk__in=family).select_related("cfp").order_by("pk"):
        cfp = getattr(member, "cfp", None)
        calls.append((member, cfp.get_phase_display() if cfp else None))
    return {
        "umbrella": event.umbrella,
        "sessions_by_state": [(labels.get(c["state"], c["state"]), c["n"]) for c in counts],
        "unscheduled": unscheduled_sessions(event).count(),
        "conflicts": conflicts,
        "release": latest_release(event),
        "wip": wip,
        "calls": calls,
    }
