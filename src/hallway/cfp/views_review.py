"""The reviewers' pages: the submissions they may score, and the score form.  In an
anonymised call they never see who submitted; during review they never see others' scores."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from hallway.cfp.forms import ReviewForm
from hallway.cfp.models import Review
from hallway.cfp.services import reviewing
from hallway.cfp.views import _cfp, _context, _submission
from hallway.common.markdown import render_markdown
from hallway.permissions import require


@login_required
def review_list(request, event):
    cfp = _cfp(event)
    require(request.user, "cfp.review", cfp.event)
    submissions = reviewing.reviewable(cfp.event, request.user).select_related(
        "session_type", "track"
    )
    mine = dict(
        Review.objects.filter(submission__event=cfp.event, reviewer=request.user).values_list(
            "submission_id", "score"
        )
    )
    rows = [(s, mine.get(s.pk)) for s in submissions.order_by("submitted_at", "pk")]
    return render(
        request,
        "cfp/review_list.html",
        _context(cfp, rows=rows, done=len(mine), in_review=cfp.phase == cfp.REVIEW),
    )


@login_required
def review_submission(request, event, uuid):
    cfp = _cfp(event)
    submission = _submission(cfp, uuid)
    require(request.user, "cfp.review_submission", submission)
    categories = cfp.categories.all()
    existing = Review.objects.filter(submission=submission, reviewer=request.user).first()
    initial = None
    if existing:
        initial = {"comment": existing.comment} | {
            f"c{s.category_id}": s.value for s in existing.scores.all()
        }
    form = ReviewForm(request.POST or None, categories=categories, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reviewing.save_review(
                submission, request.user, form.scores(), form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Review of “{submission.title}” saved.")
            return redirect("cfp:review-list", cfp.event.slug)
    speakers = []
    if not cfp.anonymised_review:
        speakers = [
            link.user for link in submission.speaker_links.select_related("user__speaker_profile")
        ]
    return render(
        request,
        "cfp/review.html",
        _context(
            cfp,
            submission=submission,
            form=form,
            speakers=speakers,
            abstract=render_markdown(submission.abstract),
            description=render_markdown(submission.description),
            answers=submission.answers.select_related("question"),
        ),
    )
