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
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from hallway.audit.services import record
from hallway.common.tracing import traced
from hallway.events.models import Event
from hallway.schedule.models import Schedule, Slot


@dataclasses.dataclass(frozen=True)
class Conflict:
    """A hard problem in a schedule, in words an organiser can act on."""

    kind: str
    message: str

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


def schedule_conflicts(schedule: Schedule) -> list[Conflict]:
    """Every hard conflict: a room used twice, a speaker in two places at once, a room that
    lacks a feature the session needs, anything beside a plenary session, a room or speaker
    outside their availability."""
    event = schedule.event
    # Cancelled and withdrawn sessions hold no room and no speaker.
    slots = list(
        schedule.slots.exclude(session__state__in=["cancelled", "withdrawn", "rejected"])
        .select_related("room", "session__session_type")
        .prefetch_related("session__speaker_links__speaker__availabilities", "room__availabilities")
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
                        )
                    )
    for slot in slots:
        if not slot.session_id:
            continue
        if slot.room_id:
            missing = slot.session.all_required_features - set(slot.room.features)
            if missing:
                conflicts.append(
                    Conflict(
                        "feature",
                        f"{slot.room.name} lacks {', '.join(sorted(missing))} for "
                        f"'{slot.session.title}'.",
                    )
                )
            windows = list(slot.room.availabilities.all())
            if windows and not any(w.start <= slot.start and slot.end <= w.end for w in windows):
                conflicts.append(
                    Conflict(
                        "availability",
                        f"{slot.room.name} is not available for '{slot.session.title}' at "
                        f"{_local(slot.start, event)}.",
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
                    )
                )
    return conflicts


def release_slug(umbrella: Event, version: str) -> str:
    """A URL slug for release ``version``: '1.0' → '1-0', unique within the umbrella."""
    base = slugify(version.replace(".", "-"))[:80] or "release"
    releases = Schedule.objects.filter(event=umbrella, slug__startswith=base)
    taken = set(releases.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@traced("hallway.release")
@transaction.atomic
def release_schedule(
    event: Event, version: str, *, by=None, comment: str = "", allow_conflicts: bool = False
) -> Schedule:
    """Freeze the work-in-progress schedule as release ``version``.

    Refuses (with every conflict named) a schedule with hard conflicts or a version name that
    was used before; on success the new release is what every public page shows.  Imports
    pass ``allow_conflicts``: they republish what another tool already published, conflicts
    and all, and report them instead.

    ``by`` is the user releasing: a release publishes every sub-event's work, so it needs the
    umbrella's rights (``hallway.release_schedule``).  ``by=None`` is the system itself (the
    demo loader, an import whose caller checked ``hallway.import_programme``).
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
        return {
            (s.session_id, s.part): s
            for s in schedule.slots.filter(session__isnull=False).select_related("session", "room")
        }

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
