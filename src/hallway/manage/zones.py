"""Times as organisers type and read them: wall-clock time in the event's own zone.

Every time is stored in UTC.  A form field that took the server's zone (UTC) turned a 16:30
typed for a Pasadena talk into 08:30 Pacific; these fields take and show the local time of
the event's zone, say which zone in their help text, and refuse the hour a DST change skips
or repeats with an error naming it, rather than guessing.

``ZonedDateTimeField`` is given the zone when the form knows its event (the organiser pages);
``ZonedModelFormMixin`` finds it from the object or its parent for the Django admin, where a
new slot's event is only known once its schedule is chosen.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError

INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


def local_wall_clock(value: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """``value`` (naive, read as wall-clock time in ``tz``) as an aware datetime.

    Raises ValidationError for a time that does not exist (skipped by a DST change) or exists
    twice (repeated by one)."""
    early = value.replace(tzinfo=tz, fold=0)
    late = value.replace(tzinfo=tz, fold=1)
    if early.utcoffset() != late.utcoffset():
        shown = value.strftime("%Y-%m-%d %H:%M")
        # fold=0 of a skipped time uses the offset before the change, fold=1 the one after;
        # a skipped time does not survive a round trip through UTC.
        round_trip = early.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
        if round_trip != value:
            raise ValidationError(
                "%(time)s does not exist in %(zone)s: the clocks skip that hour "
                "(daylight saving time begins). Enter a time before or after it.",
                code="nonexistent_time",
                params={"time": shown, "zone": tz.key},
            )
        raise ValidationError(
            "%(time)s happens twice in %(zone)s (daylight saving time ends): enter a time "
            "outside that hour, or split the slot around it.",
            code="ambiguous_time",
            params={"time": shown, "zone": tz.key},
        )
    return early


def zone_hint(tz: zoneinfo.ZoneInfo | None) -> str:
    if tz is None:
        return "Local time in the event's time zone."
    return f"Local time in {tz.key}."


class ZonedDateTimeField(forms.DateTimeField):
    """Takes and shows wall-clock time in ``tz`` (``None``: the form sets it before clean,
    and the field returns the naive time for the form to convert)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *, tz: zoneinfo.ZoneInfo | None = None, **kwargs):
        self.tz = tz
        kwargs.setdefault("input_formats", INPUT_FORMATS)
        super().__init__(**kwargs)
        if not self.help_text:
            self.help_text = zone_hint(tz)

    def set_zone(self, tz: zoneinfo.ZoneInfo) -> None:
        self.tz = tz
        self.help_text = zone_hint(tz)

    def prepare_value(self, value):
        if isinstance(value, dt.datetime) and value.tzinfo is not None and self.tz is not None:
            return value.astimezone(self.tz).replace(tzinfo=None)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                return value
            naive = value
        else:
            naive = None
            text = str(value).strip()
            for fmt in self.input_formats:
                try:
                    naive = dt.datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
            if naive is None:
                raise ValidationError("Enter a date and time as YYYY-MM-DD HH:MM.", code="invalid")
        if self.tz is None:
            return naive
        return local_wall_clock(naive, self.tz)

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True


class ZonedModelFormMixin:
    """For ModelForms with date-time fields: show and take them in the event's zone.

    Subclasses name the fields (``zone_fields``) and how to reach the event from the instance
    or the cleaned data (``zone_event``)."""

    zone_fields: tuple[str, ...] = ("start", "end")

    def zone_event(self, data: dict | None):
        """The event whose zone applies; ``data`` is the cleaned data (``None`` before it)."""
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        event = None
        try:
            event = self.zone_event(None)
        except Exception:  # noqa: BLE001 - an unsaved parent: the zone is found on clean
            event = None
        tz = event.umbrella.tz if event is not None else None
        for name in self.zone_fields:
            if name in self.fields:
                old = self.fields[name]
                self.fields[name] = ZonedDateTimeField(
                    tz=tz, required=old.required, label=old.label
                )

    def clean(self):
        data = super().clean()
        pending = [
            n
            for n in self.zone_fields
            if isinstance(data.get(n), dt.datetime) and data[n].tzinfo is None
        ]
        if pending:
            event = self.zone_event(data)
            if event is None:
                for name in pending:
                    self.add_error(name, "Choose the event first: times are in its zone.")
                return data
            tz = event.umbrella.tz
            for name in pending:
                try:
                    data[name] = local_wall_clock(data[name], tz)
                except ValidationError as exc:
                    self.add_error(name, exc)
        return data
