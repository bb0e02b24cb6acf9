"""The two full-text engines behind one call: which entries of an umbrella match a query,
best first.  Only the rendered query of text.py (quoted words) reaches either engine."""

from __future__ import annotations

import dataclasses

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F

from hallway.events.models import Event
from hallway.search.models import Entry
from hallway.search.text import Query, to_fts5, to_tsquery

MAX_MATCHES = 2000  # enough for every entry of a large conference


@dataclasses.dataclass(frozen=True)
class Match:
    kind: str
    object_id: int
    title: str
    text: str
    score: float  # higher is better


def matches(umbrella: Event, query: Query) -> list[Match]:
    if not query:
        return []
    if connection.vendor == "postgresql":
        return _postgres(umbrella, query)
    return _sqlite(umbrella, query)


def _object_id(kind: str, session_id, speaker_id, room_id) -> int:
    return {Entry.SESSION: session_id, Entry.SPEAKER: speaker_id, Entry.ROOM: room_id}[kind]


def _postgres(umbrella: Event, query: Query) -> list[Match]:
    tsquery = SearchQuery(to_tsquery(query), search_type="raw", config="simple")
    rows = (
        Entry.objects.filter(umbrella=umbrella, document=tsquery)
        .annotate(rank=SearchRank(F("document"), tsquery))
        .order_by("-rank", "title", "pk")
        .values_list("kind", "session_id", "speaker_id", "room_id", "title", "text", "rank")
    )[:MAX_MATCHES]
    return [Match(row[0], _object_id(*row[:4]), row[4], row[5], row[6]) for row in rows]


# bm25 weights: a word of the title counts four times a word of the rest.
SQLITE_MATCH = """
    SELECT e.kind, e.session_id, e.speaker_id, e.room_id, e.title, e.text,
           bm25(search_entry_fts, 4.0, 1.0) AS score
    FROM search_entry_fts JOIN search_entry e ON e.id = search_entry_fts.rowid
    WHERE search_entry_fts MATCH %s AND e.umbrella_id = %s
    ORDER BY score, e.title, e.id
    LIMIT %s
"""


def _sqlite(umbrella: Event, query: Query) -> list[Match]:
    with connection.cursor() as cursor:
        cursor.execute(SQLITE_MATCH, [to_fts5(query), umbrella.pk, MAX_MATCHES])
        rows = cursor.fetchall()
    # bm25 is lower for better matches; turned round so both engines sort the same way.
    return [Match(row[0], _object_id(*row[:4]), row[4], row[5], -row[6]) for row in rows]
