"""Room fill: which sessions are likely to fill their room, from everyone's favourites.

A session is "filling up" when its favourites times the umbrella's ``show_up_rate`` reach
80 % of its room's capacity, and "likely full" at 100 % (for a multi-part session, its
fullest part).  The labels are worked out in one aggregate query and kept in the shared cache
for ``HALLWAY_ROOM_FILL_SECONDS`` (60 by default) per event and published generation, so a
burst of stars costs at most one query a minute, and a release at once.

The public page cache (publication.py) puts a digest of the labels into every page key: a
page is rendered again only when some session's label actually changes, not on every star,
so the labels follow the favourites within a minute and the pages keep their hit rate.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, Subquery

from hallway.events.models import Event
from hallway.schedule.models import Schedule, Slot

FILLING, FULL = 0.8, 1.0
LABELS = {"filling": "filling up", "full": "likely full"}


def compute_labels(umbrella: Event) -> dict[int, str]:
    """Session id → "filling" or "full", from the latest release's slots (one query)."""
    return _labels(umbrella.slug)


def _labels(slug: str) -> dict[int, str]:
    """The labels of the umbrella of the event ``slug``, in one query (the latest release is
    a subquery, the show-up rate read alongside)."""
    release = (
        Schedule.objects.filter(Q(event__slug=slug) | Q(event__sub_events__slug=slug))
        .exclude(version=None)
        .order_by("-released_at", "-id")
        .values("pk")[:1]
    )
    rows = (
        Slot.objects.filter(
            schedule_id=Subquery(release), session__isnull=False, room__capacity__gt=0
        )
        .values("pk", "session_id", "room__capacity", "schedule__event__show_up_rate")
        .annotate(stars=Count("session__favourites"))
    )
    labels: dict[int, str] = {}
    for row in rows:
        rate = row["schedule__event__show_up_rate"]
        ratio = row["stars"] * rate / row["room__capacity"]
        if ratio >= FULL:
            labels[row["session_id"]] = "full"
        elif ratio >= FILLING and labels.get(row["session_id"]) != "full":
            labels[row["session_id"]] = "filling"
    return labels


def _refresh() -> int:
    return int(getattr(settings, "HALLWAY_ROOM_FILL_SECONDS", 60))


def fill_of(slug: str, generation: int) -> tuple[dict[int, str], str]:
    """The labels of an event's umbrella and their digest, from the cache when fresh."""
    key = f"room-fill:{slug}:{generation}"
    kept = cache.get(key)
    if kept is None:
        labels = _labels(slug)
        digest = hashlib.sha256(repr(sorted(labels.items())).encode()).hexdigest()[:16]
        kept = (labels, digest)
        cache.set(key, kept, timeout=_refresh())
    return kept


def labels_for(event: Event) -> dict[int, str]:
    return fill_of(event.slug, event.published_generation)[0]
