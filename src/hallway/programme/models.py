"""What is presented and by whom: speakers, sessions (accepted submissions), their resources
and recording playlists, and the expo's exhibitors.

Speakers belong to the umbrella, so a person who speaks at two co-located events has one
profile.  Sessions belong to the event that accepted them; ``umbrella`` is stored alongside so
that the merged programme is one indexed query.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from hallway.common.models import PublicIdentity, TimeStamped, Window
from hallway.common.validators import validate_links, validate_web_url
from hallway.events.models import Event, SessionType, Track, validate_features


def _umbrella_only(event: Event | None, what: str) -> None:
    if event is not None and not event.is_umbrella:
        raise ValidationError({"event": f"{what} belong to the umbrella event."})


class Speaker(PublicIdentity):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="speaker_profiles",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, help_text="Private: never shown publicly.")
    bio = models.TextField(blank=True, help_text="Markdown.")
    picture_url = models.URLField(blank=True, validators=[validate_web_url])
    links = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_links],
        help_text='A list of {"title": ..., "url": ...} with http(s) or mailto: URLs.',
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="speaker_slug_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def slug_source(self) -> str:
        return self.name

    def slug_scope(self):
        return Speaker.objects.filter(event_id=self.event_id)

    def clean(self) -> None:
        _umbrella_only(self.event if self.event_id else None, "Speakers")


class SpeakerAvailability(Window):
    """A window in which the speaker can present; a speaker with none is available all event."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="availabilities")

    class Meta(Window.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="speaker_availability_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.speaker} available {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"


def missing_features(required, available) -> list[str]:
    """The required features a room's ``available`` ones lack, sorted: the one rule for
    whether a session may be held in a room, on model rows (``Session.features_missing_in``)
    and on the plain values the schedule's conflict checks read."""
    return sorted(set(required) - set(available))


class Session(PublicIdentity):
    """A submission and, once accepted, a session of the programme."""

    SUBMITTED, ACCEPTED, CONFIRMED = "submitted", "accepted", "confirmed"
    REJECTED, WITHDRAWN, CANCELLED = "rejected", "withdrawn", "cancelled"
    STATES = [
        (SUBMITTED, "Submitted"),
        (ACCEPTED, "Accepted"),
        (CONFIRMED, "Confirmed"),
        (REJECTED, "Rejected"),
        (WITHDRAWN, "Withdrawn"),
        (CANCELLED, "Cancelled"),
    ]
    SCHEDULABLE = (ACCEPTED, CONFIRMED)
    LEVELS = [
        ("any", "All levels"),
        ("beginner", "Beginner"),
        ("intermediate", "Intermediate"),
        ("advanced", "Advanced"),
    ]

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    umbrella = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="all_sessions", editable=False
    )
    state = models.CharField(max_length=20, choices=STATES, default=SUBMITTED, db_index=True)
    title = models.CharField(max_length=250)
    subtitle = models.CharField(max_length=250, blank=True)
    abstract = models.TextField(blank=True, help_text="Markdown.")
    description = models.TextField(blank=True, help_text="Markdown.")
    language = models.CharField(
        max_length=16, default="en", blank=True, help_text="Empty when a file gives none."
    )
    level = models.CharField(max_length=20, choices=LEVELS, default="any")
    duration = models.PositiveIntegerField(help_text="Minutes (per part for multi-part sessions).")
    parts = models.PositiveSmallIntegerField(
        default=1, help_text="Multi-part workshops have more than one part."
    )
    parts_consecutive = models.BooleanField(
        default=True, help_text="Parts run back to back in one room; otherwise as a series."
    )
    do_not_record = models.BooleanField(default=False)
    track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    session_type = models.ForeignKey(SessionType, on_delete=models.PROTECT, related_name="sessions")
    required_features = models.JSONField(default=list, blank=True, validators=[validate_features])
    # What the file an import read says of the session, written back into exports where the
    # format has a place: its id and code there, its page there, its feedback page.
    source_id = models.CharField(max_length=64, blank=True, editable=False)
    source_code = models.CharField(max_length=32, blank=True, editable=False)
    source_url = models.URLField(
        max_length=1000, blank=True, validators=[validate_web_url], editable=False
    )
    feedback_url = models.URLField(max_length=1000, blank=True, validators=[validate_web_url])
    speakers = models.ManyToManyField(
        Speaker, through="SessionSpeaker", related_name="sessions", blank=True
    )
    expected_attendance = models.PositiveIntegerField(
        null=True, blank=True, help_text="Organisers' estimate, used when favourites are few."
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["umbrella", "slug"], name="session_slug_unique"),
            models.CheckConstraint(condition=models.Q(duration__gte=0), name="session_duration"),
            models.CheckConstraint(condition=models.Q(parts__gte=1), name="session_parts"),
        ]
        indexes = [models.Index(fields=["umbrella", "state"])]

    def __str__(self) -> str:
        return self.title

    def slug_source(self) -> str:
        return self.title

    def slug_scope(self):
        return Session.objects.filter(umbrella_id=self.umbrella_id)

    def save(self, *args, **kwargs):
        if self.event_id and not self.umbrella_id:
            self.umbrella_id = self.event.parent_id or self.event_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.session_type_id and self.event_id:
            if self.session_type.event_id not in (self.event_id, self.event.umbrella.pk):
                errors["session_type"] = "The session type belongs to another event."
        if self.track_id and self.event_id:
            if self.track.event_id not in (self.event_id, self.event.umbrella.pk):
                errors["track"] = "The track belongs to another event."
        if errors:
            raise ValidationError(errors)

    @property
    def all_required_features(self) -> set[str]:
        type_features = self.session_type.required_features if self.session_type_id else []
        return set(self.required_features) | set(type_features)

    def features_missing_in(self, room) -> list[str]:
        """The features this session (or its type) requires that ``room`` lacks, sorted: the
        one rule for whether a session may be held in a room (the editor, the release check
        and the slot's validation all ask it)."""
        return missing_features(self.all_required_features, room.features)

    @property
    def is_plenary(self) -> bool:
        return bool(self.session_type_id and self.session_type.is_plenary)

    def ordered_speakers(self) -> list[Speaker]:
        return [link.speaker for link in self.speaker_links.select_related("speaker")]


