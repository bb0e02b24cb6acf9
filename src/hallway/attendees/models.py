"""Attendees and their favourites: the personal agenda and the scheduler's interest signal.

An attendee is identified by an unguessable token so a personal agenda works without an
account (and offline, on bad conference Wi-Fi); linking a user account is optional.  The
calendar feed has a token of its own, so a feed address pasted into a shared calendar can be
revoked without logging the attendee's devices out, and the reverse.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from hallway.common.models import TimeStamped
from hallway.events.models import Event
from hallway.programme.models import Session


class Attendee(TimeStamped):
    # Always the umbrella: one agenda covers every co-located event.
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendees")
    # The device cookie and the "keep my agenda on another device" link; rotating it revokes
    # both.  The feed token is separate (see the module docstring).
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    feed_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    # Optional, and only used to tell the attendee when a starred session moves or is
    # cancelled (a release's notifications), and only while ``notify_changes`` is on.
    email = models.EmailField(blank=True, help_text="Private: never shown publicly.")
    notify_changes = models.BooleanField(
        default=False, help_text="Email me when a session I starred moves or is cancelled."
    )
    # An address given but not yet confirmed through the link mailed to it (double opt-in):
    # ``email`` is only ever an address its owner confirmed, so nobody is mailed on a
    # stranger's say-so.
    pending_email = models.EmailField(blank=True)

    class Meta:
        constraints = [
            # An account has one agenda per umbrella: logging in merges a device's into it.
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=models.Q(user__isnull=False),
                name="attendee_one_per_account",
            )
        ]

    def __str__(self) -> str:
        # Not the token: that is the attendee's key, and this shows in the organiser area.
        return f"attendee {self.pk}"


class Favourite(TimeStamped):
    GOING, SKIPPED, MISSED = "", "skipped", "missed"
    ATTENDANCE = [
        (GOING, "Going"),
        (SKIPPED, "Went to another session at the same time"),
        (MISSED, "Missed it"),
    ]

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="favourites")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="favourites")
    # Whether the attendee went: a skipped or missed favourite is on the watch-later list and
    # not in the recap.
    attendance = models.CharField(max_length=8, choices=ATTENDANCE, default=GOING, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attendee", "session"], name="favourite_unique")
        ]


class Note(TimeStamped):
    """An attendee's private note on a session (Markdown, rendered through the sanitiser)."""

    MAX_LENGTH = 20_000

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="notes")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=MAX_LENGTH)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attendee", "session"], name="note_unique")]


class WatchLater(TimeStamped):
    """A session the attendee marked to watch later (besides the favourites they missed)."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="watch_later")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attendee", "session"], name="watch_later_unique")
        ]
