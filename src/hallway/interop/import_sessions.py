"""The sessions step of an import (``imports.import_programme`` runs the steps in order): each
file session checked and written by guid, its type and track found or created by name, then
its speakers, links and place in the work in progress."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import TYPE_CHECKING

from hallway.common.models import allocate_slug
from hallway.events.models import Event, SessionType, Track
from hallway.interop import model as neutral
from hallway.interop.import_checks import (
    _SLUG,
    _accepted_url,
    _bulk_update,
    _checked,
    _fits,
    _no_url,
    _resource_kind,
    _update,
)
from hallway.programme.models import Resource, Session, SessionSpeaker
from hallway.schedule.editing import stamp_changes
from hallway.schedule.models import Slot
from hallway.schedule.services import wip_schedule

if TYPE_CHECKING:
    from hallway.interop.imports import _Run

_SESSION_FIELDS = [
    "title",
    "subtitle",
    "abstract",
    "description",
    "language",
    "duration",
    "do_not_record",
    "track",
    "session_type",
    "source_id",
    "source_code",
    "source_url",
    "feedback_url",
]


def import_sessions(run: _Run, progress) -> list[tuple[neutral.Entry, Session, str]]:
    """Sessions: by guid; returns (file item, row, 'created'/'updated'/'unchanged')."""
    kinds = _Kinds(run.event)
    session_slugs = set(
        Session.objects.filter(umbrella=run.umbrella).values_list("slug", flat=True)
    )
    items = [*run.programme.sessions, *run.programme.unscheduled]
    seen: set[uuid.UUID] = set()
    accepted: list[tuple[neutral.Entry, Session, str]] = []
    for n, item in enumerate(items, start=1):
        if progress:
            progress(n, len(items))
        where = f"session {item.guid} ({item.title[:40]!r})"
        if not _importable(run, item, where, seen):
            run.report.counts[("sessions", "skipped")] += 1
            continue
        row = run.sessions.get(item.guid)
        values = _session_values(run, kinds, item, where)
        if row is None:
            row = Session(
                event=run.event,
                umbrella=run.umbrella,
                uuid=item.guid,
                slug=_new_slug(item, session_slugs),
                state=Session.CONFIRMED,
                **values,
            )
            accepted.append((item, _checked(row, where), "created"))
        else:
            if run.programme.session_fields is not None:
                values = {k: v for k, v in values.items() if k in run.programme.session_fields}
            outcome = "updated" if _update(row, values) else "unchanged"
            accepted.append((item, _checked(row, where) if outcome == "updated" else row, outcome))
    Session.objects.bulk_create([r for _, r, o in accepted if o == "created"], batch_size=500)
    _bulk_update(Session, [r for _, r, o in accepted if o == "updated"], _SESSION_FIELDS)
    return accepted


def _importable(run: _Run, item: neutral.Entry, where: str, seen: set[uuid.UUID]) -> bool:
    """Whether the file's session can be imported; the reason is noted when not."""
    report = run.report
    if item.guid in seen:
        report.notes.append(f"{where}: guid appears twice in the file; second one skipped")
        return False
    seen.add(item.guid)
    if not all(
        _fits(value, field, Session, where, report)
        for value, field in [
            (item.title, "title"),
            (item.subtitle, "subtitle"),
            (item.language, "language"),
        ]
    ):
        return False
    missing = [p.name for p in item.persons if run.person_uuid(p) not in run.speaker_for]
    if missing:
        # published without a speaker the file gives it would be a wrong fact
        report.notes.append(
            f"{where}: skipped, its speaker(s) {', '.join(map(repr, missing))} could not "
            "be imported (see above)"
        )
        return False
    row = run.sessions.get(item.guid)
    if row is not None and row.umbrella_id != run.umbrella.pk:
        report.notes.append(f"{where}: this guid belongs to {row.umbrella}; skipped")
        return False
    return True


def _session_values(run: _Run, kinds: _Kinds, item: neutral.Entry, where: str) -> dict:
    """The session's fields as the file gives them, each checked as the forms would."""
    report = run.report
    return {
        "title": item.title,
        "subtitle": item.subtitle,
        "abstract": item.abstract,
        "description": item.description,
        "language": item.language,
        "duration": round(item.duration.total_seconds() / 60)
        or (kinds.session_type(item, where).default_duration if item.start is None else 0),
        "do_not_record": bool(item.do_not_record),
        "track": kinds.track(item, where),
        "session_type": kinds.session_type(item, where),
        "source_id": str(item.local_id) if item.local_id is not None else "",
        "source_code": (item.code or "")[:32],
        "source_url": _accepted_url(
            item.origin_url or item.url,
            Session,
            "source_url",
            where,
            report,
            base_url=run.programme.base_url,
        ),
        "feedback_url": _accepted_url(
            item.feedback_url,
            Session,
            "feedback_url",
            where,
            report,
            base_url=run.programme.base_url,
        ),
    }


