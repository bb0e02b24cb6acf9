"""Events as a tree (an umbrella and its co-located sub-events), the shared venue, and roles.

Rooms and days belong to the umbrella; tracks and session types belong to whichever event runs
them.  The umbrella's programme is the merge of all its sub-events' sessions.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from hallway.common.models import PublicIdentity, TimeStamped, Window
from hallway.common.validators import validate_colour, validate_web_url

ROOM_FEATURES = {
    "projector": "Projector",
    "recorded": "Recorded",
    "streamed": "Streamed",
    "lab": "Lab with hardware",
    "plenary": "Plenary hall",
    "wheelchair": "Step-free access",
    "captioning": "Live captioning",
}


# Top-level URL segments of hallway itself: an event slug must not shadow them.
RESERVED_SLUGS = {"manage", "static", "media", "api", "admin", "accounts"}


def validate_time_zone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "%(zone)s is not a known IANA time zone (e.g. America/Los_Angeles).",
            params={"zone": name},
        ) from None


def validate_features(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Features must be a list of names.")
    unknown = sorted(set(value) - set(ROOM_FEATURES))
    if unknown:
        raise ValidationError(
            "Unknown room feature(s): %(unknown)s. Known: %(known)s.",
            params={"unknown": ", ".join(unknown), "known": ", ".join(ROOM_FEATURES)},
        )


def conference_day(moment: dt.datetime, tz: zoneinfo.ZoneInfo, day_change: dt.time) -> dt.date:
    """The day ``moment`` belongs to: its local date, less the day change (01:30 with a 04:00
    day change belongs to the evening before)."""
    local = moment.astimezone(tz).replace(tzinfo=None)
    return (local - dt.timedelta(hours=day_change.hour, minutes=day_change.minute)).date()


class Event(PublicIdentity):
    """An umbrella event (``parent`` is empty) or one of its co-located sub-events."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="sub_events"
    )
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    start_date = models.DateField()
    end_date = models.DateField()
    day_change = models.TimeField(
        default=dt.time(0, 0),
        help_text="When one conference day ends and the next begins, in the event's time zone: "
        "04:00 puts a 01:00 late-night session on the evening's day (frab's day_change). "
        "Set on the umbrella; co-located events share its days.",
    )
    # The schedule editor's soft check: a room (or a speaker changing rooms) needs this long
    # between two sessions.  Set on the umbrella, like the days.
    changeover_minutes = models.PositiveSmallIntegerField(
        default=5,
        help_text="The organisers' minimum time between two sessions in one room, and for a "
        "speaker changing rooms; a shorter gap is a soft conflict in the schedule editor.",
    )
    website = models.URLField(blank=True, validators=[validate_web_url])
    venue_name = models.CharField(max_length=200, blank=True)
    venue_address = models.TextField(blank=True)
    colour = models.CharField(max_length=7, default="#1f5f8b", validators=[validate_colour])
    position = models.PositiveIntegerField(default=0)
    show_up_rate = models.FloatField(
        default=0.6,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="The share of attendees who starred a session that come to it (0 to 1): "
        "sessions are labelled 'filling up' (80 %) or 'likely full' (100 %) when their "
        "favourites times this rate reach the room's capacity.  Set on the umbrella.",
    )
    # Counts the changes to what the public sees (releases, edits of published text); every
    # cached public page and export is keyed by it (hallway.schedule.publication).
    published_generation = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["slug"], name="event_slug_unique")]

    def __str__(self) -> str:
        return self.name

    def slug_source(self) -> str:
        return self.short_name or self.name

    @property
    def is_umbrella(self) -> bool:
        return self.parent_id is None

    @property
    def umbrella(self) -> Event:
        return self if self.parent_id is None else self.parent

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def day_of(self, moment: dt.datetime) -> dt.date:
        """The conference day ``moment`` belongs to (see :func:`conference_day`)."""
        umbrella = self.umbrella
        return conference_day(moment, umbrella.tz, umbrella.day_change)

    def day_bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """When conference day ``day`` begins and ends (the next day's day change)."""
        umbrella = self.umbrella
        start = dt.datetime.combine(day, umbrella.day_change, tzinfo=umbrella.tz)
        end = dt.datetime.combine(
            day + dt.timedelta(days=1), umbrella.day_change, tzinfo=umbrella.tz
        )
        return start, end

    @property
    def days(self) -> list[dt.date]:
        """The conference days this event runs on: a co-located event's own dates (a one-day
        community day offers one day, not its umbrella's four)."""
        n = (self.end_date - self.start_date).days + 1
        return [self.start_date + dt.timedelta(days=i) for i in range(max(n, 0))]

    def family_ids(self) -> list[int]:
        """This event and, for an umbrella, all its sub-events: whose sessions it shows."""
        if self.is_umbrella:
            return [self.pk, *self.sub_events.values_list("pk", flat=True)]
        return [self.pk]

    def clean(self) -> None:
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"'{self.slug}' is reserved for hallway's own pages."})
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The event ends before it starts."})
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": "A sub-event cannot have sub-events of its own."})
        if self.parent_id and self.start_date and self.end_date:
            p = self.parent
            if self.start_date < p.start_date or self.end_date > p.end_date:
                raise ValidationError("A sub-event must fall within its umbrella's days.")
        if self.parent_id and self.time_zone != self.parent.time_zone:
            raise ValidationError({"time_zone": "A sub-event shares its umbrella's time zone."})


