"""What happens to a schedule: checking it, releasing it, comparing two versions.

``release_schedule`` is the one place a release is made: it checks the work in progress for
hard conflicts, then copies its slots into an immutable, versioned ``Schedule`` in one
transaction.

What a release freezes is the timetable: which sessions are on the programme, whether each is
scheduled or cancelled (``Slot.state``), and their times and rooms.  Text (titles, abstracts,
speakers' names and bios, links) is read live, so a corrected typo is public at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from hallway.audit.services import record
from hallway.common.models import unique_slug
from hallway.common.tracing import traced
from hallway.events.models import Event
from hallway.programme.models import SessionSpeaker
from hallway.schedule.models import Schedule, Slot

HARD, SOFT = "hard", "soft"
#: Of the attendees who starred a session, the share expected in the room (the scheduler's
#: default too, see planning.build_problem).
SHOW_UP = 0.6


@dataclasses.dataclass(frozen=True)
class Conflict:
    """A problem in a schedule, in words an organiser can act on.

    Hard conflicts block a release; soft ones are advice (a full room, a tight changeover).
    ``sessions`` are the ids of the sessions involved and ``when`` the moment it happens, so
    the editor can link to them."""

    kind: str
    message: str
    severity: str = HARD
    sessions: tuple[int, ...] = ()
    when: dt.datetime | None = None

    def __str__(self) -> str:
        return self.message


def wip_schedule(event: Event) -> Schedule:
    """The umbrella's work-in-progress schedule, created on first use."""
    umbrella = event.umbrella
    schedule, _ = Schedule.objects.get_or_create(event=umbrella, version=None)
    return schedule


class ScheduleFrozen(ValidationError):
    """The umbrella's schedule is frozen: no edit, optimisation or release until unfrozen."""

    def __init__(self, wip: Schedule):
        who = wip.frozen_by.get_username() if wip.frozen_by_id else "an organiser"
        when = _local(wip.frozen_at, wip.event)
        super().__init__(
            f"The schedule is frozen (by {who} since {when}): nothing can be moved, optimised "
            "or released until an umbrella organiser unfreezes it."
        )


def ensure_not_frozen(event: Event) -> None:
    """Raise :class:`ScheduleFrozen` when the umbrella's schedule is frozen."""
    wip = (
        Schedule.objects.select_related("frozen_by", "event")
        .filter(event=event.umbrella, version=None, frozen_at__isnull=False)
        .first()
    )
    if wip is not None:
        raise ScheduleFrozen(wip)


@transaction.atomic
def freeze_schedule(event: Event, *, by) -> Schedule:
    """Stop every change to the umbrella's schedule; recorded in the audit log."""
    from hallway.permissions import require

    umbrella = event.umbrella
    require(by, "hallway.freeze_schedule", umbrella)
    wip = Schedule.objects.select_for_update().get(pk=wip_schedule(umbrella).pk)
    if wip.frozen_at is None:
        wip.frozen_at, wip.frozen_by = timezone.now(), by
        wip.save(update_fields=["frozen_at", "frozen_by"])
        record(umbrella, "schedule.frozen", by=by, obj=wip)
    return wip


@transaction.atomic
def unfreeze_schedule(event: Event, *, by) -> Schedule:
    from hallway.permissions import require

    umbrella = event.umbrella
    require(by, "hallway.freeze_schedule", umbrella)
    wip = Schedule.objects.select_for_update().get(pk=wip_schedule(umbrella).pk)
    if wip.frozen_at is not None:
        before = {"frozen_at": wip.frozen_at, "frozen_by": wip.frozen_by_id}
        wip.frozen_at, wip.frozen_by = None, None
        wip.save(update_fields=["frozen_at", "frozen_by"])
        record(umbrella, "schedule.unfrozen", by=by, obj=wip, before=before)
    return wip


class ReleaseOutdated(ValidationError):
    """The work in progress changed after the organiser looked at the release's preview."""

    def __init__(self):
        super().__init__(
            "The work in progress changed after you opened the preview (a session was moved, "
            "added or cancelled, or another release was made): nothing was released. Read the "
            "new preview and confirm again."
        )


