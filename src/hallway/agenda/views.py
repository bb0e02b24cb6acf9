"""Public programme pages: server-rendered, usable without JavaScript, reading the latest
release only.  Every page renders in its event's time zone."""

from __future__ import annotations

import datetime as dt
import uuid
from itertools import groupby

from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from hallway.agenda.grid import build_grid
from hallway.events.models import Event, Track
from hallway.programme.models import Exhibitor, Session, SessionSpeaker, Speaker
from hallway.schedule import selectors
from hallway.schedule.fill import labels_for
from hallway.schedule.services import latest_release

# Sessions this long (expo hours, all-day hackrooms) are listed above the grid, not in it.
ALL_DAY = dt.timedelta(hours=4)


def _render(request, template: str, event: Event, **context):
    """Render a public page in the event's time zone (and only that page)."""
    with timezone.override(event.tz):
        base = {
            "event": event,
            "umbrella": event.umbrella,
            "release": latest_release(event),
            "fills": labels_for(event),
        }
        return render(request, template, {**base, **context})


@require_safe
def index(request):
    umbrellas = Event.objects.filter(parent=None).order_by("-start_date")
    if len(umbrellas) == 1:
        return redirect("agenda:event", event=umbrellas[0].slug)
    return render(request, "agenda/index.html", {"umbrellas": umbrellas})


@require_safe
def event_home(request, event: str):
    event = selectors.get_event(event)
    release = latest_release(event)
    slots = selectors.release_slots(event, release)
    counts = {
        "sessions": slots.values("session").distinct().count(),
        "speakers": Speaker.objects.filter(sessions__slots__in=slots).distinct().count(),
        "rooms": slots.values("room").distinct().count(),
    }
    sub_events = []
    if event.is_umbrella:
        sub_events = event.sub_events.annotate(
            n=Count(
                "sessions",
                filter=Q(sessions__slots__schedule=release)
                & Q(sessions__slots__state__in=Session.SCHEDULABLE),
                distinct=True,
            )
        )
    tracks = Track.objects.filter(event_id__in=event.family_ids()).order_by("name")
    return _render(
        request,
        "agenda/event.html",
        event,
        counts=counts,
        sub_events=sub_events,
        days=event.days,
        tracks=tracks,
    )


def _day_from(event: Event, raw: str | None) -> dt.date:
    days = event.days
    if not raw:
        today = event.day_of(timezone.now())
        return today if today in days else days[0]
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise Http404("Not a date.") from None
    if day not in days:
        raise Http404("The event does not run on that day.")
    return day


@require_safe
def programme_grid(request, event: str, day: str | None = None):
    event = selectors.get_event(event)
    day = _day_from(event, day)
    filters = selectors.Filters.from_query(request.GET)
    start, end = event.day_bounds(day)
    slots = list(
        filters.apply(selectors.release_slots(event)).filter(start__gte=start, start__lt=end)
    )
    all_day = [s for s in slots if s.end - s.start >= ALL_DAY]
    in_grid = [s for s in slots if s.end - s.start < ALL_DAY]
    breaks = selectors.break_slots(event).filter(start__gte=start, start__lt=end)
    rooms = selectors.public_rooms(event.umbrella)
    grid = build_grid(in_grid, breaks, rooms, event.tz)
    by_time = [
        (moment, list(group))
        for moment, group in groupby(
            sorted(grid.cells, key=lambda c: (c.local_start, c.column or 0)),
            key=lambda c: c.local_start,
        )
    ]
    return _render(
        request,
        "agenda/grid.html",
        event,
        day=day,
        days=event.days,
        grid=grid,
        all_day=all_day,
        by_time=by_time,
        filters=filters,
        choices=selectors.filter_choices(event),
        query=request.GET.urlencode(),
    )


@require_safe
def programme_list(request, event: str):
    event = selectors.get_event(event)
    filters = selectors.Filters.from_query(request.GET)
    slots = list(filters.apply(selectors.release_slots(event)))
    days = [
        (day, [(moment, list(g)) for moment, g in groupby(day_slots, key=lambda s: s.start)])
        for day, day_slots in groupby(slots, key=lambda s: event.day_of(s.start))
    ]
    return _render(
        request,
        "agenda/list.html",
        event,
        programme=days,
        filters=filters,
        choices=selectors.filter_choices(event),
        query=request.GET.urlencode(),
    )


@require_safe
def session_detail(request, event: str, session: str):
    umbrella = selectors.get_umbrella(event)
    # Only what the latest release carries: an accepted session that is in no release yet is
    # "not found", exactly like a slug that never existed.
    session = selectors.public_session(umbrella, session)
    session = (
        Session.objects.select_related("event", "track", "session_type")
        .prefetch_related(
            Prefetch("speaker_links", queryset=SessionSpeaker.objects.select_related("speaker")),
            "resources",
        )
        .get(pk=session.pk)
    )
    slots = list(
        selectors.release_slots(umbrella)
        .filter(session=session)
        .prefetch_related(None)
        .select_related("room")
        .order_by("part")
    )
    return _render(
        request,
        "agenda/session.html",
        umbrella,
        session=session,
        slots=slots,
        cancelled=all(s.state == Session.CANCELLED for s in slots),
        speakers=session.speaker_links.all(),
    )


@require_safe
def speaker_list(request, event: str):
    umbrella = selectors.get_umbrella(event)
    speakers = selectors.public_speakers(umbrella).order_by("name")
    return _render(request, "agenda/speakers.html", umbrella, speakers=speakers)


