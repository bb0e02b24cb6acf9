"""Releasing the programme, and the freeze switch.

The release page shows what the work in progress would change since the last release (per
sub-event) and what blocks it; its form leads to a preview (the same diff, who will be
emailed, the version and note), whose confirm carries the diff's fingerprint.  Sub-event
organisers may look (at their own sessions' changes); releasing and freezing need the
umbrella's rights, as in ``hallway.permissions``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hallway.manage.releases import make_release, release_preview
from hallway.manage.views.base import organiser_event
from hallway.schedule.models import Schedule
from hallway.schedule.selectors import releases
from hallway.schedule.services import (
    ReleaseOutdated,
    ensure_not_frozen,
    freeze_schedule,
    unfreeze_schedule,
    wip_schedule,
)

VERSION_MAX = Schedule._meta.get_field("version").max_length


def _context(request, event, preview, **extra) -> dict:
    user = request.user
    return {
        "event": event,
        "umbrella": event.umbrella,
        "preview": preview,
        "wip": preview.wip,
        "groups": preview.groups_for(user),
        "may_release": user.has_perm("hallway.release_schedule", event.umbrella),
        "may_freeze": user.has_perm("hallway.freeze_schedule", event.umbrella),
        **extra,
    }


def _suggested_version(umbrella) -> str:
    n = Schedule.objects.filter(event=umbrella, version__isnull=False).count()
    return f"{n + 1}.0"


@login_required
def release_page(request, event):
    event = organiser_event(request, event)
    preview = release_preview(event)
    history = releases(event.umbrella)
    return render(
        request,
        "manage/releases/index.html",
        _context(
            request,
            event,
            preview,
            history=history,
            version=_suggested_version(event.umbrella),
            note="",
        ),
    )


def _form_values(request) -> tuple[str, str, list[str]]:
    version = request.POST.get("version", "").strip()
    note = request.POST.get("note", "").strip()
    errors = []
    if not version:
        errors.append("A release needs a version name, e.g. '2.0' or 'Friday fix'.")
    elif len(version) > VERSION_MAX:
        errors.append(f"The version name is longer than {VERSION_MAX} characters.")
    return version, note, errors


@login_required
@require_POST
def release_preview_page(request, event):
    """The diff, the conflicts and the recipients once more, with the version and note, and
    the one button that releases exactly this."""
    event = organiser_event(request, event, "hallway.release_schedule")
    umbrella = event.umbrella
    version, note, errors = _form_values(request)
    if version and Schedule.objects.filter(event=umbrella, version=version).exists():
        errors.append(f"Release '{version}' exists already: choose a new version name.")
    try:
        ensure_not_frozen(umbrella)
    except ValidationError as exc:
        errors.extend(exc.messages)
    preview = release_preview(event, with_notices=True)
    if preview.conflicts:
        errors.append(
            f"{len(preview.conflicts)} conflict(s) block the release: fix them in the work "
            "in progress first."
        )
    template = "manage/releases/preview.html" if not errors else "manage/releases/index.html"
    return render(
        request,
        template,
        _context(
            request,
            event,
            preview,
            history=releases(umbrella),
            version=version,
            note=note,
            errors=errors,
        ),
        status=200 if not errors else 400,
    )


@login_required
@require_POST
def release_confirm(request, event):
    event = organiser_event(request, event, "hallway.release_schedule")
    version, note, errors = _form_values(request)
    fingerprint = request.POST.get("fingerprint", "")
    if not fingerprint:
        errors.append("Open the preview first: a release is confirmed from its preview.")
    if not errors:
        try:
            release, sent = make_release(
                event, version, by=request.user, note=note, fingerprint=fingerprint
            )
        except ReleaseOutdated as exc:
            # Show what the work in progress holds now, with what was typed kept.
            preview = release_preview(event, with_notices=True)
            context = _context(
                request, event, preview, version=version, note=note, errors=exc.messages
            )
            return render(request, "manage/releases/preview.html", context, status=409)
        except ValidationError as exc:
            errors.extend(exc.messages)
        else:
            emails = f"{len(sent)} email{'s' if len(sent) != 1 else ''}"
            messages.success(
                request,
                f"Released version {release.version}; {emails} to speakers and attendees "
                "on their way.",
            )
            return redirect("manage:releases", event.slug)
    preview = release_preview(event)
    context = _context(
        request,
        event,
        preview,
        history=releases(event.umbrella),
        version=version,
        note=note,
        errors=errors,
    )
    return render(request, "manage/releases/index.html", context, status=400)


def _back(request, event):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("manage:releases", event.slug)


@login_required
@require_POST
def freeze(request, event):
    event = organiser_event(request, event, "hallway.freeze_schedule")
    freeze_schedule(event, by=request.user)
    messages.warning(
        request, "The schedule is frozen: no edits, optimisations or releases until unfrozen."
    )
    return _back(request, event)


@login_required
def unfreeze(request, event):
    """Asks once more (a GET shows the question), then unfreezes on the POST."""
    event = organiser_event(request, event, "hallway.freeze_schedule")
    if request.method == "POST":
        unfreeze_schedule(event, by=request.user)
        messages.success(request, "The schedule is unfrozen: editing and releasing go on.")
        return _back(request, event)
    context = {"event": event, "umbrella": event.umbrella, "wip": wip_schedule(event)}
    return render(request, "manage/releases/unfreeze.html", context)
