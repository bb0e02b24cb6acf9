"""Review: who may score which submission, and a reviewer's scores."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from hallway.cfp.models import (
    CallForPapers,
    Review,
    ReviewerScope,
    ReviewScore,
    ScoreCategory,
    Submission,
    SubmissionSpeaker,
)
from hallway.events.models import Event


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
