"""The Django side of interoperability: a release as a ``Programme`` for the exporters, and a
parsed ``Programme`` written into the database for the importers.

Imports run in one transaction and match everything by stable identifier (the file's guids,
or guids derived from its ids), so re-importing a changed file updates rows and never
duplicates them.  Nothing is truncated: a value that does not fit is reported and its session
skipped, never silently shortened.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from urllib.parse import urljoin

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from hallway import interop
from hallway.common.models import allocate_slug
from hallway.common.tracing import traced
from hallway.common.validators import check_fields, is_safe_url, validate_link_url
from hallway.events.models import Event, Room, SessionType, Track, conference_day
from hallway.interop import model as neutral
from hallway.programme.models import Resource, Session, SessionSpeaker, Speaker
from hallway.schedule.models import Schedule, Slot
from hallway.schedule.publication import published_changed
from hallway.schedule.services import (
    latest_release,
    release_schedule,
    schedule_conflicts,
    wip_schedule,
)

# --------------------------------------------------------------------------- export


def _link_for(resource: Resource) -> neutral.Link:
    default_type = {Resource.VIDEO: "video", Resource.SLIDES: "slides"}.get(resource.kind)
    return neutral.Link(
        url=resource.url, title=resource.title, type=resource.link_type or default_type
    )


def _change_history(release: Schedule) -> dict[tuple[int, int], tuple[int, dt.datetime]]:
    """For each (session, part) of ``release``: how often its time or room changed over the
    releases so far (iCalendar SEQUENCE), and when it last did (LAST-MODIFIED)."""
    rows = (
        Slot.objects.filter(
            schedule__event=release.event,
            schedule__version__isnull=False,
            schedule__released_at__lte=release.released_at,
            session__isnull=False,
        )
        .order_by("schedule__released_at", "schedule_id")
        .values_list("session_id", "part", "start", "end", "room_id", "schedule__released_at")
    )
    history: dict[tuple[int, int], tuple[int, dt.datetime, tuple]] = {}
    for session_id, part, start, end, room_id, released_at in rows:
        key = (session_id, part)
        place = (start, end, room_id)
        if key not in history:
            history[key] = (0, released_at, place)
        elif history[key][2] != place:
            history[key] = (history[key][0] + 1, released_at, place)
    return {key: (seq, when) for key, (seq, when, _place) in history.items()}


#: What ``programme_for`` reads of a slot and the rows joined to it: the time stamps and
#: JSON columns left out are most of the cost of loading a large release.
_EXPORTED_FIELDS = (
    "start",
    "end",
    "part",
    "schedule_id",
    "room__name",
    "room__uuid",
    "room__slug",
    "room__capacity",
    "session__uuid",
    "session__slug",
    "session__title",
    "session__subtitle",
    "session__abstract",
    "session__description",
    "session__language",
    "session__parts",
    "session__do_not_record",
    "session__updated_at",
    "session__umbrella_id",
    "session__event__name",
    "session__track__name",
    "session__track__slug",
    "session__track__colour",
    "session__session_type__name",
)


def programme_for(
    event: Event, *, release: Schedule | None = None, base_url: str = ""
) -> neutral.Programme:
    """The released programme of ``event`` (merged over sub-events for an umbrella)."""
    from hallway.agenda.selectors import release_slots

    umbrella = event.umbrella
    release = release or latest_release(umbrella)
    base_url = (base_url or settings.HALLWAY_BASE_URL).rstrip("/")
    programme = neutral.Programme(
        title=event.name,
        time_zone=umbrella.time_zone,
        acronym=event.slug,
        start=event.start_date,
        end=event.end_date,
        base_url=f"{base_url}/",
        url=f"{base_url}{reverse('agenda:event', args=[event.slug])}",
        version=release.version if release else "",
        released_at=release.released_at if release else None,
        timeslot_duration=dt.timedelta(minutes=5),
    )
    if release is None:
        return programme
    # Speakers and resources in one query each, grouped here: Django's prefetch machinery
    # clones a queryset per session, which was most of an export's time at FOSDEM's size.
    slots = list(release_slots(event, release).prefetch_related(None).only(*_EXPORTED_FIELDS))
    released = release.slots.filter(session__isnull=False).values("session_id")
    speakers_of: dict[int, list[Speaker]] = defaultdict(list)
    for link in (
        SessionSpeaker.objects.filter(session_id__in=released)
        .select_related("speaker")
        .order_by("position", "id")
    ):
        speakers_of[link.session_id].append(link.speaker)
    resources_of: dict[int, list[Resource]] = defaultdict(list)
    for resource in Resource.objects.filter(session_id__in=released):
        resources_of[resource.session_id].append(resource)
    # reverse() once per kind of page, not once per session and speaker.
    sentinel = "hallway-slug-sentinel"
    session_url = f"{base_url}{reverse('agenda:session', args=[umbrella.slug, sentinel])}"
    speaker_url = f"{base_url}{reverse('agenda:speaker', args=[umbrella.slug, sentinel])}"
    history = _change_history(release)
    rooms: dict[int, neutral.Room] = {}
    tracks: dict[int, neutral.Track] = {}
    persons: dict[int, neutral.Person] = {}
    for slot in slots:
        session = slot.session
        room = None
        if slot.room_id:
            if slot.room_id not in rooms:
                r = slot.room
                rooms[slot.room_id] = neutral.Room(
                    name=r.name, guid=r.uuid, slug=r.slug, capacity=r.capacity
                )
            room = rooms[slot.room_id]
        track = None
        if session.track_id:
            if session.track_id not in tracks:
                t = session.track
                tracks[t.pk] = neutral.Track(name=t.name, slug=t.slug, color=t.colour)
            track = tracks[session.track_id]
        speakers = []
        for s in speakers_of[session.pk]:
            if s.pk not in persons:
                persons[s.pk] = neutral.Person(
                    name=s.name,
                    guid=s.uuid,
                    local_id=s.pk,
                    bio=s.bio,
                    avatar=s.picture_url or None,
                    url=speaker_url.replace(sentinel, s.slug),
                    links=[
                        neutral.Link(url=x["url"], title=x.get("title", ""))
                        for x in s.links
                        if isinstance(x, dict) and x.get("url")
                    ],
                )
            speakers.append(persons[s.pk])
        resources = resources_of[session.pk]
        multi = session.parts > 1
        sequence, changed_at = history.get((session.pk, slot.part), (0, release.released_at))
        programme.sessions.append(
            neutral.Session(
                # Every part of a multi-part workshop is its own entry with its own stable guid.
                guid=session.uuid
                if slot.part == 1
                else uuid.uuid5(session.uuid, f"part-{slot.part}"),
                title=f"{session.title} (part {slot.part} of {session.parts})"
                if multi
                else session.title,
                start=slot.start,
                duration=slot.end - slot.start,
                room=room,
                local_id=session.pk * 10 + slot.part - 1 if multi else session.pk * 10,
                slug=session.slug if slot.part == 1 else f"{session.slug}-part-{slot.part}",
                subtitle=session.subtitle,
                type=session.session_type.name,
                track=track,
                language=session.language,
                abstract=session.abstract,
                description=session.description,
                persons=speakers,
                links=[_link_for(r) for r in resources if r.kind != Resource.ATTACHMENT],
                attachments=[_link_for(r) for r in resources if r.kind == Resource.ATTACHMENT],
                do_not_record=session.do_not_record,
                url=session_url.replace(sentinel, session.slug),
                sub_event=session.event.name if session.event_id != umbrella.pk else None,
                sequence=sequence,
                last_modified=max(changed_at, session.updated_at),
            )
        )
    programme.rooms = list(rooms.values())
    programme.tracks = list(tracks.values())
    programme.persons = list(persons.values())
    by_day: dict[dt.date, list[neutral.Session]] = defaultdict(list)
    for s in programme.sessions:
        by_day[umbrella.day_of(s.start)].append(s)
    for index, day in enumerate(event.days):
        sessions = by_day.get(day, [])
        # a day runs from its first session to its last, never into the next day's change, so
        # the exporters put every session on the day it belongs to
        end = max((s.end for s in sessions), default=None)
        programme.days.append(
            neutral.Day(
                index=index,
                date=day,
                start=min((s.start for s in sessions), default=None),
                end=end and min(end, umbrella.day_bounds(day)[1]),
            )
        )
    return programme


# --------------------------------------------------------------------------- import


@dataclasses.dataclass
class ImportReport:
    """What an import did, for the command line and the organiser area."""

    event: Event | None = None
    release: Schedule | None = None
    counts: Counter = dataclasses.field(default_factory=Counter)  # (kind, outcome) -> n
    notes: list[str] = dataclasses.field(default_factory=list)

    def count(self, kind: str, outcome: str) -> int:
        return self.counts[(kind, outcome)]

    def lines(self) -> list[str]:
        out = []
        for kind in ("sessions", "speakers", "rooms"):
            parts = [
                f"{self.counts[(kind, o)]} {o}"
                for o in ("created", "updated", "unchanged", "skipped")
                if self.counts[(kind, o)]
            ]
            out.append(f"{kind}: {', '.join(parts) or 'none'}")
        if self.counts[("links", "refused")]:
            out.append(
                f"links: {self.counts[('links', 'refused')]} refused (not http, https or "
                "mailto; see the notes)"
            )
        return out


def _fits(value: str, field: str, model, where: str, report: ImportReport) -> bool:
    limit = model._meta.get_field(field).max_length
    if value and limit and len(value) > limit:
        report.notes.append(
            f"{where}: {field} is {len(value)} characters, longer than the {limit} hallway keeps"
        )
        return False
    return True


class ImportRefused(ValidationError):
    """A value in the file that hallway does not store (a colour that is not #rrggbb, a
    number out of range): the message names the item in the file and the field."""


def _checked(row, where: str, *, exclude: tuple[str, ...] = ()):
    """``row`` after the same field validation the organiser forms apply, or ImportRefused
    naming the item and field (the caller's transaction then takes back everything)."""
    try:
        check_fields(row, exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ImportRefused(
            f"{where}: {field}: {' '.join(m.rstrip('.') + '.' for m in messages)} "
            "Nothing was imported"
        ) from None
    return row


def _absolute(url: str, base_url: str | None) -> str:
    """A path ("/system/attachments/…", as frab writes attachments) made absolute against the
    file's http(s) base URL; anything else as it is."""
    if url.startswith("/") and is_safe_url(base_url) and is_safe_url(url, relative=True):
        return urljoin(base_url, url)
    return url


def _accepted_url(
    value: str | None,
    model,
    field: str,
    where: str,
    report: ImportReport,
    *,
    base_url: str | None = None,
) -> str:
    """``value`` if ``model.field`` would accept it, else "" with a note: a ``javascript:``,
    ``data:`` or otherwise unusable link in a file is refused and reported, never stored
    and never silently dropped.  A path is made absolute first (:func:`_absolute`)."""
    if not value:
        return ""
    value = _absolute(value, base_url)
    try:
        model._meta.get_field(field).clean(value, None)
    except ValidationError as exc:
        report.counts[("links", "refused")] += 1
        report.notes.append(f"{where}: {field} {value[:80]!r} refused: {' '.join(exc.messages)}")
        return ""
    return value


def _accepted_links(
    links: list[neutral.Link], where: str, report: ImportReport, base_url: str | None
) -> list[dict]:
    """A speaker's links that are http(s) or mailto:, each refused one noted."""
    kept = []
    for link in links:
        url = _absolute(link.url, base_url)
        try:
            validate_link_url(url)
            if not url:
                raise ValidationError("no URL")
        except ValidationError as exc:
            report.counts[("links", "refused")] += 1
            report.notes.append(f"{where}: link {url[:80]!r} refused: {' '.join(exc.messages)}")
            continue
        kept.append({"title": link.title, "url": url})
    return kept


_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _target_event(programme: neutral.Programme, slug: str, report: ImportReport) -> Event:
    event = Event.objects.filter(slug=slug).select_related("parent").first()
    file_change = interop.day_change_of(programme)
    # an existing event keeps its own day change; the file's days are counted by it
    change = file_change if event is None else event.umbrella.day_change
    tz = neutral_zone(programme)
    starts = [conference_day(s.start, tz, change) for s in programme.sessions]
    first = min(starts, default=programme.start or dt.date.today())
    last = max(starts, default=programme.end or first)
    if programme.start:
        first = min(first, programme.start)
    if programme.end:
        last = max(last, programme.end)
    if event is None:
        event = Event(
            slug=slug,
            name=programme.title or slug,
            time_zone=programme.time_zone or "UTC",
            start_date=first,
            end_date=last,
            day_change=change,
            website=_accepted_url(programme.url, Event, "website", "the file's url", report),
        )
        event.full_clean()  # a bad slug or time zone stops the import with its message
        event.save()
        report.notes.append(f"created event '{slug}' ({first} to {last}, {event.time_zone})")
        if change != dt.time(0, 0):
            report.notes.append(
                f"days change at {change:%H:%M}, as in the file: a session before then "
                "belongs to the evening before"
            )
        return event
    umbrella = event.umbrella
    if file_change != change:
        report.notes.append(
            f"the file's days change at {file_change:%H:%M}, {umbrella.slug}'s at "
            f"{change:%H:%M}; kept {umbrella.slug}'s"
        )
    if first < umbrella.start_date or last > umbrella.end_date:
        umbrella.start_date = min(umbrella.start_date, first)
        umbrella.end_date = max(umbrella.end_date, last)
        umbrella.save(update_fields=["start_date", "end_date", "updated_at"])
        report.notes.append(
            f"extended {umbrella.slug} to {umbrella.start_date}–{umbrella.end_date}"
        )
    if not event.is_umbrella and (first < event.start_date or last > event.end_date):
        event.start_date = min(event.start_date, first)
        event.end_date = max(event.end_date, last)
        event.save(update_fields=["start_date", "end_date", "updated_at"])
    return event


def _refuse_a_copy(programme: neutral.Programme, existing: dict, umbrella: Event) -> None:
    """Refuse a file whose every session already belongs to another event.

    A session's guid is its permanent public identity, so such sessions are skipped; when that
    is all of them, the import would only leave an event with rooms and speakers but no
    programme.  That is the same file imported under the wrong event, and is refused whole
    (the caller's transaction takes back the event it may just have created).  A file sharing
    only some sessions with another event, like the CCC hub's, still imports.
    """
    guids = {s.guid for s in programme.sessions}
    foreign = [row for row in existing.values() if row.umbrella_id != umbrella.pk]
    if not guids or len(foreign) < len(guids):
        return
    owners = Counter(row.umbrella.slug for row in foreign)
    where = ", ".join(f"{slug!r} ({n})" for slug, n in owners.most_common())
    raise ValidationError(
        f"all {len(guids)} sessions in this file already belong to another event: {where}. "
        "A session's guid is its permanent identity; import the file into that event to "
        "update it"
    )


def neutral_zone(programme: neutral.Programme):
    import zoneinfo

    return zoneinfo.ZoneInfo(programme.time_zone or "UTC")


def _bulk_update(model, rows: list, fields: list[str]) -> None:
    """``bulk_update`` that also stamps ``updated_at`` (which only ``save()`` sets)."""
    if not rows:
        return
    now = timezone.now()
    for row in rows:
        row.updated_at = now
    model.objects.bulk_update(rows, [*fields, "updated_at"], batch_size=500)


def _update(obj, values: dict) -> bool:
    """Set ``values`` on ``obj``; True if anything differed.

    Foreign keys are compared by id: reading ``session.track`` would cost a query per row.
    """
    changed = []
    for k, v in values.items():
        field = obj._meta.get_field(k)
        if field.is_relation:
            if getattr(obj, field.attname) != (v.pk if v is not None else None):
                changed.append(k)
        elif getattr(obj, k) != v:
            changed.append(k)
    for k in changed:
        setattr(obj, k, values[k])
    return bool(changed)


def _resource_kind(link: neutral.Link, attachment: bool) -> str:
    if attachment:
        return Resource.ATTACHMENT
    kind = (link.type or "").lower()
    if kind in ("video", "recording"):
        return Resource.VIDEO
    if kind in ("slides", "slide"):
        return Resource.SLIDES
    return Resource.OTHER


@traced("hallway.import")
@transaction.atomic
def import_programme(
    programme: neutral.Programme,
    event_slug: str,
    *,
    release: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Write ``programme`` into the event ``event_slug`` (created if missing), all or nothing.

    Sessions, speakers and rooms are matched by guid, so re-importing an updated file updates
    them in place.  The imported placement replaces the work in progress for these sessions
    and, with ``release``, is published as a new release.
    """
    report = ImportReport()
    event = _target_event(programme, event_slug, report)
    umbrella = event.umbrella
    report.event = event
    sessions = {
        s.uuid: s
        for s in Session.objects.filter(
            uuid__in=[x.guid for x in programme.sessions]
        ).select_related("umbrella")
    }
    _refuse_a_copy(programme, sessions, umbrella)
    wip = wip_schedule(umbrella)

    # Rooms: by guid, else by name, within the umbrella's venue.
    room_rows = list(Room.objects.filter(event=umbrella))
    by_uuid = {r.uuid: r for r in room_rows}
    by_name = {r.name: r for r in room_rows}
    room_for: dict[int, Room] = {}
    # Room guids are not always unique: pretalx has given two rooms of one file the same
    # guid, and the CCC hub reuses its rooms' guids across conferences.  A guid already
    # claimed (by an earlier room of this file, or by a room of another event) is ignored
    # and the room matched by name / given a guid derived from its name instead.
    claimed: set[uuid.UUID] = set()
    foreign = set(
        Room.objects.filter(uuid__in=[r.guid for r in programme.rooms if r.guid])
        .exclude(event=umbrella)
        .values_list("uuid", flat=True)
    )
    for position, room in enumerate(programme.rooms):
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
        room_for[id(room)] = row

    tracks = {t.name: t for t in Track.objects.filter(event=event)}
    types = {t.name: t for t in SessionType.objects.filter(event=event)}

    # Speakers: by guid (or one derived from the file's person id or name).
    def person_uuid(person: neutral.Person) -> uuid.UUID:
        return person.guid or neutral.derive_uuid("person", umbrella.slug, person.key)

    wanted = {person_uuid(p): p for s in programme.sessions for p in s.persons}
    existing = {
        s.uuid: s for s in Speaker.objects.filter(uuid__in=list(wanted)).select_related("event")
    }
    speaker_slugs = set(Speaker.objects.filter(event=umbrella).values_list("slug", flat=True))
    speaker_for: dict[uuid.UUID, Speaker] = {}
    new_speakers, changed_speakers = [], []
    base_url = programme.base_url
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
        row = existing.get(key)
        if row is not None and row.event_id != umbrella.pk:
            report.notes.append(f"speaker {person.name!r}: guid {key} belongs to {row.event}")
            report.counts[("speakers", "skipped")] += 1
            continue
        if not _fits(person.name, "name", Speaker, f"speaker {key}", report):
            report.counts[("speakers", "skipped")] += 1
            continue
        if row is None:
            row = Speaker(
                event=umbrella, uuid=key, slug=allocate_slug(person.name, speaker_slugs), **values
            )
            new_speakers.append(_checked(row, where))
            report.counts[("speakers", "created")] += 1
        elif _update(row, values):
            changed_speakers.append(_checked(row, where))
            report.counts[("speakers", "updated")] += 1
        else:
            report.counts[("speakers", "unchanged")] += 1
        speaker_for[key] = row
    Speaker.objects.bulk_create(new_speakers, batch_size=500)
    _bulk_update(Speaker, changed_speakers, ["name", "bio", "picture_url", "links"])

    session_slugs = set(Session.objects.filter(umbrella=umbrella).values_list("slug", flat=True))
    total = len(programme.sessions)
    seen: set[uuid.UUID] = set()
    accepted: list[tuple[neutral.Session, Session, str]] = []  # (item, row, outcome)
    for n, item in enumerate(programme.sessions, start=1):
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
        row = sessions.get(item.guid)
        if row is not None and row.umbrella_id != umbrella.pk:
            report.notes.append(f"{where}: this guid belongs to {row.umbrella}; skipped")
            report.counts[("sessions", "skipped")] += 1
            continue
        type_name = (item.type or "Talk")[:80]
        if type_name not in types:
            types[type_name] = SessionType(
                event=event,
                name=type_name,
                default_duration=int(item.duration.total_seconds() // 60) or 30,
            )
            _checked(types[type_name], f"{where}: type {type_name!r}", exclude=("slug",)).save()
        track = None
        if item.track is not None:
            if item.track.name not in tracks:
                tracks[item.track.name] = Track(
                    event=event, name=item.track.name[:120], colour=item.track.color or "#666666"
                )
                _checked(
                    tracks[item.track.name],
                    f"{where}: track {item.track.name[:40]!r}",
                    exclude=("slug",),
                ).save()
            track = tracks[item.track.name]
        values = {
            "title": item.title,
            "subtitle": item.subtitle,
            "abstract": item.abstract,
            "description": item.description,
            "language": item.language or "en",
            "duration": round(item.duration.total_seconds() / 60),
            "do_not_record": bool(item.do_not_record),
            "track": track,
            "session_type": types[type_name],
        }
        if row is None:
            wanted_slug = (item.slug or "")[:100]
            # the file's slug only if it is one (it becomes part of the page's URL)
            if wanted_slug and _SLUG.fullmatch(wanted_slug) and wanted_slug not in session_slugs:
                session_slugs.add(wanted_slug)
            else:
                wanted_slug = allocate_slug(item.title, session_slugs)
            row = Session(
                event=event,
                umbrella=umbrella,
                uuid=item.guid,
                slug=wanted_slug,
                state=Session.CONFIRMED,
                **values,
            )
            accepted.append((item, _checked(row, where), "created"))
        else:
            outcome = "updated" if _update(row, values) else "unchanged"
            accepted.append((item, _checked(row, where) if outcome == "updated" else row, outcome))
    Session.objects.bulk_create([r for _, r, o in accepted if o == "created"], batch_size=500)
    _bulk_update(Session, [r for _, r, o in accepted if o == "updated"], list(values))

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
                speaker_for[person_uuid(p)].pk
                for p in item.persons
                if person_uuid(p) in speaker_for
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
        wanted_resources = [
            (_resource_kind(x, attachment), x.title, url, x.type or "")
            for x, attachment in [(x, False) for x in item.links]
            + [(x, True) for x in item.attachments]
            if (url := _accepted_url(x.url, Resource, "url", where, report, base_url=base_url))
        ]
        if resources_now.get(row.pk, []) != wanted_resources:
            reresource.append(row.pk)
            new_resources += [
                Resource(session=row, kind=k, title=t, url=u, link_type=lt, position=i)
                for i, (k, t, u, lt) in enumerate(wanted_resources)
            ]
            outcome = "updated" if outcome == "unchanged" else outcome
        # The file's placement becomes the work in progress.
        room = room_for.get(id(item.room)) if item.room is not None else None
        start = item.start
        end = start + dt.timedelta(minutes=row.duration)
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

    report.notes.extend(programme.warnings)
    conflicts = schedule_conflicts(wip)
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
    return report


def import_file(
    data: bytes,
    event_slug: str,
    *,
    format: str | None = None,
    release: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Parse and import a schedule file; raises ``interop.FormatError`` before writing anything."""
    programme = interop.parse(data, format=format, max_bytes=settings.HALLWAY_MAX_IMPORT_BYTES)
    return import_programme(programme, event_slug, release=release, progress=progress)


def export_bytes(event: Event, format: str, *, base_url: str = "", **filters) -> bytes:
    programme = programme_for(event, base_url=base_url)
    if any(v is not None for v in filters.values()):
        programme = interop.filter_programme(programme, **filters)
    return interop.export(programme, format)


def last_change(event: Event):
    """When anything an export shows last changed (for ETags beside the release version).

    A release copies only the slots; sessions, speakers, rooms, tracks, types and the event
    itself are read live, so an edit to any of them must change the ETag too.
    """
    umbrella = event.umbrella
    family = umbrella.family_ids()
    stamps = [
        Session.objects.filter(umbrella=umbrella).aggregate(m=Max("updated_at"))["m"],
        Speaker.objects.filter(event=umbrella).aggregate(m=Max("updated_at"))["m"],
        Room.objects.filter(event=umbrella).aggregate(m=Max("updated_at"))["m"],
        Track.objects.filter(event_id__in=family).aggregate(m=Max("updated_at"))["m"],
        SessionType.objects.filter(event_id__in=family).aggregate(m=Max("updated_at"))["m"],
        Event.objects.filter(pk__in=family).aggregate(m=Max("updated_at"))["m"],
    ]
    return max((stamp for stamp in stamps if stamp is not None), default=None)
