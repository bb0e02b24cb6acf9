"""What an attendee does with the programme: star and unstar sessions, keep the agenda on
another device, merge it into an account, and read it back (clashes, alternatives and what
changed since a session was starred).

An attendee always belongs to an umbrella, so one agenda covers every co-located event.
Starring and unstarring are idempotent (a repeated or replayed request changes nothing), so
a form sent twice on bad Wi-Fi, or a queue replayed after being offline, is harmless.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.http import Http404

from hallway.attendees.models import Attendee, Favourite
from hallway.events.models import Event
from hallway.programme.models import Resource, Session
from hallway.schedule import selectors
from hallway.schedule.models import Schedule, Slot


def parse_token(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


def attendee_of(umbrella: Event, *, token: str | None = None, user=None) -> Attendee | None:
    """The agenda a request speaks for: the account's when logged in and it has one, else the
    one whose device token the request holds (within this umbrella only)."""
    if user is not None and user.is_authenticated:
        mine = Attendee.objects.filter(event=umbrella, user=user).first()
        if mine is not None:
            return mine
    parsed = parse_token(token)
    if parsed is None:
        return None
    return Attendee.objects.filter(event=umbrella, token=parsed).first()


def by_feed_token(umbrella: Event, token: str | uuid.UUID) -> Attendee | None:
    parsed = parse_token(token)
    if parsed is None:
        return None
    return Attendee.objects.filter(event=umbrella, feed_token=parsed).first()


def start_agenda(umbrella: Event, user=None) -> Attendee:
    """A new attendee (on the first star); an account gets its one agenda per umbrella."""
    if user is not None and user.is_authenticated:
        try:
            with transaction.atomic():
                return Attendee.objects.get_or_create(event=umbrella, user=user)[0]
        except IntegrityError:  # the same account, starring on two devices at once
            return Attendee.objects.get(event=umbrella, user=user)
    return Attendee.objects.create(event=umbrella)


def starrable_session(umbrella: Event, slug: str) -> Session:
    """The session a star names, if it is on the latest release: the same answer as
    ``selectors.public_session`` (404 otherwise) in one query rather than three, since the
    star is the hottest write of the site.  ``Session.umbrella`` is stored beside its event,
    so it stands for the umbrella's family of events."""
    latest = (
        Schedule.objects.filter(event=umbrella, version__isnull=False)
        .order_by("-released_at", "-id")
        .values("pk")[:1]
    )
    session = (
        Session.objects.filter(
            umbrella=umbrella,
            slug=slug,
            slots__schedule=Subquery(latest),
            slots__state__in=selectors.PUBLIC_STATES,
        )
        .distinct()
        .first()
    )
    if session is None:
        raise Http404(selectors.NOT_FOUND)
    return session


def star(attendee: Attendee, session: Session) -> bool:
    """Star ``session``; True if it was not starred before.  Safe to repeat and to race:
    the unique constraint decides, and get_or_create's loser of a race reads the winner's
    row (it catches the IntegrityError itself, inside its own savepoint)."""
    return Favourite.objects.get_or_create(attendee=attendee, session=session)[1]


def unstar(attendee: Attendee, session: Session) -> bool:
    """Unstar ``session``; True if it was starred.  Safe to repeat."""
    return Favourite.objects.filter(attendee=attendee, session=session).delete()[0] > 0


def is_starred(attendee: Attendee | None, session: Session) -> bool:
    return (
        attendee is not None
        and Favourite.objects.filter(attendee=attendee, session=session).exists()
    )


def starred_slugs(attendee: Attendee | None) -> list[str]:
    if attendee is None:
        return []
    return sorted(attendee.favourites.values_list("session__slug", flat=True))


def rotate_token(attendee: Attendee) -> Attendee:
    """A new device token: the old cookie and every "another device" link stop working."""
    attendee.token = uuid.uuid4()
    attendee.save(update_fields=["token", "updated_at"])
    return attendee


def rotate_feed_token(attendee: Attendee) -> Attendee:
    """A new calendar feed address: calendars subscribed to the old one get a 404."""
    attendee.feed_token = uuid.uuid4()
    attendee.save(update_fields=["feed_token", "updated_at"])
    return attendee


@transaction.atomic
def merge_agendas(source: Attendee, target: Attendee) -> Attendee:
    """Move every favourite of ``source`` into ``target`` (keeping when each was starred, which
    the change flags read), then delete ``source``.  Nothing is lost: a session both starred
    keeps the earlier star; notes and watch-later marks move too."""
    if source.pk == target.pk:
        return target
    if source.event_id != target.event_id:
        raise ValueError("Agendas of different umbrellas cannot be merged.")
    theirs = dict(target.favourites.values_list("session_id", "created_at"))
    for favourite in source.favourites.select_for_update():
        if favourite.session_id not in theirs:
            favourite.attendee = target
            favourite.save(update_fields=["attendee"])
        elif favourite.created_at < theirs[favourite.session_id]:
            Favourite.objects.filter(attendee=target, session_id=favourite.session_id).update(
                created_at=favourite.created_at
            )
    from hallway.attendees.personal import merge_personal  # personal reads the agenda here

    merge_personal(source, target)
    source.delete()
    return target


def adopt_on_login(user, device_tokens: list[str]) -> list[Attendee]:
    """Logging in on a device: each of its agendas joins the account's agenda of the same
    umbrella (or becomes it, when the account has none yet).  Another account's agenda is
    left alone, whatever token the device holds."""
    kept = []
    for raw in device_tokens:
        token = parse_token(raw)
        device = Attendee.objects.filter(token=token).first() if token else None
        if device is None or device.user_id == user.pk:
            continue
        if device.user_id is not None:
            continue
        account = Attendee.objects.filter(event_id=device.event_id, user=user).first()
        if account is None:
            device.user = user
            device.save(update_fields=["user", "updated_at"])
            kept.append(device)
        else:
            kept.append(merge_agendas(device, account))
    return kept


def restore_on_device(attendee: Attendee, device: Attendee | None) -> Attendee:
    """The "keep my agenda on another device" link opened on a device that has starred
    things of its own: they join the restored agenda rather than being dropped."""
    if device is not None and device.pk != attendee.pk and device.user_id is None:
        merge_agendas(device, attendee)
    return attendee


# --------------------------------------------------------------------------- the agenda


@dataclasses.dataclass
class Alternative:
    kind: str  # "part" (another part or repeat), "recording", "least" (overlaps least)
    text: str
    slot: Slot | None = None
    url: str = ""


@dataclasses.dataclass
class Entry:
    favourite: Favourite
    slot: Slot
    clashes_with: list[Entry] = dataclasses.field(default_factory=list)
    alternatives: list[Alternative] = dataclasses.field(default_factory=list)
    changes: list[str] = dataclasses.field(default_factory=list)

    @property
    def session(self) -> Session:
        return self.slot.session

    @property
    def cancelled(self) -> bool:
        return self.slot.state == Session.CANCELLED

    def overlap(self, other: Entry) -> dt.timedelta:
        start = max(self.slot.start, other.slot.start)
        end = min(self.slot.end, other.slot.end)
        return max(end - start, dt.timedelta(0))


@dataclasses.dataclass
class Agenda:
    attendee: Attendee | None
    days: list[tuple[dt.date, list[Entry]]]
    clashes: list[list[Entry]]
    gone: list[tuple[Favourite, list[str]]]  # starred sessions no longer on the programme
    favourites: list[Favourite] = dataclasses.field(default_factory=list)
    release: Schedule | None = None  # the latest, which the agenda was read from

    @property
    def count(self) -> int:
        return sum(len(entries) for _day, entries in self.days)


