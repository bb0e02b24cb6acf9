"""The organisers' pages of one event's call for papers, under ``/<event>/cfp/manage/``:
settings and phases, the review dashboard with bulk decisions and reminders, one submission
with every review, the outbox, the email templates, the questions, the score categories, the
deadlines per session type and the review team (``cfp/configuration.py`` does the work)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hallway.audit.services import snapshot
from hallway.cfp import permissions, selectors
from hallway.cfp.forms import CfpSettingsForm, MailTemplateForm, MessageForm
from hallway.cfp.models import MailTemplate, Message, Review, Submission
from hallway.cfp.services import calls, decisions, mail, offers
from hallway.cfp.services.outbox import discard_message, edit_message, send_messages
from hallway.cfp.views import _cfp, _context, _submission
from hallway.common.markdown import render_markdown
from hallway.events.models import Event
from hallway.permissions import require

PAGE_SIZE = 200


def _managed(request, event):
    cfp = _cfp(event)
    require(request.user, "cfp.manage_cfp", cfp.event)
    return cfp


def _dashboard_of(request, event):
    """The call, for its organisers and its track organisers; with the tracks the user is
    limited to (``None``: every track)."""
    cfp = _cfp(event)
    require(request.user, "cfp.view_dashboard", cfp.event)
    if request.user.has_perm("cfp.manage_cfp", cfp.event):
        return cfp, None
    return cfp, permissions.track_ids(request.user, cfp.event)


@login_required
def dashboard(request, event):
    cfp, only_tracks = _dashboard_of(request, event)
    params = {
        "track": request.GET.get("track", ""),
        "session_type": request.GET.get("type", ""),
        "state": request.GET.get("state", ""),
        "sort": request.GET.get("sort", "mean"),
        "descending": request.GET.get("order", "desc") != "asc",
    }
    if params["sort"] not in selectors.SORTS:
        params["sort"] = "mean"
    rows = selectors.dashboard(cfp.event, request.user, only_tracks=only_tracks, **params)
    tracks = calls.offered_tracks(cfp)
    if only_tracks is not None:
        tracks = tracks.filter(pk__in=only_tracks)
    # Sorted and counted over all of them; shown a page at a time (a page of 2,000 rows is
    # slow to render and to read).
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cfp/manage/dashboard.html",
        _context(
            cfp,
            rows=page.object_list,
            page=page,
            total=len(rows),
            query=query.urlencode(),
            params=params,
            sorts=selectors.SORTS,
            tracks=tracks,
            track_organiser=only_tracks is not None,
            session_types=calls.offered_session_types(cfp),
            states=[s for s in Submission.STATES if s[0] != Submission.DRAFT],
            decisions=[
                (Submission.ACCEPTED, "Accept"),
                (Submission.WAITLISTED, "Waitlist"),
                (Submission.REJECTED, "Reject"),
            ],
            outbox=Message.objects.filter(event=cfp.event, state=Message.OUTBOX).count(),
        ),
    )


@login_required
@require_POST
def bulk_decide(request, event):
    cfp, _ = _dashboard_of(request, event)
    decision = request.POST.get("decision", "")
    if decision == "remind":
        require(request.user, "cfp.manage_cfp", cfp.event)
        return _remind(request, cfp)
    if decision not in decisions.DECISIONS:
        messages.error(request, "Choose accept, waitlist or reject.")
        return redirect("cfp:manage", cfp.event.slug)
    chosen = Submission.objects.filter(event=cfp.event, uuid__in=request.POST.getlist("submission"))
    done, refused = 0, []
    for submission in chosen:
        if not request.user.has_perm("cfp.decide", submission):
            refused.append(f"{submission.title}: not in your tracks.")
            continue
        try:
            decisions.decide(submission, decision, request.user)
            done += 1
        except ValidationError as exc:
            refused.append(f"{submission.title}: {' '.join(exc.messages)}")
    if done:
        messages.success(
            request,
            f"{done} submission(s) {dict(Submission.STATES)[decision].lower()}; "
            "their emails wait in the outbox.",
        )
    for line in refused:
        messages.error(request, line)
    if not done and not refused:
        messages.error(request, "Tick the submissions to decide on first.")
    return redirect(request.POST.get("back") or f"/{cfp.event.slug}/cfp/manage/")


def _remind(request, cfp):
    chosen = Submission.objects.filter(event=cfp.event, uuid__in=request.POST.getlist("submission"))
    n = 0
    for submission in chosen:
        try:
            n += len(decisions.write_to_speakers(submission, MailTemplate.REMINDER))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    if n:
        messages.success(request, f"{n} reminder(s) wait in the outbox.")
    return redirect(request.POST.get("back") or f"/{cfp.event.slug}/cfp/manage/")


@login_required
@require_POST
def remind(request, event):
    """Remind every speaker whose accepted submission has waited ``days`` days for them (and
    who was not reminded within those days); the reminders wait in the outbox."""
    import datetime as dt

    cfp = _managed(request, event)
    try:
        days = int(request.POST.get("days", ""))
        if not 1 <= days <= 365:
            raise ValueError
    except ValueError:
        messages.error(request, "Remind after a number of days from 1 to 365.")
        return redirect("cfp:manage", cfp.event.slug)
    written = decisions.remind_unconfirmed(cfp.event, dt.timedelta(days=days))
    if written:
        messages.success(request, f"{len(written)} reminder(s) wait in the outbox.")
    else:
        messages.success(request, f"Nobody has waited {days} day(s) without a reminder.")
    return redirect("cfp:manage", cfp.event.slug)


@login_required
@require_POST
def write(request, event, uuid):
    """Start a free message to the submission's speakers, finished in the outbox."""
    cfp = _managed(request, event)
    submission = _submission(cfp, uuid)
    written = decisions.write_to_speakers(submission)
    if len(written) == 1:
        return redirect("cfp:message", cfp.event.slug, written[0].pk)
    messages.success(request, f"{len(written)} messages to finish and send in the outbox.")
    return redirect("cfp:outbox", cfp.event.slug)


