"""A release as a ``Programme`` (the format layer's neutral model) for the exporters.

Exports read the latest release only (or a given one), its text live, and carry the history
of each session's moves as frab's ``sequence`` so calendar apps update rather than duplicate.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict

from django.conf import settings
from django.urls import reverse

from hallway import interop
from hallway.events.models import Event
from hallway.interop import model as neutral
from hallway.programme.models import Resource, Session, SessionSpeaker, Speaker
from hallway.schedule.models import Schedule, Slot
from hallway.schedule.services import (
    latest_release,
)

#: frab's XML and JSON have no field for a cancelled session (neither schema allows one):
#: its title says so, as on the programme pages, and the entry stays so that apps holding it
#: (Giggity, ConfClerk: starred by guid) show the cancellation instead of losing it.
CANCELLED_PREFIX = "Cancelled: "


def _link_for(resource: Resource) -> neutral.Link:
    default_type = {Resource.VIDEO: "video", Resource.SLIDES: "slides"}.get(resource.kind)
    return neutral.Link(
        url=resource.url, title=resource.title, type=resource.link_type or default_type
    )


def _change_history(release: Schedule) -> dict[tuple[int, int], tuple[int, dt.datetime]]:
    """For each (session, part) of ``release``: how often its time or room changed over the
    releases so far (iCalendar SEQUENCE), and when it last did (LAST-MODIFIED)."""
    rows = (
        Slot.objects.filter(
            schedule__event=release.event,
            schedule__version__isnull=False,
            schedule__released_at__lte=release.released_at,
            session__isnull=False,
        )
        .order_by("schedule__released_at", "schedule_id")
        .values_list("session_id", "part", "start", "end", "room_id", "schedule__released_at")
    )
    history: dict[tuple[int, int], tuple[int, dt.datetime, tuple]] = {}
    for session_id, part, start, end, room_id, released_at in rows:
        key = (session_id, part)
        place = (start, end, room_id)
        if key not in history:
            history[key] = (0, released_at, place)
        elif history[key][2] != place:
            history[key] = (history[key][0] + 1, released_at, place)
    return {key: (seq, when) for key, (seq, when, _place) in history.items()}


#: What ``programme_for`` reads of a slot and the rows joined to it: the time stamps and
#: JSON columns left out are most of the cost of loading a large release.
_EXPORTED_FIELDS = (
    "start",
    "end",
    "part",
    "state",
    "schedule_id",
    "room__name",
    "room__uuid",
    "room__slug",
    "room__capacity",
    "session__uuid",
    "session__slug",
    "session__title",
    "session__subtitle",
    "session__state",
    "session__abstract",
    "session__description",
    "session__language",
    "session__parts",
    "session__do_not_record",
    "session__updated_at",
    "session__umbrella_id",
    "session__event__name",
    "session__track__name",
    "session__track__slug",
    "session__track__colour",
    "session__session_type__name",
    "session__source_id",
    "session__source_code",
    "session__source_url",
    "session__feedback_url",
)


def programme_for(
    event: Event, *, release: Schedule | None = None, base_url: str = ""
) -> neutral.Programme:
    """The released programme of ``event`` (merged over sub-events for an umbrella)."""
    from hallway.schedule.selectors import release_slots

    umbrella = event.umbrella
    release = release or latest_release(umbrella)
    base_url = (base_url or settings.HALLWAY_BASE_URL).rstrip("/")
    programme = neutral.Programme(
        title=event.name,
        time_zone=umbrella.time_zone,
        acronym=event.slug,
        start=event.start_date,
        end=event.end_date,
        base_url=f"{base_url}/",
        url=f"{base_url}{reverse('agenda:event', args=[event.slug])}",
        version=release.version if release else "",
        released_at=release.released_at if release else None,
        timeslot_duration=dt.timedelta(minutes=5),
    )
    if release is None:
        return programme
    # Speakers and resources in one query each, grouped here: Django's prefetch machinery
    # clones a queryset per session, which was most of an export's time at FOSDEM's size.
    slots = list(release_slots(event, release).prefetch_related(None).only(*_EXPORTED_FIELDS))
    released = release.slots.filter(session__isnull=False).values("session_id")
    speakers_of: dict[int, list[Speaker]] = defaultdict(list)
    for link in (
        SessionSpeaker.objects.filter(session_id__in=released)
        .select_related("speaker")
        .order_by("position", "id")
    ):
        speakers_of[link.session_id].append(link.speaker)
    resources_of: dict[int, list[Resource]] = defaultdict(list)
    for resource in Resource.objects.filter(session_id__in=released):
        resources_of[resource.session_id].append(resource)
    # reverse() once per kind of page, not once per session and speaker.
    sentinel = "hallway-slug-sentinel"
    session_url = f"{base_url}{reverse('agenda:session', args=[umbrella.slug, sentinel])}"
    speaker_url = f"{base_url}{reverse('agenda:speaker', args=[umbrella.slug, sentinel])}"
    history = _change_history(release)
    rooms: dict[int, neutral.Room] = {}
    tracks: dict[int, neutral.Track] = {}
    persons: dict[int, neutral.Person] = {}
    for slot in slots:
        session = slot.session
        room = None
        if slot.room_id:
            if slot.room_id not in rooms:
                r = slot.room
                rooms[slot.room_id] = neutral.Room(
                    name=r.name, guid=r.uuid, slug=r.slug, capacity=r.capacity
                )
            room = rooms[slot.room_id]
        track = None
        if session.track_id:
            if session.track_id not in tracks:
                t = session.track
                tracks[t.pk] = neutral.Track(name=t.name, slug=t.slug, color=t.colour)
            track = tracks[session.track_id]
        speakers = []
        for s in speakers_of[session.pk]:
            if s.pk not in persons:
                persons[s.pk] = neutral.Person(
                    name=s.name,
                    guid=s.uuid,
                    local_id=s.pk,
                    bio=s.bio,
                    avatar=s.picture_url or None,
                    url=speaker_url.replace(sentinel, s.slug),
                    links=[
                        neutral.Link(url=x["url"], title=x.get("title", ""))
                        for x in s.links
                        if isinstance(x, dict) and x.get("url")
                    ],
                )
            speakers.append(persons[s.pk])
        resources = resources_of[session.pk]
        multi = session.parts > 1
        title = f"{session.title} (part {slot.part} of {session.parts})" if multi else session.title
        # The state the release froze (a later cancellation is public with the next release).
        cancelled = (slot.state or session.state) == Session.CANCELLED
        sequence, changed_at = history.get((session.pk, slot.part), (0, release.released_at))
        programme.sessions.append(
            neutral.Entry(
                # Every part of a multi-part workshop is its own entry with its own stable guid.
                guid=session.uuid
                if slot.part == 1
                else uuid.uuid5(session.uuid, f"part-{slot.part}"),
                title=f"{CANCELLED_PREFIX}{title}" if cancelled else title,
                cancelled=cancelled,
                start=slot.start,
                duration=slot.end - slot.start,
                room=room,
                local_id=(
                    int(session.source_id)
                    if slot.part == 1 and session.source_id.isdigit()
                    else session.pk * 10 + slot.part - 1
                ),
                code=session.source_code or None,
                origin_url=session.source_url or None,
                feedback_url=session.feedback_url or None,
                slug=session.slug if slot.part == 1 else f"{session.slug}-part-{slot.part}",
                subtitle=session.subtitle,
                type=session.session_type.name,
                track=track,
                language=session.language,
                abstract=session.abstract,
                description=session.description,
                persons=speakers,
                links=[_link_for(r) for r in resources if r.kind != Resource.ATTACHMENT],
                attachments=[_link_for(r) for r in resources if r.kind == Resource.ATTACHMENT],
                do_not_record=session.do_not_record,
                url=session_url.replace(sentinel, session.slug),
                sub_event=session.event.name if session.event_id != umbrella.pk else None,
                sequence=sequence,
                last_modified=max(changed_at, session.updated_at),
            )
        )
    programme.rooms = list(rooms.values())
    programme.tracks = list(tracks.values())
    programme.persons = list(persons.values())
    by_day: dict[dt.date, list[neutral.Entry]] = defaultdict(list)
    for s in programme.sessions:
        by_day[umbrella.day_of(s.start)].append(s)
    for index, day in enumerate(event.days):
        sessions = by_day.get(day, [])
        # a day runs from its first session to its last, never into the next day's change, so
        # the exporters put every session on the day it belongs to
        end = max((s.end for s in sessions), default=None)
        programme.days.append(
            neutral.Day(
                index=index,
                date=day,
                start=min((s.start for s in sessions), default=None),
                end=end and min(end, umbrella.day_bounds(day)[1]),
            )
        )
    return programme


# --------------------------------------------------------------------------- import


def export_bytes(event: Event, format: str, *, base_url: str = "", **filters) -> bytes:
    programme = programme_for(event, base_url=base_url)
    if any(v is not None for v in filters.values()):
        programme = interop.filter_programme(programme, **filters)
    return interop.export(programme, format)
