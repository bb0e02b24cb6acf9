"""The site's own 404 and 500 pages, in the public layout with a way back to the programme.

A 404 under an event's address (``/pose27/sessions/nope/``) keeps that event's menu, so the
visitor is one click from its programme.  The 500 page needs nothing from the database, since
the database may be why it is shown.
"""

from __future__ import annotations

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from hallway.events.models import Event


def _event_in(path: str) -> Event | None:
    first = path.strip("/").split("/", 1)[0]
    if not first or len(first) > 100:
        return None
    try:
        return Event.objects.select_related("parent").filter(slug=first).first()
    except Exception:  # a 404 page must not fail because the database does
        return None


def page_not_found(request, exception=None):
    event = _event_in(request.path)
    context = {"event": event, "umbrella": event.umbrella if event else None}
    return render(request, "404.html", context, status=404)


def server_error(request):
    return HttpResponseServerError(loader.get_template("500.html").render())
