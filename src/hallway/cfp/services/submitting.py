"""Submitting: a speaker's draft, edits (refused when stale or late), submission within the
limit per speaker, and withdrawal.  Every state transition is one transaction writing one
``StateChange`` row (who, when, from, to)."""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hallway.cfp.models import (
    Answer,
    MailTemplate,
    Question,
    StateChange,
    Submission,
    SubmissionSpeaker,
)
from hallway.cfp.services.calls import check_deadline
from hallway.cfp.services.mail import compose, person_name, send_later
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


@dataclasses.dataclass
class StaleEdit(Exception):
    """Someone saved the submission after this form was opened.  ``saved`` is the submission
    as it is now, ``changed`` the fields whose saved value differs from what was posted."""

    saved: Submission
    changed: list[str]


def transition(submission: Submission, to: str, by, allowed: tuple[str, ...], note: str = ""):
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


def locked(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().select_related("event").get(pk=submission.pk)


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
        check_deadline(submission)
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
        current = locked(submission)
        if current.state not in Submission.EDITABLE:
            raise ValidationError(
                f"A {current.get_state_display().lower()} submission cannot be changed."
            )
        check_deadline(Submission(event=current.event, session_type=content["session_type"]))
        check_deadline(current)
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


def check_limit(submission: Submission, user) -> None:
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
            f"{person_name(user)} already has {count} submission(s) to {submission.event}; "
            f"the limit is {limit} per speaker."
        )


def submit_submission(submission: Submission, by) -> Submission:
    """Draft → submitted: checks the deadline and the event's limit per speaker, then tells
    every speaker it arrived."""
    with transaction.atomic():
        current = locked(submission)
        check_deadline(current)
        for link in current.speaker_links.select_related("user"):
            check_limit(current, link.user)
        current.submitted_at = timezone.now()
        transition(current, Submission.SUBMITTED, by, (Submission.DRAFT,))
        messages = [
            compose(MailTemplate.RECEIVED, current, link.user)
            for link in current.speaker_links.select_related("user")
        ]
        send_later(messages)
    return current


def withdraw_submission(submission: Submission, by) -> Submission:
    with transaction.atomic():
        current = locked(submission)
        current_state_allows = (
            Submission.DRAFT,
            Submission.SUBMITTED,
            Submission.ACCEPTED,
            Submission.WAITLISTED,
        )
        transition(current, Submission.WITHDRAWN, by, current_state_allows)
    return current