class _Kinds:
    """The event's session types and tracks by name, created as the file names new ones."""

    def __init__(self, event: Event):
        self.event = event
        self.tracks = {t.name: t for t in Track.objects.filter(event=event)}
        self.types = {t.name: t for t in SessionType.objects.filter(event=event)}

    def session_type(self, item: neutral.Entry, where: str) -> SessionType:
        name = item.type  # empty stays empty: the file said no type; too long is refused
        if name not in self.types:
            self.types[name] = SessionType(
                event=self.event,
                name=name,
                default_duration=int(item.duration.total_seconds() // 60) or 30,
            )
            _checked(self.types[name], f"{where}: type {name!r}", exclude=("slug",)).save()
        return self.types[name]

    def track(self, item: neutral.Entry, where: str) -> Track | None:
        if item.track is None:
            return None
        name = item.track.name
        if name not in self.tracks:
            self.tracks[name] = Track(
                event=self.event, name=name, colour=item.track.color or "#666666"
            )
            _checked(self.tracks[name], f"{where}: track {name[:40]!r}", exclude=("slug",)).save()
        return self.tracks[name]


def _new_slug(item: neutral.Entry, taken: set[str]) -> str:
    """The file's slug if it is one and free (it becomes part of the page's URL), else one
    made from the title."""
    wanted = (item.slug or "")[:100]
    if wanted and _SLUG.fullmatch(wanted) and wanted not in taken:
        taken.add(wanted)
        return wanted
    return allocate_slug(item.title, taken)


def _wanted_resources(run: _Run, item: neutral.Entry) -> list[tuple]:
    """The session's links and attachments as (kind, title, url, link type) rows; one with
    no address or a refused one is noted and left out."""
    where = f"session {item.guid} ({item.title[:40]!r})"
    wanted = []
    for x, attachment in [(x, False) for x in item.links] + [(x, True) for x in item.attachments]:
        if not x.url:
            _no_url(where, run.report)
        elif url := _accepted_url(
            x.url, Resource, "url", where, run.report, base_url=run.programme.base_url
        ):
            wanted.append((_resource_kind(x, attachment), x.title, url, x.type or ""))
    return wanted


def link_and_place(run: _Run, accepted: list[tuple[neutral.Entry, Session, str]]) -> None:
    """Each session's speakers and links as the file gives them, and its place in the work in
    progress; a session whose speakers, links or place changed counts as updated."""
    report = run.report
    wip = wip_schedule(run.umbrella)
    ids = [row.pk for _, row, _ in accepted]
    links_now: dict[int, list[int]] = defaultdict(list)
    for session_id, speaker_id in SessionSpeaker.objects.filter(session_id__in=ids).values_list(
        "session_id", "speaker_id"
    ):
        links_now[session_id].append(speaker_id)
    resources_now: dict[int, list[tuple]] = defaultdict(list)
    for row in Resource.objects.filter(session_id__in=ids).values_list(
        "session_id", "kind", "title", "url", "link_type"
    ):
        resources_now[row[0]].append(row[1:])
    wip_slots = {s.session_id: s for s in wip.slots.filter(session_id__in=ids, part=1)}

    relink, new_links, reresource, new_resources, new_slots, moved_slots = [], [], [], [], [], []
    for item, row, outcome in accepted:
        speaker_ids = list(
            dict.fromkeys(
                run.speaker_for[run.person_uuid(p)].pk
                for p in item.persons
                if run.person_uuid(p) in run.speaker_for
            )
        )
        if links_now.get(row.pk, []) != speaker_ids:
            relink.append(row.pk)
            new_links += [
                SessionSpeaker(session=row, speaker_id=sid, position=i)
                for i, sid in enumerate(speaker_ids)
            ]
            outcome = "updated" if outcome == "unchanged" else outcome
        wanted_resources = _wanted_resources(run, item)
        partial = run.programme.session_fields is not None and outcome != "created"
        if not partial and resources_now.get(row.pk, []) != wanted_resources:
            reresource.append(row.pk)
            new_resources += [
                Resource(session=row, kind=k, title=t, url=u, link_type=lt, position=i)
                for i, (k, t, u, lt) in enumerate(wanted_resources)
            ]
            outcome = "updated" if outcome == "unchanged" else outcome
        if item.start is None:
            # Not placed in the file: it waits among the unscheduled sessions, and a place
            # an organiser gave it already is left as it is.
            report.counts[("sessions", outcome)] += 1
            report.counts[("sessions", "unscheduled")] += 1
            continue
        # The file's placement becomes the work in progress.
        room = run.room_for.get(id(item.room)) if item.room is not None else None
        start, end = item.start, item.start + dt.timedelta(minutes=row.duration)
        slot = wip_slots.get(row.pk)
        if slot is None:
            new_slots.append(Slot(schedule=wip, session=row, room=room, start=start, end=end))
            outcome = "updated" if outcome == "unchanged" else outcome
        elif (slot.start, slot.end, slot.room_id) != (start, end, room.pk if room else None):
            slot.start, slot.end, slot.room = start, end, room
            moved_slots.append(slot)
            outcome = "updated" if outcome == "unchanged" else outcome
        report.counts[("sessions", outcome)] += 1
    SessionSpeaker.objects.filter(session_id__in=relink).delete()
    SessionSpeaker.objects.bulk_create(new_links, batch_size=1000)
    Resource.objects.filter(session_id__in=reresource).delete()
    for resource in new_resources:
        _checked(resource, f"session {resource.session.uuid}: link {resource.url[:80]!r}")
    Resource.objects.bulk_create(new_resources, batch_size=1000)
    Slot.objects.bulk_create(new_slots, batch_size=1000)
    Slot.objects.bulk_update(moved_slots, ["start", "end", "room"], batch_size=500)
    stamp_changes(wip.event, [s.session_id for s in new_slots + moved_slots], source="an import")
