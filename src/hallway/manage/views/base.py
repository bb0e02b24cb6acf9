"""What every organiser page does first: find the event and check who is asking."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from hallway.events.models import Event
from hallway.permissions import require


def organiser_event(request, slug: str, perm: str = "hallway.view_schedule") -> Event:
    """The event ``slug`` if ``request.user`` has ``perm`` on it.

    Someone who organises nothing of its conference gets the same 404 as for a slug that does
    not exist (an organiser of another conference learns nothing of this one); an organiser of
    the same conference who may not do this here gets a 403.
    """
    event = Event.objects.select_related("parent").filter(slug=slug).first()
    if event is None:
        raise Http404("No such event.")
    if not request.user.has_perm("hallway.view_schedule", event):
        raise Http404("No such event.")
    require(request.user, perm, event)
    return event


__all__ = ["organiser_event", "PermissionDenied"]
