"""The demo's calls for papers: the KCD's is open, DevOpsDays' is in review (300 submissions,
three to four reviews each) and the embedded workshops' is decided."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from hallway.cfp.models import (
    CallForPapers,
    Question,
    Review,
    ReviewScore,
    ScoreCategory,
    SpeakerProfile,
    StateChange,
    Submission,
    SubmissionSpeaker,
)
from hallway.events.models import Event, EventRole

from . import words
from .base import FIRST_DAY, TZ, on, stable_uuid
from .logins import ORGANISER_USERNAME
from .venue import Venue

KCD_CALL = (
    "The Kubernetes Community Day wants **talks from people who run clusters**: "
    "war stories, operators you wrote, upgrades that went wrong and what you learned. "
    "First-time speakers are very welcome; we offer mentoring.\n\n"
    "Review is anonymous: leave your name and employer out of the abstract."
)


def build_calls(venue: Venue) -> None:
    """The KCD's call is open (until three weeks before the event); DevOpsDays' and the
    embedded workshops' have closed."""
    types, subs = venue.types, venue.subs
    kcd = CallForPapers.objects.create(
        event=subs["kcd"],
        opens_at=on(dt.date(2026, 10, 1), "00:00"),
        closes_at=on(FIRST_DAY - dt.timedelta(days=21), "23:59"),
        max_submissions_per_speaker=3,
        anonymised_review=True,
        text=KCD_CALL,
    )
    kcd.session_types.set([types["talk"], types["lightning"], types["workshop"]])
    kcd.tracks.set(venue.tracks["kcd"])
    Question.objects.bulk_create(
        [
            Question(
                cfp=kcd, text="Have you given this talk before?", kind=Question.BOOLEAN, position=1
            ),
            Question(
                cfp=kcd,
                text="Level of the audience",
                kind=Question.CHOICE,
                choices=["Beginner", "Intermediate", "Advanced"],
                required=True,
                position=2,
            ),
            Question(
                cfp=kcd,
                text="Do you need travel support?",
                kind=Question.BOOLEAN,
                target=Question.SPEAKER,
                position=3,
            ),
        ]
    )
    for key, closes in [("dod", dt.date(2026, 11, 15)), ("emb", dt.date(2026, 10, 31))]:
        cfp = CallForPapers.objects.create(
            event=subs[key],
            opens_at=on(dt.date(2026, 8, 1), "00:00"),
            closes_at=on(closes, "23:59"),
            text=f"The call for papers of {subs[key].name}.",
        )
        cfp.tracks.set(venue.tracks[key])


def build_submissions(venue: Venue, rng: random.Random) -> None:
    """DevOpsDays' submissions in review and the embedded workshops' decided ones (the demo
    logins must exist: the reviewer reviews, the speaker has a workshop accepted)."""
    _submissions_in_review(venue.subs["dod"], venue.types, venue.tracks["dod"], rng)
    _decided_submissions(venue.subs["emb"], venue.types, venue.tracks["emb"], rng)


def _demo_submissions(event: Event, types, track, rng, n: int, state: str, tag: str):
    """``n`` submissions of ``event`` in ``state``, each by a generated speaker account (no
    usable password), with their audit rows: a handful of bulk inserts."""

    user_model = get_user_model()
    unusable = make_password(None)
    names = [f"{rng.choice(words.GIVEN)} {rng.choice(words.FAMILY)}" for _ in range(n)]
    users = user_model.objects.bulk_create(
        [
            user_model(
                username=f"{tag}-speaker-{i}", email=f"{tag}-speaker-{i}@example.org",
                password=unusable,
            )
            for i in range(n)
        ]
    )  # fmt: skip
    SpeakerProfile.objects.bulk_create(
        [SpeakerProfile(user=u, name=name) for u, name in zip(users, names, strict=True)]
    )
    shapes = [types["talk"], types["talk"], types["talk"], types["workshop"], types["lightning"]]
    submitted_at = dt.datetime(2026, 10, 15, 12, 0, tzinfo=TZ)
    submissions = Submission.objects.bulk_create(
        [
            Submission(
                uuid=stable_uuid("submission", tag, i),
                event=event,
                state=state,
                title=words.title(rng, track.name),
                abstract=" ".join(rng.sample(words.ABSTRACT_BITS, 3)),
                description=" ".join(rng.sample(words.DESCRIPTION_BITS, 3)),
                session_type=rng.choice(shapes),
                track=track,
                submitted_at=submitted_at + dt.timedelta(minutes=37 * i),
            )
            for i in range(n)
        ]
    )
    SubmissionSpeaker.objects.bulk_create(
        [SubmissionSpeaker(submission=s, user=u) for s, u in zip(submissions, users, strict=True)]
    )
    StateChange.objects.bulk_create(
        [
            StateChange(submission=s, actor=u, to_state="draft")
            for s, u in zip(submissions, users, strict=True)
        ]
        + [
            StateChange(submission=s, actor=u, from_state="draft", to_state="submitted")
            for s, u in zip(submissions, users, strict=True)
        ]
    )
    return submissions


