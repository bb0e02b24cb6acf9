"""A parsed ``Programme`` written into the database: the importers' side of interoperability.

Imports run in one transaction and match everything by stable identifier (the file's guids,
or guids derived from its ids), so re-importing a changed file updates rows and never
duplicates them.  Every row is validated as the organiser forms validate it; nothing is
truncated: a value that does not fit is reported and its session skipped, never silently
shortened.  :func:`import_programme` runs the steps in order: the event, rooms, speakers,
sessions, their speakers and links, their placement in the work in progress, the release.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from hallway import interop
from hallway.common.models import allocate_slug
from hallway.common.tracing import traced
from hallway.events.models import Event, Room, SessionType, Track
from hallway.interop import model as neutral
from hallway.interop.import_checks import (
    _SLUG,
    ImportReport,
    TimeZoneNeeded,
    _accepted_links,
    _accepted_url,
    _bulk_update,
    _checked,
    _fits,
    _no_url,
    _refuse_a_copy,
    _resource_kind,
    _target_event,
    _update,
)
from hallway.programme.models import Resource, Session, SessionSpeaker, Speaker
from hallway.schedule.editing import stamp_changes
from hallway.schedule.models import Schedule, Slot
from hallway.schedule.publication import published_changed
from hallway.schedule.services import (
    latest_release,
    release_schedule,
    schedule_conflicts,
    wip_schedule,
)


@dataclasses.dataclass
class _Run:
    """What the steps of one import share: the file, where it goes, and what it found."""

    programme: neutral.Programme
    event: Event
    report: ImportReport
    sessions: dict[uuid.UUID, Session]  # the file's sessions already in the database
    room_for: dict[int, Room] = dataclasses.field(default_factory=dict)  # id(file room) →
    speaker_for: dict[uuid.UUID, Speaker] = dataclasses.field(default_factory=dict)

    @property
    def umbrella(self) -> Event:
        return self.event.umbrella

    def person_uuid(self, person: neutral.Person) -> uuid.UUID:
        return person.guid or neutral.derive_uuid("person", self.umbrella.slug, person.key)


@traced("hallway.import")
@transaction.atomic
def import_programme(
    programme: neutral.Programme,
    event_slug: str,
    *,
    release: bool = True,
    progress: Callable[[int, int], None] | None = None,
    time_zone: str | None = None,
) -> ImportReport:
    """Write ``programme`` into the event ``event_slug`` (created if missing), all or nothing.

    Sessions, speakers and rooms are matched by guid, so re-importing an updated file updates
    them in place.  The imported placement replaces the work in progress for these sessions
    and, with ``release``, is published as a new release.  A file that gives local times and
    no zone is read in ``time_zone``, else in the existing event's zone, else refused
    (:class:`TimeZoneNeeded`): never silently in UTC.
    """
    report = ImportReport()
    _settle_zone(programme, event_slug, time_zone, report)
    event = _target_event(programme, event_slug, report)
    report.event = event
    sessions = {
        s.uuid: s
        for s in Session.objects.filter(
            uuid__in=[x.guid for x in [*programme.sessions, *programme.unscheduled]]
        ).select_related("umbrella")
    }
    _refuse_a_copy(programme, sessions, event.umbrella)
    run = _Run(programme, event, report, sessions)
    _count_unkept(programme, report)
    _import_rooms(run)
    _import_speakers(run)
    accepted = _import_sessions(run, progress)
    _link_and_place(run, accepted)
    _publish(run, release)
    return report


def _settle_zone(
    programme: neutral.Programme, slug: str, time_zone: str | None, report: ImportReport
) -> None:
    """Where the file's local times are: see :func:`import_programme`."""
    existing = Event.objects.filter(slug=slug).select_related("parent").first()
    event_zone = existing.umbrella.time_zone if existing else None
    source = programme.time_zone_source
    if source in ("assumed", "unneeded"):
        zone = time_zone or event_zone
        if zone is None and source == "assumed":
            raise TimeZoneNeeded(
                "the file gives its times without a time zone or offset, and there is no "
                f"event {slug!r} yet whose zone could be used: name the time zone its times "
                "are in"
            )
        if zone is not None:
            interop.assume_zone(programme, zone)
            if source == "assumed":
                whose = "as given" if time_zone else f"{existing.umbrella.slug}'s zone"
                report.notes.append(f"the file names no time zone: times read in {zone} ({whose})")
    elif time_zone and time_zone != programme.time_zone:
        how = "named in it" if source == "file" else "by their offsets"
        report.notes.append(
            f"the file's times are in {programme.time_zone} ({how}); "
            f"the time zone given, {time_zone}, was not needed"
        )
    if event_zone and programme.sessions and programme.time_zone != event_zone:
        report.notes.append(
            f"the file's times are in {programme.time_zone}, the event's in {event_zone}: "
            f"the sessions keep their instants and are shown in {event_zone}"
        )


