"""Conflict checks of a schedule: what blocks a release (hard) and what is advice (soft).

One checker serves three askers.  A release and the optimiser check the whole schedule
(:func:`schedule_conflicts`); the editor's day page checks one day (:func:`day_conflicts`)
and a move the moved session's parts (:func:`session_conflicts`).  A scoped check loads the
slots it is asked about plus every slot that could conflict with them, and keeps the
conflicts that involve an asked-about slot, so its answer is the whole check's answer for
those slots (tests/manage/test_conflicts.py compares them on a world with every kind).

Why a time window is a sufficient neighbourhood: every conflict between two slots needs them
to overlap (room, speaker, plenary) or to follow each other with a gap under twice the
changeover minimum (changeover, distance); the others concern one slot.  A slot that
overlaps a slot starting at ``s`` starts after ``s - longest``, where ``longest`` is the
schedule's longest slot; one that follows within the gap starts before ``s + longest +
2×minimum``.
The slots between two neighbours (which decide who is "next" in a room) start between them,
inside the same window, so neighbours in the window are neighbours in the whole schedule.

The checks read plain values (one query each for slots, speakers, availabilities and
favourites), not model instances: the editor asks after every move, on hundreds of slots.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q
from django.utils import timezone

from hallway.events.models import Event, RoomAvailability
from hallway.programme.models import SessionSpeaker, SpeakerAvailability, missing_features
from hallway.schedule.models import Schedule

HARD, SOFT = "hard", "soft"
#: Of the attendees who starred a session, the share expected in the room (the scheduler's
#: default too, see planning.build_problem).
SHOW_UP = 0.6
#: Sessions in these states hold no room and no speaker.
GONE = ("cancelled", "withdrawn", "rejected")


@dataclasses.dataclass(frozen=True)
class Conflict:
    """A problem in a schedule, in words an organiser can act on.

    Hard conflicts block a release; soft ones are advice (a full room, a tight changeover).
    ``sessions`` are the ids of the sessions involved and ``when`` the moment it happens, so
    the editor can link to them; ``slots`` are the slots involved (what scoped checks keep
    by)."""

    kind: str
    message: str
    severity: str = HARD
    sessions: tuple[int, ...] = ()
    when: dt.datetime | None = None
    slots: tuple[int, ...] = dataclasses.field(default=(), compare=False, repr=False)

    def __str__(self) -> str:
        return self.message


@dataclasses.dataclass(slots=True)
class _Part:
    """A slot with what the checks read of its session and room."""

    id: int
    session_id: int
    room_id: int | None
    start: dt.datetime
    end: dt.datetime
    title: str
    plenary: bool
    features: frozenset
    expected: int | None
    room_name: str
    capacity: int | None
    room_features: frozenset
    floor: str


def _local(moment: dt.datetime, event: Event) -> str:
    return timezone.localtime(moment, event.tz).strftime("%a %H:%M")


def _overlaps(slots: list) -> Iterable[tuple]:
    """Pairs of overlapping slots, by a sweep over start times."""
    ordered = sorted(slots, key=lambda s: (s.start, s.end))
    active: list = []
    for slot in ordered:
        active = [a for a in active if a.end > slot.start]
        for other in active:
            yield other, slot
        active.append(slot)


def _parts(queryset) -> list[_Part]:
    rows = (
        queryset.filter(session__isnull=False)
        .exclude(session__state__in=GONE)
        .order_by("start", "id")
        .values_list(
            *("id", "session_id", "room_id", "start", "end", "session__title"),
            *("session__session_type__is_plenary", "session__required_features"),
            *("session__session_type__required_features", "session__expected_attendance"),
            *("room__name", "room__capacity", "room__features", "room__floor"),
        )
    )
    parts = []
    for pk, sid, rid, start, end, title, plenary, own, typed, expected, *room in rows:
        name, capacity, room_features, floor = room
        parts.append(
            _Part(
                *(pk, sid, rid, start, end, title, bool(plenary)),
                frozenset(own or ()) | frozenset(typed or ()),
                expected,
                *(name or "", capacity, frozenset(room_features or ()), floor or ""),
            )
        )
    return parts


@dataclasses.dataclass
class _World:
    """What the checks read, loaded once: the slots and who speaks in them."""

    event: Event
    parts: list[_Part]
    speakers: dict[int, list[int]]  # session → speaker ids
    names: dict[int, str]
    speaker_windows: dict[int, list[tuple]]
    room_windows: dict[int, list[tuple]]


def _load(schedule: Schedule, queryset) -> _World:
    parts = _parts(queryset)
    speakers: dict[int, list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    links = (
        SessionSpeaker.objects.filter(session_id__in={p.session_id for p in parts})
        .order_by("session_id", "position", "id")
        .values_list("session_id", "speaker_id", "speaker__name")
    )
    for session_id, speaker_id, name in links:
        speakers[session_id].append(speaker_id)
        names[speaker_id] = name
    speaker_windows: dict[int, list[tuple]] = defaultdict(list)
    for speaker_id, start, end in SpeakerAvailability.objects.filter(
        speaker_id__in=names
    ).values_list("speaker_id", "start", "end"):
        speaker_windows[speaker_id].append((start, end))
    room_windows: dict[int, list[tuple]] = defaultdict(list)
    for room_id, start, end in RoomAvailability.objects.filter(
        room_id__in={p.room_id for p in parts if p.room_id}
    ).values_list("room_id", "start", "end"):
        room_windows[room_id].append((start, end))
    return _World(schedule.event, parts, speakers, names, speaker_windows, room_windows)


def schedule_conflicts(schedule: Schedule, *, soft: bool = False) -> list[Conflict]:
    """Every hard conflict: a room used twice, a speaker in two places at once, a room that
    lacks a feature the session needs, anything beside a plenary session, a room or speaker
    outside their availability.  Only these block a release.

    With ``soft``, also the advice the schedule editor shows after them (see
    :func:`_soft_conflicts`)."""
    return _check(_load(schedule, schedule.slots.all()), soft)


def _reach(schedule: Schedule) -> dt.timedelta:
    """How far before or after a slot's start a slot that may conflict with it can start:
    the longest slot and the widest gap a soft check looks at."""
    length = ExpressionWrapper(F("end") - F("start"), output_field=DurationField())
    longest = schedule.slots.aggregate(n=Max(length))["n"] or dt.timedelta(0)
    minimum = dt.timedelta(minutes=schedule.event.umbrella.changeover_minutes)
    return longest + max(2 * minimum, dt.timedelta(minutes=1))


def conflicts_within(
    schedule: Schedule, start: dt.datetime, end: dt.datetime, *, soft: bool = True
) -> list[Conflict]:
    """The conflicts that involve a slot starting in [``start``, ``end``): the editor's day."""
    reach = _reach(schedule)
    nearby = schedule.slots.filter(start__gte=start - reach, start__lt=end + reach)
    world = _load(schedule, nearby)
    asked = {p.id for p in world.parts if start <= p.start < end}
    return [c for c in _check(world, soft) if asked.intersection(c.slots)]


