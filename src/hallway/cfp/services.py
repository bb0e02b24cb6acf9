"""What happens in a call for papers, one function per step.

Each state transition is one function running in one transaction and writing one
``StateChange`` row (who, when, from, to).  Mail is written to ``Message`` inside that
transaction and handed to the background task (``tasks.send_message``) after it commits, so a
failed send never undoes the step and is kept (with its error) to be tried again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from hallway.audit.services import changed, record, snapshot
from hallway.cfp.models import (
    Answer,
    CallForPapers,
    CoSpeakerInvitation,
    MailTemplate,
    Message,
    Offer,
    Question,
    Review,
    ReviewerScope,
    ReviewScore,
    ScoreCategory,
    SpeakerProfile,
    StateChange,
    Submission,
    SubmissionSpeaker,
)
from hallway.events.models import Event

#: The content a speaker edits; compared field by field when an edit is stale.
CONTENT_FIELDS = (
    "title",
    "abstract",
    "description",
    "session_type",
    "track",
    "language",
    "notes",
)


class DeadlinePassed(ValidationError):
    pass


@dataclasses.dataclass
class StaleEdit(Exception):
    """Someone saved the submission after this form was opened.  ``saved`` is the submission
    as it is now, ``changed`` the fields whose saved value differs from what was posted."""

    saved: Submission
    changed: list[str]


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


def _check_deadline(submission: Submission, now: dt.datetime | None = None) -> None:
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


# --- audit log -------------------------------------------------------------------------------


def _transition(submission: Submission, to: str, by, allowed: tuple[str, ...], note: str = ""):
    """Move ``submission`` (locked by the caller) to ``to`` and log it."""
    if submission.state not in allowed:
        raise ValidationError(
            f"A {submission.get_state_display().lower()} submission cannot become "
            f"{dict(Submission.STATES)[to].lower()}."
        )
    before = submission.state
    submission.state = to
    submission.save(update_fields=["state", "submitted_at", "updated_at"])
    StateChange.objects.create(
        submission=submission, actor=by, from_state=before, to_state=to, note=note
    )


def _locked(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().select_related("event").get(pk=submission.pk)


# --- speakers --------------------------------------------------------------------------------


def speaker_profile(user) -> SpeakerProfile | None:
    return SpeakerProfile.objects.filter(user=user).first()


def save_profile(
    user, *, name: str, pronouns: str, bio: str, links: list[str], photo=None
) -> SpeakerProfile:
    """Save a speaker's profile; ``photo`` (already re-encoded) replaces the old one."""
    profile, _ = SpeakerProfile.objects.update_or_create(
        user=user, defaults={"name": name, "pronouns": pronouns, "bio": bio, "links": links}
    )
    if photo is not None:
        old = profile.photo.name if profile.photo else ""
        profile.photo.save(photo.name, photo, save=True)
        if old:
            profile.photo.storage.delete(old)
    return profile


def photo_url(profile: SpeakerProfile | None, *, absolute: bool = True) -> str:
    """Where the profile's photo is served ('' without one); absolute for the programme and
    its exports, which are read elsewhere."""
    if profile is None or not profile.photo:
        return ""
    path = reverse("cfp:photo", args=[profile.photo.name.rsplit("/", 1)[-1]])
    return _url(path) if absolute else path


# --- submitting ------------------------------------------------------------------------------


def _save_answers(submission: Submission, user, answers: dict[Question, object]) -> None:
    for question, value in answers.items():
        is_file = question.kind == Question.FILE
        if question.target == Question.SUBMISSION:
            key = {"question": question, "submission": submission}
        else:
            key = {"question": question, "submission": None, "user": user}
        if is_file:
            if not value:
                continue  # keep the file already uploaded
            answer, _ = Answer.objects.get_or_create(**key)
            answer.file = value
            answer.value = value.name
            answer.save()
            continue
        if isinstance(value, list | tuple):
            text = "\n".join(str(v) for v in value)
        elif isinstance(value, bool):
            text = "yes" if value else "no"
        else:
            text = "" if value is None else str(value)
        Answer.objects.update_or_create(**key, defaults={"value": text})


def create_submission(
    event: Event, by, content: dict, answers: dict | None = None, *, submit: bool = False
) -> Submission:
    """A new submission by ``by``, saved as a draft and, with ``submit``, submitted."""
    with transaction.atomic():
        submission = Submission(event=event, **content)
        _check_deadline(submission)
        submission.save()
        SubmissionSpeaker.objects.create(submission=submission, user=by, position=0)
        StateChange.objects.create(
            submission=submission, actor=by, from_state="", to_state=Submission.DRAFT
        )
        _save_answers(submission, by, answers or {})
    if submit:
        submit_submission(submission, by)
        submission.refresh_from_db()
    return submission


