"""Read-only queries of the call for papers, each a fixed number of SQL queries whatever the
number of submissions (the review dashboard is read hundreds of times a day in selection)."""

from __future__ import annotations

import dataclasses
import statistics
from collections import defaultdict

from django.db.models import Avg, Count, OuterRef, Subquery

from hallway.cfp.models import Review, Submission, SubmissionSpeaker
from hallway.events.models import Event

SORTS = {
    "mean": "Weighted mean",
    "median": "Median",
    "reviews": "Number of reviews",
    "mine": "My score",
    "title": "Title",
    "submitted": "Submitted",
}


@dataclasses.dataclass
class DashboardRow:
    submission: Submission
    mean: float | None
    median: float | None
    reviews: int
    mine: float | None
    speakers: list[str]


def dashboard(
    event: Event,
    user,
    *,
    track: str = "",
    session_type: str = "",
    state: str = "",
    sort: str = "mean",
    descending: bool = True,
    only_tracks: set[int] | None = None,
) -> list[DashboardRow]:
    """Every non-draft submission of ``event`` (of ``only_tracks``, for a track organiser)
    with its weighted mean and median score, its number of reviews and ``user``'s own score:
    three queries in all."""
    queryset = Submission.objects.filter(event=event).exclude(state=Submission.DRAFT)
    if only_tracks is not None:
        queryset = queryset.filter(track_id__in=only_tracks)
    if track:
        queryset = queryset.filter(track__slug=track)
    if session_type:
        queryset = queryset.filter(session_type__slug=session_type)
    if state:
        queryset = queryset.filter(state=state)
    mine = Review.objects.filter(submission=OuterRef("pk"), reviewer=user).values("score")[:1]
    rows = list(
        queryset.select_related("session_type", "track")
        .only(
            "uuid",
            "title",
            "state",
            "submitted_at",
            "event_id",
            "session_type__name",
            "track__name",
        )
        .annotate(n_reviews=Count("reviews"), mean=Avg("reviews__score"), mine=Subquery(mine))
    )
    # Plain values, not model instances: at thousands of rows, building objects costs more
    # than the queries.
    speakers: dict[int, list[str]] = defaultdict(list)
    for submission_id, name, email in (
        SubmissionSpeaker.objects.filter(submission__in=queryset.values("pk"))
        .order_by("submission_id", "position", "id")
        .values_list("submission_id", "user__speaker_profile__name", "user__email")
    ):
        speakers[submission_id].append(name or email)
    scores: dict[int, list[float]] = defaultdict(list)
    for submission_id, score in Review.objects.filter(
        submission__in=queryset.values("pk")
    ).values_list("submission_id", "score"):
        scores[submission_id].append(score)
    result = [
        DashboardRow(
            submission=s,
            mean=s.mean,
            median=statistics.median(scores[s.pk]) if scores[s.pk] else None,
            reviews=s.n_reviews,
            mine=s.mine,
            speakers=speakers[s.pk],
        )
        for s in rows
    ]
    key = {
        "mean": lambda r: r.mean,
        "median": lambda r: r.median,
        "reviews": lambda r: r.reviews,
        "mine": lambda r: r.mine,
        "title": lambda r: r.submission.title.lower(),
        "submitted": lambda r: r.submission.submitted_at,
    }.get(sort, lambda r: r.mean)
    present = [r for r in result if key(r) is not None]
    absent = [r for r in result if key(r) is None]
    present.sort(key=key, reverse=descending)
    return present + absent  # unscored last, whichever the direction
