"""What an attendee keeps for themselves beside their stars: private notes per session,
whether they went to a starred session, the watch-later list, and the recap of what they saw.

Everything here belongs to one attendee (views reach it only through the request's own
agenda), is written in one transaction per change, and is safe to repeat: a note sent twice
(a form re-sent on bad Wi-Fi, or the service worker's offline queue replayed) leaves one note.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from hallway.attendees.models import Attendee, Favourite, Note, WatchLater
from hallway.events.models import Event
from hallway.programme.models import Resource, Session
from hallway.schedule import selectors
from hallway.schedule.models import Slot

# --------------------------------------------------------------------------- notes


def clean_note(text: str) -> str:
    """The note as it will be kept; a clear error when it cannot be."""
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > Note.MAX_LENGTH:
        raise ValidationError(
            f"A note can be at most {Note.MAX_LENGTH:,} characters long "
            f"(this one has {len(text):,}); nothing was saved."
        )
    if "\x00" in text:
        raise ValidationError("A note cannot contain NUL characters; nothing was saved.")
    return text


def save_note(attendee: Attendee, session: Session, text: str) -> Note | None:
    """Keep ``text`` as the attendee's note on ``session`` (an empty text deletes the note).
    Raises ValidationError, having changed nothing, for a text that cannot be kept."""
    text = clean_note(text)
    if not text:
        Note.objects.filter(attendee=attendee, session=session).delete()
        return None
    try:
        with transaction.atomic():
            note, _created = Note.objects.update_or_create(
                attendee=attendee, session=session, defaults={"text": text}
            )
    except IntegrityError:  # two saves of a first note at once: the later text wins
        note = Note.objects.get(attendee=attendee, session=session)
        note.text = text
        note.save(update_fields=["text", "updated_at"])
    return note


def note_of(attendee: Attendee | None, session: Session) -> Note | None:
    if attendee is None:
        return None
    return Note.objects.filter(attendee=attendee, session=session).first()


# --------------------------------------------------------------------------- going or not


def set_attendance(attendee: Attendee, session: Session, attendance: str) -> Favourite:
    """Mark a starred session as going, skipped or missed (ValueError if it is not starred:
    only a favourite can be missed; anything else goes on the list with "watch later")."""
    if attendance not in {value for value, _label in Favourite.ATTENDANCE}:
        raise ValueError(f"Unknown attendance {attendance!r}.")
    favourite = Favourite.objects.filter(attendee=attendee, session=session).first()
    if favourite is None:
        raise ValueError("Only a starred session can be marked as missed or picked.")
    if favourite.attendance != attendance:
        favourite.attendance = attendance
        favourite.save(update_fields=["attendance", "updated_at"])
    return favourite


@transaction.atomic
def pick(attendee: Attendee, session: Session, umbrella: Event) -> list[Session]:
    """At a clash, go to ``session``: the favourites it overlaps are marked skipped (and go
    on the watch-later list); returns them."""
    from hallway.attendees.services import agenda_of  # the agenda reads this module

    set_attendance(attendee, session, Favourite.GOING)
    agenda = agenda_of(attendee, umbrella)
    others: dict[int, Session] = {}
    for _day, entries in agenda.days:
        for entry in entries:
            if entry.session.pk == session.pk:
                others.update({o.session.pk: o.session for o in entry.clashes_with})
    Favourite.objects.filter(attendee=attendee, session_id__in=others).update(
        attendance=Favourite.SKIPPED, updated_at=timezone.now()
    )
    return list(others.values())


def mark_watch_later(attendee: Attendee, session: Session, on: bool) -> bool:
    """Put ``session`` on the watch-later list (or take it off: a missed favourite is then
    marked as going again).  Idempotent; True if something changed."""
    if on:
        try:
            with transaction.atomic():
                return WatchLater.objects.get_or_create(attendee=attendee, session=session)[1]
        except IntegrityError:
            return False
    with transaction.atomic():
        removed = WatchLater.objects.filter(attendee=attendee, session=session).delete()[0]
        reset = (
            Favourite.objects.filter(attendee=attendee, session=session)
            .exclude(attendance=Favourite.GOING)
            .update(attendance=Favourite.GOING, updated_at=timezone.now())
        )
    return bool(removed or reset)


def marked_watch_later(attendee: Attendee | None, session: Session) -> bool:
    if attendee is None:
        return False
    return (
        WatchLater.objects.filter(attendee=attendee, session=session).exists()
        or attendee.favourites.filter(session=session).exclude(attendance=Favourite.GOING).exists()
    )


@dataclasses.dataclass
class WatchItem:
    session: Session
    reason: str  # "marked", "skipped" (went to another at a clash) or "missed"
    start: dt.datetime | None
    recording: Resource | None

    @property
    def why(self) -> str:
        return {
            "marked": "you marked it",
            "skipped": "you went to another session at the same time",
            "missed": "you missed it",
        }[self.reason]


def watch_later_of(
    attendee: Attendee | None,
    umbrella: Event,
    *,
    favourites: list[Favourite] | None = None,
    release=None,
) -> list[WatchItem]:
    """The sessions to watch later, in programme order, each with its recording once one is
    published.  Only sessions on the latest release are listed (a session taken off the
    programme has no page to link to).  ``favourites`` and ``release``, when the caller has
    read them already (the agenda page), save their queries."""
    if attendee is None:
        return []
    if favourites is None:
        favourites = list(attendee.favourites.exclude(attendance=Favourite.GOING))
    reasons: dict[int, str] = {
        f.session_id: f.attendance for f in favourites if f.attendance != Favourite.GOING
    }
    for session_id in attendee.watch_later.values_list("session_id", flat=True):
        reasons.setdefault(session_id, "marked")
    if not reasons:
        return []
    starts: dict[int, dt.datetime] = {}
    sessions: dict[int, Session] = {}
    for slot in (
        selectors.release_slots(umbrella, release)
        .filter(session_id__in=reasons)
        .select_related("session")
        .prefetch_related(None)
        .order_by("start")
    ):
        starts.setdefault(slot.session_id, slot.start)
        sessions.setdefault(slot.session_id, slot.session)
    recordings = {}
    for resource in Resource.objects.filter(session_id__in=sessions, kind=Resource.VIDEO):
        recordings.setdefault(resource.session_id, resource)
    items = [
        WatchItem(sessions[pk], reasons[pk], starts[pk], recordings.get(pk)) for pk in sessions
    ]
    return sorted(items, key=lambda item: (item.start, item.session.title))


# --------------------------------------------------------------------------- the recap


@dataclasses.dataclass
class RecapItem:
    session: Session
    slots: list[Slot]
    note: Note | None
    resources: list[Resource]


def recap_of(
    attendee: Attendee | None, umbrella: Event, *, now: dt.datetime | None = None
) -> list[RecapItem]:
    """The sessions the attendee went to: starred, not marked skipped or missed, and over
    (every part ended before ``now``), in the order they were held, with the attendee's notes
    and the session's published slides, recordings and links."""
    if attendee is None:
        return []
    now = now or timezone.now()
    going = attendee.favourites.filter(attendance=Favourite.GOING).values("session_id")
    slots_of: dict[int, list[Slot]] = defaultdict(list)
    for slot in (
        selectors.release_slots(umbrella)
        .filter(session_id__in=going)
        .exclude(state=Session.CANCELLED)
        .order_by("start", "part")
    ):
        slots_of[slot.session_id].append(slot)
    over = {pk: slots for pk, slots in slots_of.items() if max(s.end for s in slots) <= now}
    notes = {n.session_id: n for n in attendee.notes.filter(session_id__in=over)}
    resources: dict[int, list[Resource]] = defaultdict(list)
    for resource in Resource.objects.filter(session_id__in=over):
        resources[resource.session_id].append(resource)
    items = [
        RecapItem(slots[0].session, slots, notes.get(pk), resources[pk])
        for pk, slots in over.items()
    ]
    return sorted(items, key=lambda item: (item.slots[0].start, item.session.title))


