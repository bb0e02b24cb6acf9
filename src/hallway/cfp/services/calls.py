"""The call itself: when it opens and closes (per session type), what it offers, its review
phase and settings (each change written to the audit log)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hallway.audit.services import changed, record, snapshot
from hallway.cfp.models import (
    CallForPapers,
    Submission,
)
from hallway.events.models import Event


class DeadlinePassed(ValidationError):
    pass


# --- the call itself -------------------------------------------------------------------------


def local_time(moment: dt.datetime, event: Event) -> str:
    """A moment as the event's people read it: 'Fri 5 Feb 2027, 23:59 PST'."""
    local = moment.astimezone(event.umbrella.tz)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M %Z}"


def deadline(cfp: CallForPapers, session_type=None) -> dt.datetime:
    """When submissions of ``session_type`` close: its own deadline if it has one."""
    if session_type is not None:
        for override in cfp.deadlines.all():
            if override.session_type_id == session_type.pk:
                return override.closes_at
    return cfp.closes_at


def latest_deadline(cfp: CallForPapers) -> dt.datetime:
    return max([cfp.closes_at, *(d.closes_at for d in cfp.deadlines.all())])


def is_open(cfp: CallForPapers, session_type=None, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    if now < cfp.opens_at:
        return False
    if session_type is None:
        return now < latest_deadline(cfp)
    return now < deadline(cfp, session_type)


def offered_session_types(cfp: CallForPapers):
    from hallway.events.models import SessionType

    chosen = cfp.session_types.all()
    if chosen.exists():
        return chosen
    return SessionType.objects.filter(event_id__in={cfp.event_id, cfp.event.umbrella.pk})


def offered_tracks(cfp: CallForPapers):
    from hallway.events.models import Track

    chosen = cfp.tracks.all()
    if chosen.exists():
        return chosen
    return Track.objects.filter(event_id__in={cfp.event_id, cfp.event.umbrella.pk})


def check_deadline(submission: Submission, now: dt.datetime | None = None) -> None:
    cfp = submission.event.cfp
    now = now or timezone.now()
    if now < cfp.opens_at:
        raise DeadlinePassed(
            f"The call for papers opens on {local_time(cfp.opens_at, submission.event)}."
        )
    closes = deadline(cfp, submission.session_type)
    if now >= closes:
        raise DeadlinePassed(
            f"The call for papers for {submission.session_type} closed on "
            f"{local_time(closes, submission.event)}; nothing can be submitted or changed now."
        )


def absolute_url(path: str) -> str:
    return settings.HALLWAY_BASE_URL.rstrip("/") + path


@transaction.atomic
def set_phase(cfp: CallForPapers, phase: str, *, by=None) -> CallForPapers:
    if phase not in dict(CallForPapers.PHASES):
        raise ValidationError(f"{phase!r} is not a review phase.")
    before = CallForPapers.objects.filter(pk=cfp.pk).values_list("phase", flat=True).first()
    CallForPapers.objects.filter(pk=cfp.pk).update(phase=phase, updated_at=timezone.now())
    cfp.phase = phase
    if before != phase:
        record(
            cfp.event, "cfp.phase", by=by, obj=cfp, before={"phase": before}, after={"phase": phase}
        )
    return cfp


#: The settings an organiser changes on the call's settings page, as the log records them.
SETTINGS_FIELDS = (
    "opens_at",
    "closes_at",
    "text",
    "max_submissions_per_speaker",
    "anonymised_review",
    "phase",
)


def log_settings(cfp: CallForPapers, before: dict, *, by) -> None:
    """Record what a save of the settings changed (``before`` is ``snapshot`` of
    ``SETTINGS_FIELDS`` taken before it); a phase switch is its own action."""
    diff = changed(before, snapshot(cfp, SETTINGS_FIELDS))
    if diff:
        record(
            cfp.event,
            "cfp.phase" if "phase" in diff else "cfp.changed",
            by=by,
            obj=cfp,
            before={k: old for k, (old, _) in diff.items()},
            after={k: new for k, (_, new) in diff.items()},
        )