@require_safe
def speaker_detail(request, event: str, speaker: str):
    umbrella = selectors.get_umbrella(event)
    speaker = selectors.public_speaker(umbrella, speaker)
    slots = selectors.release_slots(umbrella).filter(session__speakers=speaker)
    return _render(request, "agenda/speaker.html", umbrella, speaker=speaker, slots=slots)


@require_safe
def room_list(request, event: str):
    umbrella = selectors.get_umbrella(event)
    return _render(request, "agenda/rooms.html", umbrella, rooms=selectors.public_rooms(umbrella))


@require_safe
def room_detail(request, event: str, room: str):
    umbrella = selectors.get_umbrella(event)
    room = selectors.public_room(umbrella, room)
    slots = selectors.release_slots(umbrella).filter(room=room)
    days = [
        (day, list(group)) for day, group in groupby(slots, key=lambda s: umbrella.day_of(s.start))
    ]
    return _render(request, "agenda/room.html", umbrella, room=room, days=days)


@require_safe
def room_now(request, event: str, room: str):
    """Signage beside a room's door: what is on now and what comes next (refreshes itself)."""
    umbrella = selectors.get_umbrella(event)
    room = selectors.public_room(umbrella, room)
    moment = timezone.now()
    if request.GET.get("at"):
        try:
            moment = dt.datetime.fromisoformat(request.GET["at"])
            if timezone.is_naive(moment):
                moment = moment.replace(tzinfo=umbrella.tz)
            # A time at the calendar's edge (0001-01-01 east of UTC, 9999-12-31 west of it)
            # has no UTC or local equivalent: converting it here, not in the database or the
            # template, turns that into a clear 400.
            moment = moment.astimezone(dt.UTC)
            moment.astimezone(umbrella.tz)
            today = umbrella.day_of(moment)
        except (ValueError, OverflowError):
            return HttpResponseBadRequest(
                "'at' must be an ISO 8601 time between the years 1 and 9999, "
                "e.g. 2027-03-05T10:30.",
                content_type="text/plain; charset=utf-8",
            )
    else:
        today = umbrella.day_of(moment)
    slots = selectors.release_slots(umbrella).filter(room=room, end__gt=moment)
    current = next((s for s in slots if s.start <= moment), None)
    upcoming = [(s, umbrella.day_of(s.start) != today) for s in slots if s.start > moment][:2]
    return _render(
        request,
        "agenda/now.html",
        umbrella,
        room=room,
        current=current,
        upcoming=upcoming,
        moment=moment,
    )


@require_safe
def exhibitor_list(request, event: str):
    umbrella = selectors.get_umbrella(event)
    exhibitors = Exhibitor.objects.filter(event=umbrella).prefetch_related("hours")
    categories = [
        (label, [e for e in exhibitors if e.category == key]) for key, label in Exhibitor.CATEGORIES
    ]
    return _render(
        request,
        "agenda/exhibitors.html",
        umbrella,
        categories=[c for c in categories if c[1]],
        total=len(exhibitors),
    )


@require_safe
def changes(request, event: str):
    """Every release, newest first, with what it changed: attendees follow the programme here."""
    event = selectors.get_event(event)
    history = selectors.releases(event.umbrella)
    entries = [
        selectors.release_changes(event, release, previous)
        for release, previous in zip(history, [*history[1:], None], strict=True)
    ]
    return _render(request, "agenda/changes.html", event, entries=entries)


def _feed_entry_id(event: Event, release) -> str:
    """Stable per release and feed: an umbrella's entry is the release's UUID; a co-located
    event's feed lists only its own changes, so its entry gets its own UUID derived from both."""
    if event.is_umbrella:
        return release.uuid.urn
    return uuid.uuid5(release.uuid, str(event.uuid)).urn


@require_safe
def changes_feed(request, event: str):
    """The changes page as an Atom 1.0 feed: one entry per release, newest first."""
    event = selectors.get_event(event)
    umbrella = event.umbrella
    history = selectors.releases(umbrella)
    changes_url = request.build_absolute_uri(reverse("agenda:changes", args=[event.slug]))
    feed = Atom1Feed(
        title=f"Programme changes — {event.name}",
        link=changes_url,
        description=f"Every published version of the programme of {event.name}.",
        feed_url=request.build_absolute_uri(),
        feed_guid=event.uuid.urn,
        author_name=umbrella.name,
        language="en",
    )
    public = set(selectors.release_slots(event).values_list("session_id", flat=True))
    with timezone.override(event.tz):
        for release, previous in zip(history, [*history[1:], None], strict=True):
            entry = selectors.release_changes(event, release, previous)
            feed.add_item(
                title=f"Version {release.version}",
                link=request.build_absolute_uri(
                    reverse("agenda:release", args=[event.slug, release.slug])
                ),
                description=render_to_string(
                    "agenda/_feed_entry.html",
                    {
                        "entry": entry,
                        "event": event,
                        "umbrella": umbrella,
                        "public_sessions": public,
                    },
                ),
                unique_id=_feed_entry_id(event, release),
                unique_id_is_permalink=False,
                pubdate=release.released_at,
                updateddate=release.released_at,
            )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@require_safe
def release_detail(request, event: str, release: str):
    event = selectors.get_event(event)
    history = selectors.releases(event.umbrella)
    index = next((i for i, r in enumerate(history) if r.slug == release), None)
    if index is None:
        raise Http404("No such release.")
    previous = history[index + 1] if index + 1 < len(history) else None
    entry = selectors.release_changes(event, history[index], previous)
    public = set(selectors.release_slots(event).values_list("session_id", flat=True))
    return _render(request, "agenda/release.html", event, entry=entry, public_sessions=public)
