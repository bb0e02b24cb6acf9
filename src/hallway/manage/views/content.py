"""What every content page of the organiser area shares: a list, and an edit page that
validates a form and its row formsets, hands them to a service and shows errors beside their
fields.  Everything renders in the event's time zone."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from hallway.events.models import Event
from hallway.schedule.models import Schedule


def page(request, event: Event, template: str, context: dict):
    """Render with the event's zone active, so every time shown is the event's local time;
    the work in progress goes along for the freeze notice every organiser page shows."""
    context.setdefault(
        "wip", Schedule.objects.filter(event=event.umbrella, version__isnull=True).first()
    )
    with timezone.override(event.umbrella.tz):
        return render(request, template, {"event": event, **context})


def attach_errors(form, exc: ValidationError) -> None:
    """A service's refusal, beside the field it names (or above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def edit_page(
    request,
    event: Event,
    *,
    title: str,
    form,
    save: Callable[[], object],
    back: str,
    formsets: dict | None = None,
    template: str = "manage/content/edit.html",
    context: dict | None = None,
):
    formsets = formsets or {}
    if request.method == "POST":
        valid = form.is_valid()
        valid = all([fs.is_valid() for fs in formsets.values()]) and valid
        if valid:
            try:
                saved = save()
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, f"Saved “{saved}”.")
                return redirect(back)
    return page(
        request,
        event,
        template,
        {"title": title, "form": form, "formsets": formsets, "back": back, **(context or {})},
    )


def rows(formset, owner: str):
    """A model formset's new/changed and deleted rows, unsaved, for a service."""
    from hallway.programme.services import Rows

    changed = formset.save(commit=False)
    return Rows(owner=owner, save=changed, delete=list(formset.deleted_objects))
