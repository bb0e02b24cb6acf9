"""The agenda page's "email me when my sessions change": giving an address (confirmed by a
link mailed to it), and the unsubscribe link of every change email.

The confirmation and unsubscribe links carry signed tokens and need no cookie (they are
opened from a mail client, maybe on another device).  Following either shows a page with one
button: a link scanner that fetches every address in an email must not confirm or unsubscribe
anybody.  Mail clients' own unsubscribe buttons POST to the same address (RFC 8058), which
acts at once and needs no CSRF token (the signed token is the proof, and the request comes
from the mail provider, not a browser holding our cookies).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from hallway.attendees import emails
from hallway.attendees.views import _attendee, _event, _page, _private, agenda_page


@require_http_methods(["GET", "HEAD", "POST"])
def email(request, event: str):
    event, umbrella = _event(event)
    if request.method != "POST":
        return redirect(f"/{event.slug}/agenda/#email")
    attendee = _attendee(request, umbrella)
    if attendee is None:
        raise Http404("This device has no agenda yet: star a session first.")
    address = request.POST.get("email", "")
    notify = request.POST.get("notify") in {"on", "1", "true"}
    try:
        outcome = emails.ask_for_changes(attendee, address, notify)
    except ValidationError as error:
        response = agenda_page(
            request,
            event,
            umbrella,
            attendee,
            email_error=" ".join(error.messages),
            email_given=address,
        )
        response.status_code = 400
        return response
    return _private(redirect(f"/{event.slug}/agenda/?email={outcome}#email"))


@require_http_methods(["GET", "HEAD", "POST"])
def confirm_email(request, event: str, token: str):
    event, umbrella = _event(event)
    found = emails.check_confirmation(umbrella, token)
    if found is None:
        raise Http404("This confirmation link is not valid (any more): ask again from your agenda.")
    attendee, address = found
    if request.method == "POST":
        emails.confirm_email(attendee, address)
        return _page(request, "attendees/email_done.html", event, done="confirmed", address=address)
    return _page(request, "attendees/email_confirm.html", event, action="confirm", address=address)


@csrf_exempt  # see the module docstring: the signed token is the proof
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, event: str, token: str):
    event, umbrella = _event(event)
    found = emails.check_unsubscribe(umbrella, token)
    if found is None:
        raise Http404("This unsubscribe link is not valid.")
    attendee, address = found
    if request.method == "POST":
        emails.unsubscribe(attendee, address)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return _private(HttpResponse("Unsubscribed.", content_type="text/plain"))
        return _page(
            request, "attendees/email_done.html", event, done="unsubscribed", address=address
        )
    return _page(
        request, "attendees/email_confirm.html", event, action="unsubscribe", address=address
    )
