"""The search index: one row per published session, speaker and room of an umbrella.

Rows are copies of what the public pages show, rebuilt from the latest release whenever the
umbrella's ``published_generation`` moves (see index.py), so the index can never hold anything
the public may not see.  PostgreSQL searches ``document`` (a stored ``tsvector`` with a GIN
index, created by the migration on PostgreSQL only); SQLite searches ``search_entry_fts``, an
FTS5 table the migration creates on SQLite only and triggers keep equal to this table.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from hallway.events.models import Event, Room
from hallway.programme.models import Session, Speaker


class IndexState(models.Model):
    """Which of the umbrella's published generations the index was built from."""

    umbrella = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="search_index")
    generation = models.BigIntegerField()
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"search index of {self.umbrella} at generation {self.generation}"


class Entry(models.Model):
    SESSION, SPEAKER, ROOM = "session", "speaker", "room"
    KINDS = [(SESSION, "session"), (SPEAKER, "speaker"), (ROOM, "room")]

    umbrella = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=KINDS)
    session = models.ForeignKey(Session, null=True, on_delete=models.CASCADE, related_name="+")
    speaker = models.ForeignKey(Speaker, null=True, on_delete=models.CASCADE, related_name="+")
    room = models.ForeignKey(Room, null=True, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=40)  # digest of the text the entry was made from
    title = models.CharField(max_length=300)  # shown, highlighted
    text = models.TextField(blank=True)  # plain text the snippet is cut from
    words_title = models.TextField()  # text.indexed(): folded words, weighted highest
    words_body = models.TextField(blank=True)
    document = SearchVectorField(null=True)  # PostgreSQL only; empty on SQLite

    class Meta:
        db_table = "search_entry"
        indexes = [models.Index(fields=["umbrella", "kind"], name="search_entry_umbrella")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"