def _md_line(text: str) -> str:
    """Text from the programme on one Markdown line (titles and names are plain text)."""
    return " ".join((text or "").split())


def recap_markdown(items: list[RecapItem], umbrella: Event, *, base_url: str) -> str:
    """The recap as a Markdown document an attendee can publish (notes are theirs, as they
    wrote them; the programme's text is kept on single lines)."""
    tz = umbrella.tz
    lines = [f"# My recap of {_md_line(umbrella.name)}", ""]
    if not items:
        lines += ["No session attended yet.", ""]
    for item in items:
        session, first, last = item.session, item.slots[0], item.slots[-1]
        start = first.start.astimezone(tz)
        end = last.end.astimezone(tz)
        place = f", {first.room.name}" if first.room_id else ""
        url = f"{base_url}/{umbrella.slug}/sessions/{session.slug}/"
        lines += [f"## [{_md_line(session.title)}]({url})", ""]
        speakers = ", ".join(_md_line(link.speaker.name) for link in session.speaker_links.all())
        when = f"{start:%a %d %b %Y, %H:%M}–{end:%H:%M} {umbrella.time_zone}{_md_line(place)}"
        lines += [f"*{when}*" + (f" · {speakers}" if speakers else ""), ""]
        for resource in item.resources:
            label = resource.get_kind_display()
            if resource.title and resource.title != label:
                label = f"{label}: {_md_line(resource.title)}"
            lines.append(f"- [{label}]({resource.url})")
        if item.resources:
            lines.append("")
        if item.note is not None:
            lines += ["My notes:", "", item.note.text, ""]
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------- merging


def merge_personal(source: Attendee, target: Attendee) -> None:
    """Move ``source``'s notes and watch-later marks into ``target`` (called by
    ``services.merge_agendas`` in its transaction).  Two notes on one session are both kept,
    the target's first."""
    theirs = {n.session_id: n for n in target.notes.select_for_update()}
    for note in source.notes.select_for_update():
        mine = theirs.get(note.session_id)
        if mine is None:
            note.attendee = target
            note.save(update_fields=["attendee", "updated_at"])
        elif note.text.strip() != mine.text.strip():
            mine.text = clean_note(f"{mine.text}\n\n{note.text}"[: Note.MAX_LENGTH])
            mine.save(update_fields=["text", "updated_at"])
    marked = set(target.watch_later.values_list("session_id", flat=True))
    source.watch_later.exclude(session_id__in=marked).update(attendee=target)