def _count_unkept(programme: neutral.Programme, report: ImportReport) -> None:
    """Count, by kind, every value the file gives that hallway does not keep: what the
    parser had no place for, and what the database has no column for."""
    for kind, n in programme.ignored.items():
        report.counts[("not kept", kind)] += n
    items = [*programme.sessions, *programme.unscheduled]
    checks = [
        ("session recording licence", items, lambda s: s.recording_license),
        ("session logo", items, lambda s: s.logo),
        ("session url besides its origin_url", items, lambda s: s.origin_url and s.url),
        ("speaker page url", programme.persons, lambda p: p.url),
        ("speaker code", programme.persons, lambda p: p.code),
        ("room description", programme.rooms, lambda r: r.description),
        ("timeslot duration", [programme], lambda p: p.timeslot_duration),
    ]
    for kind, rows, given in checks:
        n = sum(1 for row in rows if given(row))
        if n:
            report.counts[("not kept", kind)] += n


def _import_rooms(run: _Run) -> None:
    """Rooms: by guid, else by name, within the umbrella's venue."""
    umbrella, report = run.umbrella, run.report
    room_rows = list(Room.objects.filter(event=umbrella))
    by_uuid = {r.uuid: r for r in room_rows}
    by_name = {r.name: r for r in room_rows}
    # Room guids are not always unique: pretalx has given two rooms of one file the same
    # guid, and the CCC hub reuses its rooms' guids across conferences.  A guid already
    # claimed (by an earlier room of this file, or by a room of another event) is ignored
    # and the room matched by name / given a guid derived from its name instead.
    claimed: set[uuid.UUID] = set()
    foreign = set(
        Room.objects.filter(uuid__in=[r.guid for r in run.programme.rooms if r.guid])
        .exclude(event=umbrella)
        .values_list("uuid", flat=True)
    )
    for position, room in enumerate(run.programme.rooms):
        if not _fits(room.name, "name", Room, f"room {room.name!r}", report):
            report.counts[("rooms", "skipped")] += 1
            continue
        guid = room.guid if room.guid and room.guid not in claimed | foreign else None
        if room.guid and guid is None:
            owner = "another room of this file" if room.guid in claimed else "another event"
            report.notes.append(
                f"room {room.name!r}: guid {room.guid} is already used by {owner}; "
                "matched by name instead"
            )
        row = (guid and by_uuid.get(guid)) or by_name.get(room.name)
        if row is not None and row.uuid in claimed:
            row = None  # two rooms of the file must not collapse into one row
        if row is None:
            row = Room(
                event=umbrella,
                uuid=guid or neutral.derive_uuid("room", umbrella.slug, room.name),
                name=room.name,
                capacity=room.capacity,
                position=position,
            )
            _checked(row, f"room {room.name!r}", exclude=("slug",)).save()
            by_name[row.name] = row
            by_uuid[row.uuid] = row
            report.counts[("rooms", "created")] += 1
        elif _update(row, {"name": room.name, "capacity": room.capacity or row.capacity}):
            _checked(row, f"room {room.name!r}").save()
            report.counts[("rooms", "updated")] += 1
        else:
            report.counts[("rooms", "unchanged")] += 1
        claimed.add(row.uuid)
        run.room_for[id(room)] = row


def _import_speakers(run: _Run) -> None:
    """Speakers: by guid (or one derived from the file's person id or name)."""
    umbrella, report, base_url = run.umbrella, run.report, run.programme.base_url
    wanted = {
        run.person_uuid(p): p
        for s in [*run.programme.sessions, *run.programme.unscheduled]
        for p in s.persons
    }
    # People imported before names were part of an id-only person's key were stored under
    # the id alone: found again there when the name still matches.
    legacy = {
        neutral.derive_uuid("person", umbrella.slug, p.legacy_key): key
        for key, p in wanted.items()
        if p.legacy_key
    }
    # A speaker row belongs to one umbrella, but a person is not an event's: a site that
    # reuses its people's ids from one year to the next, or a speaker at two co-hosted
    # conferences, gives a guid another umbrella holds.  This umbrella then keeps its own row
    # for them (bio and links as this file gives them, the same user account) under a guid
    # derived from theirs, found again on the next import.
    own_copy = {key: neutral.derive_uuid("speaker-of", umbrella.slug, key) for key in wanted}
    existing = {
        s.uuid: s
        for s in Speaker.objects.filter(
            uuid__in=[*wanted, *legacy, *own_copy.values()]
        ).select_related("event")
    }
    for old_uuid, key in legacy.items():
        row = existing.get(old_uuid)
        if key not in existing and row is not None and row.name == wanted[key].name:
            existing[key] = row
    speaker_slugs = set(Speaker.objects.filter(event=umbrella).values_list("slug", flat=True))
    new_speakers, changed_speakers = [], []
    for key, person in wanted.items():
        where = f"speaker {key} ({person.name[:40]!r})"
        values = {
            "name": person.name,
            "bio": person.bio,
            "picture_url": _accepted_url(
                person.avatar, Speaker, "picture_url", where, report, base_url=base_url
            ),
            "links": _accepted_links(person.links, where, report, base_url),
        }
        row, uuid_, user = existing.get(key), key, None
        if row is not None and row.event_id != umbrella.pk:
            report.notes.append(
                f"speaker {person.name!r}: guid {key} is a speaker of {row.event} too; "
                f"{umbrella.slug} has its own speaker page for them"
            )
            uuid_, user = own_copy[key], row.user_id
            row = existing.get(uuid_)
        if not _fits(person.name, "name", Speaker, f"speaker {key}", report):
            report.counts[("speakers", "skipped")] += 1
            continue
        if row is None:
            row = Speaker(
                event=umbrella,
                uuid=uuid_,
                user_id=user,
                slug=allocate_slug(person.name, speaker_slugs),
                **values,
            )
            new_speakers.append(_checked(row, where))
            report.counts[("speakers", "created")] += 1
        elif _update(row, values):
            changed_speakers.append(_checked(row, where))
            report.counts[("speakers", "updated")] += 1
        else:
            report.counts[("speakers", "unchanged")] += 1
        run.speaker_for[key] = row
    Speaker.objects.bulk_create(new_speakers, batch_size=500)
    _bulk_update(Speaker, changed_speakers, ["name", "bio", "picture_url", "links"])


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


