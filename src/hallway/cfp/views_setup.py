"""The set-up pages of one event's call for papers, under ``/<event>/cfp/manage/``: the
questions, the score categories, the deadlines per session type and the review team.  They
parse the form and call ``cfp/configuration.py``, which does the work and writes the audit
log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from hallway.cfp import configuration
from hallway.cfp.forms import (
    DeadlineForm,
    QuestionForm,
    ScoreCategoryForm,
    TeamForm,
    TeamMemberForm,
)
from hallway.cfp.models import Question, Review, ReviewerScope, ScoreCategory, SessionTypeDeadline
from hallway.cfp.services import calls
from hallway.cfp.views import _context
from hallway.cfp.views_manage import _managed
from hallway.events.models import EventRole, Track


@login_required
def questions(request, event, pk=None):
    """The event's own questions: the list, and a form to add one (or change the one
    ``pk`` names)."""
    cfp = _managed(request, event)
    instance = get_object_or_404(Question, cfp=cfp, pk=pk) if pk else None
    if request.method == "POST" and instance is not None and "delete" in request.POST:
        try:
            configuration.delete_question(instance, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Question deleted.")
        return redirect("cfp:questions", cfp.event.slug)
    form = QuestionForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        question = form.save(commit=False)
        question.cfp = cfp
        question.choices = form.cleaned_data["choices"]
        configuration.save_question(question, by=request.user)
        messages.success(request, f"Question “{question.text}” saved.")
        return redirect("cfp:questions", cfp.event.slug)
    return render(
        request,
        "cfp/manage/questions.html",
        _context(cfp, form=form, question=instance, questions=cfp.questions.all()),
    )


def _posted(request):
    """The posted data, or None for a GET (an empty POST is still a submitted form: a form
    whose every box is unticked)."""
    return request.POST if request.method == "POST" else None


def _errors_to(form, exc: ValidationError) -> None:
    """A service's ValidationError next to the fields it names (or over the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _event_tracks(cfp):

    return Track.objects.filter(event_id__in={cfp.event_id, cfp.event.umbrella.pk})


@login_required
def categories(request, event, pk=None):
    """The score categories reviewers fill in, with their weights: the list, and a form to
    add one (or change the one ``pk`` names)."""

    cfp = _managed(request, event)
    instance = get_object_or_404(ScoreCategory, cfp=cfp, pk=pk) if pk else None
    if request.method == "POST" and instance is not None and "delete" in request.POST:
        configuration.delete_category(instance, by=request.user)
        messages.success(request, f"“{instance.name}” deleted; the reviews are scored again.")
        return redirect("cfp:categories", cfp.event.slug)
    initial = (
        {
            "name": instance.name,
            "weight": instance.weight,
            "max_score": instance.max_score,
            "position": instance.position,
        }
        if instance
        else None
    )
    form = ScoreCategoryForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = configuration.save_category(
                cfp, category=instance, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(request, f"“{saved.name}” saved.")
            return redirect("cfp:categories", cfp.event.slug)
    return render(
        request,
        "cfp/manage/categories.html",
        _context(
            cfp,
            form=form,
            category=instance,
            categories=cfp.categories.all(),
            reviews=Review.objects.filter(submission__event=cfp.event).count(),
        ),
    )


@login_required
def deadlines(request, event, pk=None):
    """Deadlines of one session type that differ from the call's, in the event's zone."""

    cfp = _managed(request, event)
    instance = get_object_or_404(SessionTypeDeadline, cfp=cfp, pk=pk) if pk else None
    if request.method == "POST" and instance is not None and "delete" in request.POST:
        configuration.delete_deadline(instance, by=request.user)
        messages.success(request, f"{instance.session_type} closes with the call again.")
        return redirect("cfp:deadlines", cfp.event.slug)
    initial = (
        {"session_type": instance.session_type, "closes_at": instance.closes_at}
        if instance
        else None
    )
    form = DeadlineForm(
        _posted(request),
        initial=initial,
        session_types=calls.offered_session_types(cfp),
        zone=cfp.event.umbrella.time_zone,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = configuration.save_deadline(
                cfp, deadline=instance, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            when = calls.local_time(saved.closes_at, cfp.event)
            messages.success(request, f"{saved.session_type} closes on {when}.")
            return redirect("cfp:deadlines", cfp.event.slug)
    rows = [
        (d, calls.local_time(d.closes_at, cfp.event))
        for d in cfp.deadlines.select_related("session_type").order_by("closes_at")
    ]
    return render(
        request,
        "cfp/manage/deadlines.html",
        _context(
            cfp,
            form=form,
            deadline=instance,
            rows=rows,
            closes=calls.local_time(cfp.closes_at, cfp.event),
            opens=calls.local_time(cfp.opens_at, cfp.event),
        ),
    )


@login_required
def team(request, event):
    """The review team: reviewers and track organisers, each optionally limited to tracks;
    someone is added by the email address of their account."""

    cfp = _managed(request, event)
    form = TeamForm(_posted(request), tracks=_event_tracks(cfp), roles=configuration.TEAM_ROLES)
    if request.method == "POST" and form.is_valid():
        try:
            member = configuration.add_to_team(cfp.event, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(
                request, f"{member.user.email} is now a {member.get_role_display().lower()}."
            )
            return redirect("cfp:team", cfp.event.slug)
    return render(
        request,
        "cfp/manage/team.html",
        _context(cfp, form=form, members=configuration.team(cfp.event)),
    )


@login_required
def team_member(request, event, pk):

    cfp = _managed(request, event)
    member = get_object_or_404(
        EventRole.objects.select_related("user", "event"),
        event=cfp.event,
        pk=pk,
        role__in=list(configuration.TEAM_ROLES),
    )
    if request.method == "POST" and "remove" in request.POST:
        configuration.remove_from_team(member, by=request.user)
        messages.success(
            request,
            f"{member.user.email} is no longer a {member.get_role_display().lower()}.",
        )
        return redirect("cfp:team", cfp.event.slug)
    scope = ReviewerScope.objects.filter(event=cfp.event, user=member.user).first()
    form = TeamMemberForm(
        _posted(request),
        tracks=_event_tracks(cfp),
        initial={"tracks": list(scope.tracks.all()) if scope else []},
    )
    if request.method == "POST" and form.is_valid():
        try:
            configuration.change_tracks(member, form.cleaned_data["tracks"], by=request.user)
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(request, f"Tracks of {member.user.email} saved.")
            return redirect("cfp:team", cfp.event.slug)
    return render(request, "cfp/manage/team_member.html", _context(cfp, form=form, member=member))
