"""Pages of the call for papers: parse the request, ask ``permissions``, call ``services``,
render.  Everything works without JavaScript."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hallway.cfp.forms import InviteForm, ProfileForm, SubmissionForm
from hallway.cfp.models import (
    CallForPapers,
    CoSpeakerInvitation,
    Message,
    Offer,
    SpeakerProfile,
    Submission,
)
from hallway.cfp.services import calls, decisions, invitations, offers, profiles, submitting
from hallway.common.markdown import render_markdown
from hallway.events.models import Event
from hallway.permissions import require


def _cfp(event_slug: str) -> CallForPapers:
    event = get_object_or_404(Event.objects.select_related("parent"), slug=event_slug)
    cfp = CallForPapers.objects.filter(event=event).prefetch_related("deadlines").first()
    if cfp is None:
        raise Http404("This event has no call for papers.")
    timezone.activate(event.umbrella.tz)
    return cfp


def _submission(cfp: CallForPapers, uuid) -> Submission:
    # Scoped to the event in the address: another event's submission is not found here.
    submission = get_object_or_404(
        Submission.objects.select_related("event", "session_type", "track"),
        event=cfp.event,
        uuid=uuid,
    )
    submission.event = cfp.event
    return submission


def _context(cfp: CallForPapers, **extra) -> dict:
    event = cfp.event
    return {"cfp": cfp, "event": event, "umbrella": event.umbrella, **extra}


def cfp_page(request, event):
    cfp = _cfp(event)
    deadlines = [
        (d.session_type, calls.local_time(d.closes_at, cfp.event))
        for d in cfp.deadlines.select_related("session_type")
    ]
    return render(
        request,
        "cfp/cfp.html",
        _context(
            cfp,
            text=render_markdown(cfp.text),
            is_open=calls.is_open(cfp),
            not_yet=timezone.now() < cfp.opens_at,
            opens=calls.local_time(cfp.opens_at, cfp.event),
            closes=calls.local_time(cfp.closes_at, cfp.event),
            deadlines=deadlines,
            session_types=calls.offered_session_types(cfp),
            tracks=calls.offered_tracks(cfp),
            questions=cfp.questions.all(),
        ),
    )


def _form(cfp, request, instance=None, data=None, files=None):
    return SubmissionForm(
        data,
        files,
        instance=instance,
        cfp=cfp,
        session_types=calls.offered_session_types(cfp),
        tracks=calls.offered_tracks(cfp),
        user=request.user,
        initial={"version": instance.version} if instance else None,
    )


@login_required
def submit(request, event):
    cfp = _cfp(event)
    require(request.user, "cfp.submit", cfp.event)
    if profiles.speaker_profile(request.user) is None:
        messages.info(request, "First, tell the organisers who you are.")
        return redirect(f"{_profile_url()}?next={request.path}")
    if request.method != "POST" and not calls.is_open(cfp):
        # A form posted after the deadline is refused by the service instead, next to what
        # the speaker typed, so that nothing they wrote is lost.
        closes = calls.local_time(calls.latest_deadline(cfp), cfp.event)
        return render(request, "cfp/closed.html", _context(cfp, closes=closes), status=403)
    form = _form(cfp, request, data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            submission = submitting.create_submission(
                cfp.event,
                request.user,
                form.content(),
                form.answers(),
                submit="submit" in request.POST,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                "Submitted: a confirmation is on its way by email."
                if submission.state == Submission.SUBMITTED
                else "Saved as a draft. Submit it before the deadline.",
            )
            return redirect("cfp:submission", cfp.event.slug, submission.uuid)
    return render(request, "cfp/submission_form.html", _context(cfp, form=form, submission=None))


@login_required
def submission_page(request, event, uuid):
    cfp = _cfp(event)
    submission = _submission(cfp, uuid)
    require(request.user, "cfp.view_submission", submission)
    can_edit = request.user.has_perm("cfp.edit_submission", submission)
    # After the deadline the page is read-only; a form still posted then is refused by the
    # service with the deadline, keeping the speaker's text on the page.
    editable = (
        can_edit
        and submission.state in Submission.EDITABLE
        and (request.method == "POST" or calls.is_open(cfp, submission.session_type))
    )
    form = stale = None
    if editable:
        # The form writes posted values onto its instance: give it its own copy.
        form = _form(
            cfp,
            request,
            copy.copy(submission),
            data=request.POST or None,
            files=request.FILES or None,
        )
        if request.method == "POST" and form.is_valid():
            try:
                saved = submitting.update_submission(
                    submission,
                    request.user,
                    form.content(),
                    form.cleaned_data.get("version") or 0,
                    form.answers(),
                )
                if "submit" in request.POST and saved.state == Submission.DRAFT:
                    submitting.submit_submission(saved, request.user)
                    messages.success(request, "Submitted: a confirmation is on its way by email.")
                else:
                    messages.success(request, "Saved.")
                return redirect("cfp:submission", cfp.event.slug, submission.uuid)
            except submitting.StaleEdit as exc:
                stale = exc
                # Read what is saved before the form copies the posted values onto it.
                saved_values = {f: getattr(exc.saved, f) for f in exc.changed}
                # Keep everything the speaker typed; let the next save go through knowingly.
                data = request.POST.copy()
                data["version"] = exc.saved.version
                form = _form(cfp, request, exc.saved, data=data, files=request.FILES or None)
                form.is_valid()
                for field in exc.changed:
                    saved_value = saved_values[field]
                    form.add_error(
                        field,
                        f"Changed by someone else meanwhile; saved now: “{saved_value or '—'}”. "
                        "Save again to keep your version.",
                    )
            except ValidationError as exc:
                form.add_error(None, exc)
    elif request.method == "POST":
        raise PermissionDenied("This submission can no longer be changed.")
    speakers = list(submission.speaker_links.select_related("user__speaker_profile"))
    return render(
        request,
        "cfp/submission.html",
        _context(
            cfp,
            submission=submission,
            form=form,
            stale=stale,
            can_edit=can_edit,
            speakers=speakers,
            invitations=submission.invitations.filter(accepted_at__isnull=True),
            offers=submission.offers.filter(state=Offer.PENDING).select_related("to_event"),
            invite_form=InviteForm(),
            history=submission.state_changes.select_related("actor"),
            abstract=render_markdown(submission.abstract),
            description=render_markdown(submission.description),
            deadline=calls.local_time(calls.deadline(cfp, submission.session_type), cfp.event),
        ),
    )


@login_required
@require_POST
def withdraw(request, event, uuid):
    cfp = _cfp(event)
    submission = _submission(cfp, uuid)
    require(request.user, "cfp.edit_submission", submission)
    try:
        submitting.withdraw_submission(submission, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Withdrawn.")
    return redirect("cfp:submission", cfp.event.slug, submission.uuid)


@login_required
@require_POST
def invite(request, event, uuid):
    cfp = _cfp(event)
    submission = _submission(cfp, uuid)
    require(request.user, "cfp.edit_submission", submission)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitations.invite_co_speaker(submission, form.cleaned_data["email"], request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
    else:
        messages.error(request, "; ".join(form.errors["email"]))
    return redirect("cfp:submission", cfp.event.slug, submission.uuid)


@login_required
def invitation(request, token):
    invitation = get_object_or_404(
        CoSpeakerInvitation.objects.select_related("submission__event"), token=token
    )
    require(request.user, "cfp.submit", invitation.submission.event)
    submission = invitation.submission
    error = ""
    if request.method == "POST":
        if profiles.speaker_profile(request.user) is None:
            return redirect(f"{_profile_url()}?next={request.path}")
        try:
            invitations.accept_invitation(invitation, request.user)
        except ValidationError as exc:
            # Shown on the page itself, next to the button, not as a passing message.
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"You now present “{submission.title}”.")
            return redirect("cfp:submission", submission.event.slug, submission.uuid)
    return render(
        request,
        "cfp/invitation.html",
        {
            "invitation": invitation,
            "submission": submission,
            "error": error,
            "event": None,
            "umbrella": None,
        },
        status=400 if error else 200,
    )


def _profile_url() -> str:
    from django.urls import reverse

    return reverse("cfp:profile")


@login_required
def profile(request):
    require(request.user, "cfp.submit", None)
    instance = SpeakerProfile.objects.filter(user=request.user).first()
    form = ProfileForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        profiles.save_profile(
            request.user,
            name=form.cleaned_data["name"],
            pronouns=form.cleaned_data["pronouns"],
            bio=form.cleaned_data["bio"],
            links=form.cleaned_data["links_text"],
            photo=form.cleaned_data.get("photo_upload"),
        )
        messages.success(request, "Profile saved.")
        target = request.GET.get("next", "")
        if target.startswith("/") and not target.startswith("//"):
            return redirect(target)
        return redirect("cfp:me")
    return render(
        request,
        "cfp/profile.html",
        {"form": form, "photo": profiles.photo_url(instance, absolute=False)},
    )


def photo(request, name):
    """A speaker's photo.  Its name is random and unguessable; it is shown to whoever has the
    address: the speaker, the organisers, and the programme once the session is confirmed."""
    profile = get_object_or_404(SpeakerProfile, photo=f"speakers/{name}")
    response = FileResponse(profile.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
def me(request):
    """Everything of the signed-in speaker: submissions with their states, and every email
    hallway sent them."""
    require(request.user, "cfp.submit", None)
    submissions = (
        Submission.objects.filter(speaker_links__user=request.user)
        .select_related("event", "session_type")
        .order_by("event__name", "-created_at")
    )
    sent = Message.objects.filter(
        Q(user=request.user) | Q(to__iexact=request.user.email), state=Message.SENT
    )
    return render(
        request,
        "cfp/me.html",
        {
            "submissions": submissions,
            "sent": sent.order_by("-created_at"),
            "profile": profiles.speaker_profile(request.user),
            "open_calls": CallForPapers.objects.filter(
                opens_at__lte=timezone.now(), closes_at__gt=timezone.now()
            ).select_related("event"),
        },
    )


@login_required
@require_POST
def answer_decision(request, event, uuid, answer):
    """The speakers confirm or decline an accepted submission."""
    cfp = _cfp(event)
    submission = _submission(cfp, uuid)
    require(request.user, "cfp.answer_decision", submission)
    step = {"confirm": decisions.confirm, "decline": decisions.decline}[answer]
    try:
        step(submission, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Confirmed: see you there!" if answer == "confirm" else "Declined. Thank you.",
        )
    return redirect("cfp:submission", cfp.event.slug, submission.uuid)


@login_required
@require_POST
def answer_offer(request, event, uuid, pk):
    cfp = _cfp(event)
    submission = _submission(cfp, uuid)
    require(request.user, "cfp.answer_decision", submission)
    made = get_object_or_404(Offer, submission=submission, pk=pk)
    accept = request.POST.get("answer") == "accept"
    try:
        moved = offers.answer_offer(made, request.user, accept=accept)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cfp:submission", cfp.event.slug, submission.uuid)
    messages.success(
        request, f"Accepted: it is now in {moved.event}'s review." if accept else "Refused."
    )
    return redirect("cfp:submission", moved.event.slug, moved.uuid)