def day_conflicts(schedule: Schedule, day: dt.date, *, soft: bool = True) -> list[Conflict]:
    """The conflicts the editor's page of conference day ``day`` shows."""
    start, end = schedule.event.umbrella.day_bounds(day)
    return conflicts_within(schedule, start, end, soft=soft)


def session_conflicts(schedule: Schedule, session_id: int, *, soft: bool = True) -> list[Conflict]:
    """The conflicts that involve any part of one session: what a move has just made."""
    placed = schedule.slots.filter(session_id=session_id).order_by()
    placed = list(placed.values_list("id", "start", "end"))
    if not placed:
        return []
    reach = _reach(schedule)
    ids = {pk for pk, _, _ in placed}
    near = Q()
    for _, start, _ in placed:
        near |= Q(start__gte=start - reach, start__lte=start + reach)
    world = _load(schedule, schedule.slots.filter(near))
    return [c for c in _check(world, soft) if ids.intersection(c.slots)]


def _check(world: _World, soft: bool) -> list[Conflict]:
    by_room: dict[int, list[_Part]] = defaultdict(list)
    by_speaker: dict[int, list[_Part]] = defaultdict(list)
    for part in world.parts:
        if part.room_id:
            by_room[part.room_id].append(part)
        for speaker_id in world.speakers.get(part.session_id, ()):
            by_speaker[speaker_id].append(part)
    conflicts = _pairs(world, by_room, by_speaker) + _singles(world)
    conflicts += _plenaries(world)
    if soft:
        conflicts += _soft_conflicts(world, by_room, by_speaker)
    return conflicts


