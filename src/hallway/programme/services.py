"""Changing the programme's content for an organiser: sessions with their speakers and
resources, speakers with their availability, rooms, tracks, session types and exhibitors.

Every function takes the acting user (``by=``), asks the rules in ``hallway.permissions`` of
the object as it was and as it will be saved (so a forged form cannot move a session into an
event its organiser does not run), saves in one transaction and writes one audit entry with
the object's fields and its rows (speakers in order, resources, windows) before and after.

Rooms, tracks and types are ``hallway.events`` models, but changes to them are made here:
``events`` sits below the permissions and the audit log in the layer order, and these changes
need both.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction

from hallway.audit.services import record, snapshot
from hallway.events.models import Event, Room, SessionType, Track
from hallway.permissions import require
from hallway.programme.models import Exhibitor, Session, SessionSpeaker, Speaker


@dataclasses.dataclass
class Rows:
    """Rows that hang off the object being saved (resources, windows, hours): those to save
    (new or changed, not yet saved) and those to delete; ``owner`` names their foreign key."""

    owner: str
    save: list[models.Model] = dataclasses.field(default_factory=list)
    delete: list[models.Model] = dataclasses.field(default_factory=list)


def _fields(obj: models.Model) -> list[str]:
    skip = {"id", "created_at", "updated_at", "uuid", "slug", "published_generation"}
    return [f.name for f in obj._meta.concrete_fields if f.name not in skip]


def _windows(qs) -> list[str]:
    return [f"{w.start.isoformat()}/{w.end.isoformat()}" for w in qs]


def _state(obj: models.Model, related: Callable[[models.Model], dict] | None) -> dict | None:
    if obj.pk is None:
        return None
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    state = snapshot(fresh, _fields(fresh))
    if related is not None:
        state.update(related(fresh))
    return state


def _save(
    obj: models.Model,
    *,
    by,
    perm: str,
    event_of: Callable[[models.Model], Event],
    noun: str,
    rows: Iterable[Rows] = (),
    related: Callable[[models.Model], dict] | None = None,
    then: Callable[[models.Model], None] | None = None,
) -> models.Model:
    """The shared steps: check, snapshot, save, save rows, snapshot, audit; in one go."""
    with transaction.atomic():
        creating = obj.pk is None
        if not creating:
            previous = type(obj)._default_manager.get(pk=obj.pk)
            require(by, perm, previous)
        require(by, perm, obj)
        before = _state(obj, related)
        obj.full_clean()
        obj.save()
        for group in rows:
            for row in group.delete:
                # Only the object's own rows: a forged id of another's is left alone.
                if row.pk is not None and getattr(row, f"{group.owner}_id") == obj.pk:
                    row.delete()
            for row in group.save:
                setattr(row, group.owner, obj)
                row.full_clean()
                row.save()
        if then is not None:
            then(obj)
        after = _state(obj, related)
        if before == after:
            return obj  # saved unchanged: nothing to log
        record(
            event_of(obj),
            f"{noun}.{'created' if creating else 'changed'}",
            by=by,
            obj=obj,
            before=before,
            after=after,
        )
    return obj


# --- sessions ------------------------------------------------------------------------------


def _session_rows(session: Session) -> dict:
    return {
        "speakers": [link.speaker.name for link in session.speaker_links.select_related("speaker")],
        "resources": [f"{r.kind}: {r.url}" for r in session.resources.all()],
    }


def save_session(
    session: Session,
    *,
    by,
    speakers: list[Speaker] | None = None,
    resources: Rows | None = None,
) -> Session:
    """Create or change ``session``; ``speakers`` (in order) replaces its speakers."""
    if session.event_id and not session.umbrella_id:
        session.umbrella_id = session.event.parent_id or session.event_id
    umbrella_id = session.event.umbrella.pk if session.event_id else None
    for speaker in speakers or []:
        if speaker.event_id != umbrella_id:
            raise ValidationError(
                {"speakers": f"{speaker.name} speaks at another conference, not this one."}
            )

    def set_speakers(saved: Session) -> None:
        if speakers is None:
            return
        saved.speaker_links.all().delete()
        # One save each (not bulk_create): the public pages' change counter follows signals.
        for i, speaker in enumerate(dict.fromkeys(speakers)):
            SessionSpeaker.objects.create(session=saved, speaker=speaker, position=i)

    return _save(
        session,
        by=by,
        perm="hallway.change_session",
        event_of=lambda s: s.event,
        noun="session",
        rows=[resources] if resources is not None else [],
        related=_session_rows,
        then=set_speakers,
    )


# --- speakers ------------------------------------------------------------------------------


def _speaker_rows(speaker: Speaker) -> dict:
    return {"availability": _windows(speaker.availabilities.all())}


def create_speaker(umbrella: Event, *, by, name: str, email: str = "") -> Speaker:
    """A new speaker profile of ``umbrella`` (an umbrella organiser's right: profiles are
    shared by every co-located event)."""
    require(by, "hallway.add_speaker", umbrella)
    speaker = Speaker(event=umbrella, name=name.strip(), email=email.strip())
    with transaction.atomic():
        speaker.full_clean()
        speaker.save()
        record(
            umbrella,
            "speaker.created",
            by=by,
            obj=speaker,
            after=snapshot(speaker, _fields(speaker)),
        )
    return speaker


def save_speaker(speaker: Speaker, *, by, availability: Rows | None = None) -> Speaker:
    if speaker.pk is None:
        require(by, "hallway.add_speaker", speaker.event)
    return _save(
        speaker,
        by=by,
        perm="hallway.change_speaker" if speaker.pk else "hallway.add_speaker",
        event_of=lambda s: s.event,
        noun="speaker",
        rows=[availability] if availability else [],
        related=_speaker_rows,
    )


# --- rooms, tracks, types, exhibitors -------------------------------------------------------


def _room_rows(room: Room) -> dict:
    return {"availability": _windows(room.availabilities.all())}


def save_room(room: Room, *, by, availability: Rows | None = None) -> Room:
    return _save(
        room,
        by=by,
        perm="hallway.manage_rooms",
        event_of=lambda r: r.event,
        noun="room",
        rows=[availability] if availability else [],
        related=_room_rows,
    )


def save_track(track: Track, *, by) -> Track:
    return _save(
        track, by=by, perm="hallway.change_track", event_of=lambda t: t.event, noun="track"
    )


def save_session_type(session_type: SessionType, *, by) -> SessionType:
    return _save(
        session_type,
        by=by,
        perm="hallway.change_session_type",
        event_of=lambda t: t.event,
        noun="session_type",
    )


def _exhibitor_rows(exhibitor: Exhibitor) -> dict:
    return {"hours": _windows(exhibitor.hours.all())}


def save_exhibitor(exhibitor: Exhibitor, *, by, hours: Rows | None = None) -> Exhibitor:
    return _save(
        exhibitor,
        by=by,
        perm="hallway.manage_exhibitors",
        event_of=lambda e: e.event,
        noun="exhibitor",
        rows=[hours] if hours else [],
        related=_exhibitor_rows,
    )
