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
    slots = list(release_slots(event, release).prefetch_related(None).only(*_EXPORTED_FIELDS))
    build = _Entries(umbrella, release, base_url)
    programme.sessions = [build.entry(slot) for slot in slots]
    programme.rooms = list(build.rooms.values())
    programme.tracks = list(build.tracks.values())
    programme.persons = list(build.persons.values())
    programme.days = _days(event, programme.sessions)
    return programme


class _Entries:
    """The neutral entries of one release's slots, with the rooms, tracks and persons they
    share (one neutral object each, however many sessions use it)."""

    SENTINEL = "hallway-slug-sentinel"

    def __init__(self, umbrella: Event, release: Schedule, base_url: str):
        self.umbrella, self.release = umbrella, release
        # Speakers and resources in one query each, grouped here: Django's prefetch machinery
        # clones a queryset per session, which was most of an export's time at FOSDEM's size.
        released = release.slots.filter(session__isnull=False).values("session_id")
        self.speakers_of: dict[int, list[Speaker]] = defaultdict(list)
        for link in (
            SessionSpeaker.objects.filter(session_id__in=released)
            .select_related("speaker")
            .order_by("position", "id")
        ):
            self.speakers_of[link.session_id].append(link.speaker)
        self.resources_of: dict[int, list[Resource]] = defaultdict(list)
        for resource in Resource.objects.filter(session_id__in=released):
            self.resources_of[resource.session_id].append(resource)
        # reverse() once per kind of page, not once per session and speaker.
        args = [umbrella.slug, self.SENTINEL]
        self.session_url = f"{base_url}{reverse('agenda:session', args=args)}"
        self.speaker_url = f"{base_url}{reverse('agenda:speaker', args=args)}"
        self.history = _change_history(release)
        self.rooms: dict[int, neutral.Room] = {}
        self.tracks: dict[int, neutral.Track] = {}
        self.persons: dict[int, neutral.Person] = {}

    def room(self, slot: Slot) -> neutral.Room | None:
        if not slot.room_id:
            return None
        if slot.room_id not in self.rooms:
            r = slot.room
            self.rooms[r.pk] = neutral.Room(
                name=r.name, guid=r.uuid, slug=r.slug, capacity=r.capacity
            )
        return self.rooms[slot.room_id]

    def track(self, session: Session) -> neutral.Track | None:
        if not session.track_id:
            return None
        if session.track_id not in self.tracks:
            t = session.track
            self.tracks[t.pk] = neutral.Track(name=t.name, slug=t.slug, color=t.colour)
        return self.tracks[session.track_id]

    def person(self, s: Speaker) -> neutral.Person:
        if s.pk not in self.persons:
            self.persons[s.pk] = neutral.Person(
                name=s.name,
                guid=s.uuid,
                local_id=s.pk,
                bio=s.bio,
                avatar=s.picture_url or None,
                url=self.speaker_url.replace(self.SENTINEL, s.slug),
                links=[
                    neutral.Link(url=x["url"], title=x.get("title", ""))
                    for x in s.links
                    if isinstance(x, dict) and x.get("url")
                ],
            )
        return self.persons[s.pk]

    def entry(self, slot: Slot) -> neutral.Entry:
        session, part = slot.session, slot.part
        resources = self.resources_of[session.pk]
        sequence, changed_at = self.history.get((session.pk, part), (0, self.release.released_at))
        title = (
            f"{session.title} (part {part} of {session.parts})"
            if session.parts > 1
            else session.title
        )
        # The state the release froze (a later cancellation is public with the next release).
        cancelled = (slot.state or session.state) == Session.CANCELLED
        return neutral.Entry(
            # Every part of a multi-part workshop is its own entry with its own stable guid.
            guid=session.uuid if part == 1 else uuid.uuid5(session.uuid, f"part-{part}"),
            title=f"{CANCELLED_PREFIX}{title}" if cancelled else title,
            cancelled=cancelled,
            start=slot.start,
            duration=slot.end - slot.start,
            room=self.room(slot),
            local_id=(
                int(session.source_id)
                if part == 1 and session.source_id.isdigit()
                else session.pk * 10 + part - 1
            ),
            code=session.source_code or None,
            origin_url=session.source_url or None,
            feedback_url=session.feedback_url or None,
            slug=session.slug if part == 1 else f"{session.slug}-part-{part}",
            subtitle=session.subtitle,
            type=session.session_type.name,
            track=self.track(session),
            language=session.language,
            abstract=session.abstract,
            description=session.description,
            persons=[self.person(s) for s in self.speakers_of[session.pk]],
            links=[_link_for(r) for r in resources if r.kind != Resource.ATTACHMENT],
            attachments=[_link_for(r) for r in resources if r.kind == Resource.ATTACHMENT],
            do_not_record=session.do_not_record,
            url=self.session_url.replace(self.SENTINEL, session.slug),
            sub_event=session.event.name if session.event_id != self.umbrella.pk else None,
            sequence=sequence,
            last_modified=max(changed_at, session.updated_at),
        )


def _days(event: Event, entries: list[neutral.Entry]) -> list[neutral.Day]:
    umbrella = event.umbrella
    by_day: dict[dt.date, list[neutral.Entry]] = defaultdict(list)
    for s in entries:
        by_day[umbrella.day_of(s.start)].append(s)
    days = []
    for index, day in enumerate(event.days):
        sessions = by_day.get(day, [])
        # a day runs from its first session to its last, never into the next day's change, so
        # the exporters put every session on the day it belongs to
        end = max((s.end for s in sessions), default=None)
        days.append(
            neutral.Day(
                index=index,
                date=day,
                start=min((s.start for s in sessions), default=None),
                end=end and min(end, umbrella.day_bounds(day)[1]),
            )
        )
    return days


# --------------------------------------------------------------------------- import


def export_bytes(event: Event, format: str, *, base_url: str = "", **filters) -> bytes:
    programme = programme_for(event, base_url=base_url)
    if any(v is not None for v in filters.values()):
        programme = interop.filter_programme(programme, **filters)
    return interop.export(programme, format)
