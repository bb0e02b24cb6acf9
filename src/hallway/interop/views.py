"""Schedule exports over HTTP and the organiser's import page.

Exports read the latest release only, so the event's change count is a perfect ETag: clients
(Giggity, ConfClerk, calendar apps polling every few minutes) get a 304 until the programme
changes, and the rendered bytes are written once to a file (plain and gzip) that gunicorn sends
with sendfile (``export_files``).
"""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.views.decorators.http import require_safe

from hallway import interop
from hallway.events.models import Event, validate_time_zone
from hallway.interop.export_files import FileBackedResponse, stored_export
from hallway.interop.exports import export_bytes
from hallway.interop.import_checks import ImportRefused, TimeZoneNeeded
from hallway.interop.imports import import_file
from hallway.schedule import selectors
from hallway.schedule.publication import accepts_gzip, published_state
from hallway.schedule.selectors import get_event

EXTENSIONS = {"xml": "frab-xml", "json": "frab-json", "ics": "ical", "csv": "csv"}


@require_safe
def export(request, event: str, extension: str):
    slug = event
    fmt = EXTENSIONS.get(extension)
    state = published_state(slug)
    if fmt is None or state is None:
        raise Http404("Unknown export format." if state else "No such event.")
    _pk, identity, generation = state
    # The whole event (a heavier query) only when a calendar feed is narrowed, or to render.
    narrowed = fmt == "ical" and any(request.GET.get(k) for k in ICAL_FILTERS)
    filters = _ical_filters(get_event(slug), request.GET) if narrowed else {}
    # Exports hold absolute links built from the request's host, so the host is part of
    # the key: one allowed host's links must not be served to another.  The event's change
    # count (hallway.schedule.publication) moves with every release and every edit of
    # published text, in every process at once; its identity keeps a rebuilt database's
    # event from being served the files of the one before.
    base_url = request.build_absolute_uri("/")
    raw = ":".join(
        [
            "export",
            identity,
            slug,
            str(generation),
            fmt,
            base_url,
            *(f"{k}={v}" for k, v in sorted(filters.items())),
        ]
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()
    zipped = accepts_gzip(request.headers.get("Accept-Encoding", ""))
    # Each representation has its own strong ETag; a client holding either is up to date.
    tag = f"export-{digest}"
    headers = {
        "ETag": quote_etag(tag + ("-gzip" if zipped else "")),
        "Cache-Control": "public, max-age=300",
        "Vary": "Accept-Encoding",
    }
    match = request.headers.get("If-None-Match")
    if match is not None and (tag in match or match.strip() == "*"):
        return HttpResponseNotModified(headers=headers)

    def render() -> bytes:
        key = "export:" + digest
        body = cache.get(key)
        if body is None:
            body = export_bytes(get_event(slug), fmt, base_url=base_url, **filters)
            cache.set(key, body, timeout=24 * 3600)
        return body

    stored = stored_export(slug, generation, digest[:32], extension, render)
    content_type = f"{interop.FORMATS[fmt].media_type}; charset=utf-8"
    filename = f"{slug}-schedule.{extension}"
    if isinstance(stored, bytes):  # the export directory cannot be written: from memory
        headers["ETag"] = quote_etag(tag)
        response = HttpResponse(stored, content_type=content_type, headers=headers)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response
    headers["Last-Modified"] = http_date(stored.modified)
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if match is None and since is not None and int(stored.modified) <= since:
        return HttpResponseNotModified(headers=headers)
    body = _open_first(*([stored.gzip] if zipped else []), stored.path)
    if body is None:  # removed by a newer generation since: render what we promised
        headers["ETag"] = quote_etag(tag)
        return HttpResponse(render(), content_type=content_type, headers=headers)
    response = FileBackedResponse(body, content_type=content_type, headers=headers)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if body.name.endswith(".gz"):
        response["Content-Encoding"] = "gzip"
    else:
        response["ETag"] = quote_etag(tag)
    return response


def _open_first(*paths):
    for path in paths:
        try:
            return open(path, "rb")  # noqa: SIM115 - FileResponse closes it
        except OSError:
            continue
    return None


ICAL_FILTERS = ("track", "room", "speaker", "session")


def _ical_filters(event: Event, query) -> dict:
    """Calendar feeds for one track, room, speaker or session (by their public slugs)."""
    # Each value must name something in the latest release: one that exists but is not
    # published gets the same 404 as one that never existed (no probing for hidden sessions).
    umbrella = event.umbrella
    filters = {}
    if query.get("track"):
        filters["track"] = selectors.public_track(event, query["track"]).name
    if query.get("room"):
        filters["room"] = str(selectors.public_room(umbrella, query["room"]).uuid)
    if query.get("speaker"):
        filters["person"] = str(selectors.public_speaker(umbrella, query["speaker"]).uuid)
    if query.get("session"):
        filters["session"] = str(selectors.public_session(umbrella, query["session"]).uuid)
    return filters


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="frab/pentabarf XML, schedule.json, Sessionize, SCaLE signage JSON or iCalendar."
    )
    event = forms.SlugField(
        help_text="Slug of the event to import into (created if it does not exist)."
    )
    format = forms.ChoiceField(
        required=False,
        choices=[("", "Detect from the content")]
        + [(name, f.label) for name, f in interop.FORMATS.items() if f.can_parse],
    )
    time_zone = forms.CharField(
        required=False,
        max_length=64,
        validators=[validate_time_zone],
        help_text="IANA name (e.g. Europe/Brussels) of the file's local times, for a file that "
        "names no zone (Sessionize, old pentabarf) going into a new event; an existing event's "
        "own zone is used otherwise.",
    )
    release = forms.BooleanField(
        required=False, initial=True, help_text="Publish the imported programme as a new release."
    )


