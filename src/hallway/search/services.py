"""Searching the published programme: ``search_programme(event, query, filters)``.

Results are the event's own (an umbrella: all its co-located events; a sub-event: only its
own sessions and the speakers and rooms of those), narrowed by the programme's filters (the
list page's ``event``, ``track``, ``type`` and ``room``, plus ``day``), ranked, grouped as
sessions, speakers and rooms, with the matched words marked in escaped text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString

from hallway.events.models import Event, Room
from hallway.programme.models import Session, Speaker
from hallway.schedule import selectors
from hallway.schedule.models import Slot
from hallway.search import index, matching
from hallway.search.models import Entry
from hallway.search.text import Query, clean, highlight, parse

SHOWN = 50  # results of each kind on one page


@dataclasses.dataclass(frozen=True)
class SearchFilters(selectors.Filters):
    """The programme's filters, and the days of the event to look in."""

    days: tuple[dt.date, ...] = ()

    @classmethod
    def from_query(cls, query, event: Event | None = None) -> SearchFilters:
        base = selectors.Filters.from_query(query)
        valid = set(event.days) if event is not None else set()
        days = []
        for raw in query.getlist("day"):
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                continue  # a day the event does not have narrows nothing
            if day in valid and day not in days:
                days.append(day)
        return cls(base.events, base.tracks, base.types, base.rooms, tuple(sorted(days)))

    def __bool__(self) -> bool:
        return super().__bool__() or bool(self.days)

    def apply_to(self, event: Event, slots: QuerySet) -> QuerySet:
        slots = self.apply(slots)
        if self.days:
            bounds = [event.day_bounds(day) for day in self.days]
            slots = slots.filter(reduce(or_, (Q(start__gte=a, start__lt=b) for a, b in bounds)))
        return slots


@dataclasses.dataclass
class SessionHit:
    session: Session
    slots: list[Slot]  # its published parts within the filters, in time order
    title: SafeString
    snippet: SafeString
    cancelled: bool


@dataclasses.dataclass
class Hit:
    """A speaker or a room."""

    item: Speaker | Room
    title: SafeString
    snippet: SafeString


@dataclasses.dataclass
class Results:
    query: str
    sessions: list[SessionHit] = dataclasses.field(default_factory=list)
    speakers: list[Hit] = dataclasses.field(default_factory=list)
    rooms: list[Hit] = dataclasses.field(default_factory=list)
    more: bool = False  # some kind had more than SHOWN matches

    @property
    def count(self) -> int:
        return len(self.sessions) + len(self.speakers) + len(self.rooms)


def search_programme(event: Event, query: str, filters: SearchFilters | None = None) -> Results:
    """What of ``event``'s published programme matches ``query`` within ``filters``."""
    filters = filters or SearchFilters()
    parsed = parse(query)
    results = Results(query=clean(query))
    if not parsed:
        return results
    umbrella = event.umbrella
    index.ensure_current(umbrella)
    found = matching.matches(umbrella, parsed)
    by_kind: dict[str, list[matching.Match]] = {kind: [] for kind, _ in Entry.KINDS}
    for match in found:
        by_kind[match.kind].append(match)
    slots = filters.apply_to(event, selectors.release_slots(event))
    results.sessions = _sessions(by_kind[Entry.SESSION], slots, parsed, results)
    in_filters = slots.prefetch_related(None)
    speakers = Speaker.objects.filter(sessions__slots__in=in_filters.values("pk"))
    if event.is_umbrella and not filters:
        rooms = selectors.public_rooms(event)  # with the rooms only breaks use
    else:
        rooms = Room.objects.filter(pk__in=in_filters.values("room_id"))
    results.speakers = _hits(by_kind[Entry.SPEAKER], speakers, parsed, results)
    results.rooms = _hits(by_kind[Entry.ROOM], rooms, parsed, results)
    return results


def _within(found: list[matching.Match], ids, results: Results) -> list[matching.Match]:
    """The matches whose object is among ``ids``, best first, at most SHOWN."""
    allowed = set(ids)
    kept = [m for m in found if m.object_id in allowed]
    results.more = results.more or len(kept) > SHOWN
    return kept[:SHOWN]


def _sessions(
    found: list[matching.Match], slots: QuerySet, query: Query, results: Results
) -> list[SessionHit]:
    if not found:
        return []
    ids = slots.filter(session_id__in=[m.object_id for m in found]).values_list(
        "session_id", flat=True
    )
    kept = _within(found, ids, results)
    parts: dict[int, list[Slot]] = {}
    for slot in slots.filter(session_id__in=[m.object_id for m in kept]).order_by("start", "part"):
        parts.setdefault(slot.session_id, []).append(slot)
    return [
        SessionHit(
            session=parts[m.object_id][0].session,
            slots=parts[m.object_id],
            title=highlight(m.title, query),
            snippet=highlight(m.text, query, snippet=True),
            cancelled=all(s.state == Session.CANCELLED for s in parts[m.object_id]),
        )
        for m in kept
        if m.object_id in parts
    ]


def _hits(
    found: list[matching.Match], items: QuerySet, query: Query, results: Results
) -> list[Hit]:
    """Speakers or rooms among ``items`` that matched, best first."""
    if not found:
        return []
    items = items.filter(pk__in=[m.object_id for m in found]).distinct()
    by_id = {item.pk: item for item in items}
    kept = _within(found, by_id, results)
    return [
        Hit(
            item=by_id[m.object_id],
            title=highlight(m.title, query),
            snippet=highlight(m.text, query, snippet=True),
        )
        for m in kept
    ]