def _clock(moment: dt.datetime, tz) -> str:
    return moment.astimezone(tz).strftime("%a %d %b %H:%M")


def _place(slot, tz) -> str:
    room = slot["room__name"] if isinstance(slot, dict) else (slot.room.name if slot.room else "")
    start = slot["start"] if isinstance(slot, dict) else slot.start
    end = slot["end"] if isinstance(slot, dict) else slot.end
    text = f"{_clock(start, tz)}–{end.astimezone(tz):%H:%M}"
    return f"{text}, {room}" if room else text


def agenda_of(attendee: Attendee | None, umbrella: Event) -> Agenda:
    """The attendee's starred sessions on the latest release, day by day, with clashes, their
    alternatives, and what changed since each was starred."""
    if attendee is None:
        return Agenda(None, [], [], [])
    favourites = {f.session_id: f for f in attendee.favourites.all()}
    history = selectors.releases(umbrella)
    if not favourites or not history:
        return Agenda(
            attendee, [], [], [], list(favourites.values()), history[0] if history else None
        )
    slots = list(
        selectors.release_slots(umbrella, history[0])
        .filter(session_id__in=favourites)
        .select_related("session")
        .prefetch_related(None)
    )
    entries = [Entry(favourites[s.session_id], s) for s in slots]
    by_session: dict[int, list[Slot]] = defaultdict(list)
    for slot in slots:
        by_session[slot.session_id].append(slot)
    _mark_clashes(entries)
    clashes = _clash_groups(entries)
    _add_alternatives(entries, clashes, by_session, umbrella)
    changes = changes_since_starred(list(favourites.values()), history, umbrella)
    for entry in entries:
        entry.changes = changes.get((entry.session.pk, entry.slot.part), [])
    shown = {s.session_id for s in slots}
    gone = [
        (f, changes.get((sid, 0), ["taken off the programme"]))
        for sid, f in favourites.items()
        if sid not in shown
    ]
    days = defaultdict(list)
    for entry in entries:
        days[umbrella.day_of(entry.slot.start)].append(entry)
    return Agenda(
        attendee, sorted(days.items()), clashes, gone, list(favourites.values()), history[0]
    )


def _mark_clashes(entries: list[Entry]) -> None:
    """Two favourites clash when they overlap in time (parts of one session never do;
    a cancelled session clashes with nothing)."""
    live = sorted((e for e in entries if not e.cancelled), key=lambda e: e.slot.start)
    for i, entry in enumerate(live):
        for other in live[i + 1 :]:
            if other.slot.start >= entry.slot.end:
                break
            if other.session.pk != entry.session.pk:
                entry.clashes_with.append(other)
                other.clashes_with.append(entry)


def _clash_groups(entries: list[Entry]) -> list[list[Entry]]:
    """Favourites that clash, directly or through each other, one group each."""
    seen: set[int] = set()
    groups = []
    for entry in entries:
        if not entry.clashes_with or id(entry) in seen:
            continue
        group, todo = [], [entry]
        while todo:
            e = todo.pop()
            if id(e) in seen:
                continue
            seen.add(id(e))
            group.append(e)
            todo.extend(e.clashes_with)
        groups.append(sorted(group, key=lambda e: (e.slot.start, e.session.title)))
    return groups


