"""Keeping the search index equal to the published programme.

The index of an umbrella is rebuilt whole from the latest release (``release_slots``,
``public_speakers``, ``public_rooms``: the public pages' own lookups) when the umbrella's
``published_generation`` is no longer the one it was built at.  That number is raised, in the
same transaction, by every change the public can see (an edited title, a renamed room, a
release: schedule/publication.py), so a search after an edit finds the new text at once, and
no service below this app has to know that search exists.  The first search after a change
pays for the rebuild (BENCHMARKS.md has the figures); every later one reads the index.
"""

from __future__ import annotations

import html

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction

from hallway.common.markdown import plain_text
from hallway.events.models import Event, Room
from hallway.programme.models import Session, Speaker
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
    """Replace the umbrella's entries with its published sessions, speakers and rooms."""
    Entry.objects.filter(umbrella=umbrella).delete()
    sessions: dict[int, Session] = {}
    for slot in (
        selectors.release_slots(umbrella).select_related(None).select_related("session__track")
    ):
        sessions.setdefault(slot.session_id, slot.session)
    entries = [_session_entry(umbrella, s) for s in sessions.values()]
    entries += [_speaker_entry(umbrella, s) for s in selectors.public_speakers(umbrella)]
    entries += [_room_entry(umbrella, r) for r in selectors.public_rooms(umbrella)]
    Entry.objects.bulk_create(entries, batch_size=500)
    if connection.vendor == "postgresql":
        Entry.objects.filter(umbrella=umbrella).update(
            document=SearchVector("words_title", weight="A", config="simple")
            + SearchVector("words_body", weight="B", config="simple")
        )
    return len(entries)


def _session_entry(umbrella: Event, session: Session) -> Entry:
    speakers = [link.speaker.name for link in session.speaker_links.all()]
    abstract = _plain(session.abstract)
    track = session.track.name if session.track else ""
    return Entry(
        umbrella=umbrella,
        kind=Entry.SESSION,
        session=session,
        title=session.title[:300],
        text=abstract[:SNIPPET_SOURCE],
        words_title=indexed(session.title),
        words_body=indexed(session.subtitle, " ".join(speakers), track, abstract),
    )


def _speaker_entry(umbrella: Event, speaker: Speaker) -> Entry:
    bio = _plain(speaker.bio)
    return Entry(
        umbrella=umbrella,
        kind=Entry.SPEAKER,
        speaker=speaker,
        title=speaker.name[:300],
        text=bio[:SNIPPET_SOURCE],
        words_title=indexed(speaker.name),
        words_body=indexed(bio),
    )


def _room_entry(umbrella: Event, room: Room) -> Entry:
    where = " · ".join(t for t in (room.floor, room.map_notes) if t)
    return Entry(
        umbrella=umbrella,
        kind=Entry.ROOM,
        room=room,
        title=room.name[:300],
        text=where,
        words_title=indexed(room.name),
        words_body=indexed(where),
    )
