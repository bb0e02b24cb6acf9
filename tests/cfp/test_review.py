"""Review, decisions, the hand-off to the programme, offers to another event, templates and
the outbox, as service calls with their audit rows."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hallway.cfp import selectors
from hallway.cfp.models import (
    CallForPapers,
    Message,
    Offer,
    ReviewerScope,
    ScoreCategory,
    StateChange,
    Submission,
)
from hallway.cfp.services import calls, decisions, invitations, offers, reviewing, submitting
from hallway.cfp.services.mail import save_template
from hallway.cfp.services.outbox import discard_message, edit_message, send_messages
from hallway.events.models import Event, EventRole, Track
from hallway.programme.models import Session
from hallway.schedule.services import unscheduled_sessions

from .conftest import give_role, make_user
from .test_services import content

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories(open_cfp):
    return [
        ScoreCategory.objects.create(cfp=open_cfp, name="Relevance", weight=3, max_score=5),
        ScoreCategory.objects.create(cfp=open_cfp, name="Clarity", weight=1, max_score=10),
    ]


@pytest.fixture
def submitted(open_cfp, talk, kcd_track):
    ada = make_user("ada@example.net", name="Ada")
    bo = make_user("bo@example.net", name="Bo")
    submission = submitting.create_submission(open_cfp.event, ada, content(talk, kcd_track))
    invitations.accept_invitation(invitations.invite_co_speaker(submission, bo.email, ada), bo)
    submitting.submit_submission(submission, ada)
    submission.refresh_from_db()
    return submission


@pytest.fixture
def reviewer(open_cfp):
    return give_role(make_user("rev@example.net"), open_cfp.event, EventRole.REVIEWER)


def test_weighted_score_and_no_review_outside_the_phase(open_cfp, categories, submitted, reviewer):
    relevance, clarity = categories
    with pytest.raises(ValidationError, match="only during the review phase"):
        reviewing.save_review(submitted, reviewer, {relevance: 5, clarity: 10})
    calls.set_phase(open_cfp, CallForPapers.REVIEW)
    review = reviewing.save_review(submitted, reviewer, {relevance: 4, clarity: 5}, "Good")
    # (4/5·3 + 5/10·1) / 4 = 0.725
    assert review.score == pytest.approx(72.5)
    with pytest.raises(ValidationError, match="Clarity is scored from 0 to 10"):
        reviewing.save_review(submitted, reviewer, {relevance: 4, clarity: 11})
    with pytest.raises(ValidationError, match="Scores missing for: Clarity"):
        reviewing.save_review(submitted, reviewer, {relevance: 4})


def test_nobody_reviews_their_own_or_a_co_speakers_submission(
    open_cfp, categories, submitted, talk, kcd_track
):
    calls.set_phase(open_cfp, CallForPapers.REVIEW)
    bo = submitted.speakers.get(email="bo@example.net")
    give_role(bo, open_cfp.event, EventRole.REVIEWER)
    # Cy co-presents something else with Bo: Bo's other submissions are Cy's co-speaker's.
    cy = give_role(make_user("cy@example.net", name="Cy"), open_cfp.event, EventRole.REVIEWER)
    other = submitting.create_submission(open_cfp.event, cy, content(talk, kcd_track))
    invitations.accept_invitation(invitations.invite_co_speaker(other, bo.email, cy), bo)
    scores = {c: 1 for c in categories}
    with pytest.raises(PermissionDenied):
        reviewing.save_review(submitted, bo, scores)
    with pytest.raises(PermissionDenied):
        reviewing.save_review(submitted, cy, scores)
    assert not bo.has_perm("cfp.review_submission", submitted)
    assert list(reviewing.reviewable(open_cfp.event, cy)) == []


def test_a_reviewer_limited_to_tracks_sees_only_those(open_cfp, submitted, reviewer):
    other_track = Track.objects.create(event=open_cfp.event, name="Other")
    scope = ReviewerScope.objects.create(event=open_cfp.event, user=reviewer)
    scope.tracks.set([other_track])
    assert not reviewing.reviewable(open_cfp.event, reviewer).exists()
    scope.tracks.add(submitted.track)
    assert list(reviewing.reviewable(open_cfp.event, reviewer)) == [submitted]


def test_accept_confirm_hands_the_session_to_the_programme(open_cfp, submitted, talk):
    organiser = give_role(make_user("org@example.net"), open_cfp.event)
    decisions.decide(submitted, Submission.ACCEPTED, organiser)
    outbox = Message.objects.filter(submission=submitted, state=Message.OUTBOX)
    assert sorted(outbox.values_list("to", flat=True)) == ["ada@example.net", "bo@example.net"]
    assert "/kcd-pasadena/cfp/submissions/" in outbox.first().body  # {confirm_url} filled
    bo = submitted.speakers.get(email="bo@example.net")
    decisions.confirm(submitted, bo)
    submitted.refresh_from_db()
    session = submitted.session
    assert (session.state, session.event, session.umbrella) == (
        Session.CONFIRMED,
        open_cfp.event,
        open_cfp.event.umbrella,
    )
    assert session.duration == talk.default_duration
    assert [s.name for s in session.ordered_speakers()] == ["Ada", "Bo"]
    assert {s.event for s in session.ordered_speakers()} == {open_cfp.event.umbrella}
    assert session in unscheduled_sessions(open_cfp.event.umbrella)
    assert [(c.from_state, c.to_state, c.actor.email) for c in submitted.state_changes.all()][
        -2:
    ] == [("submitted", "accepted", "org@example.net"), ("accepted", "confirmed", "bo@example.net")]


def test_a_confirmed_speaker_reuses_their_programme_profile(open_cfp, submitted):
    from hallway.programme.models import Speaker

    ada = submitted.speakers.get(email="ada@example.net")
    existing = Speaker.objects.create(event=open_cfp.event.umbrella, user=ada, name="Ada L.")
    decisions.decide(submitted, Submission.ACCEPTED, ada)
    decisions.confirm(submitted, ada)
    submitted.refresh_from_db()
    assert existing in submitted.session.speakers.all()


def test_decisions_refuse_the_wrong_state(open_cfp, submitted):
    organiser = give_role(make_user("org@example.net"), open_cfp.event)
    with pytest.raises(ValidationError):
        decisions.confirm(submitted, organiser)
    decisions.decide(submitted, Submission.REJECTED, organiser)
    with pytest.raises(ValidationError, match="rejected submission cannot become accepted"):
        decisions.decide(submitted, Submission.ACCEPTED, organiser)
    with pytest.raises(ValidationError):
        decisions.decide(submitted, "confirmed", organiser)


def test_waitlisted_then_accepted_then_declined(open_cfp, submitted):
    organiser = give_role(make_user("org@example.net"), open_cfp.event)
    decisions.decide(submitted, Submission.WAITLISTED, organiser)
    decisions.decide(submitted, Submission.ACCEPTED, organiser)
    decisions.decline(submitted, submitted.speakers.first())
    submitted.refresh_from_db()
    assert submitted.state == Submission.DECLINED and submitted.session is None
    assert StateChange.objects.filter(submission=submitted).count() == 5


def test_a_rejected_submission_offered_to_another_event_enters_its_review(open_cfp, submitted):
    organiser = give_role(make_user("org@example.net"), open_cfp.event.umbrella)
    devops = Event.objects.get(slug="devopsdays-la")
    decisions.decide(submitted, Submission.REJECTED, organiser)
    made = offers.offer(submitted, devops, organiser)
    assert Message.objects.filter(submission=submitted, subject__contains="DevOpsDays").count() == 2
    with pytest.raises(ValidationError, match="already has an offer"):
        offers.offer(submitted, devops, organiser)
    moved = offers.answer_offer(made, submitted.speakers.first(), accept=True)
    assert (moved.event, moved.state, moved.track) == (devops, Submission.SUBMITTED, None)
    assert moved.state_changes.last().note == (
        "Moved from Kubernetes Community Day Pasadena to DevOpsDays LA"
    )
    assert moved.answers.count() == submitted.answers.count()
    assert Offer.objects.get(pk=made.pk).state == Offer.ACCEPTED


def test_an_offer_can_be_refused_and_only_within_the_umbrella(open_cfp, submitted):
    organiser = give_role(make_user("org@example.net"), open_cfp.event.umbrella)
    decisions.decide(submitted, Submission.REJECTED, organiser)
    with pytest.raises(ValidationError, match="same umbrella"):
        offers.offer(submitted, open_cfp.event, organiser)
    made = offers.offer(submitted, Event.objects.get(slug="embedded-linux"), organiser)
    kept = offers.answer_offer(made, submitted.speakers.first(), accept=False)
    assert (kept.event, kept.state) == (open_cfp.event, Submission.REJECTED)
    with pytest.raises(ValidationError, match="answered already"):
        offers.answer_offer(made, submitted.speakers.first(), accept=True)


def test_templates_check_their_placeholders_when_saved(open_cfp, submitted):
    with pytest.raises(ValidationError) as caught:
        save_template(
            open_cfp.event, "acceptance", "Hi {speaker_nam}", "Confirm: {confirm_url} {oops"
        )
    assert "{speaker_nam}" in caught.value.message_dict["subject"][0]
    assert "not closed" in caught.value.message_dict["body"][0]
    with pytest.raises(ValidationError, match=r"\{confirm_url\}"):
        save_template(open_cfp.event, "rejection", "No", "{confirm_url}")
    save_template(open_cfp.event, "rejection", "Sorry, {speaker_name}", "“{session_title}”: no.")
    organiser = give_role(make_user("org@example.net"), open_cfp.event)
    decisions.decide(submitted, Submission.REJECTED, organiser)
    subjects = set(
        Message.objects.filter(submission=submitted, state=Message.OUTBOX).values_list(
            "subject", flat=True
        )
    )
    assert subjects == {"Sorry, Ada", "Sorry, Bo"}


def test_outbox_edit_send_discard(open_cfp, submitted, smtp, django_capture_on_commit_callbacks):
    organiser = give_role(make_user("org@example.net"), open_cfp.event)
    decisions.decide(submitted, Submission.ACCEPTED, organiser)
    to_ada, to_bo = Message.objects.filter(state=Message.OUTBOX).order_by("to")
    edit_message(to_ada, subject="Welcome aboard", body="Confirm please.")
    discard_message(to_bo)
    with pytest.raises(ValidationError):
        edit_message(to_bo, subject="x", body="y")
    before = len(smtp.messages)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_messages([to_ada, to_bo]) == 1
    to_ada.refresh_from_db()
    assert to_ada.state == Message.SENT
    [mail] = smtp.messages[before:]
    assert mail["Subject"] == "Welcome aboard" and mail["X-Envelope-To"] == "ada@example.net"
    assert Message.objects.get(pk=to_bo.pk).state == Message.DISCARDED


def test_dashboard_means_medians_and_own_score(open_cfp, categories, submitted, reviewer):
    calls.set_phase(open_cfp, CallForPapers.REVIEW)
    relevance, clarity = categories
    others = [
        give_role(make_user(f"r{i}@example.net"), open_cfp.event, EventRole.REVIEWER)
        for i in range(2)
    ]
    reviewing.save_review(submitted, reviewer, {relevance: 5, clarity: 10})  # 100
    reviewing.save_review(submitted, others[0], {relevance: 0, clarity: 0})  # 0
    reviewing.save_review(submitted, others[1], {relevance: 5, clarity: 0})  # 75
    [row] = selectors.dashboard(open_cfp.event, reviewer)
    assert (row.reviews, row.mean, row.median, row.mine) == (3, pytest.approx(175 / 3), 75, 100)
    assert row.speakers == ["Ada", "Bo"]
    assert selectors.dashboard(open_cfp.event, reviewer, state="accepted") == []


def test_reminders_only_for_accepted_and_free_messages_wait_in_the_outbox(open_cfp, submitted):
    organiser = give_role(make_user("org@example.net"), open_cfp.event)
    with pytest.raises(ValidationError, match="only accepted"):
        decisions.write_to_speakers(submitted, "reminder")
    free = decisions.write_to_speakers(submitted)
    assert {m.state for m in free} == {Message.OUTBOX} and len(free) == 2
    decisions.decide(submitted, Submission.ACCEPTED, organiser)
    submitted.refresh_from_db()
    [to_ada, _] = sorted(decisions.write_to_speakers(submitted, "reminder"), key=lambda m: m.to)
    assert to_ada.subject == "Please confirm “Operators we regret”"
    assert "Hello Ada" in to_ada.body