def _add_alternatives(entries, clashes, by_session, umbrella) -> None:
    tz = umbrella.tz
    clashing = [e for e in entries if e.clashes_with]
    recordings = {
        r.session_id: r
        for r in Resource.objects.filter(
            session_id__in={e.session.pk for e in clashing}, kind=Resource.VIDEO
        )
    }
    for entry in clashing:
        others = [e for e in entries if e.session.pk != entry.session.pk and not e.cancelled]
        for slot in by_session[entry.session.pk]:
            if slot.pk == entry.slot.pk or slot.state == Session.CANCELLED:
                continue
            free = all(o.slot.end <= slot.start or o.slot.start >= slot.end for o in others)
            word = "repeat" if slot.part == entry.slot.part else f"part {slot.part}"
            if free:
                entry.alternatives.append(
                    Alternative("part", f"Go to the {word} on {_place(slot, tz)} instead", slot)
                )
        recording = recordings.get(entry.session.pk)
        if recording is not None:
            entry.alternatives.append(
                Alternative("recording", "Watch the recording later", url=recording.url)
            )
    for group in clashes:
        # The least-overlapping choice: the favourite that costs the least of the others.
        def cost(e: Entry) -> dt.timedelta:
            return sum((e.overlap(o) for o in e.clashes_with), dt.timedelta(0))

        best = min(group, key=lambda e: (cost(e), e.slot.start))
        minutes = int(cost(best).total_seconds() // 60)
        for entry in group:
            if entry is not best:
                entry.alternatives.append(
                    Alternative(
                        "least",
                        f"“{best.session.title}” overlaps least with the others ({minutes} min)",
                        best.slot,
                    )
                )


def changes_since_starred(
    favourites: list[Favourite], history: list[Schedule], umbrella: Event
) -> dict[tuple[int, int], list[str]]:
    """What changed for each starred session between the release that was current when it
    was starred and the latest one: keyed by (session, part); (session, 0) for a session no
    longer on the programme at all.

    The two releases are compared directly, not release by release: a session moved and
    moved back has not changed for the attendee.
    """
    if not history:
        return {}
    latest = history[0]
    baseline_of: dict[int, int] = {}
    for favourite in favourites:
        seen = next((r for r in history if r.released_at <= favourite.created_at), None)
        if seen is not None and seen.pk != latest.pk:
            baseline_of[favourite.session_id] = seen.pk
    if not baseline_of:
        return {}
    fields = ("schedule_id", "session_id", "part", "start", "end", "room__name", "state")
    rows = Slot.objects.filter(
        schedule_id__in={*baseline_of.values(), latest.pk}, session_id__in=baseline_of
    ).values(*fields)
    before, after = {}, {}
    for row in rows:
        key = (row["session_id"], row["part"])
        if row["schedule_id"] == latest.pk:
            after[key] = row
        if row["schedule_id"] == baseline_of[row["session_id"]]:
            before[key] = row
    tz = umbrella.tz
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    for key, old in before.items():
        new = after.get(key)
        if new is None:
            found[(key[0], 0)].append(f"taken off the programme (was {_place(old, tz)})")
            continue
        if new["state"] == Session.CANCELLED and old["state"] != Session.CANCELLED:
            found[key].append("cancelled since you starred it")
        if (old["start"], old["end"], old["room__name"]) != (
            new["start"],
            new["end"],
            new["room__name"],
        ):
            found[key].append(f"moved since you starred it: was {_place(old, tz)}")
    for key in after.keys() - before.keys():
        if key[0] in {k[0] for k in before}:
            found[key].append("a part added since you starred it")
    return dict(found)


def attendees_to_notify(umbrella: Event, session_ids: Iterable[int]) -> list[tuple[Attendee, set]]:
    """Attendees of ``umbrella`` who starred any of ``session_ids``, gave an email address and
    asked to hear about changes, each with the ids of the sessions among those they starred."""
    ids = set(session_ids)
    if not ids:
        return []
    starred: dict[int, set[int]] = defaultdict(set)
    attendees: dict[int, Attendee] = {}
    rows = (
        Favourite.objects.filter(
            session_id__in=ids,
            attendee__event=umbrella,
            attendee__notify_changes=True,
        )
        .exclude(attendee__email="")
        .select_related("attendee")
        .order_by("attendee_id", "session_id")
    )
    for favourite in rows:
        attendees[favourite.attendee_id] = favourite.attendee
        starred[favourite.attendee_id].add(favourite.session_id)
    return [(attendees[pk], starred[pk]) for pk in attendees]