def _submissions_in_review(event: Event, types, tracks, rng) -> None:
    """DevOpsDays: 300 submissions in the review phase, three to four reviews each from five
    reviewers (the demo reviewer has some left to do)."""
    cfp = event.cfp
    cfp.phase = CallForPapers.REVIEW
    cfp.save(update_fields=["phase"])
    categories = ScoreCategory.objects.bulk_create(
        [
            ScoreCategory(cfp=cfp, name="Relevance to DevOps", weight=3, position=1),
            ScoreCategory(cfp=cfp, name="Clarity of the proposal", weight=2, position=2),
            ScoreCategory(cfp=cfp, name="Novelty", weight=1, position=3),
        ]
    )
    submissions = _demo_submissions(event, types, tracks[0], rng, 300, Submission.SUBMITTED, "dod")
    user_model = get_user_model()
    reviewers = [user_model.objects.get(username="reviewer")] + list(
        user_model.objects.bulk_create(
            [
                user_model(username=f"dod-reviewer-{i}", email=f"dod-reviewer-{i}@example.org")
                for i in range(4)
            ]
        )
    )
    EventRole.objects.bulk_create(
        [EventRole(event=event, user=r, role=EventRole.REVIEWER) for r in reviewers[1:]]
    )
    reviews, values = [], []
    total_weight = sum(c.weight for c in categories)
    for i, submission in enumerate(submissions):
        quality = rng.random()
        # The demo reviewer has reviewed the first two thirds; the rest is their to-do list.
        chosen = rng.sample(reviewers[1:], 3) + ([reviewers[0]] if i < 200 else [])
        for reviewer in chosen:
            scores = [
                max(0, min(c.max_score, round(quality * c.max_score + rng.uniform(-1.5, 1.5))))
                for c in categories
            ]
            weighted = sum(
                v / c.max_score * c.weight for v, c in zip(scores, categories, strict=True)
            )
            reviews.append(
                Review(
                    submission=submission,
                    reviewer=reviewer,
                    score=round(100 * weighted / total_weight, 2),
                    comment=rng.choice(["", "", "Solid.", "Needs a clearer outline."]),
                )
            )
            values.append(scores)
    reviews = Review.objects.bulk_create(reviews)
    ReviewScore.objects.bulk_create(
        [
            ReviewScore(review=review, category=c, value=v)
            for review, scores in zip(reviews, values, strict=True)
            for c, v in zip(categories, scores, strict=True)
        ]
    )


def _decided_submissions(event: Event, types, tracks, rng) -> None:
    """The embedded workshops: decisions made (a third accepted, a few waitlisted), and the
    demo speaker's own accepted workshop waiting for them to confirm."""
    cfp = event.cfp
    cfp.phase = CallForPapers.CLOSED
    cfp.save(update_fields=["phase"])
    submissions = _demo_submissions(event, types, tracks[0], rng, 40, Submission.SUBMITTED, "emb")
    organiser = get_user_model().objects.get(username=ORGANISER_USERNAME)
    decided = []
    for i, submission in enumerate(submissions):
        state = (
            Submission.ACCEPTED
            if i % 3 == 0
            else Submission.WAITLISTED
            if i % 7 == 1
            else Submission.REJECTED
        )
        submission.state = state
        decided.append(
            StateChange(
                submission=submission, actor=organiser, from_state="submitted", to_state=state
            )
        )
    Submission.objects.bulk_update(submissions, ["state"])
    StateChange.objects.bulk_create(decided)
    # The demo speaker's workshop: the first accepted one becomes theirs too.
    speaker = get_user_model().objects.get(username="speaker")
    SubmissionSpeaker.objects.create(submission=submissions[0], user=speaker, position=1)
