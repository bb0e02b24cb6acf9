"""What the public may see: the latest release and its history, read-only.  The public pages,
the exports and the calendar filters all read through here, so "published" means one thing."""

from __future__ import annotations

import dataclasses

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from hallway.events.models import Event, Room, SessionType, Track
from hallway.programme.models import Session, SessionSpeaker, Speaker
from hallway.schedule.models import Schedule, Slot
from hallway.schedule.services import latest_release, stored_diff

# What the public may see: sessions on the programme, and those cancelled after publication
# (shown as cancelled, so attendees are not left waiting at a door).  The state that counts
# is the one the latest release froze (``Slot.state``), not the session's live state.
PUBLIC_STATES = (*Session.SCHEDULABLE, Session.CANCELLED)

# One answer for "not there" and "not published": a hidden session, speaker or room must not
# be told apart from one that does not exist, by status or by body.
NOT_FOUND = "Not found in the published programme."


def get_event(slug: str) -> Event:
    return get_object_or_404(Event.objects.select_related("parent"), slug=slug)


def get_umbrella(slug: str) -> Event:
    event = get_event(slug)
    if not event.is_umbrella:
        raise Http404("Not an umbrella event.")
    return event


@dataclasses.dataclass(frozen=True)
class Filters:
    """What the attendee narrowed the programme to; empty tuples mean 'everything'."""

    events: tuple[str, ...] = ()
    tracks: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, query) -> Filters:
        def values(name: str) -> tuple[str, ...]:
            return tuple(v for v in query.getlist(name) if v)

        return cls(values("event"), values("track"), values("type"), values("room"))

    def __bool__(self) -> bool:
        return bool(self.events or self.tracks or self.types or self.rooms)

    def apply(self, slots: QuerySet) -> QuerySet:
        if self.events:
            slots = slots.filter(session__event__slug__in=self.events)
        if self.tracks:
            slots = slots.filter(session__track__slug__in=self.tracks)
        if self.types:
            slots = slots.filter(session__session_type__slug__in=self.types)
        if self.rooms:
            slots = slots.filter(room__slug__in=self.rooms)
        return slots


def release_slots(event: Event, release: Schedule | None = None) -> QuerySet:
    """Session slots of the latest release belonging to ``event`` (all sub-events for an
    umbrella), with everything a programme page shows loaded in a fixed number of queries."""
    release = release or latest_release(event)
    if release is None:
        return Slot.objects.none()
    speakers = Prefetch(
        "session__speaker_links",
        queryset=SessionSpeaker.objects.select_related("speaker").order_by("position", "id"),
    )
    return (
        release.slots.filter(session__event_id__in=event.family_ids(), state__in=PUBLIC_STATES)
        .select_related("room", "session__event", "session__track", "session__session_type")
        .prefetch_related(speakers)
        .order_by("start", "room__position", "room__name")
    )


def public_session(umbrella: Event, slug: str) -> Session:
    """A session on the latest release, by slug; 404 (the same as a missing one) otherwise."""
    released = release_slots(umbrella).filter(session__slug=slug).values("session_id")
    session = Session.objects.filter(pk__in=released).first()
    if session is None:
        raise Http404(NOT_FOUND)
    return session


def public_speakers(umbrella: Event) -> QuerySet:
    """Speakers of the sessions on the latest release."""
    return Speaker.objects.filter(
        event=umbrella, sessions__slots__in=release_slots(umbrella).values("pk")
    ).distinct()


def public_speaker(umbrella: Event, slug: str) -> Speaker:
    speaker = public_speakers(umbrella).filter(slug=slug).first()
    if speaker is None:
        raise Http404(NOT_FOUND)
    return speaker


def public_rooms(umbrella: Event) -> QuerySet:
    """Rooms the latest release uses (for a session or a break)."""
    release = latest_release(umbrella)
    if release is None:
        return Room.objects.none()
    return Room.objects.filter(event=umbrella, slots__schedule=release).distinct()


def public_room(umbrella: Event, slug: str) -> Room:
    room = public_rooms(umbrella).filter(slug=slug).first()
    if room is None:
        raise Http404(NOT_FOUND)
    return room


def public_track(event: Event, slug: str) -> Track:
    """A track with a session on the latest release (of ``event``'s family)."""
    released = release_slots(event).values("session__track_id")
    track = Track.objects.filter(pk__in=released, slug=slug).first()
    if track is None:
        raise Http404(NOT_FOUND)
    return track


def break_slots(event: Event, release: Schedule | None = None) -> QuerySet:
    release = release or latest_release(event)
    if release is None:
        return Slot.objects.none()
    return release.slots.filter(session__isnull=True).select_related("room")


def filter_choices(event: Event) -> dict[str, QuerySet]:
    """What the programme can be narrowed to: only tracks, types and rooms the latest release
    uses (a track of sessions not yet released is not announced by the filter either)."""
    umbrella = event.umbrella
    released = release_slots(event).prefetch_related(None)
    return {
        "events": umbrella.sub_events.all() if event.is_umbrella else Event.objects.none(),
        "tracks": Track.objects.filter(pk__in=released.values("session__track_id")),
        "types": SessionType.objects.filter(pk__in=released.values("session__session_type_id")),
        "rooms": public_rooms(umbrella),
    }


@dataclasses.dataclass
class ReleaseChanges:
    """What a release changed for ``event`` since the release before it."""

    release: Schedule
    previous: Schedule | None
    moved: list[tuple[Slot, Slot]]
    added: list[Slot]
    cancelled: list[Slot]  # removed because the session was cancelled
    removed: list[Slot]  # removed for another reason (withdrawn, taken off the programme)

    @property
    def count(self) -> int:
        return len(self.moved) + len(self.added) + len(self.cancelled) + len(self.removed)


def releases(umbrella: Event) -> list[Schedule]:
    """Every release of the umbrella, newest first."""
    return list(umbrella.schedules.exclude(version=None).order_by("-released_at", "-pk"))


def release_changes(event: Event, release: Schedule, previous: Schedule | None) -> ReleaseChanges:
    """The difference between two releases, limited to ``event``'s sessions and ordered by time
    (for a move, by its new time)."""
    diff = stored_diff(release, previous)
    family = set(event.family_ids())

    def mine(slot: Slot) -> bool:
        return slot.session.event_id in family

    removed = sorted((s for s in diff.removed if mine(s)), key=lambda s: s.start)
    # A cancellation is published by the release that first carries the cancelled state
    # (the slot usually stays, so attendees see it struck through); older releases, made
    # before slots kept their state, are read by the session's state as before.
    newly_cancelled = sorted(
        (
            after
            for _before, after in diff.restated
            if mine(after) and after.state == Session.CANCELLED
        ),
        key=lambda s: s.start,
    )
    return ReleaseChanges(
        release=release,
        previous=previous,
        moved=sorted((m for m in diff.moved if mine(m[1])), key=lambda m: m[1].start),
        added=sorted((s for s in diff.added if mine(s)), key=lambda s: s.start),
        cancelled=newly_cancelled + [s for s in removed if s.session.state == Session.CANCELLED],
        removed=[s for s in removed if s.session.state != Session.CANCELLED],
    )
