"""What an import checks and reports, row by row: the report (counts by kind and outcome,
notes), the validation every row passes before it is written (the organiser forms' own
rules), the links it accepts, and which event a file goes into."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from urllib.parse import urljoin

from django.core.exceptions import ValidationError
from django.utils import timezone

from hallway import interop
from hallway.common.validators import check_fields, is_safe_url, validate_link_url
from hallway.events.models import Event, conference_day
from hallway.interop import model as neutral
from hallway.programme.models import Resource
from hallway.schedule.models import Schedule


@dataclasses.dataclass
class ImportReport:
    """What an import did, for the command line and the organiser area."""

    event: Event | None = None
    release: Schedule | None = None
    counts: Counter = dataclasses.field(default_factory=Counter)  # (kind, outcome) -> n
    notes: list[str] = dataclasses.field(default_factory=list)

    def count(self, kind: str, outcome: str) -> int:
        return self.counts[(kind, outcome)]

    def lines(self) -> list[str]:
        out = []
        for kind in ("sessions", "speakers", "rooms"):
            parts = [
                f"{self.counts[(kind, o)]} {o}"
                for o in ("created", "updated", "unchanged", "skipped")
                if self.counts[(kind, o)]
            ]
            if kind == "sessions" and self.counts[(kind, "unscheduled")]:
                parts.append(f"{self.counts[(kind, 'unscheduled')]} without a time (unscheduled)")
            out.append(f"{kind}: {', '.join(parts) or 'none'}")
        for outcome, why in (
            ("given https", "written without a scheme, kept with https://"),
            ("without a URL", "not kept"),
        ):
            if self.counts[("links", outcome)]:
                out.append(f"links: {self.counts[('links', outcome)]} {why}")
        unkept = sorted((k, n) for (kind, k), n in self.counts.items() if kind == "not kept" and n)
        if unkept:
            out.append(
                "not kept (no place for them in hallway): "
                + ", ".join(f"{k} ×{n}" for k, n in unkept)
            )
        if self.counts[("links", "refused")]:
            out.append(
                f"links: {self.counts[('links', 'refused')]} refused (not http, https or "
                "mailto; see the notes)"
            )
        return out


def _fits(value: str, field: str, model, where: str, report: ImportReport) -> bool:
    limit = model._meta.get_field(field).max_length
    if value and limit and len(value) > limit:
        report.notes.append(
            f"{where}: {field} is {len(value)} characters, longer than the {limit} hallway keeps"
        )
        return False
    return True


class ImportRefused(ValidationError):
    """A value in the file that hallway does not store (a colour that is not #rrggbb, a
    number out of range): the message names the item in the file and the field."""


class TimeZoneNeeded(ValidationError):
    """A file of local times that names no zone, into an event that does not exist yet: the
    caller must say which zone (the command's ``--time-zone``, the import page's field)."""


def _checked(row, where: str, *, exclude: tuple[str, ...] = ()):
    """``row`` after the same field validation the organiser forms apply, or ImportRefused
    naming the item and field (the caller's transaction then takes back everything)."""
    try:
        check_fields(row, exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ImportRefused(
            f"{where}: {field}: {' '.join(m.rstrip('.') + '.' for m in messages)} "
            "Nothing was imported"
        ) from None
    return row


#: A web address written without its scheme ("example.org/talk", "www.example.org"): a
#: host name of two or more labels, the last alphabetic, then an optional port and path.
_SCHEMELESS = re.compile(
    r"(//)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?(?:[/?#]\S*)?", re.I
)


def _absolute(url: str, base_url: str | None, report: ImportReport | None = None) -> str:
    """A path ("/system/attachments/…", as frab writes attachments) made absolute against the
    file's http(s) base URL; a web address without a scheme ("example.org/x") given https://
    (counted, and noted, since that is a guess); anything else as it is."""
    if url.startswith("//") and _SCHEMELESS.fullmatch(url):
        fixed = "https:" + url
    elif "://" not in url and ":" not in url.split("/")[0] and _SCHEMELESS.fullmatch(url):
        fixed = "https://" + url
    else:
        if url.startswith("/") and is_safe_url(base_url) and is_safe_url(url, relative=True):
            return urljoin(base_url, url)
        return url
    if report is not None:
        report.counts[("links", "given https")] += 1
        report.notes.append(f"link {url[:80]!r} has no scheme: kept as {fixed[:88]!r}")
    return fixed


def _no_url(where: str, report: ImportReport) -> None:
    report.counts[("links", "without a URL")] += 1
    report.notes.append(f"{where}: a link without a URL was not kept")


def _accepted_url(
    value: str | None,
    model,
    field: str,
    where: str,
    report: ImportReport,
    *,
    base_url: str | None = None,
) -> str:
    """``value`` if ``model.field`` would accept it, else "" with a note: a ``javascript:``,
    ``data:`` or otherwise unusable link in a file is refused and reported, never stored
    and never silently dropped.  A path is made absolute first (:func:`_absolute`)."""
    if not value:
        return ""
    value = _absolute(value, base_url, report)
    try:
        model._meta.get_field(field).clean(value, None)
    except ValidationError as exc:
        report.counts[("links", "refused")] += 1
        report.notes.append(f"{where}: {field} {value[:80]!r} refused: {' '.join(exc.messages)}")
        return ""
    return value


def _accepted_links(
    links: list[neutral.Link], where: str, report: ImportReport, base_url: str | None
) -> list[dict]:
    """A speaker's links that are http(s) or mailto:, each refused one noted."""
    kept = []
    for link in links:
        if not link.url:
            _no_url(where, report)
            continue
        url = _absolute(link.url, base_url, report)
        try:
            validate_link_url(url)
            if not url:
                raise ValidationError("no URL")
        except ValidationError as exc:
            report.counts[("links", "refused")] += 1
            report.notes.append(f"{where}: link {url[:80]!r} refused: {' '.join(exc.messages)}")
            continue
        kept.append({"title": link.title, "url": url})
    return kept


_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _target_event(programme: neutral.Programme, slug: str, report: ImportReport) -> Event:
    event = Event.objects.filter(slug=slug).select_related("parent").first()
    file_change = interop.day_change_of(programme)
    # an existing event keeps its own day change; the file's days are counted by it
    change = file_change if event is None else event.umbrella.day_change
    tz = neutral_zone(programme)
    starts = [conference_day(s.start, tz, change) for s in programme.sessions]
    moved = [s for s, day in zip(programme.sessions, starts, strict=True) if s.day and s.day != day]
    if moved:
        # the file's grouping into days cannot be kept by any one time of day (or the event's
        # own day change differs): say which sessions land on another day than the file's
        report.notes.append(
            f"{len(moved)} session(s) fall on another day than the file lists them under, with "
            f"days changing at {change:%H:%M}; first: {moved[0].title[:60]!r} "
            f"(listed under {moved[0].day})"
        )
    first = min(starts, default=programme.start or dt.date.today())
    last = max(starts, default=programme.end or first)
    if programme.start:
        first = min(first, programme.start)
    if programme.end:
        last = max(last, programme.end)
    if event is None:
        event = Event(
            slug=slug,
            name=programme.title or slug,
            time_zone=programme.time_zone or "UTC",
            start_date=first,
            end_date=last,
            day_change=change,
            website=_accepted_url(programme.url, Event, "website", "the file's url", report),
            venue_name=programme.venue[:200],
            venue_address=programme.city,
        )
        event.full_clean()  # a bad slug or time zone stops the import with its message
        event.save()
        report.notes.append(f"created event '{slug}' ({first} to {last}, {event.time_zone})")
        if change != dt.time(0, 0):
            report.notes.append(
                f"days change at {change:%H:%M}, as in the file: a session before then "
                "belongs to the evening before"
            )
        return event
    umbrella = event.umbrella
    if (programme.venue or programme.city) and not (umbrella.venue_name or umbrella.venue_address):
        umbrella.venue_name, umbrella.venue_address = programme.venue[:200], programme.city
        umbrella.save(update_fields=["venue_name", "venue_address", "updated_at"])
    if file_change != change:
        report.notes.append(
            f"the file's days change at {file_change:%H:%M}, {umbrella.slug}'s at "
            f"{change:%H:%M}; kept {umbrella.slug}'s"
        )
    if first < umbrella.start_date or last > umbrella.end_date:
        umbrella.start_date = min(umbrella.start_date, first)
        umbrella.end_date = max(umbrella.end_date, last)
        umbrella.save(update_fields=["start_date", "end_date", "updated_at"])
        report.notes.append(
            f"extended {umbrella.slug} to {umbrella.start_date}–{umbrella.end_date}"
        )
    if not event.is_umbrella and (first < event.start_date or last > event.end_date):
        event.start_date = min(event.start_date, first)
        event.end_date = max(event.end_date, last)
        event.save(update_fields=["start_date", "end_date", "updated_at"])
    return event


def _refuse_a_copy(programme: neutral.Programme, existing: dict, umbrella: Event) -> None:
    """Refuse a file whose every session already belongs to another event.

    A session's guid is its permanent public identity, so such sessions are skipped; when that
    is all of them, the import would only leave an event with rooms and speakers but no
    programme.  That is the same file imported under the wrong event, and is refused whole
    (the caller's transaction takes back the event it may just have created).  A file sharing
    only some sessions with another event, like the CCC hub's, still imports.
    """
    guids = {s.guid for s in [*programme.sessions, *programme.unscheduled]}
    foreign = [row for row in existing.values() if row.umbrella_id != umbrella.pk]
    if not guids or len(foreign) < len(guids):
        return
    owners = Counter(row.umbrella.slug for row in foreign)
    where = ", ".join(f"{slug!r} ({n})" for slug, n in owners.most_common())
    raise ValidationError(
        f"all {len(guids)} sessions in this file already belong to another event: {where}. "
        "A session's guid is its permanent identity; import the file into that event to "
        "update it"
    )


def neutral_zone(programme: neutral.Programme):
    import zoneinfo

    return zoneinfo.ZoneInfo(programme.time_zone or "UTC")


def _bulk_update(model, rows: list, fields: list[str]) -> None:
    """``bulk_update`` that also stamps ``updated_at`` (which only ``save()`` sets)."""
    if not rows:
        return
    now = timezone.now()
    for row in rows:
        row.updated_at = now
    model.objects.bulk_update(rows, [*fields, "updated_at"], batch_size=500)


def _update(obj, values: dict) -> bool:
    """Set ``values`` on ``obj``; True if anything differed.

    Foreign keys are compared by id: reading ``session.track`` would cost a query per row.
    """
    changed = []
    for k, v in values.items():
        field = obj._meta.get_field(k)
        if field.is_relation:
            if getattr(obj, field.attname) != (v.pk if v is not None else None):
                changed.append(k)
        elif getattr(obj, k) != v:
            changed.append(k)
    for k in changed:
        setattr(obj, k, values[k])
    return bool(changed)


def _resource_kind(link: neutral.Link, attachment: bool) -> str:
    if attachment:
        return Resource.ATTACHMENT
    kind = (link.type or "").lower()
    if kind in ("video", "recording"):
        return Resource.VIDEO
    if kind in ("slides", "slide"):
        return Resource.SLIDES
    return Resource.OTHER