class SessionSpeaker(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="speaker_links")
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="session_links")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "speaker"], name="session_speaker_unique")
        ]

    def __str__(self) -> str:
        return f"{self.speaker} in {self.session}"

    def clean(self) -> None:
        if self.session_id and self.speaker_id:
            if self.speaker.event_id != self.session.event.umbrella.pk:
                raise ValidationError("The speaker belongs to another umbrella event.")


class Playlist(PublicIdentity):
    """A published playlist of recordings for one (sub-)event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="playlists")
    title = models.CharField(max_length=200)
    url = models.URLField(validators=[validate_web_url])

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def slug_source(self) -> str:
        return self.title


class Resource(TimeStamped):
    """A recording, slide deck or other link attached to a session."""

    VIDEO, SLIDES, OTHER, ATTACHMENT = "video", "slides", "other", "attachment"
    KINDS = [(VIDEO, "Recording"), (SLIDES, "Slides"), (OTHER, "Link"), (ATTACHMENT, "Attachment")]

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(max_length=10, choices=KINDS)
    title = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=1000, validators=[validate_web_url])
    link_type = models.CharField(
        max_length=40, blank=True, help_text="The link's kind as an imported file named it."
    )
    position = models.PositiveSmallIntegerField(default=0)
    playlist = models.ForeignKey(
        Playlist, null=True, blank=True, on_delete=models.SET_NULL, related_name="resources"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    def clean(self) -> None:
        if self.kind == self.VIDEO and self.session_id and self.session.do_not_record:
            raise ValidationError("This session asked not to be recorded.")


class Exhibitor(PublicIdentity):
    CATEGORIES = [
        ("nonprofit", "Non-profit"),
        ("project", "Open-source project"),
        ("commercial", "Commercial"),
        ("distribution", "Distribution"),
        ("community", "Community group"),
        ("media", "Media"),
    ]

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="exhibitors")
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=CATEGORIES)
    booth = models.CharField(max_length=20, blank=True)
    url = models.URLField(blank=True, validators=[validate_web_url])
    description = models.TextField(blank=True, help_text="Markdown.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="exhibitor_slug_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def slug_source(self) -> str:
        return self.name

    def slug_scope(self):
        return Exhibitor.objects.filter(event_id=self.event_id)

    def clean(self) -> None:
        _umbrella_only(self.event if self.event_id else None, "Exhibitors")


class ExhibitorHours(models.Model):
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="hours")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="exhibitor_hours_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.exhibitor} {self.start:%a %H:%M}–{self.end:%H:%M}"


__all__ = [
    "Exhibitor",
    "ExhibitorHours",
    "Playlist",
    "Resource",
    "Session",
    "SessionSpeaker",
    "Speaker",
    "SpeakerAvailability",
]
