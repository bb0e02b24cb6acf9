"""What happens to a schedule: freezing it, releasing it, comparing two versions (the
conflict checks are in :mod:`hallway.schedule.conflicts`).

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

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from hallway.audit.services import record
from hallway.common.models import unique_slug
from hallway.common.tracing import traced
from hallway.events.models import Event

# The checks have their own module (schedule/conflicts.py); these names stay importable here.
from hallway.schedule.conflicts import (  # noqa: F401
    HARD,
    SHOW_UP,
    SOFT,
    Conflict,
    schedule_conflicts,
)
from hallway.schedule.models import Schedule, Slot


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


def _local(moment: dt.datetime, event: Event) -> str:
    return timezone.localtime(moment, event.tz).strftime("%a %H:%M")


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
    previous = _copy_into(release, wip)
    store_changes(release, previous)
    record(umbrella, "release.made", by=by, obj=release, after={"version": version}, note=comment)
    return release


def _copy_into(release: Schedule, wip: Schedule) -> Schedule | None:
    """Copy the work in progress's slots into ``release``; returns the release before it."""
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
        Schedule.objects.filter(event=release.event_id, version__isnull=False)
        .exclude(pk=release.pk)
        .order_by("-released_at", "-pk")
        .first()
    )
    return previous


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