def _import_sessions(run: _Run, progress) -> list[tuple[neutral.Entry, Session, str]]:
    """Sessions: by guid; returns (file item, row, 'created'/'updated'/'unchanged')."""
    report, event, umbrella = run.report, run.event, run.umbrella
    kinds = _Kinds(event)
    session_slugs = set(Session.objects.filter(umbrella=umbrella).values_list("slug", flat=True))
    items = [*run.programme.sessions, *run.programme.unscheduled]
    total = len(items)
    seen: set[uuid.UUID] = set()
    accepted: list[tuple[neutral.Entry, Session, str]] = []
    for n, item in enumerate(items, start=1):
        if progress:
            progress(n, total)
        where = f"session {item.guid} ({item.title[:40]!r})"
        if item.guid in seen:
            report.notes.append(f"{where}: guid appears twice in the file; second one skipped")
            report.counts[("sessions", "skipped")] += 1
            continue
        seen.add(item.guid)
        if not all(
            _fits(value, field, Session, where, report)
            for value, field in [
                (item.title, "title"),
                (item.subtitle, "subtitle"),
                (item.language, "language"),
            ]
        ):
            report.counts[("sessions", "skipped")] += 1
            continue
        missing = [p.name for p in item.persons if run.person_uuid(p) not in run.speaker_for]
        if missing:
            # published without a speaker the file gives it would be a wrong fact
            report.notes.append(
                f"{where}: skipped, its speaker(s) {', '.join(map(repr, missing))} could not "
                "be imported (see above)"
            )
            report.counts[("sessions", "skipped")] += 1
            continue
        row = run.sessions.get(item.guid)
        if row is not None and row.umbrella_id != umbrella.pk:
            report.notes.append(f"{where}: this guid belongs to {row.umbrella}; skipped")
            report.counts[("sessions", "skipped")] += 1
            continue
        values = {
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
        if row is None:
            row = Session(
                event=event,
                umbrella=umbrella,
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


class _Kinds:
    """The event's session types and tracks by name, created as the file names new ones."""

    def __init__(self, event: Event):
        self.event = event
        self.tracks = {t.name: t for t in Track.objects.filter(event=event)}
        self.types = {t.name: t for t in SessionType.objects.filter(event=event)}

    def session_type(self, item: neutral.Entry, where: str) -> SessionType:
        name = item.type[:80]  # empty stays empty: the file said no type
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
                event=self.event, name=name[:120], colour=item.track.color or "#666666"
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


def _link_and_place(run: _Run, accepted: list[tuple[neutral.Entry, Session, str]]) -> None:
    """Each session's speakers and links as the file gives them, and its place in the work in
    progress; a session whose speakers, links or place changed counts as updated."""
    report, base_url = run.report, run.programme.base_url
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
        where = f"session {item.guid} ({item.title[:40]!r})"
        wanted_resources = []
        for x, attachment in [(x, False) for x in item.links] + [
            (x, True) for x in item.attachments
        ]:
            if not x.url:
                _no_url(where, report)
            elif url := _accepted_url(x.url, Resource, "url", where, report, base_url=base_url):
                wanted_resources.append((_resource_kind(x, attachment), x.title, url, x.type or ""))
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


def _publish(run: _Run, release: bool) -> None:
    """Report the file's own conflicts, release when asked and anything changed, and count
    the change to what the public sees."""
    report, umbrella, programme = run.report, run.umbrella, run.programme
    report.notes.extend(programme.warnings)
    if not programme.sessions:
        report.notes.append(
            f"nothing to schedule: none of the file's {len(programme.unscheduled)} sessions has "
            "a time, so they wait among the unscheduled sessions and no release was made"
            if programme.unscheduled
            else "nothing to schedule: the file holds no sessions, so no release was made"
        )
        release = False
    conflicts = schedule_conflicts(wip_schedule(umbrella))
    if conflicts:
        report.notes.append(
            f"the file's schedule has {len(conflicts)} conflict(s), kept as published; first: "
            + conflicts[0].message
        )
    changed = any(o in ("created", "updated") for (_kind, o), n in report.counts.items() if n)
    if release and (changed or latest_release(umbrella) is None):
        version = programme.version or "imported"
        taken = set(Schedule.objects.filter(event=umbrella).values_list("version", flat=True))
        name, n = version[:70], 2
        while name in taken:
            name = f"{version[:70]} ({n})"
            n += 1
        report.release = release_schedule(umbrella, name, allow_conflicts=True, comment="Imported.")
    if changed:
        # Bulk writes send no signals: published text may have changed without a release.
        published_changed(umbrella.pk)


def import_file(
    data: bytes,
    event_slug: str,
    *,
    format: str | None = None,
    release: bool = True,
    progress: Callable[[int, int], None] | None = None,
    time_zone: str | None = None,
) -> ImportReport:
    """Parse and import a schedule file; raises ``interop.FormatError`` before writing anything."""
    programme = interop.parse(
        data, format=format, max_bytes=settings.HALLWAY_MAX_IMPORT_BYTES, time_zone=time_zone
    )
    return import_programme(
        programme, event_slug, release=release, progress=progress, time_zone=time_zone
    )