def wip_fingerprint(event: Event) -> str:
    """A short digest of everything a release of the umbrella would publish: every WIP slot
    (session, part, room, times, label) with its session's state, and the release it would
    follow.  A preview carries it, so a confirm cannot publish a WIP nobody has seen."""
    umbrella = event.umbrella
    previous = latest_release(umbrella)
    digest = hashlib.sha256(f"after:{previous.pk if previous else '-'}".encode())
    fields = ("pk", "session_id", "part", "room_id", "start", "end", "label", "pinned")
    for row in wip_schedule(umbrella).slots.order_by("pk").values_list(*fields, "session__state"):
        # Datetimes as ISO text: the same moment reads the same on SQLite and PostgreSQL.
        line = "|" + ",".join(v.isoformat() if hasattr(v, "isoformat") else repr(v) for v in row)
        digest.update(line.encode())
    return digest.hexdigest()[:20]


def latest_release(event: Event) -> Schedule | None:
    return (
        Schedule.objects.filter(event=event.umbrella, version__isnull=False)
        .order_by("-released_at", "-id")
        .first()
    )


def _overlaps(slots: list[Slot]) -> Iterable[tuple[Slot, Slot]]:
    """Pairs of overlapping slots, by a sweep over start times."""
    ordered = sorted(slots, key=lambda s: (s.start, s.end))
    active: list[Slot] = []
    for slot in ordered:
        active = [a for a in active if a.end > slot.start]
        for other in active:
            yield other, slot
        active.append(slot)


def _local(moment: dt.datetime, event: Event) -> str:
    return timezone.localtime(moment, event.tz).strftime("%a %H:%M")


def schedule_conflicts(schedule: Schedule, *, soft: bool = False) -> list[Conflict]:
    """Every hard conflict: a room used twice, a speaker in two places at once, a room that
    lacks a feature the session needs, anything beside a plenary session, a room or speaker
    outside their availability.  Only these block a release.

    With ``soft``, also the advice the schedule editor shows after them (see
    :func:`_soft_conflicts`)."""
    event = schedule.event
    # Cancelled and withdrawn sessions hold no room and no speaker.
    # Only the fields the checks read: the editor asks after every move, on 200+ slots.
    slots = list(
        schedule.slots.exclude(session__state__in=["cancelled", "withdrawn", "rejected"])
        .select_related("room", "session__session_type")
        .only(
            *("id", "schedule_id", "session_id", "part", "room_id", "start", "end", "label"),
            *("room__name", "room__capacity", "room__features", "room__floor"),
            *("session__title", "session__state", "session__required_features"),
            *("session__expected_attendance", "session__session_type_id"),
            *("session__session_type__is_plenary", "session__session_type__required_features"),
        )
        .prefetch_related(
            Prefetch(
                "session__speaker_links",
                queryset=SessionSpeaker.objects.select_related("speaker").only(
                    "session_id", "speaker_id", "position", "speaker__name"
                ),
            ),
            "session__speaker_links__speaker__availabilities",
            "room__availabilities",
        )
    )
    conflicts: list[Conflict] = []

    by_room: dict[int, list[Slot]] = defaultdict(list)
    by_speaker: dict[int, list[Slot]] = defaultdict(list)
    speakers = {}
    for slot in slots:
        if slot.room_id and slot.session_id:
            by_room[slot.room_id].append(slot)
        if slot.session_id:
            for link in slot.session.speaker_links.all():
                by_speaker[link.speaker_id].append(slot)
                speakers[link.speaker_id] = link.speaker

    for room_slots in by_room.values():
        for a, b in _overlaps(room_slots):
            conflicts.append(
                Conflict(
                    "room",
                    f"{a.room.name} holds '{a.session.title}' and '{b.session.title}' at "
                    f"{_local(b.start, event)}.",
                    sessions=(a.session_id, b.session_id),
                    when=b.start,
                )
            )
    for speaker_id, speaker_slots in by_speaker.items():
        for a, b in _overlaps(speaker_slots):
            if a.session_id == b.session_id:
                continue
            conflicts.append(
                Conflict(
                    "speaker",
                    f"{speakers[speaker_id].name} would be in two places at once: "
                    f"'{a.session.title}' and '{b.session.title}' at {_local(b.start, event)}.",
                    sessions=(a.session_id, b.session_id),
                    when=b.start,
                )
            )
        windows = list(speakers[speaker_id].availabilities.all())
        if windows:
            for slot in speaker_slots:
                if not any(w.start <= slot.start and slot.end <= w.end for w in windows):
                    conflicts.append(
                        Conflict(
                            "availability",
                            f"{speakers[speaker_id].name} is not available for "
                            f"'{slot.session.title}' at {_local(slot.start, event)}.",
                            sessions=(slot.session_id,),
                            when=slot.start,
                        )
                    )
    room_windows: dict[int, list] = {}
    for slot in slots:
        if not slot.session_id:
            continue
        if slot.room_id:
            missing = slot.session.features_missing_in(slot.room)
            if missing:
                conflicts.append(
                    Conflict(
                        "feature",
                        f"{slot.room.name} lacks {', '.join(missing)} for '{slot.session.title}'.",
                        sessions=(slot.session_id,),
                        when=slot.start,
                    )
                )
            if slot.room_id not in room_windows:
                room_windows[slot.room_id] = list(slot.room.availabilities.all())
            windows = room_windows[slot.room_id]
            if windows and not any(w.start <= slot.start and slot.end <= w.end for w in windows):
                conflicts.append(
                    Conflict(
                        "availability",
                        f"{slot.room.name} is not available for '{slot.session.title}' at "
                        f"{_local(slot.start, event)}.",
                        sessions=(slot.session_id,),
                        when=slot.start,
                    )
                )
    session_slots = [s for s in slots if s.session_id]
    for a, b in _overlaps(session_slots):
        for plenary, other in ((a, b), (b, a)):
            if plenary.session.is_plenary and other.session_id != plenary.session_id:
                conflicts.append(
                    Conflict(
                        "plenary",
                        f"'{other.session.title}' runs beside the plenary "
                        f"'{plenary.session.title}' at {_local(other.start, event)}.",
                        sessions=(other.session_id, plenary.session_id),
                        when=other.start,
                    )
                )
    if soft:
        conflicts += _soft_conflicts(event, session_slots, by_room, by_speaker, speakers)
    return conflicts


