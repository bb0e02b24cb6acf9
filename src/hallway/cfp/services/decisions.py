"""Decisions and the hand-off to the programme: accept, reject, waitlist (mail to the outbox),
reminders to confirm, and the speakers' confirmation that makes a submission a session."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from hallway.cfp.models import (
    MailTemplate,
    Message,
    SpeakerProfile,
    Submission,
)
from hallway.cfp.services.mail import compose, person_name
from hallway.cfp.services.profiles import photo_url
from hallway.cfp.services.submitting import locked, transition
from hallway.events.models import Event

DECISIONS = {
    Submission.ACCEPTED: MailTemplate.ACCEPTANCE,
    Submission.REJECTED: MailTemplate.REJECTION,
    Submission.WAITLISTED: MailTemplate.WAITLIST,
}


def decide(submission: Submission, to: str, by) -> Submission:
    """Accept, reject or waitlist a submitted (or waitlisted) submission; the email to each
    speaker waits in the outbox for an organiser to read and send."""
    if to not in DECISIONS:
        raise ValidationError(f"{to!r} is not a decision.")
    with transaction.atomic():
        current = locked(submission)
        transition(current, to, by, (Submission.SUBMITTED, Submission.WAITLISTED))
        for link in current.speaker_links.select_related("user"):
            compose(DECISIONS[to], current, link.user, state=Message.OUTBOX)
    return current


def write_to_speakers(submission: Submission, kind: str = MailTemplate.FREE) -> list[Message]:
    """A free message or a confirmation reminder to each speaker, left in the outbox for an
    organiser to finish and send."""
    if kind == MailTemplate.REMINDER and submission.state != Submission.ACCEPTED:
        raise ValidationError(
            f"“{submission.title}” is {submission.get_state_display().lower()}: only accepted "
            "submissions wait for a confirmation."
        )
    if kind not in (MailTemplate.FREE, MailTemplate.REMINDER):
        raise ValidationError(f"{kind!r} is written by hallway itself.")
    with transaction.atomic():
        return [
            compose(kind, submission, link.user, state=Message.OUTBOX)
            for link in submission.speaker_links.select_related("user")
        ]


def remind_unconfirmed(
    event: Event, older_than: dt.timedelta, *, now: dt.datetime | None = None
) -> list[Message]:
    """A confirmation reminder, in the outbox, to each speaker of every accepted submission of
    ``event`` that has waited for its speakers longer than ``older_than`` since it was
    accepted and since its last reminder (one still in the outbox counts; a discarded one
    does not).  Safe to run from cron: a second run within ``older_than`` writes nothing."""
    from django.db.models import Exists, Max, OuterRef

    if older_than <= dt.timedelta(0):
        raise ValidationError("Remind only about submissions accepted some time ago.")
    cutoff = (now or timezone.now()) - older_than
    recent_reminder = Message.objects.filter(
        submission=OuterRef("pk"), kind=MailTemplate.REMINDER, created_at__gt=cutoff
    ).exclude(state=Message.DISCARDED)
    waiting = (
        Submission.objects.filter(event=event, state=Submission.ACCEPTED)
        .annotate(
            accepted_at=Max(
                "state_changes__at", filter=models.Q(state_changes__to_state=Submission.ACCEPTED)
            )
        )
        .filter(accepted_at__lte=cutoff)
        .exclude(Exists(recent_reminder))
        .select_related("event", "session_type")
        .order_by("pk")
    )
    written: list[Message] = []
    with transaction.atomic():
        for submission in waiting:
            written += write_to_speakers(submission, MailTemplate.REMINDER)
    return written


def confirm(submission: Submission, by) -> Submission:
    """The speakers confirm an accepted submission: it becomes a session of the programme,
    schedulable, with its speakers as the umbrella's speaker profiles."""
    from hallway.programme.models import Session, SessionSpeaker, Speaker

    with transaction.atomic():
        current = locked(submission)
        transition(current, Submission.CONFIRMED, by, (Submission.ACCEPTED,))
        umbrella = current.event.umbrella
        if current.session_id is None:
            session = Session.objects.create(
                event=current.event,
                umbrella=umbrella,
                state=Session.CONFIRMED,
                title=current.title,
                abstract=current.abstract,
                description=current.description,
                language=current.language,
                duration=current.session_type.default_duration,
                session_type=current.session_type,
                track=current.track,
                required_features=list(current.session_type.required_features),
            )
            current.session = session
            current.save(update_fields=["session", "updated_at"])
        else:
            session = current.session
            session.state = Session.CONFIRMED
            session.save(update_fields=["state", "updated_at"])
        for position, link in enumerate(current.speaker_links.select_related("user")):
            speaker = Speaker.objects.filter(event=umbrella, user=link.user).first()
            if speaker is None:
                profile = SpeakerProfile.objects.filter(user=link.user).first()
                speaker = Speaker.objects.create(
                    event=umbrella,
                    user=link.user,
                    name=profile.name if profile else person_name(link.user),
                    email=link.user.email,
                    bio=profile.bio if profile else "",
                    picture_url=photo_url(profile),
                    links=[{"title": u, "url": u} for u in (profile.links if profile else [])],
                )
            SessionSpeaker.objects.get_or_create(
                session=session, speaker=speaker, defaults={"position": position}
            )
    return current


def decline(submission: Submission, by) -> Submission:
    with transaction.atomic():
        current = locked(submission)
        transition(current, Submission.DECLINED, by, (Submission.ACCEPTED,))
