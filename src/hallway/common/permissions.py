"""Who may manage which event.  An organiser of an umbrella manages its sub-events too."""

from __future__ import annotations

from django.db.models import Q

from hallway.events.models import Event, EventRole


def managed_event_ids(user) -> set[int]:
    """Ids of the events ``user`` may change (every event for a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Event.objects.values_list("pk", flat=True))
    roots = EventRole.objects.filter(user=user, role=EventRole.ORGANISER).values_list(
        "event_id", flat=True
    )
    return set(
        Event.objects.filter(Q(pk__in=roots) | Q(parent_id__in=roots)).values_list("pk", flat=True)
    )


def can_manage(user, event: Event) -> bool:
    return event.pk in managed_event_ids(user)