@login_required
def submission_detail(request, event, uuid):
    cfp = _cfp(event)
    submission = _submission(cfp, uuid)
    require(request.user, "cfp.decide", submission)
    may_manage = request.user.has_perm("cfp.manage_cfp", cfp.event)
    reviews = Review.objects.filter(submission=submission).select_related(
        "reviewer__speaker_profile"
    )
    others = Event.objects.filter(pk__in=cfp.event.umbrella.family_ids(), cfp__isnull=False)
    return render(
        request,
        "cfp/manage/submission.html",
        _context(
            cfp,
            submission=submission,
            reviews=reviews.prefetch_related("scores__category"),
            speakers=submission.speaker_links.select_related("user__speaker_profile"),
            answers=submission.answers.select_related("question"),
            abstract=render_markdown(submission.abstract),
            description=render_markdown(submission.description),
            history=submission.state_changes.select_related("actor"),
            track_organiser=not may_manage,
            offer_targets=others.exclude(pk=cfp.event.pk) if may_manage else [],
            offers=submission.offers.select_related("to_event"),
        ),
    )


@login_required
@require_POST
def offer(request, event, uuid):
    cfp = _managed(request, event)
    submission = _submission(cfp, uuid)
    target = Event.objects.filter(slug=request.POST.get("to_event", "")).first()
    if target is None:
        messages.error(request, "Choose the event to offer it to.")
    else:
        try:
            offers.offer(submission, target, request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Offered to {target}; the email waits in the outbox.")
    return redirect("cfp:manage-submission", cfp.event.slug, submission.uuid)


@login_required
def settings_page(request, event):
    cfp = _managed(request, event)
    form = CfpSettingsForm(
        request.POST or None,
        instance=cfp,
        session_types=calls.offered_session_types(cfp).model.objects.filter(
            event_id__in={cfp.event_id, cfp.event.umbrella.pk}
        ),
        tracks=calls.offered_tracks(cfp).model.objects.filter(
            event_id__in={cfp.event_id, cfp.event.umbrella.pk}
        ),
    )
    before = snapshot(cfp, calls.SETTINGS_FIELDS)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            calls.log_settings(cfp, before, by=request.user)
        messages.success(request, "Call for papers saved.")
        return redirect("cfp:manage-settings", cfp.event.slug)
    return render(request, "cfp/manage/settings.html", _context(cfp, form=form))


@login_required
def outbox(request, event):
    cfp = _managed(request, event)
    if request.method == "POST":
        ids = request.POST.getlist("message")
        chosen = Message.objects.filter(event=cfp.event, pk__in=[i for i in ids if i.isdigit()])
        if "discard" in request.POST:
            n = 0
            for message in chosen.filter(state=Message.OUTBOX):
                discard_message(message, by=request.user)
                n += 1
            messages.success(request, f"{n} message(s) discarded.")
        else:
            n = send_messages(list(chosen), by=request.user)
            messages.success(request, f"{n} message(s) sent off.")
        return redirect("cfp:outbox", cfp.event.slug)
    queryset = Message.objects.filter(event=cfp.event).select_related("submission")
    return render(
        request,
        "cfp/manage/outbox.html",
        _context(
            cfp,
            waiting=queryset.filter(state__in=[Message.OUTBOX, Message.FAILED, Message.QUEUED]),
            sent=queryset.filter(state=Message.SENT)[:200],
        ),
    )


@login_required
def message_detail(request, event, pk):
    cfp = _managed(request, event)
    message = get_object_or_404(Message, event=cfp.event, pk=pk)
    form = MessageForm(
        request.POST or None, initial={"subject": message.subject, "body": message.body}
    )
    if request.method == "POST":
        try:
            if "discard" in request.POST:
                discard_message(message, by=request.user)
                messages.success(request, "Discarded.")
                return redirect("cfp:outbox", cfp.event.slug)
            if form.is_valid():
                if message.state == Message.OUTBOX:
                    edit_message(message, **form.cleaned_data, by=request.user)
                if "send" in request.POST:
                    send_messages([message], by=request.user)
                    messages.success(request, f"Sent off to {message.to}.")
                    return redirect("cfp:outbox", cfp.event.slug)
                messages.success(request, "Saved.")
                return redirect("cfp:message", cfp.event.slug, message.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "cfp/manage/message.html", _context(cfp, message=message, form=form))


@login_required
def templates(request, event):
    cfp = _managed(request, event)
    own = {t.kind: t for t in MailTemplate.objects.filter(event=cfp.event)}
    return render(
        request,
        "cfp/manage/templates.html",
        _context(cfp, kinds=[(k, label, k in own) for k, label in MailTemplate.KINDS]),
    )


@login_required
def template_edit(request, event, kind):
    cfp = _managed(request, event)
    if kind not in dict(MailTemplate.KINDS):
        raise Http404("No such email.")
    subject, body = mail.template_text(cfp.event, kind)
    form = MailTemplateForm(request.POST or None, initial={"subject": subject, "body": body})
    if request.method == "POST" and form.is_valid():
        try:
            mail.save_template(cfp.event, kind, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field, error)
        else:
            messages.success(request, "Template saved.")
            return redirect("cfp:templates", cfp.event.slug)
    return render(
        request,
        "cfp/manage/template.html",
        _context(
            cfp,
            form=form,
            kind=kind,
            label=dict(MailTemplate.KINDS)[kind],
            placeholders=sorted(mail.PLACEHOLDERS[kind]),
        ),
    )
