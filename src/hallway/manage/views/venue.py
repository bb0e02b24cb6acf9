"""Rooms and exhibitors (the umbrella's, shared by every co-located event), and each event's
tracks and session types: a list and an edit page each, from one table of what differs."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.urls import reverse

from hallway import permissions
from hallway.events.models import Event, Room, SessionType, Track
from hallway.manage import content_forms as f
from hallway.manage.views.base import organiser_event
from hallway.manage.views.content import edit_page, page, rows
from hallway.programme import services
from hallway.programme.models import Exhibitor


@dataclasses.dataclass(frozen=True)
class Kind:
    url: str  # url name of the list; "<url>_new" and "<url>_edit" for the rest
    noun: str
    plural: str
    model: type
    form: type
    perm: str
    save: Callable
    umbrella_only: bool  # rooms, exhibitors: the umbrella's; tracks, types: each event's
    columns: tuple[tuple[str, str], ...]
    windows: tuple | None = None  # (formset class, owner field, heading, related name)

    def scope(self, event: Event):
        if self.umbrella_only:
            return self.model.objects.filter(event=event.umbrella)
        return self.model.objects.filter(event_id__in=event.family_ids())


KINDS = {
    "rooms": Kind(
        "rooms",
        "room",
        "Rooms",
        Room,
        f.RoomForm,
        "hallway.manage_rooms",
        lambda obj, by, windows: services.save_room(obj, by=by, availability=windows),
        True,
        (("name", "Name"), ("capacity", "Seats"), ("feature_labels", "Features")),
        (f.RoomWindows, "room", "Open", "availabilities"),
    ),
    "exhibitors": Kind(
        "exhibitors",
        "exhibitor",
        "Exhibitors",
        Exhibitor,
        f.ExhibitorForm,
        "hallway.manage_exhibitors",
        lambda obj, by, windows: services.save_exhibitor(obj, by=by, hours=windows),
        True,
        (("name", "Name"), ("get_category_display", "Category"), ("booth", "Booth")),
        (f.ExhibitorHoursRows, "exhibitor", "Hours", "hours"),
    ),
    "tracks": Kind(
        "tracks",
        "track",
        "Tracks",
        Track,
        f.TrackForm,
        "hallway.change_track",
        lambda obj, by, windows: services.save_track(obj, by=by),
        False,
        (("name", "Name"), ("colour", "Colour"), ("event", "Event")),
    ),
    "session_types": Kind(
        "session_types",
        "session type",
        "Session types",
        SessionType,
        f.SessionTypeForm,
        "hallway.change_session_type",
        lambda obj, by, windows: services.save_session_type(obj, by=by),
        False,
        (("name", "Name"), ("default_duration", "Minutes"), ("event", "Event")),
    ),
}


def _cell(obj, attr: str):
    value = getattr(obj, attr)
    value = value() if callable(value) else value
    return ", ".join(value) if isinstance(value, list) else value


def content_list(request, event, kind: str):
    kind = KINDS[kind]
    event = organiser_event(request, event, kind.perm)
    objects = kind.scope(event).select_related("event")
    if kind.windows:
        objects = objects.prefetch_related(kind.windows[3])
    table = [
        (
            obj,
            [_cell(obj, attr) for attr, _ in kind.columns],
            list(getattr(obj, kind.windows[3]).all()) if kind.windows else [],
        )
        for obj in objects
    ]
    return page(
        request,
        event,
        "manage/content/list.html",
        {"kind": kind, "table": table, "headings": [h for _, h in kind.columns]},
    )


def content_edit(request, event, kind: str, uuid=None):
    kind = KINDS[kind]
    event = organiser_event(request, event, kind.perm)
    if uuid is None:
        obj = kind.model(event=event.umbrella if kind.umbrella_only else event)
    else:
        # Reached through this event only: another event's track is not found here.
        obj = get_object_or_404(kind.scope(event), uuid=uuid)
        permissions.require(request.user, kind.perm, obj)
    data = request.POST if request.method == "POST" else None
    form = kind.form(data, instance=obj)
    formsets = {}
    windows = None
    if kind.windows:
        formset_class, owner, heading, _ = kind.windows
        windows = formset_class(
            data, instance=obj, prefix="windows", form_kwargs={"tz": event.umbrella.tz}
        )
        formsets[f"{heading} (times in {event.umbrella.time_zone})"] = windows
    return edit_page(
        request,
        event,
        title=f"{kind.noun.capitalize()} “{obj}”" if obj.pk else f"New {kind.noun}",
        form=form,
        formsets=formsets,
        save=lambda: kind.save(
            form.instance, request.user, rows(windows, kind.windows[1]) if windows else None
        ),
        back=reverse(f"manage:{kind.url}", args=[event.slug]),
    )


def _views(kind: str):
    @login_required
    def listing(request, event):
        return content_list(request, event, kind)

    @login_required
    def edit(request, event, uuid=None):
        return content_edit(request, event, kind, uuid)

    listing.__name__, edit.__name__ = f"{kind}_list", f"{kind}_edit"
    return listing, edit


room_list, room_edit = _views("rooms")
exhibitor_list, exhibitor_edit = _views("exhibitors")
track_list, track_edit = _views("tracks")
session_type_list, session_type_edit = _views("session_types")