@staff_member_required
def import_page(request):
    """Upload a schedule file into an event the organiser manages (or a new one, for admins).

    An import writes rooms and days and releases the umbrella, whichever event it names, so it
    needs the umbrella's rights (``hallway.import_programme``)."""
    if not request.user.has_perm("hallway.import_programme"):
        raise PermissionDenied("Importing needs an umbrella event's organiser rights.")
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        slug = form.cleaned_data["event"]
        target = Event.objects.filter(slug=slug).first()
        if target is None and not request.user.has_perm("hallway.add_event"):
            raise PermissionDenied("Only site administrators create new events.")
        if target is not None and not request.user.has_perm("hallway.import_programme", target):
            raise PermissionDenied("Importing into this event needs its umbrella's rights.")
        upload = form.cleaned_data["file"]
        from django.conf import settings

        if upload.size > settings.HALLWAY_MAX_IMPORT_BYTES:
            form.add_error(
                "file", f"The file is larger than {settings.HALLWAY_MAX_IMPORT_BYTES:,} bytes."
            )
        else:
            try:
                report = import_file(
                    upload.read(),
                    slug,
                    format=form.cleaned_data["format"] or None,
                    release=form.cleaned_data["release"],
                    time_zone=form.cleaned_data["time_zone"] or None,
                )
            except TimeZoneNeeded as exc:
                form.add_error("time_zone", f"Nothing was imported: {exc.messages[0]}.")
            except interop.FormatError as exc:
                form.add_error("file", f"Nothing was imported: {exc}")
            except ImportRefused as exc:  # a value in the file: say so beside the file
                form.add_error("file", "; ".join(exc.messages))
            except ValidationError as exc:
                form.add_error("event", f"Nothing was imported: {'; '.join(exc.messages)}")
            else:
                messages.success(
                    request, f"Imported into {report.event}: " + "; ".join(report.lines())
                )
                if "_view" in request.POST:
                    return redirect("agenda:event", event=report.event.slug)
    return render(
        request,
        "interop/import.html",
        {"form": form, "report": report, "title": "Import a schedule"},
    )
