"""The schedule: one work-in-progress schedule per umbrella and immutable named releases.

Releasing copies the WIP slots into a new ``Schedule`` with a version name; public pages and
exports read only the latest release, so every public cache can be keyed by its version.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from hallway.common.models import TimeStamped
from hallway.events.models import Event, Room
from hallway.programme.models import Session


class Schedule(TimeStamped):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedules")
    # NULL (not "") marks the one work in progress, so (event, version) can stay unique.
    version = models.CharField(  # noqa: DJ001
        max_length=80, null=True, blank=True, help_text="Empty for the work in progress."
    )
    # The release's public URL (/<event>/changes/<slug>/); set once when released.
    slug = models.SlugField(max_length=90, blank=True, editable=False)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    comment = models.TextField(blank=True, help_text="Public release notes.")
    # What this release changed since the one before it, as slot ids ({"added": [...],
    # "removed": [...], "moved": [[old, new], ...], "restated": [[old, new], ...]}): computed
    # once when the release is made (releases never change), so the changes pages need not
    # compare whole schedules on every request.  Empty for the work in progress.
    changes = models.JSONField(null=True, blank=True, editable=False)
    # The freeze switch ("big red button"), set on the work in progress only: while set,
    # nobody edits, optimises or releases the schedule; the public site keeps its release.
    frozen_at = models.DateTimeField(null=True, blank=True, editable=False)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    # The work in progress's edit counter: every move in the schedule editor takes the next
    # number (under this row's lock) and stamps it on the slot it changed, so a move made
    # from a page that showed an older number is recognised as stale (schedule/editing.py).
    edits = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-released_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=models.Q(version__isnull=True),
                name="one_wip_schedule_per_event",
            ),
            models.UniqueConstraint(fields=["event", "version"], name="release_version_unique"),
            models.UniqueConstraint(
                fields=["event", "slug"], condition=~models.Q(slug=""), name="release_slug_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} — {self.version or 'work in progress'}"

    @property
    def is_release(self) -> bool:
        return self.version is not None


class Slot(models.Model):
    """A session part, or a break/label, in a room (or everywhere) from start to end."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="slots")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="slots"
    )
    part = models.PositiveSmallIntegerField(default=1)
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="slots"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    label = models.CharField(
        max_length=120, blank=True, help_text="For breaks: 'Lunch', 'Coffee break'."
    )
    pinned = models.BooleanField(
        default=False, help_text="The scheduler keeps this slot where it is (keynotes, expo)."
    )
    # What a release freezes besides time and room: the session's state when it was released
    # (scheduled or cancelled), so a cancellation becomes public through a release, like a
    # move.  Empty in the work in progress, which reads the session's live state.
    state = models.CharField(max_length=20, blank=True, editable=False)
    # The WIP's edit counter when this slot last moved in the editor (0: never), the version
    # an editor page shows and a move must quote (optimistic locking).
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["start", "room__position", "room__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="slot_order"
            ),
            models.CheckConstraint(
                condition=models.Q(session__isnull=False) | ~models.Q(label=""),
                name="slot_session_or_label",
            ),
        ]
        indexes = [models.Index(fields=["schedule", "start"])]

    def __str__(self) -> str:
        what = self.session.title if self.session_id else self.label
        return f"{what} @ {self.room or 'everywhere'} {self.start:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def clean(self) -> None:
        if self.schedule_id and self.schedule.is_release:
            raise ValidationError(
                "Released schedules are immutable: change the work in progress and release again."
            )
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The slot ends before it starts."})
        if not self.session_id and not self.label:
            raise ValidationError("A slot holds a session or a label such as 'Lunch'.")
        if self.session_id and self.room_id:
            missing = self.session.features_missing_in(self.room)
            if missing:
                raise ValidationError(
                    {
                        "room": (
                            f"{self.room.name} lacks {', '.join(missing)}, which "
                            f"'{self.session.title}' requires."
                        )
                    }
                )
        if self.session_id and self.part > self.session.parts:
            raise ValidationError({"part": f"The session has only {self.session.parts} part(s)."})
        if self.room_id and self.schedule_id and self.room.event_id != self.schedule.event_id:
            raise ValidationError({"room": "The room belongs to another event's venue."})


class Proposal(TimeStamped):
    """A schedule the solver proposed in the editor: kept beside the work in progress (never
    written into it) until an organiser accepts all or part of it, move by move."""

    EVENT, DAY, UNSCHEDULED, REPLAN = "event", "day", "unscheduled", "replan"
    SCOPES = [
        (EVENT, "The whole event"),
        (DAY, "One day"),
        (UNSCHEDULED, "Only the unscheduled sessions"),
        (REPLAN, "Re-plan after a cancellation"),
    ]
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATES = [(QUEUED, "Queued"), (RUNNING, "Running"), (DONE, "Done"), (FAILED, "Failed")]

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="proposals")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope = models.CharField(max_length=20, choices=SCOPES)
    day = models.DateField(null=True, blank=True)
    # The cancelled session a re-plan was asked from (kept as an id: the session may go).
    cancelled_session_id = models.PositiveIntegerField(null=True, blank=True)
    time_limit = models.FloatField(default=5.0)
    state = models.CharField(max_length=10, choices=STATES, default=QUEUED)
    # The solver's last report while it runs: phase, best missed so far, time left.
    progress = models.JSONField(default=dict, blank=True)
    # What would change: [{"session", "part", "title", "before": {...} | None,
    # "after": {...} | None, "version"}], "version" being the slot's when the solver read it.
    changes = models.JSONField(default=list, blank=True)
    # {"current": {...}, "proposed": {...}}: missed favourites, seats over capacity, ...
    figures = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Proposal {self.pk} for {self.event} ({self.get_scope_display()})"