def update_submission(
    submission: Submission, by, content: dict, version: int, answers: dict | None = None
) -> Submission:
    """Save a speaker's edit, if nobody saved in between (``version`` is the one the form was
    opened with) and the deadline has not passed."""
    with transaction.atomic():
        current = _locked(submission)
        if current.state not in Submission.EDITABLE:
            raise ValidationError(
                f"A {current.get_state_display().lower()} submission cannot be changed."
            )
        _check_deadline(Submission(event=current.event, session_type=content["session_type"]))
        _check_deadline(current)
        if current.version != version:
            changed = [
                f
                for f in CONTENT_FIELDS
                if getattr(current, f) != content.get(f, getattr(current, f))
            ]
            raise StaleEdit(saved=current, changed=changed)
        for field, value in content.items():
            setattr(current, field, value)
        current.version += 1
        current.save()
        _save_answers(current, by, answers or {})
    return current


#: States that do not count against a speaker's limit of submissions.
UNCOUNTED = (Submission.DRAFT, Submission.WITHDRAWN)


def _check_limit(submission: Submission, user) -> None:
    """Refuse if ``user`` would present more of the event's submissions than its call allows
    (drafts and withdrawn ones do not count; ``submission`` itself is not counted twice)."""
    limit = submission.event.cfp.max_submissions_per_speaker
    if not limit:
        return
    count = (
        Submission.objects.filter(event=submission.event, speaker_links__user=user)
        .exclude(pk=submission.pk)
        .exclude(state__in=UNCOUNTED)
        .count()
    )
    if count >= limit:
        raise ValidationError(
            f"{_name(user)} already has {count} submission(s) to {submission.event}; "
            f"the limit is {limit} per speaker."
        )


def submit_submission(submission: Submission, by) -> Submission:
    """Draft → submitted: checks the deadline and the event's limit per speaker, then tells
    every speaker it arrived."""
    with transaction.atomic():
        current = _locked(submission)
        _check_deadline(current)
        for link in current.speaker_links.select_related("user"):
            _check_limit(current, link.user)
        current.submitted_at = timezone.now()
        _transition(current, Submission.SUBMITTED, by, (Submission.DRAFT,))
        messages = [
            compose(MailTemplate.RECEIVED, current, link.user)
            for link in current.speaker_links.select_related("user")
        ]
        send_later(messages)
    return current


def withdraw_submission(submission: Submission, by) -> Submission:
    with transaction.atomic():
        current = _locked(submission)
        current_state_allows = (
            Submission.DRAFT,
            Submission.SUBMITTED,
            Submission.ACCEPTED,
            Submission.WAITLISTED,
        )
        _transition(current, Submission.WITHDRAWN, by, current_state_allows)
    return current


def invite_co_speaker(submission: Submission, email: str, by) -> CoSpeakerInvitation:
    email = email.strip().lower()
    with transaction.atomic():
        current = _locked(submission)
        if current.state not in (*Submission.EDITABLE, Submission.ACCEPTED):
            raise ValidationError("Co-speakers can no longer be invited to this submission.")
        if current.speaker_links.filter(user__email__iexact=email).exists():
            raise ValidationError(f"{email} already presents this submission.")
        if current.invitations.filter(email=email, accepted_at__isnull=True).exists():
            raise ValidationError(f"{email} has already been invited.")
        invitation = CoSpeakerInvitation.objects.create(
            submission=current, email=email, invited_by=by
        )
        message = compose(
            MailTemplate.INVITATION,
            current,
            None,
            to=email,
            extra={
                "inviter_name": _name(by),
                "invitation_url": _url(reverse("cfp:invitation", args=[invitation.token])),
            },
        )
        send_later([message])
    return invitation


def accept_invitation(invitation: CoSpeakerInvitation, user) -> Submission:
    with transaction.atomic():
        invitation = CoSpeakerInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ValidationError("This invitation has already been accepted.")
        submission = _locked(invitation.submission)
        if submission.state in (Submission.WITHDRAWN, Submission.CANCELLED, Submission.REJECTED):
            raise ValidationError("This submission is no longer open to co-speakers.")
        if not submission.speaker_links.filter(user=user).exists():
            if submission.state not in UNCOUNTED:
                # A draft is checked for every speaker when it is submitted; a submitted one
                # would otherwise let a co-speaker past the limit.
                _check_limit(submission, user)
            position = submission.speaker_links.count()
            SubmissionSpeaker.objects.create(submission=submission, user=user, position=position)
        invitation.accepted_by = user
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_by", "accepted_at", "updated_at"])
    return submission