def _soft_conflicts(event, slots, by_room, by_speaker, speakers) -> list[Conflict]:
    """Advice, not blocking: expected demand (favourites × show-up rate, or the organisers'
    estimate when larger) over a room's seats; a room's changeover shorter than the
    organisers' minimum (``Event.changeover_minutes``); a speaker's sessions back to back in
    different rooms with less than that minimum between them, or less than twice it when the
    rooms are on different floors (the venue's only notion of distance)."""
    from django.db.models import Count

    from hallway.attendees.models import Favourite

    umbrella = event.umbrella
    minimum = dt.timedelta(minutes=umbrella.changeover_minutes)
    conflicts: list[Conflict] = []
    stars = dict(
        Favourite.objects.filter(session_id__in={s.session_id for s in slots})
        .values_list("session_id")
        .annotate(n=Count("id"))
    )
    for slot in slots:
        capacity = slot.room.capacity if slot.room_id else None
        if not capacity:
            continue
        demand = max(stars.get(slot.session_id, 0) * SHOW_UP, slot.session.expected_attendance or 0)
        if demand > capacity:
            conflicts.append(
                Conflict(
                    "capacity",
                    f"'{slot.session.title}' expects about {demand:.0f} people "
                    f"({stars.get(slot.session_id, 0)} favourites × {SHOW_UP:.0%} show-up"
                    f"{' or the organisers estimate' if slot.session.expected_attendance else ''}"
                    f") in {slot.room.name}, which seats {capacity}.",
                    severity=SOFT,
                    sessions=(slot.session_id,),
                    when=slot.start,
                )
            )
    if minimum:
        for room_slots in by_room.values():
            ordered = sorted(room_slots, key=lambda s: s.start)
            for a, b in zip(ordered, ordered[1:], strict=False):
                gap = b.start - a.end
                if a.session_id != b.session_id and dt.timedelta(0) <= gap < minimum:
                    conflicts.append(
                        Conflict(
                            "changeover",
                            f"{a.room.name} has {gap.seconds // 60} minutes between "
                            f"'{a.session.title}' and '{b.session.title}' at "
                            f"{_local(b.start, event)}; the organisers' minimum is "
                            f"{umbrella.changeover_minutes}.",
                            severity=SOFT,
                            sessions=(a.session_id, b.session_id),
                            when=b.start,
                        )
                    )
    for speaker_id, speaker_slots in by_speaker.items():
        ordered = sorted(speaker_slots, key=lambda s: s.start)
        for a, b in zip(ordered, ordered[1:], strict=False):
            if a.session_id == b.session_id or a.room_id == b.room_id:
                continue
            gap = b.start - a.end
            floors = a.room_id and b.room_id and a.room.floor and b.room.floor
            far = bool(floors and a.room.floor != b.room.floor)
            needed = minimum * 2 if far else minimum
            if not (dt.timedelta(0) <= gap < max(needed, dt.timedelta(minutes=1))):
                continue
            where = (
                f"{a.room.name} ({a.room.floor}) to {b.room.name} ({b.room.floor})"
                if floors
                else f"{a.room.name if a.room_id else 'no room'} to "
                f"{b.room.name if b.room_id else 'no room'}"
            )
            conflicts.append(
                Conflict(
                    "distance",
                    f"{speakers[speaker_id].name} has {gap.seconds // 60} minutes to get from "
                    f"{where} between '{a.session.title}' and '{b.session.title}' at "
                    f"{_local(b.start, event)}.",
                    severity=SOFT,
                    sessions=(a.session_id, b.session_id),
                    when=b.start,
                )
            )
    return conflicts


