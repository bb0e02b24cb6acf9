"""What happens in a call for papers, one function per step.

Each state transition is one function running in one transaction and writing one
``StateChange`` row (who, when, from, to).  Mail is written to ``Message`` inside that
transaction and handed to the email backend after it commits, so a failed send never undoes
the step and is kept (with its error) to be tried again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hallway.cfp.models import (
    Answer,
    CallForPapers,
    CoSpeakerInvitation,
    Message,
    Question,
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


def save_profile(user, *, name: str, pronouns: str, bio: str, links: list[str]) -> SpeakerProfile:
    profile, _ = SpeakerProfile.objects.update_or_create(
        user=user, defaults={"name": name, "pronouns": pronouns, "bio": bio, "links": links}
    )
    return profile


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


def submit_submission(submission: Submission, by) -> Submission:
    """Draft → submitted: checks the deadline and the event's limit per speaker, then tells
    every speaker it arrived."""
    with transaction.atomic():
        current = _locked(submission)
        _check_deadline(current)
        limit = current.event.cfp.max_submissions_per_speaker
        if limit:
            for link in current.speaker_links.select_related("user"):
                count = (
                    Submission.objects.filter(event=current.event, speaker_links__user=link.user)
                    .exclude(pk=current.pk)
                    .exclude(state__in=[Submission.DRAFT, Submission.WITHDRAWN])
                    .count()
                )
                if count >= limit:
                    raise ValidationError(
                        f"{_name(link.user)} already has {count} submission(s) to "
                        f"{current.event}; the limit is {limit} per speaker."
                    )
        current.submitted_at = timezone.now()
        _transition(current, Submission.SUBMITTED, by, (Submission.DRAFT,))
        messages = [
            _message(
                current,
                link.user,
                f"We received “{current.title}”",
                f"Hello {_name(link.user)},\n\nthank you: your submission “{current.title}” "
                f"to {current.event} has arrived. You can change it until "
                f"{local_time(deadline(current.event.cfp, current.session_type), current.event)}"
                f":\n{_url(submission_url(current))}\n",
            )
            for link in current.speaker_links.select_related("user")
        ]
    deliver(messages)
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
        message = _message(
            current,
            None,
            f"{_name(by)} invites you to present “{current.title}”",
            f"Hello,\n\n{_name(by)} would like you to present “{current.title}” together at "
            f"{current.event}. To accept, follow this link and log in (or sign up) with "
            f"your own account:\n{_url(reverse('cfp:invitation', args=[invitation.token]))}\n",
            to=email,
        )
    deliver([message])
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


def _message(submission, user, subject, body, *, to: str | None = None) -> Message:
    return Message.objects.create(
        event=submission.event,
        submission=submission,
        user=user,
        to=to or user.email,
        subject=subject,
        body=body,
    )


def deliver(messages: list[Message]) -> None:
    """Send each message through Django's email backend; a failure is recorded on the
    message (and left to be tried again), never raised to the speaker."""
    for message in messages:
        message.attempts += 1
        try:
            EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.to],
            ).send()
        except Exception as exc:  # noqa: BLE001 - any backend error is recorded, not lost
            message.state = Message.FAILED
            message.error = f"{type(exc).__name__}: {exc}"
        else:
            message.state = Message.SENT
            message.error = ""
            message.sent_at = timezone.now()
        message.save(update_fields=["state", "error", "sent_at", "attempts", "updated_at"])


def retry_failed(event: Event | None = None) -> int:
    queryset = Message.objects.filter(state__in=[Message.QUEUED, Message.FAILED])
    if event is not None:
        queryset = queryset.filter(event=event)
    messages = list(queryset)
    deliver(messages)
    return sum(m.state == Message.SENT for m in messages)


def require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied
