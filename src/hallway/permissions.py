"""Who may do what, in one place: the role × action rules of the organiser area.

Every view, admin, command and service that acts for a user asks ``user.has_perm(NAME, obj)``
with one of the permissions below (django-rules answers through
``rules.permissions.ObjectPermissionBackend``).  The roles:

- a superuser may do everything;
- an organiser of an umbrella event manages the umbrella and all its sub-events: releases,
  rooms, days, venue, event settings, every sub-event's sessions and the whole WIP schedule;
- an organiser of a sub-event manages that sub-event's content only: its sessions, tracks,
  session types, playlists, the speakers of its sessions and its sessions' WIP slots.  Rooms,
  days, releases, event settings and other sub-events' sessions need the umbrella's rights,
  because they are shared by every co-located event;
- anyone else (anonymous, or logged in without a role) may do nothing here.

With no object (``user.has_perm(NAME)``) a permission answers "may the user do this to some
object", which is what the admin asks before it lists or offers an "add" button; the admin's
querysets and form choices then narrow to the objects the user may touch, and the object is
asked again before anything is saved.

This module is top-level (not in ``common``) so that ``common`` need not import ``events``.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from hallway.events.models import Event, EventRole

# --- who organises what ------------------------------------------------------------------


def _roles(user) -> tuple[frozenset[int], frozenset[int]]:
    """(umbrella ids, sub-event ids) the user holds an organiser role on, cached on the user
    object for the length of a request (the admin asks dozens of times per page)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset(), frozenset()
    cached = getattr(user, "_hallway_roles", None)
    if cached is None:
        rows = EventRole.objects.filter(user=user, role=EventRole.ORGANISER).values_list(
            "event_id", "event__parent_id"
        )
        umbrellas = frozenset(e for e, parent in rows if parent is None)
        subs = frozenset(e for e, parent in rows if parent is not None)
        cached = user._hallway_roles = (umbrellas, subs)
    return cached


def forget_roles(user) -> None:
    """Drop the cached roles (after granting or removing one within the same request)."""
    user.__dict__.pop("_hallway_roles", None)


def organised_event_ids(user) -> set[int]:
    """Events whose own content (sessions, tracks, types) the user may change."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return set(Event.objects.values_list("pk", flat=True))
    umbrellas, subs = _roles(user)
    if not umbrellas and not subs:
        return set()
    return set(
        Event.objects.filter(
            Q(pk__in=umbrellas) | Q(parent_id__in=umbrellas) | Q(pk__in=subs)
        ).values_list("pk", flat=True)
    )


def umbrella_ids(user) -> set[int]:
    """Umbrellas the user manages whole (rooms, days, releases, settings)."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return set(Event.objects.filter(parent=None).values_list("pk", flat=True))
    return set(_roles(user)[0])


def visible_event_ids(user) -> set[int]:
    """Events whose shared things (rooms, releases, the WIP) the user may look at: those it
    organises and the umbrellas of its sub-events."""
    ids = organised_event_ids(user)
    if ids:
        parents = Event.objects.filter(pk__in=ids, parent__isnull=False).values_list(
            "parent_id", flat=True
        )
        ids |= set(parents)
    return ids


def event_of(obj) -> Event | None:
    """The event an object belongs to, for the rules below (``None`` for no object)."""
    if obj is None or isinstance(obj, Event):
        return obj
    # A WIP slot of a session belongs to the session's (sub-)event; a break to the umbrella.
    session = getattr(obj, "session", None)
    if session is not None:
        return session.event
    schedule = getattr(obj, "schedule", None)
    if schedule is not None:
        return schedule.event
    return getattr(obj, "event", None)


# --- predicates --------------------------------------------------------------------------


@rules.predicate
def is_organiser(user) -> bool:
    """Holds an organiser role on some event."""
    umbrellas, subs = _roles(user)
    return bool(umbrellas or subs)


@rules.predicate
def is_umbrella_organiser(user, obj=None) -> bool:
    """Organises the umbrella ``obj`` belongs to (with no object: some umbrella)."""
    umbrellas = _roles(user)[0]
    if obj is None:
        return bool(umbrellas)
    event = event_of(obj)
    return event is not None and event.umbrella.pk in umbrellas


@rules.predicate
def is_event_organiser(user, obj=None) -> bool:
    """Organises the event ``obj`` belongs to, directly or through its umbrella."""
    umbrellas, subs = _roles(user)
    if obj is None:
        return bool(umbrellas or subs)
    event = event_of(obj)
    if event is None:
        return False
    return event.pk in subs or event.umbrella.pk in umbrellas


