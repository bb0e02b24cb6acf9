"""The neutral, in-memory programme model every parser produces and every exporter consumes.

Formats differ in what they can say (frab XML has no speaker bios, Sessionize has no
time zone, iCalendar has no tracks), so this model is the union of what hallway needs to
carry between them, in plain typed dataclasses with no Django in sight.  The Django glue maps
these objects to and from database rows; the format modules never see a model instance.

Conventions:

* Every datetime is timezone-aware.  ``Programme.time_zone`` is the IANA name the
  conference lives in; local wall-clock fields (frab's ``<start>``) are derived from it.
* ``guid`` values are :class:`uuid.UUID`.  When a source has no guid, parsers derive one
  deterministically with :func:`derive_uuid` so re-importing the same file gives the same ids.
* Empty strings mean "not given" for free text; ``None`` means "not given" for everything
  else.  Parsers normalise whitespace-only text to ``""``.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

__all__ = [
    "HALLWAY_NAMESPACE",
    "Day",
    "Link",
    "Person",
    "Programme",
    "Room",
    "Entry",
    "Track",
    "derive_uuid",
    "slugify",
]

#: Namespace for guids hallway derives for objects whose source gave none.
HALLWAY_NAMESPACE = uuid.UUID("6f2b8d0e-4c55-5d1c-9a43-6b1f0e2c7a10")


def derive_uuid(*parts: object) -> uuid.UUID:
    """A stable UUID (version 5) for the given identifying parts."""
    return uuid.uuid5(HALLWAY_NAMESPACE, "\x1f".join(str(p) for p in parts))


def slugify(text: str, *, allow_underscore: bool = False) -> str:
    """Lowercase ASCII slug: accents stripped, runs of other characters become ``-``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    keep = r"[^a-z0-9_]+" if allow_underscore else r"[^a-z0-9]+"
    return re.sub(keep, "-", ascii_text.lower()).strip("-")


@dataclass
class Link:
    """A link or attachment: ``url`` is required, ``title`` and ``type`` are optional."""

    url: str
    title: str = ""
    type: str | None = None  # frab/voc kind: "slides", "video", "web", …


@dataclass
class Room:
    name: str
    guid: uuid.UUID | None = None
    slug: str | None = None
    capacity: int | None = None
    description: str = ""


@dataclass
class Track:
    name: str
    slug: str | None = None
    color: str | None = None  # "#rrggbb"


@dataclass
class Person:
    """A speaker.  ``key`` identifies the person within one programme.

    A guid is global.  A numeric id is only meaningful within the source that issued it, and
    a schedule merged from several sources (the CCC's congress schedule, one part per stage)
    reuses ids for different people; so without a guid a person is their id *and* name: the
    same id with another name is another person (parsers note it as an inconsistency)."""

    name: str
    guid: uuid.UUID | None = None
    local_id: int | None = None  # frab/pentabarf numeric person id
    code: str | None = None  # pretalx speaker code
    bio: str = ""
    avatar: str | None = None
    url: str | None = None
    links: list[Link] = field(default_factory=list)

    @property
    def key(self) -> str:
        if self.guid is not None:
            return f"guid:{self.guid}"
        if self.local_id is not None:
            return f"id:{self.local_id}|name:{self.name}"
        return f"name:{self.name}"

    @property
    def legacy_key(self) -> str | None:
        """The key hallway used before names were part of it (the id alone), so that people
        imported then are found again rather than duplicated."""
        return f"id:{self.local_id}" if self.guid is None and self.local_id is not None else None


@dataclass
class Day:
    """A conference day; ``start``/``end`` bound its sessions and may run past midnight."""

    index: int
    date: date
    start: datetime | None = None
    end: datetime | None = None


@dataclass
class Entry:
    """One session of the programme as a schedule file lists it (frab's "event"): at one time,
    in one room.  Not hallway.programme's Session, the database row it is imported into."""

    guid: uuid.UUID
    title: str
    start: datetime  # timezone-aware; None only in Programme.unscheduled
    duration: timedelta
    room: Room | None = None
    local_id: int | None = None  # frab's <event id>
    code: str | None = None  # pretalx submission code
    slug: str = ""
    subtitle: str = ""
    type: str = ""
    track: Track | None = None
    language: str = ""
    abstract: str = ""
    description: str = ""
    persons: list[Person] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    attachments: list[Link] = field(default_factory=list)
    recording_license: str = ""
    do_not_record: bool | None = None
    url: str | None = None
    feedback_url: str | None = None
    origin_url: str | None = None
    logo: str | None = None
    sub_event: str | None = None
    #: The conference day the file lists the session under (frab's ``<day date>``), which
    #: wins over any day range the file states: those are sometimes wrong.
    day: date | None = None
    #: iCalendar change tracking: the caller raises ``sequence`` whenever the session moves.
    sequence: int = 0
    last_modified: datetime | None = None
    #: Cancelled after it was announced: iCalendar says STATUS:CANCELLED; frab's formats have
    #: no field for it, so the exporter's caller marks the title as the programme pages do.
    cancelled: bool = False

    @property
    def end(self) -> datetime:
        return self.start + self.duration


@dataclass
class Programme:
    title: str
    time_zone: str = "UTC"
    #: Where ``time_zone`` comes from: "file" (named in it), "offsets" (read from the offsets
    #: its times carry), "caller" (the target event's or one given, for a file that says
    #: nothing), "assumed" (nothing known: UTC only as a placeholder, the importer refuses
    #: it) or "unneeded" (the file gives no times at all).
    time_zone_source: str = "file"
    acronym: str = ""
    start: date | None = None
    end: date | None = None
    base_url: str | None = None
    url: str | None = None
    version: str = ""
    #: Where it takes place, where the file says (pentabarf's <venue> and <city>).
    venue: str = ""
    city: str = ""
    #: When this version was published: the export's own timestamp (iCalendar's DTSTAMP), so
    #: that the same release always exports the same bytes.
    released_at: datetime | None = None
    timeslot_duration: timedelta | None = None
    #: When one conference day turns into the next, where the file says (frab's day_change).
    day_change: time | None = None
    days: list[Day] = field(default_factory=list)
    rooms: list[Room] = field(default_factory=list)
    tracks: list[Track] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    sessions: list[Entry] = field(default_factory=list)
    #: Sessions the file lists without a time (a Sessionize export during the call for
    #: papers): ``start`` is None, ``room`` usually too.  Exporters never see them.
    unscheduled: list[Entry] = field(default_factory=list)
    #: The session fields the file gives, when it gives only some (Sessionize's Speakers view:
    #: titles): an import then leaves the others of an existing session as they are.
    session_fields: frozenset[str] | None = None
    #: Values the file gives that the model has no place for, counted by kind
    #: ("event/answers": 48); the import report adds what the database does not keep.
    ignored: dict[str, int] = field(default_factory=dict)
    #: Things a parser tolerated or skipped, each with its location, for the import report.
    warnings: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """The acronym when there is one, else the title as a slug."""
        return self.acronym or slugify(self.title)

    def room(self, name: str) -> Room | None:
        return next((r for r in self.rooms if r.name == name), None)
