"""What the public sees, and when it changes.

Public pages and exports change only when a release is made or published content is edited
(text is read live; see docs/architecture.md).  Each event counts those changes in
``Event.published_generation``.  Every public page and export is cached whole under a key made
of that number, the page's address and the host, in the shared cache (Redis when configured),
so an unchanged programme is served with one indexed query and a cache read, and a change makes
the next request, in any process on any machine, render afresh.  The number lives in the
database, not in a process's memory, and is raised in the same transaction as the change, so
no process can serve a page older than the data it has seen committed.

Changes made through ``save()``/``delete()`` raise it by signal; services that write in bulk
(imports, releases) call :func:`published_changed` themselves.
"""

from __future__ import annotations

import gzip
import hashlib
from functools import wraps

from django.core.cache import cache
from django.db import connection
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date, quote_etag

from hallway.events.models import Event, Room, SessionType, Track
from hallway.programme.models import (
    Exhibitor,
    ExhibitorHours,
    Playlist,
    Resource,
    Session,
    SessionSpeaker,
    Speaker,
)
from hallway.schedule.fill import fill_of
from hallway.schedule.models import Schedule, Slot

# Cached pages keep only what a browser needs of the headers.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")
PAGE_CACHE_CONTROL = "public, max-age=0, must-revalidate"


def published_changed(umbrella_id: int | None) -> None:
    """Count one change to what the public sees, for an umbrella and its events."""
    if umbrella_id is None:
        return
    Event.objects.filter(Q(pk=umbrella_id) | Q(parent_id=umbrella_id)).update(
        published_generation=F("published_generation") + 1
    )


def generation_of(slug: str) -> int | None:
    """The event's change count (None for an unknown event: nothing is cached for it)."""
    row = published_state(slug)
    return row[2] if row else None


def published_state(slug: str) -> tuple[int, str, int] | None:
    """``(pk, identity, change count)`` of the event with this slug, or None.

    Read on every public request, in one indexed query written out rather than compiled by
    the ORM (compiling took ten times as long as running it, and most of a cached page's
    time).  ``identity`` (row id, UUID and creation time) tells a rebuilt or restored
    database's event, which counts its changes from 0 again, from the one before: caches
    that outlive a process (export files) must not take one for the other."""
    table = connection.ops.quote_name(Event._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, uuid, created_at, published_generation FROM {table} WHERE slug = %s",
            [slug],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    pk, uuid, created, generation = row
    return pk, f"{pk}:{uuid}:{created}", generation


def _umbrella_id(instance) -> int | None:
    """The umbrella a changed row belongs to, when the change is one the public can see."""
    if isinstance(instance, Event):
        return instance.parent_id or instance.pk
    if isinstance(instance, Session):
        return instance.umbrella_id
    if isinstance(instance, SessionSpeaker | Resource):
        return (
            Session.objects.filter(pk=instance.session_id)
            .values_list("umbrella_id", flat=True)
            .first()
        )
    if isinstance(instance, ExhibitorHours):
        event = (
            Exhibitor.objects.filter(pk=instance.exhibitor_id)
            .values_list("event_id", flat=True)
            .first()
        )
        return _event_umbrella(event)
    if isinstance(instance, Schedule):
        return instance.event_id if instance.version is not None else None
    if isinstance(instance, Slot):
        # The work in progress is not public: only an edit of a released slot is.
        row = (
            Schedule.objects.filter(pk=instance.schedule_id)
            .values_list("version", "event_id")
            .first()
        )
        return row[1] if row and row[0] is not None else None
    return _event_umbrella(getattr(instance, "event_id", None))


def _event_umbrella(event_id: int | None) -> int | None:
    if event_id is None:
        return None
    parent = Event.objects.filter(pk=event_id).values_list("parent_id", flat=True).first()
    return parent or event_id


def _on_change(sender, instance, **kwargs) -> None:
    published_changed(_umbrella_id(instance))


PUBLIC_MODELS = (
    Event,
    Room,
    Track,
    SessionType,
    Session,
    SessionSpeaker,
    Speaker,
    Resource,
    Playlist,
    Exhibitor,
    ExhibitorHours,
    Schedule,
    Slot,
)


def connect_signals() -> None:
    for model in PUBLIC_MODELS:
        post_save.connect(_on_change, sender=model, dispatch_uid=f"published:{model.__name__}")
        post_delete.connect(
            _on_change, sender=model, dispatch_uid=f"published-del:{model.__name__}"
        )


def public_page(*, params: tuple[str, ...] = (), per_minute: bool = False):
    """Serve a public view from the shared cache while its event's programme is unchanged.

    ``params`` are the query parameters the view reads (others are ignored, and kept out of the
    key, so random query strings cannot flood the cache); ``per_minute`` for pages that show
    what is on now.  Only complete 200 answers that set no cookie and do not vary by cookie are
    cached; every answer gets an ETag, so browsers, apps and proxies revalidate with a 304.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            slug = kwargs.get("event")
            if request.method not in ("GET", "HEAD") or slug is None:
                return view(request, *args, **kwargs)
            generation = generation_of(slug)
            if generation is None:
                return view(request, *args, **kwargs)
            now = timezone.now()
            query = "&".join(
                f"{name}={value}" for name in params for value in sorted(request.GET.getlist(name))
            )
            # Pages that default to "today" (the grid without a day) follow the event's day
            # change, which falls on an hour somewhere: keyed by the hour, they never lag.
            moment = now.strftime("%Y-%m-%dT%H:%M" if per_minute else "%Y-%m-%dT%H")
            # The room-fill labels' digest: a page changes when a label does (schedule/fill.py).
            fills = fill_of(slug, generation)[1]
            raw = "|".join(
                [slug, str(generation), fills, request.get_host(), request.path, query, moment]
            )
            key = "page:" + hashlib.sha256(raw.encode()).hexdigest()
            tag = key[5:37]
            zipped = accepts_gzip(request.headers.get("Accept-Encoding", ""))
            etag = quote_etag(tag + ("-gzip" if zipped else ""))
            match = request.headers.get("If-None-Match", "")
            if tag in match or match.strip() == "*":
                return HttpResponseNotModified(headers={"ETag": etag, "Vary": "Accept-Encoding"})
            entry = cache.get(key)
            if entry is None:
                response = view(request, *args, **kwargs)
                if not _cacheable(response):
                    return response
                entry = (
                    response.status_code,
                    response.content,
                    # Compressed once, when rendered, not on every request.
                    gzip.compress(response.content, 6, mtime=0),
                    {h: response[h] for h in KEPT_HEADERS if h in response},
                    http_date(now.timestamp()),
                )
                cache.set(key, entry, timeout=24 * 3600)
            status, body, body_gzip, headers, modified = entry
            response = HttpResponse(body_gzip if zipped else body, status=status, headers=headers)
            if zipped:
                response["Content-Encoding"] = "gzip"
            response["Vary"] = "Accept-Encoding"
            response["ETag"] = etag
            response["Last-Modified"] = modified
            response.setdefault("Cache-Control", PAGE_CACHE_CONTROL)
            return response

        return wrapper

    return decorate


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header takes gzip (RFC 9110 12.5.3: ``gzip;q=0`` refuses it,
    ``*`` stands for any coding the header does not name)."""
    codings = {}
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        codings[name.strip()] = q
    return codings.get("gzip", codings.get("x-gzip", codings.get("*", 0.0))) > 0


def _cacheable(response) -> bool:
    return (
        response.status_code == 200
        and not getattr(response, "streaming", False)
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
        and "private" not in response.get("Cache-Control", "")
    )
