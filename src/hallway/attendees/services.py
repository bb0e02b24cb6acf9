"""What the attendees app does for the layers above: who hears about a changed session."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from hallway.attendees.models import Attendee, Favourite
from hallway.events.models import Event


def attendees_to_notify(umbrella: Event, session_ids: Iterable[int]) -> list[tuple[Attendee, set]]:
    """Attendees of ``umbrella`` who starred any of ``session_ids``, gave an email address and
    asked to hear about changes, each with the ids of the sessions among those they starred."""
    ids = set(session_ids)
    if not ids:
        return []
    starred: dict[int, set[int]] = defaultdict(set)
    attendees: dict[int, Attendee] = {}
    rows = (
        Favourite.objects.filter(
            session_id__in=ids,
            attendee__event=umbrella,
            attendee__notify_changes=True,
        )
        .exclude(attendee__email="")
        .select_related("attendee")
        .order_by("attendee_id", "session_id")
    )
    for favourite in rows:
        attendees[favourite.attendee_id] = favourite.attendee
        starred[favourite.attendee_id].add(favourite.session_id)
    return [(attendees[pk], starred[pk]) for pk in attendees]
