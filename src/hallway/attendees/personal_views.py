"""The attendee's own notes, going-or-not marks, watch-later list and recap.

All of it is private (``Cache-Control: private``, found only through the request's own
agenda cookie or account) and every form carries Django's CSRF token: these forms live on
private pages and in the private fragment the session page loads into its notes block, so
the public session page itself stays the same bytes for everyone.  Without JavaScript each
form posts and comes back; with htmx the note form is swapped in place.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hallway.attendees import personal, services
from hallway.attendees.models import Favourite
from hallway.attendees.views import _attendee, _event, _keep_cookie, _next, _page, _private
from hallway.schedule import selectors

MARKS = {"pick", "missed", "going", "watch", "unwatch"}


def _note_context(request, umbrella, session, attendee, **extra) -> dict:
    note = personal.note_of(attendee, session)
    return {
        "umbrella": umbrella,
        "session": session,
        "note": note,
        "text": extra.pop("text", note.text if note else ""),
        "watch_later": personal.marked_watch_later(attendee, session),
        "session_url": reverse("agenda:session", args=[umbrella.slug, session.slug]),
        **extra,
    }


def _fragment(request, umbrella, session, attendee, *, status=200, **extra) -> HttpResponse:
    with timezone.override(umbrella.tz):
        response = render(
            request,
            "attendees/_note.html",
            _note_context(request, umbrella, session, attendee, **extra),
            status=status,
        )
    return _private(response)


@require_safe
def note_form(request, event: str, session: str):
    """The notes block of a session page, loaded by htmx into the cached public page."""
    _ev, umbrella = _event(event)
    session = selectors.public_session(umbrella, session)
    return _fragment(request, umbrella, session, _attendee(request, umbrella))


@require_http_methods(["GET", "HEAD", "POST"])
def note(request, event: str, session: str):
    """The note on its own page (the no-JavaScript path), and where every note is saved."""
    event, umbrella = _event(event)
    session = selectors.public_session(umbrella, session)
    attendee = _attendee(request, umbrella)
    if request.method != "POST":
        context = _note_context(request, umbrella, session, attendee)
        return _page(request, "attendees/note.html", event, **context)
    text = request.POST.get("text", "")
    wants_json = "application/json" in request.headers.get("Accept", "")
    new = attendee is None
    try:
        personal.clean_note(text)
    except ValidationError as error:
        message = " ".join(error.messages)
        if wants_json:
            return _private(JsonResponse({"error": message}, status=400))
        if request.htmx:
            return _fragment(
                request, umbrella, session, attendee, status=400, text=text, error=message
            )
        context = _note_context(request, umbrella, session, attendee, text=text, error=message)
        response = _page(request, "attendees/note.html", event, **context)
        response.status_code = 400
        return response
    if attendee is None:
        if not text.strip():
            back = reverse("attendees:note", args=[event.slug, session.slug])
            return redirect(_next(request, back))
        attendee = services.start_agenda(umbrella, request.user)
    personal.save_note(attendee, session, text)
    if wants_json:
        response = JsonResponse({"session": session.slug, "saved": True})
    elif request.htmx:
        response = _fragment(request, umbrella, session, attendee, saved=True)
    else:
        fallback = reverse("agenda:session", args=[umbrella.slug, session.slug])
        response = redirect(_next(request, fallback) + "#my-notes")
    if new:
        _keep_cookie(response, umbrella, attendee)
    return _private(response)


@require_POST
def mark(request, event: str, session: str):
    """Going to one of clashing favourites, missed it, went after all, or watch later."""
    event, umbrella = _event(event)
    session = selectors.public_session(umbrella, session)
    what = request.POST.get("mark", "")
    if what not in MARKS:
        return _private(
            HttpResponse(
                "'mark' must be one of " + ", ".join(sorted(MARKS)) + ".",
                status=400,
                content_type="text/plain",
            )
        )
    attendee = _attendee(request, umbrella)
    new = attendee is None
    if attendee is None:
        if what not in {"watch"}:
            return _private(
                HttpResponse(
                    "Star the session first: this device has no agenda yet.",
                    status=400,
                    content_type="text/plain",
                )
            )
        attendee = services.start_agenda(umbrella, request.user)
    try:
        if what == "pick":
            personal.pick(attendee, session, umbrella)
        elif what in {"missed", "going"}:
            personal.set_attendance(
                attendee, session, Favourite.MISSED if what == "missed" else Favourite.GOING
            )
        else:
            personal.mark_watch_later(attendee, session, what == "watch")
    except ValueError as error:
        return _private(HttpResponse(str(error), status=400, content_type="text/plain"))
    if request.htmx and request.POST.get("fragment") == "note":
        response = _fragment(request, umbrella, session, attendee)
    else:
        response = redirect(_next(request, reverse("attendees:agenda", args=[event.slug])))
    if new:
        _keep_cookie(response, umbrella, attendee)
    return _private(response)


@require_safe
def watch_later(request, event: str):
    event, umbrella = _event(event)
    attendee = _attendee(request, umbrella)
    items = personal.watch_later_of(attendee, umbrella)
    return _page(request, "attendees/watch_later.html", event, attendee=attendee, items=items)


@require_safe
def recap(request, event: str):
    """My recap, as a page to read or print (the print style sheet drops the site's
    navigation and forms)."""
    event, umbrella = _event(event)
    attendee = _attendee(request, umbrella)
    items = personal.recap_of(attendee, umbrella)
    return _page(request, "attendees/recap.html", event, attendee=attendee, items=items)


@require_safe
def recap_markdown(request, event: str):
    event, umbrella = _event(event)
    attendee = _attendee(request, umbrella)
    items = personal.recap_of(attendee, umbrella)
    body = personal.recap_markdown(
        items, umbrella, base_url=request.build_absolute_uri("/").rstrip("/")
    )
    response = HttpResponse(body, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{umbrella.slug}-recap.md"'
    return _private(response)