def _conflict(kind, message, a, b=None, severity=HARD, when=None) -> Conflict:
    pair = (a, b) if b is not None else (a,)
    return Conflict(
        kind,
        message,
        severity=severity,
        sessions=tuple(p.session_id for p in pair),
        when=when or pair[-1].start,
        slots=tuple(p.id for p in pair),
    )


def _pairs(world: _World, by_room, by_speaker) -> list[Conflict]:
    event, names, conflicts = world.event, world.names, []
    for room_slots in by_room.values():
        for a, b in _overlaps(room_slots):
            conflicts.append(
                _conflict(
                    "room",
                    f"{a.room_name} holds '{a.title}' and '{b.title}' at {_local(b.start, event)}.",
                    a,
                    b,
                )
            )
    for speaker_id, speaker_slots in by_speaker.items():
        for a, b in _overlaps(speaker_slots):
            if a.session_id == b.session_id:
                continue
            conflicts.append(
                _conflict(
                    "speaker",
                    f"{names[speaker_id]} would be in two places at once: "
                    f"'{a.title}' and '{b.title}' at {_local(b.start, event)}.",
                    a,
                    b,
                )
            )
        windows = world.speaker_windows.get(speaker_id)
        if windows:
            for part in speaker_slots:
                if not any(s <= part.start and part.end <= e for s, e in windows):
                    conflicts.append(
                        _conflict(
                            "availability",
                            f"{names[speaker_id]} is not available for "
                            f"'{part.title}' at {_local(part.start, event)}.",
                            part,
                        )
                    )
    return conflicts


def _singles(world: _World) -> list[Conflict]:
    """A room that lacks a feature, or is closed, for the session in it."""
    event, conflicts = world.event, []
    for part in world.parts:
        if not part.room_id:
            continue
        missing = missing_features(part.features, part.room_features)
        if missing:
            conflicts.append(
                _conflict(
                    "feature",
                    f"{part.room_name} lacks {', '.join(missing)} for '{part.title}'.",
                    part,
                )
            )
        windows = world.room_windows.get(part.room_id)
        if windows and not any(s <= part.start and part.end <= e for s, e in windows):
            conflicts.append(
                _conflict(
                    "availability",
                    f"{part.room_name} is not available for '{part.title}' at "
                    f"{_local(part.start, event)}.",
                    part,
                )
            )
    return conflicts


def _plenaries(world: _World) -> list[Conflict]:
    conflicts = []
    for a, b in _overlaps(world.parts):
        for plenary, other in ((a, b), (b, a)):
            if plenary.plenary and other.session_id != plenary.session_id:
                conflicts.append(
                    _conflict(
                        "plenary",
                        f"'{other.title}' runs beside the plenary '{plenary.title}' at "
                        f"{_local(other.start, world.event)}.",
                        other,
                        plenary,
                        when=other.start,
                    )
                )
    return conflicts


