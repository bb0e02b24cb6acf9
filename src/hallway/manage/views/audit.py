"""The audit log's pages: an event's whole history (filterable by action) and one session's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from hallway.audit.models import AuditEntry
from hallway.audit.services import entries_for_event
from hallway.manage.views.base import organiser_event
from hallway.permissions import require
from hallway.programme.models import Session
from hallway.schedule.models import Slot
from hallway.schedule.services import wip_schedule

PAGE_SIZE = 200


@login_required
def event_log(request, event):
    """Everything recorded for the event (an umbrella's includes its co-located events')."""
    event = organiser_event(request, event, "hallway.view_event")
    entries = entries_for_event(event)
    actions = sorted(set(entries.values_list("action", flat=True)))
    action = request.GET.get("action", "")
    if action:
        entries = entries.filter(action=action)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "manage/log.html",
        {
            "event": event,
            "umbrella": event.umbrella,
            "wip": wip_schedule(event),  # the frozen banner
            "entries": page.object_list,
            "page": page,
            "actions": actions,
            "action": action,
        },
    )


def session_entries(session: Session):
    """A session's own entries and those of its slots (moves in the editor, releases)."""
    slot_ids = [str(pk) for pk in Slot.objects.filter(session=session).values_list("pk", flat=True)]
    return AuditEntry.objects.filter(
        Q(object_type=session._meta.label_lower, object_id=str(session.pk))
        | Q(object_type=Slot._meta.label_lower, object_id__in=slot_ids)
    ).select_related("actor", "event")


@login_required
def session_log(request, event, session):
    event = organiser_event(request, event, "hallway.view_event")
    session = get_object_or_404(Session, uuid=session, event_id__in=event.family_ids())
    require(request.user, "hallway.change_session", session)
    return render(
        request,
        "manage/session_log.html",
        {
            "event": event,
            "umbrella": event.umbrella,
            "wip": wip_schedule(event),
            "session": session,
            "entries": session_entries(session)[:PAGE_SIZE],
        },
    )
