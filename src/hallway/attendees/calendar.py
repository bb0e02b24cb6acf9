"""The personal agenda as iCalendar: the private feed calendar apps poll and the one-off
download.  UIDs are the programme exports' own, SEQUENCE counts the releases that changed a
part, and the version string keys the feed's ETag and cache."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Count, Max, Sum

from hallway.attendees.models import Attendee
from hallway.events.models import Event
from hallway.programme.models import Session
from hallway.schedule import selectors
from hallway.schedule.models import Slot


def feed_version(attendee: Attendee, umbrella: Event) -> str:
    """Changes whenever the feed would: the published programme or the attendee's stars."""
    stars = attendee.favourites.aggregate(
        n=Count("pk"), last=Max("created_at"), ids=Sum("session_id")
    )
    generation = (
        Event.objects.filter(pk=umbrella.pk).values_list("published_generation", flat=True).get()
    )
    return f"{attendee.feed_token}|{generation}|{stars['n']}|{stars['last']}|{stars['ids']}"


def entry_uid(session: Session, part: int) -> str:
    """The same UID the programme's exports give this session part, so a calendar holding
    both sees one event."""
    if part == 1:
        return str(session.uuid)
    return str(uuid.uuid5(session.uuid, f"part-{part}"))


def sequences(umbrella: Event, session_ids) -> dict[tuple[int, int], tuple[int, dt.datetime]]:
    """For each (session, part): how often its time, room or state changed over the releases
    (iCalendar SEQUENCE), and when it last did (LAST-MODIFIED)."""
    rows = (
        Slot.objects.filter(
            schedule__event=umbrella,
            schedule__version__isnull=False,
            session_id__in=session_ids,
        )
        .order_by("schedule__released_at", "schedule_id")
        .values_list(
            "session_id", "part", "start", "end", "room_id", "state", "schedule__released_at"
        )
    )
    history: dict[tuple[int, int], tuple[int, dt.datetime, tuple]] = {}
    for session_id, part, start, end, room_id, state, released_at in rows:
        key, place = (session_id, part), (start, end, room_id, state or Session.CONFIRMED)
        if key not in history:
            history[key] = (0, released_at, place)
        elif history[key][2] != place:
            history[key] = (history[key][0] + 1, released_at, place)
    return {key: (seq, when) for key, (seq, when, _place) in history.items()}


def agenda_calendar(attendee: Attendee, umbrella: Event, *, base_url: str) -> bytes:
    """The attendee's agenda as an iCalendar file (the feed and the one-off download)."""
    import icalendar

    slots = list(
        selectors.release_slots(umbrella)
        .filter(session__favourites__attendee=attendee)
        .select_related("session")
        .prefetch_related(None)
    )
    history = sequences(umbrella, {s.session_id for s in slots})
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//hallway//personal agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"My agenda — {umbrella.name}")
    calendar.add("x-wr-timezone", umbrella.time_zone)
    latest = selectors.releases(umbrella)
    stamp = latest[0].released_at if latest else dt.datetime.now(dt.UTC)
    for slot in slots:
        session = slot.session
        sequence, changed = history.get((session.pk, slot.part), (0, stamp))
        event = icalendar.Event()
        event.add("uid", entry_uid(session, slot.part))
        event.add("dtstamp", stamp)
        event.add("dtstart", slot.start)
        event.add("dtend", slot.end)
        title = session.title
        if session.parts > 1:
            title = f"{session.title} (part {slot.part} of {session.parts})"
        event.add("summary", title)
        event.add("sequence", sequence)
        event.add("last-modified", changed)
        if slot.room:
            event.add("location", slot.room.name)
        if slot.state == Session.CANCELLED:
            event.add("status", "CANCELLED")
        event.add("url", f"{base_url}/{umbrella.slug}/sessions/{session.slug}/")
        event.add("description", session.abstract)
        calendar.add_component(event)
    return calendar.to_ical()