@rules.predicate
def is_family_organiser(user, obj=None) -> bool:
    """Organises ``obj``'s event or one of its sub-events: may look at the shared rooms,
    releases and work in progress, not change them."""
    if is_event_organiser(user, obj):
        return True
    event = event_of(obj)
    if event is None or not event.is_umbrella:
        return False
    return bool(set(event.sub_events.values_list("pk", flat=True)) & _roles(user)[1])


@rules.predicate
def speaks_at_organised_event(user, speaker=None) -> bool:
    """``speaker`` has a session in an event the user organises (a speaker's profile is the
    umbrella's, shared by every event they speak at)."""
    if speaker is None:
        return is_organiser(user)
    if is_umbrella_organiser(user, speaker):
        return True
    # Asked of the speaker as it will be saved: its umbrella must be one the user works in.
    if speaker.event_id not in visible_event_ids(user):
        return False
    return speaker.sessions.filter(event_id__in=organised_event_ids(user)).exists()


@rules.predicate
def is_umbrella(user, obj=None) -> bool:
    return isinstance(obj, Event) and obj.is_umbrella


@rules.predicate
def is_work_in_progress(user, obj=None) -> bool:
    """Released slots are history: nobody changes them."""
    schedule = getattr(obj, "schedule", None)
    return obj is None or schedule is None or not schedule.is_release


@rules.predicate
def is_label_slot(user, obj=None) -> bool:
    return obj is not None and not getattr(obj, "session_id", None)


@rules.predicate
def is_schedule_open(user, obj=None) -> bool:
    """A frozen schedule (see schedule.services.freeze_schedule) takes no edits from anyone."""
    schedule = getattr(obj, "schedule", None)
    return schedule is None or schedule.frozen_at is None


superuser = rules.is_active & rules.is_superuser
umbrella_rights = superuser | is_umbrella_organiser
event_rights = superuser | is_event_organiser

# --- permissions, in the conference's words ------------------------------------------------

rules.add_perm("hallway.view_organiser_area", rules.is_active & (superuser | is_organiser))
# The umbrella's own business: shared by every co-located event.
rules.add_perm("hallway.add_event", superuser)
rules.add_perm("hallway.view_event", event_rights)
rules.add_perm("hallway.change_event", umbrella_rights)  # names, days, venue, settings
# Deleting an umbrella deletes a whole conference: a site administrator's decision, like
# creating one.  Its organisers may delete its sub-events.
rules.add_perm("hallway.delete_event", superuser | (is_umbrella_organiser & ~is_umbrella))
rules.add_perm("hallway.release_schedule", umbrella_rights)
rules.add_perm("hallway.freeze_schedule", umbrella_rights)
rules.add_perm("hallway.view_schedule", superuser | is_family_organiser)
rules.add_perm("hallway.manage_rooms", umbrella_rights)
rules.add_perm("hallway.view_rooms", superuser | is_family_organiser)
rules.add_perm("hallway.manage_roles", umbrella_rights)
rules.add_perm("hallway.manage_exhibitors", umbrella_rights)
rules.add_perm("hallway.view_attendees", umbrella_rights)
rules.add_perm("hallway.import_programme", umbrella_rights)
# An event's own content: its organisers', and its umbrella's.
rules.add_perm("hallway.change_session", event_rights)
rules.add_perm("hallway.change_track", event_rights)
rules.add_perm("hallway.change_session_type", event_rights)
rules.add_perm("hallway.change_playlist", event_rights)
# An event's call for papers (settings, questions, score categories, review team, outbox) in
# the organiser area: its organisers', and its umbrella's.  The call's own pages ask the
# finer cfp.* rules in hallway.cfp.permissions.
rules.add_perm("hallway.manage_cfp", event_rights)
rules.add_perm("hallway.change_speaker", superuser | speaks_at_organised_event)
rules.add_perm("hallway.add_speaker", umbrella_rights)
# A WIP slot of a sub-event's session is that sub-event's; a break (label) is the umbrella's.
rules.add_perm(
    "hallway.change_slot",
    is_work_in_progress
    & is_schedule_open
    & (umbrella_rights | (~is_label_slot & is_event_organiser)),
)


def require(user, perm: str, obj=None) -> None:
    """Raise PermissionDenied unless ``user`` has ``perm`` (on ``obj``)."""
    from django.core.exceptions import PermissionDenied

    if not user.has_perm(perm, obj):
        raise PermissionDenied(f"You may not do this ({perm}).")