class EventRole(TimeStamped):
    """Who may do what for an event; an umbrella role covers its sub-events too."""

    ORGANISER = "organiser"
    REVIEWER = "reviewer"
    #: Organises some tracks of the event's call for papers: sees and decides their
    #: submissions, nothing else (the tracks are the cfp's ``ReviewerScope``).
    TRACK_ORGANISER = "track_organiser"
    ROLES = [(ORGANISER, "Organiser"), (REVIEWER, "Reviewer"), (TRACK_ORGANISER, "Track organiser")]

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_roles"
    )
    role = models.CharField(max_length=20, choices=ROLES)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user", "role"], name="event_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.event}"


class Room(PublicIdentity):
    """A room of the umbrella's venue, shared by every sub-event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=120)
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seats; empty if unknown."
    )
    features = models.JSONField(default=list, blank=True, validators=[validate_features])
    stream_url = models.URLField(blank=True, validators=[validate_web_url])
    floor = models.CharField(max_length=60, blank=True)
    map_notes = models.CharField(max_length=300, blank=True)
    accessibility_notes = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["event", "slug"], name="room_slug_unique")]

    def __str__(self) -> str:
        return self.name

    def slug_source(self) -> str:
        return self.name

    def slug_scope(self):
        return Room.objects.filter(event_id=self.event_id)

    def clean(self) -> None:
        if self.event_id and not self.event.is_umbrella:
            raise ValidationError({"event": "Rooms belong to the umbrella event and are shared."})

    def feature_labels(self) -> list[str]:
        return [ROOM_FEATURES.get(f, f) for f in self.features]


class RoomAvailability(Window):
    """A window in which the room can be used; a room with none is available all event."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="availabilities")

    class Meta(Window.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="room_availability_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.room} open {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"


class Track(PublicIdentity):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(max_length=120)
    colour = models.CharField(max_length=7, default="#666666", validators=[validate_colour])
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["event", "slug"], name="track_slug_unique")]

    def __str__(self) -> str:
        return self.name

    def slug_source(self) -> str:
        return self.name

    def slug_scope(self):
        return Track.objects.filter(event_id=self.event_id)


class SessionType(PublicIdentity):
    """Talk, workshop, keynote, lightning talks, BoF, panel, social, expo hours, CTF, ..."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="session_types")
    # Empty only for the sessions an imported file gave no type: exported as it came.
    name = models.CharField(max_length=80, blank=True)
    default_duration = models.PositiveIntegerField(help_text="Minutes.")
    is_plenary = models.BooleanField(
        default=False, help_text="Nothing else runs while a session of this type is on."
    )
    required_features = models.JSONField(default=list, blank=True, validators=[validate_features])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="session_type_slug_unique")
        ]

    def __str__(self) -> str:
        return self.name or "(no type)"

    def slug_source(self) -> str:
        return self.name or "no-type"

    def slug_scope(self):
        return SessionType.objects.filter(event_id=self.event_id)
