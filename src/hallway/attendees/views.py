"""The attendee's own pages: starring, my agenda, another device, the calendar feed.

Every answer here is private (``Cache-Control: private``, varying by cookie), while the
programme pages that carry the star buttons stay cached publicly: a cached page holds only
plain forms, and ``attendees/stars.js`` asks :func:`starred` which of them to mark.

Starring is protected against cross-site requests by the browser's own headers rather than by
a token in the form (a token would make every programme page private): a star is accepted
when ``Sec-Fetch-Site`` says same-origin, or, from a browser that does not send it, when
``Origin`` is this site; a request with neither must carry Django's CSRF token.  Every other
form (rotating tokens, restoring an agenda) is on a private page and uses Django's CSRF token.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import quote_etag, url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hallway.attendees import calendar, services
from hallway.attendees.models import Attendee
from hallway.events.models import Event
from hallway.schedule import selectors
from hallway.schedule.services import latest_release

COOKIE_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie


def cookie_name(umbrella: Event) -> str:
    return f"hallway_agenda_{umbrella.pk}"


def _device_token(request, umbrella: Event) -> str | None:
    return request.COOKIES.get(cookie_name(umbrella))


def _attendee(request, umbrella: Event) -> Attendee | None:
    """The agenda this request holds, asked through the rules (``attendees.use_agenda``)."""
    token = _device_token(request, umbrella)
    attendee = services.attendee_of(umbrella, token=token, user=request.user)
    if attendee is not None and not request.user.has_perm(
        "attendees.use_agenda", (attendee, token)
    ):
        return None
    return attendee


def _private(response: HttpResponse, *, store: bool = False) -> HttpResponse:
    response["Cache-Control"] = (
        "private, max-age=0, must-revalidate" if store else "private, no-store"
    )
    patch_vary_headers(response, ["Cookie"])
    return response


def _keep_cookie(response: HttpResponse, umbrella: Event, attendee: Attendee) -> None:
    response.set_cookie(
        cookie_name(umbrella),
        str(attendee.token),
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _event(slug: str) -> tuple[Event, Event]:
    event = selectors.get_event(slug)
    return event, event.umbrella


def _page(request, template: str, event: Event, **context) -> HttpResponse:
    umbrella = event.umbrella
    if "release" not in context:
        context["release"] = latest_release(umbrella)
    with timezone.override(umbrella.tz):
        response = render(request, template, {"event": event, "umbrella": umbrella, **context})
    return _private(response)


def _same_site(request) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if origin is not None:
        trusted = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
        return origin in trusted
    # Neither header: an old client or a script; only Django's token will do.
    check = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
    return check is None


def _next(request, fallback: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: never another host, a scheme, or "//host".
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts=None, require_https=False
    ):
        return wanted
    return fallback


@csrf_exempt  # see the module docstring: checked by _same_site
@require_POST
def star(request, event: str, session: str):
    event, umbrella = _event(event)
    if not _same_site(request):
        raise PermissionDenied("Stars are only accepted from this site's own pages.")
    session = services.starrable_session(umbrella, session)
    action = request.POST.get("action", "toggle")
    if action not in ("star", "unstar", "toggle"):
        return HttpResponse(
            "'action' must be star, unstar or toggle.", status=400, content_type="text/plain"
        )
    attendee = _attendee(request, umbrella)
    new = attendee is None
    if attendee is None and action != "unstar":
        attendee = services.start_agenda(umbrella, request.user)
    if action == "toggle":
        action = "unstar" if services.is_starred(attendee, session) else "star"
    if action == "star":
        services.star(attendee, session)
    elif attendee is not None:
        services.unstar(attendee, session)
    starred = action == "star"
    if request.htmx:
        response = render(
            request,
            "attendees/_star.html",
            {
                "umbrella": umbrella,
                "session": session,
                "starred": starred,
                "next": _next(request, ""),
            },
        )
    elif "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"session": session.slug, "starred": starred})
    else:
        fallback = reverse("agenda:session", args=[umbrella.slug, session.slug])
        response = redirect(_next(request, fallback))
    if new and attendee is not None:
        _keep_cookie(response, umbrella, attendee)
    return _private(response)


@require_safe
def starred(request, event: str):
    """Which sessions this device starred, for the script that marks the cached pages'
    buttons (and a CSRF token for the forms it sends)."""
    _event_, umbrella = _event(event)
    attendee = _attendee(request, umbrella)
    slugs = services.starred_slugs(attendee)
    pages = [reverse("attendees:agenda", args=[umbrella.slug])]
    for slug in slugs:
        pages.append(reverse("agenda:session", args=[umbrella.slug, slug]))
        pages.append(reverse("attendees:note_form", args=[umbrella.slug, slug]))
    return _private(
        JsonResponse(
            {
                "starred": slugs,
                "agenda": reverse("attendees:agenda", args=[umbrella.slug]),
                # What the service worker keeps for offline use: the agenda, each starred
                # session's page and its notes block.
                "pages": pages,
                "csrf": get_token(request),
            }
        )
    )


def agenda_page(request, event: Event, umbrella: Event, attendee, **extra) -> HttpResponse:
    """My agenda, with the watch-later list and the email form (``extra``: the form's error
    and what was typed, when it is shown again)."""
    from hallway.attendees.personal import watch_later_of

    mine = services.agenda_of(attendee, umbrella)
    return _page(
        request,
        "attendees/agenda.html",
        event,
        agenda=mine,
        attendee=attendee,
        release=mine.release,
        watch_later=watch_later_of(
            attendee, umbrella, favourites=mine.favourites, release=mine.release
        ),
        email_outcome=request.GET.get("email", ""),
        **extra,
    )


@require_safe
def agenda(request, event: str):
    event, umbrella = _event(event)
    return agenda_page(request, event, umbrella, _attendee(request, umbrella))


@require_http_methods(["GET", "HEAD", "POST"])
def device(request, event: str):
    """ "Keep my agenda on another device": the private link, the feed's address, and
    buttons to revoke either."""
    event, umbrella = _event(event)
    attendee = _attendee(request, umbrella)
    if request.method == "POST":
        if attendee is None:
            raise Http404("This device has no agenda yet.")
        which = request.POST.get("rotate")
        if which == "device":
            services.rotate_token(attendee)
        elif which == "feed":
            services.rotate_feed_token(attendee)
        else:
            return HttpResponse(
                "'rotate' must be device or feed.", status=400, content_type="text/plain"
            )
        response = redirect("attendees:device", event=event.slug)
        _keep_cookie(response, umbrella, attendee)
        return _private(response)
    links = {}
    if attendee is not None:
        links = {
            "restore": request.build_absolute_uri(
                reverse("attendees:restore", args=[umbrella.slug, attendee.token])
            ),
            "feed": request.build_absolute_uri(
                reverse("attendees:feed", args=[umbrella.slug, attendee.feed_token])
            ),
        }
        links["qr"] = qr_svg(links["restore"])
    return _page(request, "attendees/device.html", event, attendee=attendee, links=links)


def qr_svg(link: str):
    """The private link as a QR code (inline SVG, drawn on the server: no script, no image
    address that could be cached or logged apart from this private page)."""
    import segno
    from django.utils.safestring import mark_safe

    code = segno.make(link, error="m")
    svg = code.svg_inline(scale=4, dark="#1b1f24", light="#ffffff", title="QR code of the link")
    return mark_safe(svg)  # noqa: S308 - segno's own markup of a URL we built


@require_http_methods(["GET", "HEAD", "POST"])
def restore(request, event: str, token):
    """The link from another device: asks before it replaces this device's agenda (a link
    opened by a preview bot, or sent by someone else, must not change anything by itself)."""
    event, umbrella = _event(event)
    attendee = services.attendee_of(umbrella, token=str(token))
    if attendee is None or not request.user.has_perm("attendees.use_agenda", (attendee, token)):
        raise Http404("This link is not valid (any more).")
    if request.method == "POST":
        services.restore_on_device(attendee, _attendee(request, umbrella))
        response = redirect("attendees:agenda", event=event.slug)
        _keep_cookie(response, umbrella, attendee)
        return _private(response)
    count = attendee.favourites.count()
    return _page(request, "attendees/restore.html", event, count=count)


def _calendar(request, umbrella: Event, attendee: Attendee, *, download: bool) -> HttpResponse:
    version = calendar.feed_version(attendee, umbrella)
    key = "agenda-ics:" + hashlib.sha256(f"{version}|{request.get_host()}".encode()).hexdigest()
    etag = quote_etag(key[12:44])
    if etag in request.headers.get("If-None-Match", ""):
        return _private(HttpResponseNotModified(headers={"ETag": etag}), store=True)
    body = cache.get(key)
    if body is None:
        body = calendar.agenda_calendar(
            attendee, umbrella, base_url=request.build_absolute_uri("/").rstrip("/")
        )
        cache.set(key, body, timeout=24 * 3600)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    if download:
        response["Content-Disposition"] = f'attachment; filename="{umbrella.slug}-agenda.ics"'
    return _private(response, store=True)


@require_safe
def feed(request, event: str, token):
    """The calendar feed calendar apps poll: its own token, no cookie needed."""
    _event_, umbrella = _event(event)
    attendee = services.by_feed_token(umbrella, token)
    if attendee is None or not request.user.has_perm("attendees.read_feed", (attendee, token)):
        raise Http404("This calendar address is not valid (any more).")
    return _calendar(request, umbrella, attendee, download=False)


@require_safe
def download(request, event: str):
    """A one-off .ics of this device's agenda."""
    _event_, umbrella = _event(event)
    attendee = _attendee(request, umbrella)
    if attendee is None:
        raise Http404("This device has no agenda yet.")
    return _calendar(request, umbrella, attendee, download=True)


SERVICE_WORKER = Path(__file__).parent / "static" / "attendees" / "sw.js"


@require_safe
def service_worker(request):
    """The service worker, served from the site's root so its scope covers every event's
    pages (a script under /static/ could only control /static/)."""
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def manifest(request, event: str):
    """The web app manifest: "install" the event's agenda on a phone's home screen."""
    event, umbrella = _event(event)
    body = {
        "name": f"{umbrella.name}: my agenda",
        "short_name": umbrella.short_name or umbrella.name,
        "start_url": reverse("attendees:agenda", args=[event.slug]),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f7f8fa",
        "theme_color": "#1b1f24",
        "icons": [],
    }
    response = HttpResponse(json.dumps(body), content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response
