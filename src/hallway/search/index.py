"""Keeping the search index equal to the published programme.

The index of an umbrella is rebuilt whole from the latest release (``release_slots``,
``public_speakers``, ``public_rooms``: the public pages' own lookups) when the umbrella's
``published_generation`` is no longer the one it was built at.  That number is raised, in the
same transaction, by every change the public can see (an edited title, a renamed room, a
release: schedule/publication.py), so a search after an edit finds the new text at once, and
no service below this app has to know that search exists.  The first search after a change
pays for the rebuild (BENCHMARKS.md has the figures); every later one reads the index.  A
rebuild rewrites only the entries whose source text changed (each keeps a digest of it).
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable
from functools import partial

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction

from hallway.common.markdown import plain_text
from hallway.events.models import Event
from hallway.programme.models import Session, SessionSpeaker
from hallway.schedule import selectors
from hallway.search.models import Entry, IndexState
from hallway.search.text import indexed

SNIPPET_SOURCE = 4000  # characters of an abstract or bio kept for snippets


def _plain(markdown: str) -> str:
    """Markdown as the words a reader sees (the snippet is escaped again when shown)."""
    return html.unescape(plain_text(markdown))


def ensure_current(umbrella: Event) -> None:
    """Rebuild the umbrella's index if its programme changed since it was built."""
    current = _generation(umbrella)
    built = IndexState.objects.filter(umbrella=umbrella).values_list("generation", flat=True)
    if built.first() == current:
        return
    with transaction.atomic():
        state, _ = IndexState.objects.get_or_create(umbrella=umbrella, defaults={"generation": -1})
        # One rebuild at a time per umbrella; whoever waited finds it done.
        state = IndexState.objects.select_for_update().get(pk=state.pk)
        current = _generation(umbrella)  # read before the data, so never newer than it
        if state.generation == current:
            return
        rebuild(umbrella)
        state.generation = current
        state.save()


def _generation(umbrella: Event) -> int:
    return Event.objects.filter(pk=umbrella.pk).values_list("published_generation", flat=True)[0]


def rebuild(umbrella: Event) -> int:
    """Make the umbrella's entries its published sessions, speakers and rooms.  Entries whose
    source text is unchanged are kept (rendering 2,000 abstracts and bios is most of the cost
    of a full rebuild); returns how many were written."""
    wanted = _sources(umbrella)
    have = {
        (kind, session or speaker or room): (pk, source)
        for pk, kind, session, speaker, room, source in Entry.objects.filter(
            umbrella=umbrella
        ).values_list("pk", "kind", "session_id", "speaker_id", "room_id", "source")
    }
    stale = [pk for key, (pk, source) in have.items() if wanted.get(key, (None,))[0] != source]
    fresh = [
        build(source)
        for key, (source, build) in wanted.items()
        if have.get(key, (None, None))[1] != source
    ]
    if stale:
        Entry.objects.filter(pk__in=stale).delete()
    created = Entry.objects.bulk_create(fresh, batch_size=500)
    if created and connection.vendor == "postgresql":
        Entry.objects.filter(pk__in=[e.pk for e in created]).update(
            document=SearchVector("words_title", weight="A", config="simple")
            + SearchVector("words_body", weight="B", config="simple")
        )
    return len(created)


Source = dict[tuple[str, int], tuple[str, Callable[[str], Entry]]]


def _digest(*texts: str) -> str:
    return hashlib.sha1("\x1f".join(texts).encode(), usedforsecurity=False).hexdigest()


def _sources(umbrella: Event) -> Source:
    """Every public object: its source text's digest, and how to make its entry (read as
    plain values: building 3,000 model instances would cost more than the rest)."""
    sources: Source = {}
    released = selectors.release_slots(umbrella).prefetch_related(None).values("session_id")
    names: dict[int, list[str]] = {}
    for session_id, name in (
        SessionSpeaker.objects.filter(session_id__in=released)
        .order_by("session_id", "position", "id")
        .values_list("session_id", "speaker__name")
    ):
        names.setdefault(session_id, []).append(name)
    for row in Session.objects.filter(pk__in=released).values_list(
        "pk", "title", "subtitle", "abstract", "track__name"
    ):
        pk, title, subtitle, abstract, track = row
        speakers = " ".join(names.get(pk, []))
        digest = _digest(title, subtitle, abstract, speakers, track or "")
        fields = {"title": title, "subtitle": subtitle, "abstract": abstract}
        build = partial(_session_entry, umbrella, pk, fields, speakers, track or "")
        sources[(Entry.SESSION, pk)] = (digest, build)
    for pk, name, bio in selectors.public_speakers(umbrella).values_list("pk", "name", "bio"):
        build = partial(_speaker_entry, umbrella, pk, name, bio)
        sources[(Entry.SPEAKER, pk)] = (_digest(name, bio), build)
    rooms = selectors.public_rooms(umbrella).values_list("pk", "name", "floor", "map_notes")
    for pk, name, floor, notes in rooms:
        build = partial(_room_entry, umbrella, pk, name, floor, notes)
        sources[(Entry.ROOM, pk)] = (_digest(name, floor, notes), build)
    return sources


def _session_entry(
    umbrella: Event, pk: int, fields: dict, speakers: str, track: str, source: str
) -> Entry:
    abstract = _plain(fields["abstract"])
    return Entry(
        umbrella=umbrella,
        kind=Entry.SESSION,
        session_id=pk,
        source=source,
        title=fields["title"][:300],
        text=abstract[:SNIPPET_SOURCE],
        words_title=indexed(fields["title"]),
        words_body=indexed(fields["subtitle"], speakers, track, abstract),
    )


def _speaker_entry(umbrella: Event, pk: int, name: str, bio: str, source: str) -> Entry:
    bio = _plain(bio)
    return Entry(
        umbrella=umbrella,
        kind=Entry.SPEAKER,
        speaker_id=pk,
        source=source,
        title=name[:300],
        text=bio[:SNIPPET_SOURCE],
        words_title=indexed(name),
        words_body=indexed(bio),
    )


def _room_entry(umbrella: Event, pk: int, name: str, floor: str, notes: str, source: str) -> Entry:
    where = " · ".join(t for t in (floor, notes) if t)
    return Entry(
        umbrella=umbrella,
        kind=Entry.ROOM,
        room_id=pk,
        source=source,
        title=name[:300],
        text=where,
        words_title=indexed(name),
        words_body=indexed(where),
    )
