"""The schedule editor: a day's rooms × time grid, moves by form (or by dragging, which posts
the same form), undo, and the solver's proposals.  Every write goes through
``hallway.schedule.editing`` (rights, freeze, version, audit) or ``schedule.proposals``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hallway.events.models import Event, Room
from hallway.manage.editor import editor_day, local_start
from hallway.manage.views.base import organiser_event
from hallway.programme.models import Session
from hallway.schedule import editing, proposals
from hallway.schedule.conflicts import session_conflicts
from hallway.schedule.models import Proposal


def _day(event: Event, value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Http404("No such day.") from None
    if day not in event.umbrella.days:
        raise Http404("Not a day of this event.")
    return day


def _day_url(event: Event, day: dt.date, anchor: str = "") -> str:
    url = reverse("manage:editor_day", args=[event.slug, day.isoformat()])
    return f"{url}#{anchor}" if anchor else url


@login_required
def days(request, event):
    event = organiser_event(request, event)
    umbrella = event.umbrella
    timezone.activate(umbrella.tz)
    today = umbrella.day_of(dt.datetime.now(dt.UTC))
    if today in umbrella.days and not request.GET.get("pick"):
        return redirect(_day_url(event, today))
    return render(
        request,
        "manage/editor/days.html",
        {"event": event, "umbrella": umbrella, "days": umbrella.days},
    )


@login_required
def day(request, event, date):
    event = organiser_event(request, event)
    timezone.activate(event.umbrella.tz)
    the_day = _day(event, date)
    filters = {k: request.GET.get(k, "") for k in ("event", "track", "type")}
    context = editor_day(event, the_day, request.user, filters)
    context["event"] = event
    context["may_propose"] = request.user.has_perm("hallway.optimise_schedule", event.umbrella)
    context["proposals"] = Proposal.objects.filter(event=event.umbrella)[:5]
    context["undo"] = editing.undo_candidates(event, request.user)[:1]
    return render(request, "manage/editor/day.html", context)


def _session(event: Event, value) -> Session:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404("No such session.") from None
    return get_object_or_404(
        Session.objects.select_related("event__parent"), pk=pk, umbrella=event.umbrella
    )


def _int(value, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{what} is missing or not a number.") from None


def _version(value) -> int | None:
    return None if value in (None, "") else _int(value, "The version")


@login_required
@require_POST
def move(request, event):
    """Place or move a session part: ``session``, ``part``, ``version`` (as the page showed
    it), ``room``, ``day`` and ``time`` (HH:MM in the event's zone)."""
    event = organiser_event(request, event)
    post = request.POST
    session = _session(event, post.get("session"))
    back = _day(event, post.get("back") or post.get("day"))
    try:
        part = _int(post.get("part", 1), "The part")
        room = Room.objects.filter(event=event.umbrella, pk=_int(post.get("room"), "The room"))
        room = room.first()
        if room is None:
            raise ValidationError("Choose one of the event's rooms.")
        day = _day(event, post.get("day"))
        try:
            time = dt.time.fromisoformat(post.get("time", ""))
        except ValueError:
            raise ValidationError(
                f"'{post.get('time', '')}' is not a time: enter it as HH:MM "
                f"({event.umbrella.time_zone})."
            ) from None
        start = local_start(event, day, time)
        slot = editing.place(
            session,
            part,
            editing.Placement(room, start),
            by=request.user,
            version=_version(post.get("version")),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_day_url(event, back, f"session-{session.pk}-{post.get('part', 1)}"))
    messages.success(
        request, f"'{session.title}' is now in {room.name}, {start:%a %H:%M} ({start.tzinfo})."
    )
    for conflict in session_conflicts(slot.schedule, session.pk, soft=False):
        messages.warning(request, f"Hard conflict: {conflict.message}")
    return redirect(_day_url(event, event.umbrella.day_of(start), f"session-{session.pk}-{part}"))


@login_required
@require_POST
def unplace(request, event):
    event = organiser_event(request, event)
    session = _session(event, request.POST.get("session"))
    back = _day(event, request.POST.get("back"))
    try:
        part = _int(request.POST.get("part", 1), "The part")
        editing.unplace(
            session, part, by=request.user, version=_version(request.POST.get("version"))
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"'{session.title}' is back on the list of unscheduled sessions.")
    return redirect(_day_url(event, back, "unscheduled"))


@login_required
@require_POST
def undo(request, event):
    event = organiser_event(request, event)
    back = _day(event, request.POST.get("back"))
    try:
        entry = editing.undo_last(event, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if entry is None:
            messages.info(request, "Nothing of yours to undo.")
        else:
            messages.success(
                request,
                f"Undone: '{entry.object_repr}' is back in "
                f"{editing.describe(entry.before, event)}.",
            )
    return redirect(_day_url(event, back))


@login_required
@require_POST
def propose(request, event):
    event = organiser_event(request, event, "hallway.optimise_schedule")
    post = request.POST
    back = _day(event, post.get("back"))
    cancelled = None
    if post.get("scope") == Proposal.REPLAN:
        cancelled = _session(event, post.get("session"))
    try:
        limit = float(post.get("time_limit") or 5)
        day = dt.date.fromisoformat(post["day"]) if post.get("day") else None
        proposal = proposals.create_proposal(
            event,
            by=request.user,
            scope=post.get("scope", ""),
            day=day,
            cancelled=cancelled,
            time_limit=limit,
        )
    except (ValidationError, ValueError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(_day_url(event, back))
    return redirect("manage:editor_proposal", event.slug, proposal.pk)


def _proposal(event: Event, pk: int) -> Proposal:
    return get_object_or_404(Proposal, pk=pk, event=event.umbrella)


@login_required
def proposal(request, event, pk):
    event = organiser_event(request, event)
    found = _proposal(event, pk)
    tz = event.umbrella.tz
    timezone.activate(tz)
    rows = []
    for change in found.changes:
        rows.append(
            {
                **change,
                "key": proposals.change_key(change),
                "before_text": editing.describe(change["before"], event),
                "after_text": editing.describe(change["after"], event),
            }
        )
    days = {dt.datetime.fromisoformat(c["after"]["start"]).astimezone(tz).date() for c in rows}
    return render(
        request,
        "manage/editor/proposal.html",
        {
            "event": event,
            "umbrella": event.umbrella,
            "proposal": found,
            "rows": rows,
            "back": min(days) if days else (found.day or event.umbrella.days[0]),
            "pending": sum(1 for r in rows if not r.get("accepted")),
        },
    )


@login_required
@require_POST
def accept(request, event, pk):
    event = organiser_event(request, event)
    found = _proposal(event, pk)
    keys = None if request.POST.get("all") else set(request.POST.getlist("change"))
    if keys == set():
        messages.info(request, "Tick the moves to accept, or accept all.")
        return redirect("manage:editor_proposal", event.slug, found.pk)
    try:
        made, refused = proposals.accept(found, keys, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("manage:editor_proposal", event.slug, found.pk)
    messages.success(request, f"Accepted {made} move{'s' if made != 1 else ''} of the proposal.")
    for reason in refused:
        messages.warning(request, f"Not moved: {reason}")
    return redirect("manage:editor_proposal", event.slug, found.pk)
