"""Each step of a submission's life as a service call: the state it leads to, the audit log
row it writes, and what it refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hallway.cfp.models import CoSpeakerInvitation, Message, Question, StateChange, Submission
from hallway.cfp.services import calls, invitations, submitting
from hallway.cfp.services.mail import retry_failed

from .conftest import make_user

pytestmark = pytest.mark.django_db


def content(talk, track, **overrides):
    return {
        "title": "Operators we regret",
        "abstract": "Three operators, two outages, one lesson.",
        "description": "",
        "session_type": talk,
        "track": track,
        "language": "en",
        "notes": "",
        **overrides,
    }


def log(submission) -> list[tuple[str, str, str]]:
    return [
        (c.from_state, c.to_state, c.actor.email)
        for c in StateChange.objects.filter(submission=submission)
    ]


def test_draft_then_submit_is_logged_and_mails_every_speaker(
    open_cfp, talk, kcd_track, smtp, django_capture_on_commit_callbacks
):
    ada = make_user("ada@example.net", name="Ada")
    submission = submitting.create_submission(open_cfp.event, ada, content(talk, kcd_track))
    assert submission.state == Submission.DRAFT
    assert smtp.messages == []

    # Mail leaves after the step's transaction commits (here: when the block ends).
    with django_capture_on_commit_callbacks(execute=True):
        submitting.submit_submission(submission, ada)
    submission.refresh_from_db()
    assert submission.state == Submission.SUBMITTED
    assert submission.submitted_at is not None
    assert log(submission) == [
        ("", "draft", "ada@example.net"),
        ("draft", "submitted", "ada@example.net"),
    ]
    [mail] = smtp.to("ada@example.net")
    assert "Operators we regret" in mail["Subject"]
    assert Message.objects.get(submission=submission).state == Message.SENT


def test_submitting_twice_is_refused(open_cfp, talk, kcd_track):
    ada = make_user("ada@example.net", name="Ada")
    submission = submitting.create_submission(
        open_cfp.event, ada, content(talk, kcd_track), submit=True
    )
    with pytest.raises(ValidationError, match="submitted submission cannot become submitted"):
        submitting.submit_submission(submission, ada)
    assert len(log(submission)) == 2


def test_late_submission_is_refused_with_the_deadline_in_the_event_time_zone(
    open_cfp, talk, kcd_track
):
    open_cfp.closes_at = dt.datetime(2026, 1, 15, 7, 59, tzinfo=dt.UTC)
    open_cfp.opens_at = open_cfp.closes_at - dt.timedelta(days=30)
    open_cfp.save()
    ada = make_user("ada@example.net", name="Ada")
    with pytest.raises(calls.DeadlinePassed) as caught:
        submitting.create_submission(open_cfp.event, ada, content(talk, kcd_track), submit=True)
    # 07:59 UTC is 23:59 the evening before in Pasadena.
    assert "Wed 14 Jan 2026, 23:59 PST" in caught.value.messages[0]
    assert not Submission.objects.filter(event=open_cfp.event).exists()


def test_a_session_type_deadline_overrides_the_call(open_cfp, talk, kcd_track):
    from hallway.cfp.models import SessionTypeDeadline

    SessionTypeDeadline.objects.create(
        cfp=open_cfp, session_type=talk, closes_at=timezone.now() - dt.timedelta(hours=1)
    )
    ada = make_user("ada@example.net", name="Ada")
    with pytest.raises(calls.DeadlinePassed, match="for Talk closed"):
        submitting.create_submission(open_cfp.event, ada, content(talk, kcd_track))


def test_a_stale_edit_names_what_changed_and_saves_nothing(open_cfp, talk, kcd_track):
    ada = make_user("ada@example.net", name="Ada")
    submission = submitting.create_submission(open_cfp.event, ada, content(talk, kcd_track))
    opened_with = submission.version
    submitting.update_submission(
        submission, ada, content(talk, kcd_track, title="Operators we love"), opened_with
    )
    with pytest.raises(submitting.StaleEdit) as caught:
        submitting.update_submission(
            submission,
            ada,
            content(talk, kcd_track, abstract="A different abstract."),
            opened_with,
        )
    assert set(caught.value.changed) == {"title", "abstract"}
    submission.refresh_from_db()
    assert (submission.title, submission.version) == ("Operators we love", opened_with + 1)
    assert submission.abstract == "Three operators, two outages, one lesson."


def test_the_limit_per_speaker_counts_submitted_ones(open_cfp, talk, kcd_track):
    open_cfp.max_submissions_per_speaker = 1
    open_cfp.save()
    ada = make_user("ada@example.net", name="Ada")
    submitting.create_submission(open_cfp.event, ada, content(talk, kcd_track), submit=True)
    second = submitting.create_submission(open_cfp.event, ada, content(talk, kcd_track))
    with pytest.raises(ValidationError, match="the limit is 1 per speaker"):
        submitting.submit_submission(second, ada)
    second.refresh_from_db()
    assert second.state == Submission.DRAFT


def test_withdraw_is_logged_and_final(open_cfp, talk, kcd_track):
    ada = make_user("ada@example.net", name="Ada")
    submission = submitting.create_submission(
        open_cfp.event, ada, content(talk, kcd_track), submit=True
    )
    submitting.withdraw_submission(submission, ada)
    submission.refresh_from_db()
    assert submission.state == Submission.WITHDRAWN
    assert log(submission)[-1] == ("submitted", "withdrawn", "ada@example.net")
    with pytest.raises(ValidationError):
        submitting.withdraw_submission(submission, ada)
    with pytest.raises(ValidationError, match="cannot be changed"):
        submitting.update_submission(submission, ada, content(talk, kcd_track), submission.version)


def test_co_speaker_invitation_by_mail_accepted_with_own_account(
    open_cfp, talk, kcd_track, smtp, django_capture_on_commit_callbacks
):
    ada = make_user("ada@example.net", name="Ada")
    submission = submitting.create_submission(open_cfp.event, ada, content(talk, kcd_track))
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitations.invite_co_speaker(submission, "Bo@Example.net", ada)
    assert invitation.email == "bo@example.net"
    assert invitation.token in smtp.link("bo@example.net", "/accounts/invitations/")
    with pytest.raises(ValidationError, match="already been invited"):
        invitations.invite_co_speaker(submission, "bo@example.net", ada)

    bo = make_user("bo-other@example.net", name="Bo")  # any account may accept the link
    invitations.accept_invitation(invitation, bo)
    assert list(submission.speaker_links.values_list("user__email", flat=True)) == [
        "ada@example.net",
        "bo-other@example.net",
    ]
    with pytest.raises(ValidationError, match="already been accepted"):
        invitations.accept_invitation(CoSpeakerInvitation.objects.get(pk=invitation.pk), bo)


def test_answers_are_kept_per_submission_and_per_speaker(open_cfp, talk, kcd_track):
    ada = make_user("ada@example.net", name="Ada")
    level = open_cfp.questions.get(kind=Question.CHOICE)
    travel = open_cfp.questions.get(target=Question.SPEAKER)
    submission = submitting.create_submission(
        open_cfp.event, ada, content(talk, kcd_track), {level: "Advanced", travel: True}
    )
    assert submission.answers.get(question=level).value == "Advanced"
    assert travel.answers.get(user=ada, submission=None).value == "yes"


def test_a_failed_send_is_kept_with_its_error_and_retried(
    open_cfp, talk, kcd_track, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    ada = make_user("ada@example.net", name="Ada")
    with django_capture_on_commit_callbacks(execute=True):
        submission = submitting.create_submission(
            open_cfp.event, ada, content(talk, kcd_track), submit=True
        )
    submission.refresh_from_db()
    assert submission.state == Submission.SUBMITTED  # the step stands
    message = Message.objects.get(submission=submission)
    assert (message.state, message.attempts) == (Message.FAILED, 1)
    assert "refused" in message.error.lower() or "error" in message.error.lower()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert retry_failed(open_cfp.event) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (Message.SENT, 2)
