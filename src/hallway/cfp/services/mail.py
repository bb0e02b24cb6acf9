"""Mail about submissions: the templates and their placeholders, composing a message into the
``Message`` table inside the step's transaction, and delivering it after commit (a failed send
is kept, with its error and when to try again)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from hallway.cfp.models import (
    MailTemplate,
    Message,
    SpeakerProfile,
    Submission,
)
from hallway.cfp.services.calls import absolute_url, deadline, local_time
from hallway.events.models import Event


def person_name(user) -> str:
    """How a person is named in mail and on the programme: their speaker profile's name."""
    profile = getattr(user, "speaker_profile", None) if user is not None else None
    try:
        if profile and profile.name:
            return profile.name
    except SpeakerProfile.DoesNotExist:  # pragma: no cover - reverse one-to-one miss
        pass
    return user.get_full_name() or user.email or user.get_username()


def submission_url(submission: Submission) -> str:
    return reverse("cfp:submission", args=[submission.event.slug, submission.uuid])


#: Placeholders every template may use, and those only some kinds can fill.
COMMON_PLACEHOLDERS = {"speaker_name", "session_title", "event_name", "submission_url"}
PLACEHOLDERS = {
    MailTemplate.RECEIVED: COMMON_PLACEHOLDERS | {"deadline"},
    MailTemplate.INVITATION: COMMON_PLACEHOLDERS | {"inviter_name", "invitation_url"},
    MailTemplate.ACCEPTANCE: COMMON_PLACEHOLDERS | {"confirm_url"},
    MailTemplate.REJECTION: COMMON_PLACEHOLDERS,
    MailTemplate.WAITLIST: COMMON_PLACEHOLDERS,
    MailTemplate.REMINDER: COMMON_PLACEHOLDERS | {"confirm_url"},
    MailTemplate.OFFER: COMMON_PLACEHOLDERS | {"target_event", "offer_url"},
    MailTemplate.FREE: COMMON_PLACEHOLDERS,
}
DEFAULT_TEMPLATES = {
    MailTemplate.RECEIVED: (
        "We received “{session_title}”",
        "Hello {speaker_name},\n\nthank you: your submission “{session_title}” to "
        "{event_name} has arrived. You can change it until {deadline}:\n{submission_url}\n",
    ),
    MailTemplate.INVITATION: (
        "{inviter_name} invites you to present “{session_title}”",
        "Hello,\n\n{inviter_name} would like you to present “{session_title}” together at "
        "{event_name}. To accept, follow this link and log in (or sign up) with your own "
        "account:\n{invitation_url}\n",
    ),
    MailTemplate.ACCEPTANCE: (
        "“{session_title}” is accepted at {event_name}",
        "Hello {speaker_name},\n\ncongratulations: {event_name} accepted “{session_title}”. "
        "Please confirm that you will present it (or decline) here:\n{confirm_url}\n",
    ),
    MailTemplate.REJECTION: (
        "About “{session_title}” at {event_name}",
        "Hello {speaker_name},\n\nthank you for submitting “{session_title}”. We received "
        "many more proposals than we have room for, and could not accept yours this time.\n",
    ),
    MailTemplate.WAITLIST: (
        "“{session_title}” is on the waiting list",
        "Hello {speaker_name},\n\n“{session_title}” is on {event_name}'s waiting list: if a "
        "place opens up, we will write again.\n{submission_url}\n",
    ),
    MailTemplate.REMINDER: (
        "Please confirm “{session_title}”",
        "Hello {speaker_name},\n\nwe have not heard from you yet: please confirm (or decline) "
        "“{session_title}” at {event_name}:\n{confirm_url}\n",
    ),
    MailTemplate.OFFER: (
        "“{session_title}” offered to {target_event}",
        "Hello {speaker_name},\n\n{event_name} could not take “{session_title}”, but "
        "{target_event} would like to consider it. Accept or refuse the offer here:\n"
        "{offer_url}\n",
    ),
    MailTemplate.FREE: ("{event_name}", "Hello {speaker_name},\n\n"),
}


def check_placeholders(kind: str, text: str) -> None:
    """Refuse a template text with an unknown placeholder or a stray brace, naming it."""
    import string

    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise ValidationError(
            f"A brace is not closed ({exc}); write {{{{ or }}}} for a literal brace."
        ) from None
    unknown = sorted(names - PLACEHOLDERS[kind])
    if unknown:
        raise ValidationError(
            "Unknown placeholder(s): %(unknown)s. This email can use: %(known)s.",
            params={
                "unknown": ", ".join("{" + n + "}" for n in unknown),
                "known": ", ".join("{" + n + "}" for n in sorted(PLACEHOLDERS[kind])),
            },
        )


def save_template(event: Event, kind: str, subject: str, body: str) -> MailTemplate:
    errors = {}
    for field, text in (("subject", subject), ("body", body)):
        try:
            check_placeholders(kind, text)
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
    template, _ = MailTemplate.objects.update_or_create(
        event=event, kind=kind, defaults={"subject": subject, "body": body}
    )
    return template


def template_text(event: Event, kind: str) -> tuple[str, str]:
    own = MailTemplate.objects.filter(event=event, kind=kind).first()
    return (own.subject, own.body) if own else DEFAULT_TEMPLATES[kind]


