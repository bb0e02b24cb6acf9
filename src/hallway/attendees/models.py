"""Attendees and their favourites: the personal agenda and the scheduler's interest signal.

An attendee is identified by an unguessable token so a personal agenda works without an
account (and offline, on bad conference Wi-Fi); linking a user account is optional.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from hallway.common.models import TimeStamped
from hallway.events.models import Event
from hallway.programme.models import Session


class Attendee(TimeStamped):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendees")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    # Optional, and only used to tell the attendee when a starred session moves or is
    # cancelled (a release's notifications), and only while ``notify_changes`` is on.
    email = models.EmailField(blank=True, help_text="Private: never shown publicly.")
    notify_changes = models.BooleanField(
        default=False, help_text="Email me when a session I starred moves or is cancelled."
    )

    def __str__(self) -> str:
        return f"attendee {str(self.token)[:8]}"


class Favourite(TimeStamped):
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="favourites")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="favourites")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attendee", "session"], name="favourite_unique")
        ]