def _soft_conflicts(world: _World, by_room, by_speaker) -> list[Conflict]:
    """Advice, not blocking: expected demand (favourites × show-up rate, or the organisers'
    estimate when larger) over a room's seats; a room's changeover shorter than the
    organisers' minimum (``Event.changeover_minutes``); a speaker's sessions back to back in
    different rooms with less than that minimum between them, or less than twice it when the
    rooms are on different floors (the venue's only notion of distance)."""
    return _capacity(world) + _changeovers(world, by_room) + _distances(world, by_speaker)


def _capacity(world: _World) -> list[Conflict]:
    from hallway.attendees.models import Favourite

    rooms = [p for p in world.parts if p.room_id and p.capacity]
    stars = dict(
        Favourite.objects.filter(session_id__in={p.session_id for p in rooms})
        .values_list("session_id")
        .annotate(n=Count("id"))
    )
    conflicts = []
    for part in rooms:
        demand = max(stars.get(part.session_id, 0) * SHOW_UP, part.expected or 0)
        if demand > part.capacity:
            conflicts.append(
                _conflict(
                    "capacity",
                    f"'{part.title}' expects about {demand:.0f} people "
                    f"({stars.get(part.session_id, 0)} favourites × {SHOW_UP:.0%} show-up"
                    f"{' or the organisers estimate' if part.expected else ''}"
                    f") in {part.room_name}, which seats {part.capacity}.",
                    part,
                    severity=SOFT,
                )
            )
    return conflicts


def _changeovers(world: _World, by_room) -> list[Conflict]:
    umbrella = world.event.umbrella
    minimum = dt.timedelta(minutes=umbrella.changeover_minutes)
    conflicts = []
    if not minimum:
        return conflicts
    for room_slots in by_room.values():
        ordered = sorted(room_slots, key=lambda s: s.start)
        for a, b in zip(ordered, ordered[1:], strict=False):
            gap = b.start - a.end
            if a.session_id != b.session_id and dt.timedelta(0) <= gap < minimum:
                conflicts.append(
                    _conflict(
                        "changeover",
                        f"{a.room_name} has {gap.seconds // 60} minutes between "
                        f"'{a.title}' and '{b.title}' at {_local(b.start, world.event)}; "
                        f"the organisers' minimum is {umbrella.changeover_minutes}.",
                        a,
                        b,
                        severity=SOFT,
                    )
                )
    return conflicts


def _distances(world: _World, by_speaker) -> list[Conflict]:
    minimum = dt.timedelta(minutes=world.event.umbrella.changeover_minutes)
    conflicts = []
    for speaker_id, speaker_slots in by_speaker.items():
        ordered = sorted(speaker_slots, key=lambda s: s.start)
        for a, b in zip(ordered, ordered[1:], strict=False):
            if a.session_id == b.session_id or a.room_id == b.room_id:
                continue
            gap = b.start - a.end
            floors = a.room_id and b.room_id and a.floor and b.floor
            far = bool(floors and a.floor != b.floor)
            needed = minimum * 2 if far else minimum
            if not (dt.timedelta(0) <= gap < max(needed, dt.timedelta(minutes=1))):
                continue
            where = (
                f"{a.room_name} ({a.floor}) to {b.room_name} ({b.floor})"
                if floors
                else f"{a.room_name if a.room_id else 'no room'} to "
                f"{b.room_name if b.room_id else 'no room'}"
            )
            conflicts.append(
                _conflict(
                    "distance",
                    f"{world.names[speaker_id]} has {gap.seconds // 60} minutes to get from "
                    f"{where} between '{a.title}' and '{b.title}' at "
                    f"{_local(b.start, world.event)}.",
                    a,
                    b,
                    severity=SOFT,
                )
            )
    return conflicts


__all__ = [
    "HARD",
    "SOFT",
    "SHOW_UP",
    "Conflict",
    "conflicts_within",
    "day_conflicts",
    "schedule_conflicts",
    "session_conflicts",
]