def compose(
    kind: str,
    submission: Submission,
    user,
    *,
    to: str | None = None,
    extra: dict | None = None,
    state: str = Message.QUEUED,
) -> Message:
    """A message of ``kind`` about ``submission`` to ``user`` (or the address ``to``), from the
    event's template, saved (not sent)."""
    event = submission.event
    values = {
        "speaker_name": person_name(user) if user is not None else "",
        "session_title": submission.title,
        "event_name": event.name,
        "submission_url": absolute_url(submission_url(submission)),
        "deadline": local_time(deadline(event.cfp, submission.session_type), event),
        "confirm_url": absolute_url(submission_url(submission)),
        **(extra or {}),
    }
    subject, body = template_text(event, kind)
    return Message.objects.create(
        event=event,
        submission=submission,
        user=user,
        to=to or user.email,
        subject=subject.format_map(values).replace("\n", " ")[:300],
        body=body.format_map(values),
        state=state,
        kind=kind,
    )


def send_later(messages: list[Message]) -> None:
    """Hand queued messages to the background task once the transaction that wrote them has
    committed (at once with the immediate backend; ``hallway worker`` with the database)."""
    from hallway.cfp.tasks import send_message

    for message in messages:
        transaction.on_commit(lambda pk=message.pk: send_message.enqueue(pk))


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed try: doubling from
    ``HALLWAY_MAIL_RETRY_SECONDS`` (a minute), at most an hour between tries."""
    base = settings.HALLWAY_MAIL_RETRY_SECONDS
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def _permanent(exc: Exception) -> bool:
    """A refusal that trying again cannot cure (an SMTP 5xx: no such mailbox, rejected)."""
    import smtplib

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _describe(exc: Exception) -> str:
    """The error as an organiser can act on it: the mail server's own answer if it gave one."""
    import smtplib

    if isinstance(exc, smtplib.SMTPResponseException):
        answer = exc.smtp_error
        answer = answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)
        return f"The mail server answered {exc.smtp_code} {answer}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "The mail server refused " + "; ".join(
            f"{to}: {code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
            for to, (code, text) in exc.recipients.items()
        )
    return f"{type(exc).__name__}: {exc}"


def deliver(messages: list[Message]) -> None:
    """Send each message through Django's email backend; a failure is recorded on the
    message with when to try again (never raised to the speaker, never lost)."""
    for message in messages:
        message.attempts += 1
        message.next_attempt_at = None
        try:
            EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.to],
                headers=message.headers or None,
            ).send()
        except Exception as exc:  # noqa: BLE001 - any backend error is recorded, not lost
            message.state = Message.FAILED
            message.error = _describe(exc)
            limit = settings.HALLWAY_MAIL_MAX_ATTEMPTS
            if _permanent(exc):
                message.error += " — refused for good; send it again once the address is fixed."
            elif message.attempts >= limit:
                message.error += f" — gave up after {message.attempts} tries; send it again."
            else:
                message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
        else:
            message.state = Message.SENT
            message.error = ""
            message.sent_at = timezone.now()
        message.save(
            update_fields=[
                "state",
                "error",
                "sent_at",
                "attempts",
                "next_attempt_at",
                "updated_at",
            ]
        )


#: How long a sender holds a queued message it is sending (the socket's EMAIL_TIMEOUT is
#: shorter).  A message still held after that lost its sender (a worker killed mid-send, a
#: pod replaced during a deploy) and is queued again.
SENDING_CLAIM = dt.timedelta(minutes=5)
#: A queued message nobody has claimed for this long lost its task (a process that died
#: between the commit and handing it over): it is handed over again.
UNCLAIMED_AFTER = dt.timedelta(minutes=15)


def claim(message_id: int, *, now: dt.datetime | None = None) -> Message | None:
    """Take a queued message for sending, unless another sender holds it or it is gone;
    one conditional update, so two workers never both send it."""
    now = now or timezone.now()
    free = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    taken = Message.objects.filter(free, pk=message_id, state=Message.QUEUED).update(
        next_attempt_at=now + SENDING_CLAIM
    )
    return Message.objects.get(pk=message_id) if taken else None


def retry_due(*, now: dt.datetime | None = None) -> int:
    """Queue again every failed message whose next try is due, and every queued message
    whose sender died or whose task was lost; returns how many.  ``hallway worker`` calls it
    every few seconds, so a running worker needs no restart."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(
                Q(state=Message.FAILED, next_attempt_at__lte=now)
                | Q(state=Message.QUEUED, next_attempt_at__lte=now)
                | Q(
                    state=Message.QUEUED,
                    next_attempt_at__isnull=True,
                    updated_at__lte=now - UNCLAIMED_AFTER,
                )
            )
            .order_by("next_attempt_at", "pk")[:500]
        )
        Message.objects.filter(pk__in=[m.pk for m in due]).update(
            state=Message.QUEUED, next_attempt_at=None, updated_at=now
        )
        send_later(due)
    return len(due)


def retry_failed(event: Event | None = None) -> int:
    queryset = Message.objects.filter(state__in=[Message.QUEUED, Message.FAILED])
    if event is not None:
        queryset = queryset.filter(event=event)
    messages = list(queryset)
    deliver(messages)
    return sum(m.state == Message.SENT for m in messages)
