"""Telling people what a release changed for them.

Each speaker whose session moved, was cancelled or was taken off the programme, and each
attendee who starred such a session and asked to hear about it, gets one email listing only
their own changes (times in the event's zone, old → new, with the room).

Release notifications go straight to sending, unlike the call for papers' decisions, which
wait in the outbox: the organiser has just read this very list on the release's preview and
confirmed it, a re-plan during the event is urgent (a moved talk is in an hour), and the CfP's
outbox is per event while a release and a speaker's changes span the whole umbrella.  They
are still ``Message`` rows of the umbrella: kept (listed under "Sent" in the umbrella's outbox
when it has a call for papers), and a failed send keeps its error and is tried again by
``hallway worker``.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hallway.attendees.emails import unsubscribe_headers, unsubscribe_url
from hallway.attendees.services import attendees_to_notify
from hallway.cfp.models import Message
from hallway.cfp.services.mail import send_later
from hallway.events.models import Event
from hallway.programme.models import Session, SessionSpeaker
from hallway.schedule.models import Schedule, Slot
from hallway.schedule.services import ScheduleDiff, stored_diff


@dataclasses.dataclass
class Notice:
    """One email to write: to whom, and the lines of their changes."""

    kind: str  # "speaker" or "attendee"
    to: str
    name: str
    user: object | None
    lines: list[str]
    # An attendee's notice: the one-click unsubscribe link, in the text and the headers.
    unsubscribe: str = ""
    headers: dict = dataclasses.field(default_factory=dict)


def when(slot: Slot, event: Event) -> str:
    """'Fri 1 Mar, 09:00–09:30 PST in Room Aardvark', in the event's zone."""
    start = timezone.localtime(slot.start, event.tz)
    end = timezone.localtime(slot.end, event.tz)
    place = f" in {slot.room.name}" if slot.room_id else ""
    return f"{start:%a} {start.day} {start:%b, %H:%M}–{end:%H:%M %Z}{place}"


def _title(slot: Slot) -> str:
    part = f" (part {slot.part})" if slot.session.parts > 1 else ""
    return f"“{slot.session.title}”{part}"


def change_lines(diff: ScheduleDiff, umbrella: Event) -> dict[int, list[str]]:
    """Session id → one line per change a speaker or attendee should hear about."""
    lines: dict[int, list[tuple]] = defaultdict(list)
    for before, after in diff.moved:
        text = f"{_title(after)} moved: {when(before, umbrella)} → {when(after, umbrella)}."
        lines[after.session_id].append((after.start, text))
    for before, after in diff.restated:
        if after.state == Session.CANCELLED:
            text = f"{_title(after)} is cancelled (it was {when(before, umbrella)})."
            lines[after.session_id].append((after.start, text))
    for slot in diff.removed:
        if slot.session.state == Session.CANCELLED:
            text = f"{_title(slot)} is cancelled (it was {when(slot, umbrella)})."
        else:
            text = f"{_title(slot)} is no longer on the programme (it was {when(slot, umbrella)})."
        lines[slot.session_id].append((slot.start, text))
    return {pk: [t for _, t in sorted(items)] for pk, items in lines.items()}


def release_notices(umbrella: Event, diff: ScheduleDiff) -> list[Notice]:
    """Who hears about ``diff``: one notice per address, speakers first, each with only the
    changes of their own (or their starred) sessions."""
    lines = change_lines(diff, umbrella)
    notices: dict[tuple[str, str], Notice] = {}

    links = (
        SessionSpeaker.objects.filter(session_id__in=lines)
        .select_related("speaker__user")
        .order_by("speaker__name", "session_id")
    )
    for link in links:
        speaker = link.speaker
        address = speaker.email or (speaker.user.email if speaker.user_id else "")
        if not address:
            continue
        notice = notices.setdefault(
            ("speaker", address.lower()),
            Notice("speaker", address, speaker.name, speaker.user, []),
        )
        notice.lines.extend(x for x in lines[link.session_id] if x not in notice.lines)
    for attendee, starred in attendees_to_notify(umbrella, lines):
        notice = notices.setdefault(
            ("attendee", attendee.email.lower()),
            Notice(
                "attendee",
                attendee.email,
                "",
                attendee.user,
                [],
                unsubscribe_url(attendee),
                unsubscribe_headers(attendee),
            ),
        )
        for pk in sorted(starred):
            notice.lines.extend(x for x in lines[pk] if x not in notice.lines)
    return list(notices.values())


def _url(path: str) -> str:
    return settings.HALLWAY_BASE_URL.rstrip("/") + path


def compose(notice: Notice, release: Schedule) -> tuple[str, str]:
    """The subject and body of one notice of ``release``."""
    umbrella = release.event
    if notice.kind == "speaker":
        subject = f"{umbrella.name}: your session changed (programme version {release.version})"
        opening = (
            f"Hello {notice.name},\n\nthe programme of {umbrella.name} has a new version, "
            f"{release.version}. What changed for your sessions:"
        )
    else:
        subject = f"{umbrella.name}: sessions you starred changed (version {release.version})"
        opening = (
            f"Hello,\n\nthe programme of {umbrella.name} has a new version, {release.version}. "
            "What changed among the sessions you starred:"
        )
    body = [opening, "", *(f"- {line}" for line in notice.lines), ""]
    body.append(f"Times are in {umbrella.time_zone}.")
    if release.comment:
        body += ["", "The organisers' note:", release.comment]
    version_url = _url(reverse("agenda:release", args=[umbrella.slug, release.slug]))
    body += [
        "",
        f"Every change of this version: {version_url}",
        f"The programme: {_url(reverse('agenda:grid', args=[umbrella.slug]))}",
    ]
    if notice.kind == "attendee":
        body += ["", "You get this because you asked to hear when a session you starred changes."]
        if notice.unsubscribe:
            body.append(f"To stop these emails, open: {notice.unsubscribe}")
    return subject[:300], "\n".join(body) + "\n"


def notify_release(release: Schedule, previous: Schedule) -> list[Message]:
    """Write one message per notice of what ``release`` changed since ``previous`` and hand
    them to the mail worker after the transaction commits."""
    notices = release_notices(release.event, stored_diff(release, previous))
    messages = []
    for notice in notices:
        subject, body = compose(notice, release)
        messages.append(
            Message.objects.create(
                event=release.event,
                user=notice.user,
                to=notice.to,
                subject=subject,
                body=body,
                headers=notice.headers,
                state=Message.QUEUED,
            )
        )
    send_later(messages)
    return messages