# --- mail ------------------------------------------------------------------------------------


def _name(user) -> str:
    profile = getattr(user, "speaker_profile", None) if user is not None else None
    try:
        if profile and profile.name:
            return profile.name
    except SpeakerProfile.DoesNotExist:  # pragma: no cover - reverse one-to-one miss
        pass
    return user.get_full_name() or user.email or user.get_username()


def _url(path: str) -> str:
    return settings.HALLWAY_BASE_URL.rstrip("/") + path


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
        "speaker_name": _name(user) if user is not None else "",
        "session_title": submission.title,
        "event_name": event.name,
        "submission_url": _url(submission_url(submission)),
        "deadline": local_time(deadline(event.cfp, submission.session_type), event),
        "confirm_url": _url(submission_url(submission)),
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


def retry_due(*, now: dt.datetime | None = None) -> int:
    """Queue again every failed message whose next try is due; returns how many.
    ``hallway worker`` calls it every few seconds, so a running worker needs no restart."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(state=Message.FAILED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")[:500]
        )
        Message.objects.filter(pk__in=[m.pk for m in due]).update(
            state=Message.QUEUED, updated_at=now
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


# --- the outbox ------------------------------------------------------------------------------


# An organiser's outbox actions are written to the event's audit log; the worker's retries
# (``by=None``) are not, or every failing minute would add a row.


def edit_message(message: Message, *, subject: str, body: str, by=None) -> Message:
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.state != Message.OUTBOX:
            raise ValidationError("Only a message still in the outbox can be edited.")
        before = snapshot(message, ["subject", "body"])
        message.subject, message.body = subject, body
        message.save(update_fields=["subject", "body", "updated_at"])
        diff = changed(before, snapshot(message, ["subject", "body"]))
        if by is not None and diff:
            record(
                message.event,
                "message.edited",
                by=by,
                obj=message,
                before={k: old for k, (old, _) in diff.items()},
                after={k: new for k, (_, new) in diff.items()},
            )
    return message


def discard_message(message: Message, *, by=None) -> Message:
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, state=Message.OUTBOX).update(
            state=Message.DISCARDED, updated_at=timezone.now()
        )
        if not updated:
            raise ValidationError("Only a message still in the outbox can be discarded.")
        message.refresh_from_db()
        if by is not None:
            record(
                message.event,
                "message.discarded",
                by=by,
                obj=message,
                before={"state": Message.OUTBOX},
                after={"state": Message.DISCARDED},
            )
    return message


def send_messages(messages, *, by=None) -> int:
    """Release outbox (or failed) messages to be sent in the background; returns how many."""
    with transaction.atomic():
        chosen = list(
            Message.objects.filter(
                pk__in=[m.pk for m in messages], state__in=[Message.OUTBOX, Message.FAILED]
            ).select_related("event")
        )
        ids = [m.pk for m in chosen]
        Message.objects.filter(pk__in=ids).update(state=Message.QUEUED, updated_at=timezone.now())
        if by is not None:
            for message in chosen:
                record(
                    message.event,
                    "message.sent",
                    by=by,
                    obj=message,
                    before={"state": message.state},
                    after={"state": Message.QUEUED},
                )
        send_later(list(Message.objects.filter(pk__in=ids)))
    return len(ids)


# --- review ----------------------------------------------------------------------------------


def co_speaker_ids(user) -> set[int]:
    """``user`` and everyone who presents a submission together with them."""
    mine = SubmissionSpeaker.objects.filter(user=user).values("submission_id")
    return {user.pk} | set(
        SubmissionSpeaker.objects.filter(submission_id__in=mine).values_list("user_id", flat=True)
    )


def reviewable(event: Event, reviewer):
    """The submissions of ``event`` that ``reviewer`` may score: submitted ones in their
    tracks, never their own nor a co-speaker's."""
    queryset = Submission.objects.filter(event=event, state=Submission.SUBMITTED).exclude(
        speaker_links__user_id__in=co_speaker_ids(reviewer)
    )
    scope = ReviewerScope.objects.filter(event=event, user=reviewer).first()
    if scope is not None:
        queryset = queryset.filter(track__in=scope.tracks.all())
    return queryset


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