def release_slug(umbrella: Event, version: str) -> str:
    """A URL slug for release ``version``: '1.0' → '1-0', unique within the umbrella."""
    releases = Schedule.objects.filter(event=umbrella)
    return unique_slug(version.replace(".", "-"), releases, max_length=80, empty="release")


@traced("hallway.release")
@transaction.atomic
def release_schedule(
    event: Event,
    version: str,
    *,
    by=None,
    comment: str = "",
    allow_conflicts: bool = False,
    fingerprint: str | None = None,
) -> Schedule:
    """Freeze the work-in-progress schedule as release ``version``.

    Refuses (with every conflict named) a schedule with hard conflicts or a version name that
    was used before; on success the new release is what every public page shows.  Imports
    pass ``allow_conflicts``: they republish what another tool already published, conflicts
    and all, and report them instead.

    ``by`` is the user releasing: a release publishes every sub-event's work, so it needs the
    umbrella's rights (``hallway.release_schedule``).  ``by=None`` is the system itself (the
    demo loader, an import whose caller checked ``hallway.import_programme``).

    ``fingerprint`` is :func:`wip_fingerprint` as the organiser's preview showed it: when the
    work in progress has changed since, nothing is released (:class:`ReleaseOutdated`).
    """
    umbrella = event.umbrella
    if by is not None:
        from hallway.permissions import require

        require(by, "hallway.release_schedule", umbrella)
    version = (version or "").strip()
    if not version:
        raise ValidationError("A release needs a version name, e.g. '1.0' or 'Friday fix'.")
    # One release of an umbrella at a time: two organisers pressing "release" together would
    # otherwise both pass the checks below and clash on the version or slug (a 500).  The
    # row lock holds until this transaction ends; the second release then sees the first.
    umbrella = Event.objects.select_for_update().get(pk=umbrella.pk)
    ensure_not_frozen(umbrella)
    if fingerprint is not None and fingerprint != wip_fingerprint(umbrella):
        raise ReleaseOutdated()
    exists = ValidationError(f"Release '{version}' exists already: choose a new version name.")
    if Schedule.objects.filter(event=umbrella, version=version).exists():
        raise exists
    wip = wip_schedule(umbrella)
    conflicts = [] if allow_conflicts else schedule_conflicts(wip)
    if conflicts:
        raise ValidationError([c.message for c in conflicts])
    try:
        with transaction.atomic():
            release = Schedule.objects.create(
                event=umbrella,
                version=version,
                slug=release_slug(umbrella, version),
                released_at=timezone.now(),
                released_by=by,
                comment=comment,
            )
    except IntegrityError:
        # Only a writer that bypasses the lock (a raw SQL script) can get here.
        raise exists from None
    Slot.objects.bulk_create(
        Slot(
            schedule=release,
            session_id=s.session_id,
            part=s.part,
            room_id=s.room_id,
            start=s.start,
            end=s.end,
            label=s.label,
            pinned=s.pinned,
            # The timetable is frozen, and with it whether a session is on or cancelled.
            state=s.session.state if s.session_id else "",
        )
        for s in wip.slots.select_related("session")
    )
    previous = (
        Schedule.objects.filter(event=umbrella, version__isnull=False)
        .exclude(pk=release.pk)
        .order_by("-released_at", "-pk")
        .first()
    )
    store_changes(release, previous)
    record(umbrella, "release.made", by=by, obj=release, after={"version": version}, note=comment)
    return release


def store_changes(release: Schedule, previous: Schedule | None) -> dict:
    """Compare ``release`` with the one before it once, and keep the answer on the release."""
    diff = diff_schedules(previous, release)
    release.changes = {
        "previous": previous.pk if previous else None,
        "added": [s.pk for s in diff.added],
        "removed": [s.pk for s in diff.removed],
        "moved": [[a.pk, b.pk] for a, b in diff.moved],
        "restated": [[a.pk, b.pk] for a, b in diff.restated],
    }
    # An update, not a save: a release's row changes nothing the public sees by itself.
    Schedule.objects.filter(pk=release.pk).update(changes=release.changes)
    return release.changes


def stored_diff(release: Schedule, previous: Schedule | None) -> ScheduleDiff:
    """The diff kept on ``release`` (computed and kept now for a release made before diffs
    were stored), its slots loaded in one query with their sessions and rooms."""
    ids = release.changes
    if not ids or ids.get("previous") != (previous.pk if previous else None):
        ids = store_changes(release, previous)
    wanted = {*ids["added"], *ids["removed"]}
    for pair in ids["moved"] + ids["restated"]:
        wanted.update(pair)
    slots = Slot.objects.select_related("session", "session__event", "room").in_bulk(wanted)
    return ScheduleDiff(
        added=[slots[i] for i in ids["added"] if i in slots],
        removed=[slots[i] for i in ids["removed"] if i in slots],
        moved=[(slots[a], slots[b]) for a, b in ids["moved"] if a in slots and b in slots],
        restated=[(slots[a], slots[b]) for a, b in ids["restated"] if a in slots and b in slots],
    )


@dataclasses.dataclass
class ScheduleDiff:
    added: list[Slot]
    removed: list[Slot]
    moved: list[tuple[Slot, Slot]]
    #: Parts whose frozen state changed (scheduled → cancelled, or back), as (old, new).
    restated: list[tuple[Slot, Slot]] = dataclasses.field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.moved or self.restated)


def diff_schedules(old: Schedule | None, new: Schedule) -> ScheduleDiff:
    """Session parts added, removed or moved (in time or room) from ``old`` to ``new``."""

    def keyed(schedule: Schedule | None) -> dict[tuple[int, int], Slot]:
        if schedule is None:
            return {}
        slots = list(schedule.slots.filter(session__isnull=False).select_related("session", "room"))
        if not schedule.is_release:
            # The work in progress reads its sessions' live state (a release would freeze
            # it), so a preview against it sees cancellations as a release would.
            for slot in slots:
                slot.state = slot.session.state
        return {(s.session_id, s.part): s for s in slots}

    before, after = keyed(old), keyed(new)
    return ScheduleDiff(
        added=[after[k] for k in after.keys() - before.keys()],
        removed=[before[k] for k in before.keys() - after.keys()],
        moved=[
            (before[k], after[k])
            for k in before.keys() & after.keys()
            if (before[k].start, before[k].end, before[k].room_id)
            != (after[k].start, after[k].end, after[k].room_id)
        ],
        restated=[
            (before[k], after[k])
            for k in before.keys() & after.keys()
            if before[k].state and after[k].state and before[k].state != after[k].state
        ],
    )


def unscheduled_sessions(event: Event):
    """Schedulable sessions (accepted or confirmed) of ``event`` and, for an umbrella, its
    sub-events, that have no slot in the work-in-progress schedule yet: the editor's and the
    scheduler's to-do list, where confirmed call-for-papers submissions arrive."""
    from hallway.programme.models import Session

    wip = wip_schedule(event)
    return (
        Session.objects.filter(event_id__in=event.family_ids(), state__in=Session.SCHEDULABLE)
        .exclude(slots__schedule=wip)
        .order_by("title")
    )
