"""Forms of the organiser area's content pages: sessions, speakers, rooms, tracks, types,
exhibitors.

They parse and validate at the boundary (errors beside the field they concern) and offer only
choices of the page's event: tracks and types of the event or its umbrella, speakers of the
umbrella.  Every time is wall-clock time in the event's zone (``hallway.manage.zones``).
Saving is the services' job (``hallway.programme.services``).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from hallway.common.validators import validate_links
from hallway.events.models import ROOM_FEATURES, Event, Room, RoomAvailability, SessionType, Track
from hallway.manage.zones import ZonedDateTimeField
from hallway.programme.models import (
    Exhibitor,
    ExhibitorHours,
    Resource,
    Session,
    Speaker,
    SpeakerAvailability,
)

FEATURE_CHOICES = list(ROOM_FEATURES.items())


def _formfield(db_field, **kwargs):
    # A link typed without a scheme is https:// (Django 6's default, chosen now).
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class FeaturesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=FEATURE_CHOICES, **kwargs)


class SessionForm(forms.ModelForm):
    required_features = FeaturesField(help_text="Rooms must have these.")
    new_speaker_name = forms.CharField(
        required=False,
        max_length=200,
        label="New speaker",
        help_text="Name of a speaker not yet on the list (umbrella organisers only).",
    )
    new_speaker_email = forms.EmailField(required=False, label="New speaker's email")

    class Meta:
        model = Session
        formfield_callback = _formfield
        fields = [
            "event",
            "title",
            "subtitle",
            "state",
            "track",
            "session_type",
            "duration",
            "parts",
            "parts_consecutive",
            "abstract",
            "description",
            "language",
            "level",
            "do_not_record",
            "required_features",
            "expected_attendance",
        ]

    def __init__(self, *args, event: Event, events, may_add_speaker: bool, **kwargs):
        super().__init__(*args, **kwargs)
        umbrella = event.umbrella
        self.fields["event"].queryset = events
        self.fields["event"].empty_label = None
        if events.count() == 1:
            self.fields["event"].initial = events.first().pk
        family = [umbrella.pk, *umbrella.sub_events.values_list("pk", flat=True)]
        scope = family if event.is_umbrella else [event.pk, umbrella.pk]
        self.fields["track"].queryset = Track.objects.filter(event__in=scope).select_related(
            "event"
        )
        self.fields["session_type"].queryset = SessionType.objects.filter(
            event__in=scope
        ).select_related("event")
        if not may_add_speaker:
            del self.fields["new_speaker_name"], self.fields["new_speaker_email"]


class SpeakerRowForm(forms.Form):
    speaker = forms.ModelChoiceField(queryset=Speaker.objects.none(), required=False)
    order = forms.IntegerField(required=False, min_value=0, max_value=999)

    def __init__(self, *args, speakers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if speakers is not None:
            self.fields["speaker"].queryset = speakers


class BaseSpeakerRows(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            speaker = form.cleaned_data.get("speaker") if hasattr(form, "cleaned_data") else None
            if speaker is None or self._should_delete_form(form):
                continue
            if speaker.pk in seen:
                form.add_error("speaker", f"{speaker.name} is listed twice.")
            seen.add(speaker.pk)

    def ordered_speakers(self) -> list[Speaker]:
        rows = []
        for i, form in enumerate(self.forms):
            speaker = form.cleaned_data.get("speaker")
            if speaker is None or self._should_delete_form(form):
                continue
            order = form.cleaned_data.get("order")
            rows.append((order if order is not None else 1000 + i, i, speaker))
        return [speaker for _, _, speaker in sorted(rows, key=lambda r: (r[0], r[1]))]


SpeakerRows = forms.formset_factory(
    SpeakerRowForm, formset=BaseSpeakerRows, extra=2, can_delete=True
)


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        formfield_callback = _formfield
        fields = ["kind", "title", "url"]
        widgets = {"url": forms.URLInput(attrs={"size": 50})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].help_text = "An http:// or https:// link."


Resources = forms.inlineformset_factory(
    Session, Resource, form=ResourceForm, extra=1, can_delete=True
)


class WindowForm(forms.ModelForm):
    """A time window (availability, opening hours) in the event's zone."""

    def __init__(self, *args, tz, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"] = ZonedDateTimeField(tz=tz, label="From")
        self.fields["end"] = ZonedDateTimeField(tz=tz, label="Until")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", "This window ends before it starts.")
        return data


def window_formset(parent, model):
    return forms.inlineformset_factory(
        parent, model, form=WindowForm, fields=["start", "end"], extra=1, can_delete=True
    )


SpeakerWindows = window_formset(Speaker, SpeakerAvailability)
RoomWindows = window_formset(Room, RoomAvailability)
ExhibitorHoursRows = window_formset(Exhibitor, ExhibitorHours)


class LinksField(forms.CharField):
    """A person's links, one per line as ``Title | https://…`` (or a bare link)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(
                f"{link.get('title')} | {link.get('url')}" if link.get("title") else link["url"]
                for link in value
                if isinstance(link, dict) and link.get("url")
            )
        return value

    def to_python(self, value):
        links = []
        for n, line in enumerate((value or "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            title, _, url = line.rpartition("|")
            link = {"title": title.strip(), "url": url.strip()}
            try:
                validate_links([link])
            except ValidationError as exc:
                raise ValidationError(f"Line {n}: {exc.messages[0]}", code="invalid") from None
            links.append(link)
        return links


class SpeakerForm(forms.ModelForm):
    links = LinksField(
        required=False,
        help_text="One per line: “Title | https://…” (http, https or mailto: links).",
    )

    class Meta:
        model = Speaker
        formfield_callback = _formfield
        fields = ["name", "email", "bio", "picture_url", "links"]
        labels = {"picture_url": "Photo URL"}
        help_texts = {"bio": "Markdown; shown sanitised.", "picture_url": "An https:// link."}


class RoomForm(forms.ModelForm):
    features = FeaturesField()

    class Meta:
        model = Room
        formfield_callback = _formfield
        fields = [
            "name",
            "capacity",
            "features",
            "floor",
            "stream_url",
            "map_notes",
            "accessibility_notes",
            "position",
        ]


class TrackForm(forms.ModelForm):
    class Meta:
        model = Track
        formfield_callback = _formfield
        fields = ["name", "colour", "description"]
        widgets = {"colour": forms.TextInput(attrs={"size": 8, "pattern": "#[0-9a-fA-F]{6}"})}
        help_texts = {"colour": "As #rrggbb."}


class SessionTypeForm(forms.ModelForm):
    required_features = FeaturesField(help_text="Every session of this type needs these.")

    class Meta:
        model = SessionType
        formfield_callback = _formfield
        fields = ["name", "default_duration", "is_plenary", "required_features"]


class ExhibitorForm(forms.ModelForm):
    class Meta:
        model = Exhibitor
        formfield_callback = _formfield
        fields = ["name", "category", "booth", "url", "description"]


class SessionFilter(forms.Form):
    """The session list's filters (GET)."""

    q = forms.CharField(required=False, label="Title")
    event = forms.ModelChoiceField(queryset=Event.objects.none(), required=False, label="Event")
    track = forms.ModelChoiceField(queryset=Track.objects.none(), required=False)
    session_type = forms.ModelChoiceField(
        queryset=SessionType.objects.none(), required=False, label="Type"
    )
    state = forms.ChoiceField(choices=[("", "Any state"), *Session.STATES], required=False)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        family = event.family_ids()
        self.fields["event"].queryset = Event.objects.filter(pk__in=family)
        if not event.is_umbrella:
            del self.fields["event"]
        scope = [*family, event.umbrella.pk]
        self.fields["track"].queryset = Track.objects.filter(event__in=scope)
        self.fields["session_type"].queryset = SessionType.objects.filter(event__in=scope)

    def apply(self, sessions):
        if not self.is_valid():
            return sessions
        data = self.cleaned_data
        if data.get("q"):
            sessions = sessions.filter(title__icontains=data["q"])
        if data.get("event"):
            sessions = sessions.filter(event=data["event"])
        if data.get("track"):
            sessions = sessions.filter(track=data["track"])
        if data.get("session_type"):
            sessions = sessions.filter(session_type=data["session_type"])
        if data.get("state"):
            sessions = sessions.filter(state=data["state"])
        return sessions
