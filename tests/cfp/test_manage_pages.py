"""The reviewers' and organisers' pages through the web: anonymous review, no peeking at
others' scores, the dashboard's fixed number of queries, bulk decisions, the outbox."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from hallway.cfp.models import CallForPapers, Message, Review, ScoreCategory, Submission
from hallway.cfp.services import decisions, reviewing, submitting
from hallway.events.models import EventRole

from .conftest import give_role, make_user

pytestmark = pytest.mark.django_db


def bulk_submissions(cfp, talk, track, n: int, reviewers: list) -> list[Submission]:
    """``n`` submitted submissions by distinct speakers, each reviewed by every reviewer."""
    from hallway.cfp.models import SpeakerProfile, SubmissionSpeaker

    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(username=f"bulk{cfp.pk}-{i}-{n}", email=f"b{i}-{n}@example.net")
            for i in range(n)
        ]
    )
    SpeakerProfile.objects.bulk_create(
        [SpeakerProfile(user=u, name=f"Bulk {i}") for i, u in enumerate(users)]
    )
    subs = Submission.objects.bulk_create(
        [
            Submission(
                event=cfp.event,
                state=Submission.SUBMITTED,
                title=f"Bulk talk {i}",
                abstract="A",
                session_type=talk,
                track=track,
            )
            for i in range(n)
        ]
    )
    SubmissionSpeaker.objects.bulk_create(
        [SubmissionSpeaker(submission=s, user=u) for s, u in zip(subs, users, strict=True)]
    )
    Review.objects.bulk_create(
        [
            Review(submission=s, reviewer=r, score=(i * 7 + j * 13) % 101)
            for i, s in enumerate(subs)
            for j, r in enumerate(reviewers)
        ]
    )
    return subs


def test_dashboard_queries_do_not_grow_with_submissions(
    client, open_cfp, talk, kcd_track, django_assert_max_num_queries
):
    organiser = give_role(make_user("org@example.net"), open_cfp.event)
    reviewers = [
        give_role(make_user(f"r{i}@example.net"), open_cfp.event, EventRole.REVIEWER)
        for i in range(3)
    ]
    client.force_login(organiser)
    bulk_submissions(open_cfp, talk, kcd_track, 5, reviewers)
    with django_assert_max_num_queries(20) as small_queries:
        small = client.get("/kcd-pasadena/cfp/manage/?sort=median")
    bulk_submissions(open_cfp, talk, kcd_track, 250, reviewers)
    with django_assert_max_num_queries(20) as large_queries:
        large = client.get("/kcd-pasadena/cfp/manage/?sort=median")
    assert small.status_code == large.status_code == 200
    assert len(small_queries) == len(large_queries)
    # 255 sorted by median, the first 200 on the first page, the rest on the second.
    assert large.content.decode().count('name="submission"') == 200
    second = client.get("/kcd-pasadena/cfp/manage/?sort=median&page=2")
    assert second.content.decode().count('name="submission"') == 55
    assert "255 submissions, 201–255 shown" in second.content.decode()


def test_anonymous_review_hides_the_speakers_and_other_scores(client, open_cfp, talk, kcd_track):
    open_cfp.anonymised_review = True
    open_cfp.phase = CallForPapers.REVIEW
    open_cfp.save()
    category = ScoreCategory.objects.create(cfp=open_cfp, name="Relevance", max_score=5)
    ada = make_user("ada@example.net", name="Ada Secretname")
    ada.speaker_profile.bio = "Bio that must stay hidden"
    ada.speaker_profile.save()
    submission = submitting.create_submission(
        open_cfp.event,
        ada,
        {
            "title": "Hidden author talk",
            "abstract": "Abstract",
            "session_type": talk,
            "track": kcd_track,
        },
        submit=True,
    )
    first = give_role(make_user("r1@example.net"), open_cfp.event, EventRole.REVIEWER)
    reviewing.save_review(submission, first, {category: 1}, "First reviewer's secret comment")
    second = give_role(make_user("r2@example.net"), open_cfp.event, EventRole.REVIEWER)
    client.force_login(second)
    listing = client.get("/kcd-pasadena/cfp/review/").content.decode()
    assert "Hidden author talk" in listing
    page = client.get(f"/kcd-pasadena/cfp/review/{submission.uuid}/").content.decode()
    assert "Hidden author talk" in page
    for secret in ("Secretname", "Bio that must stay hidden", "ada@example.net", "secret comment"):
        assert secret not in page
    response = client.post(
        f"/kcd-pasadena/cfp/review/{submission.uuid}/",
        {f"c{category.pk}": "5", "comment": "Fine"},
    )
    assert response.status_code == 302
    assert Review.objects.get(reviewer=second).score == 100
    # Reviewers have no dashboard.
    assert client.get("/kcd-pasadena/cfp/manage/").status_code == 403


def test_bulk_decision_from_the_dashboard_fills_the_outbox(client, open_cfp, talk, kcd_track):
    organiser = give_role(make_user("org@example.net"), open_cfp.event)
    subs = bulk_submissions(open_cfp, talk, kcd_track, 4, [])
    client.force_login(organiser)
    response = client.post(
        "/kcd-pasadena/cfp/manage/decide/",
        {"decision": "accepted", "submission": [str(subs[0].uuid), str(subs[1].uuid)]},
    )
    assert response.status_code == 302
    states = dict(Submission.objects.filter(event=open_cfp.event).values_list("title", "state"))
    assert states == {
        "Bulk talk 0": "accepted",
        "Bulk talk 1": "accepted",
        "Bulk talk 2": "submitted",
        "Bulk talk 3": "submitted",
    }
    assert Message.objects.filter(state=Message.OUTBOX).count() == 2
    outbox = client.get("/kcd-pasadena/cfp/manage/outbox/").content.decode()
    assert outbox.count('name="message"') == 2
    assert "is accepted at Kubernetes Community Day Pasadena" in outbox
    filtered = client.get("/kcd-pasadena/cfp/manage/?state=accepted").content.decode()
    assert filtered.count('name="submission"') == 2


def test_outbox_page_sends_through_smtp(
    client, open_cfp, talk, kcd_track, smtp, django_capture_on_commit_callbacks
):
    organiser = give_role(make_user("org@example.net"), open_cfp.event)
    [submission] = bulk_submissions(open_cfp, talk, kcd_track, 1, [])
    decisions.decide(submission, Submission.REJECTED, organiser)
    message = Message.objects.get(state=Message.OUTBOX)
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/kcd-pasadena/cfp/manage/outbox/{message.pk}/",
            {"subject": "Edited subject", "body": "Edited body", "send": "1"},
        )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.state == Message.SENT
    [mail] = smtp.messages
    assert mail["Subject"] == "Edited subject"


def test_template_page_names_the_unknown_placeholder(client, open_cfp):
    organiser = give_role(make_user("org@example.net"), open_cfp.event)
    client.force_login(organiser)
    response = client.post(
        "/kcd-pasadena/cfp/manage/emails/acceptance/",
        {"subject": "Yes {speaker_nme}", "body": "{confirm_url}"},
    )
    assert response.status_code == 200
    assert "{speaker_nme}" in response.context["form"].errors["subject"][0]


def test_settings_page_takes_times_in_the_event_time_zone(client, open_cfp):
    organiser = give_role(make_user("org@example.net"), open_cfp.event.umbrella)
    client.force_login(organiser)
    page = client.get("/kcd-pasadena/cfp/manage/settings/")
    assert page.status_code == 200
    response = client.post(
        "/kcd-pasadena/cfp/manage/settings/",
        {
            "opens_at": "2026-10-01 00:00",
            "closes_at": "2099-02-11 23:59",
            "text": "Come",
            "phase": "review",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    open_cfp.refresh_from_db()
    assert open_cfp.closes_at.isoformat() == "2099-02-12T07:59:00+00:00"
    assert open_cfp.phase == "review"


def test_questions_page_adds_checks_and_asks_a_question(client, open_cfp):
    organiser = give_role(make_user("org@example.net"), open_cfp.event)
    client.force_login(organiser)
    data = {"text": "T-shirt size", "help_text": "", "kind": "choice", "target": "speaker",
            "required": "on", "position": "5", "choices_text": "M"}  # fmt: skip
    response = client.post("/kcd-pasadena/cfp/manage/questions/", data)
    assert response.context["form"].errors == {
        "choices_text": ["A choice question needs at least two options."]
    }
    data["choices_text"] = "S\nM\nL"
    response = client.post("/kcd-pasadena/cfp/manage/questions/", data)
    assert response.status_code == 302
    question = open_cfp.questions.get(text="T-shirt size")
    assert question.choices == ["S", "M", "L"] and question.required
    speaker = make_user("ada@example.net", name="Ada")
    client.force_login(speaker)
    form = client.get("/kcd-pasadena/cfp/submit/").content.decode()
    assert "T-shirt size (about you)" in form
