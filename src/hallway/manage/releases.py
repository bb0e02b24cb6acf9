"""Releasing from the organiser area: what a release would change (per sub-event), and the
release itself with its notifications, in one transaction.

The preview carries :func:`~hallway.schedule.services.wip_fingerprint`, and the confirm hands
it back to ``release_schedule``, which refuses under its lock when the work in progress has
changed since: an organiser never publishes a timetable they have not seen.
"""

from __future__ import annotations

import dataclasses

from django.db import transaction

from hallway import permissions
from hallway.cfp.models import Message
from hallway.events.models import Event
from hallway.manage import notifications
from hallway.programme.models import Session
from hallway.schedule.models import Schedule, Slot
from hallway.schedule.services import (
    Conflict,
    ScheduleDiff,
    diff_schedules,
    latest_release,
    release_schedule,
    schedule_conflicts,
    wip_fingerprint,
    wip_schedule,
)


@dataclasses.dataclass
class EventChanges:
    """One event's part of a diff, ordered by time (a move by its new time)."""

    event: Event
    moved: list[tuple[Slot, Slot]] = dataclasses.field(default_factory=list)
    added: list[Slot] = dataclasses.field(default_factory=list)
    cancelled: list[Slot] = dataclasses.field(default_factory=list)
    removed: list[Slot] = dataclasses.field(default_factory=list)  # off the programme
    reinstated: list[Slot] = dataclasses.field(default_factory=list)  # cancelled no more

    @property
    def count(self) -> int:
        return sum(
            len(x) for x in (self.moved, self.added, self.cancelled, self.removed, self.reinstated)
        )


def changes_by_event(diff: ScheduleDiff, umbrella: Event) -> list[EventChanges]:
    """``diff`` split by the event each session belongs to: the umbrella's own sessions first,
    then each co-located event by name; events with no change are left out."""
    members = [umbrella, *umbrella.sub_events.order_by("name")]
    groups = {e.pk: EventChanges(e) for e in members}

    def group(slot: Slot) -> EventChanges:
        return groups.get(slot.session.event_id) or groups[umbrella.pk]

    for before, after in diff.moved:
        group(after).moved.append((before, after))
    for slot in diff.added:
        group(slot).added.append(slot)
    for before, after in diff.restated:
        if after.state == Session.CANCELLED:
            group(after).cancelled.append(after)
        elif before.state == Session.CANCELLED:
            group(after).reinstated.append(after)
    for slot in diff.removed:
        target = group(slot)
        (target.cancelled if slot.session.state == Session.CANCELLED else target.removed).append(
            slot
        )
    for g in groups.values():
        g.moved.sort(key=lambda pair: (pair[1].start, pair[1].session.title))
        for items in (g.added, g.cancelled, g.removed, g.reinstated):
            items.sort(key=lambda s: (s.start, s.session.title))
    return [groups[e.pk] for e in members if groups[e.pk].count]


@dataclasses.dataclass
class ReleasePreview:
    umbrella: Event
    previous: Schedule | None
    groups: list[EventChanges]
    conflicts: list[Conflict]
    fingerprint: str
    wip: Schedule
    notices: list[notifications.Notice]

    @property
    def count(self) -> int:
        return sum(g.count for g in self.groups)

    def groups_for(self, user) -> list[EventChanges]:
        """A sub-event's organiser sees its own sessions' changes, not a sibling's plans."""
        if permissions.umbrella_ids(user) and self.umbrella.pk in permissions.umbrella_ids(user):
            return self.groups
        mine = permissions.organised_event_ids(user)
        return [g for g in self.groups if g.event.pk in mine]


def release_preview(event: Event, *, with_notices: bool = False) -> ReleasePreview:
    """What releasing the umbrella's work in progress now would change since its last release,
    what blocks it, and (``with_notices``) who would be told."""
    umbrella = event.umbrella
    # The fingerprint first: if the WIP changes while the diff is read, the preview shows the
    # newer state and the confirm is refused, never the other way round.
    fingerprint = wip_fingerprint(umbrella)
    wip = wip_schedule(umbrella)
    previous = latest_release(umbrella)
    diff = diff_schedules(previous, wip)
    return ReleasePreview(
        umbrella=umbrella,
        previous=previous,
        groups=changes_by_event(diff, umbrella),
        conflicts=schedule_conflicts(wip),
        fingerprint=fingerprint,
        wip=wip,
        notices=notifications.release_notices(umbrella, diff) if previous and with_notices else [],
    )


@transaction.atomic
def make_release(
    event: Event, version: str, *, by, note: str = "", fingerprint: str | None = None
) -> tuple[Schedule, list[Message]]:
    """Release the umbrella's work in progress as ``version`` with the public ``note`` and
    queue one email per speaker and per attendee whose sessions it changed.

    The emails are written in the release's transaction and handed to the mail worker once it
    commits: a refused release sends nothing, and a failed send never undoes a release."""
    release = release_schedule(event, version, by=by, comment=note, fingerprint=fingerprint)
    previous_pk = (release.changes or {}).get("previous")
    if previous_pk is None:
        return release, []  # the first release changes nobody's plans
    previous = Schedule.objects.get(pk=previous_pk)
    return release, notifications.notify_release(release, previous)