def save_review(
    submission: Submission, reviewer, scores: dict[ScoreCategory, int], comment: str = ""
) -> Review:
    """Record (or replace) ``reviewer``'s scores; the weighted mean is kept on 0–100."""
    # Read afresh: the organisers may have switched the phase since the form was opened.
    cfp = CallForPapers.objects.get(event_id=submission.event_id)
    if cfp.phase != CallForPapers.REVIEW:
        raise ValidationError("Reviews can be given only during the review phase.")
    if not reviewable(submission.event, reviewer).filter(pk=submission.pk).exists():
        raise PermissionDenied("You cannot review this submission.")
    categories = list(cfp.categories.all())
    missing = [c.name for c in categories if c not in scores]
    if missing:
        raise ValidationError(f"Scores missing for: {', '.join(missing)}.")
    for category, value in scores.items():
        if category.cfp_id != cfp.pk or not 0 <= value <= category.max_score:
            raise ValidationError(f"{category.name} is scored from 0 to {category.max_score}.")
    total_weight = sum(c.weight for c in categories) or 1
    score = 100 * sum(scores[c] / c.max_score * c.weight for c in categories) / total_weight
    with transaction.atomic():
        review, _ = Review.objects.update_or_create(
            submission=submission,
            reviewer=reviewer,
            defaults={"score": round(score, 2), "comment": comment},
        )
        review.scores.all().delete()
        ReviewScore.objects.bulk_create(
            [ReviewScore(review=review, category=c, value=scores[c]) for c in categories]
        )
    return review


# --- decisions and hand-off ------------------------------------------------------------------

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
        current = _locked(submission)
        _transition(current, to, by, (Submission.SUBMITTED, Submission.WAITLISTED))
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
        current = _locked(submission)
        _transition(current, Submission.CONFIRMED, by, (Submission.ACCEPTED,))
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
                    name=profile.name if profile else _name(link.user),
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
        current = _locked(submission)
        _transition(current, Submission.DECLINED, by, (Submission.ACCEPTED,))
    return current


def offer(submission: Submission, to_event: Event, by) -> Offer:
    """Offer a rejected submission to another event of the same umbrella."""
    with transaction.atomic():
        current = _locked(submission)
        if current.state != Submission.REJECTED:
            raise ValidationError("Only a rejected submission can be offered to another event.")
        if to_event.umbrella.pk != current.event.umbrella.pk or to_event.pk == current.event_id:
            raise ValidationError("Offer it to another event of the same umbrella.")
        if not CallForPapers.objects.filter(event=to_event).exists():
            raise ValidationError(f"{to_event} has no call for papers.")
        if current.offers.filter(state=Offer.PENDING).exists():
            raise ValidationError("This submission already has an offer waiting for an answer.")
        made = Offer.objects.create(
            submission=current, from_event=current.event, to_event=to_event, offered_by=by
        )
        StateChange.objects.create(
            submission=current,
            actor=by,
            from_state=current.state,
            to_state=current.state,
            note=f"Offered to {to_event}",
        )
        for link in current.speaker_links.select_related("user"):
            compose(
                MailTemplate.OFFER,
                current,
                link.user,
                state=Message.OUTBOX,
                extra={"target_event": to_event.name, "offer_url": _url(submission_url(current))},
            )
    return made


def answer_offer(made: Offer, by, *, accept: bool) -> Submission:
    """The speakers' answer; accepted, the submission moves (content, answers and history
    kept) into the other event's review as submitted."""
    with transaction.atomic():
        made = Offer.objects.select_for_update().get(pk=made.pk)
        if made.state != Offer.PENDING:
            raise ValidationError("This offer has been answered already.")
        current = _locked(made.submission)
        made.state = Offer.ACCEPTED if accept else Offer.REFUSED
        made.answered_at = timezone.now()
        made.save(update_fields=["state", "answered_at", "updated_at"])
        if not accept:
            StateChange.objects.create(
                submission=current,
                actor=by,
                from_state=current.state,
                to_state=current.state,
                note=f"Offer to {made.to_event} refused",
            )
            return current
        current.event = made.to_event
        if current.track_id and current.track.event_id not in (
            made.to_event.pk,
            made.to_event.umbrella.pk,
        ):
            current.track = None
        current.save(update_fields=["event", "track", "updated_at"])
        _transition(
            current,
            Submission.SUBMITTED,
            by,
            (Submission.REJECTED,),
            note=f"Moved from {made.from_event} to {made.to_event}",
        )
    return current


def require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied
