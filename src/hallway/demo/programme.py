"""The demo's programme: keynotes, expo hours and the game night where the organisers put
them, and talks, panels, workshops, BoFs and meetups for the scheduler to place; then the
recordings and slides of some of them, and the expo hall's exhibitors."""

from __future__ import annotations

import dataclasses
import itertools
import random

from hallway.common.models import allocate_slug
from hallway.events.models import Event
from hallway.programme.models import (
    Exhibitor,
    ExhibitorHours,
    Playlist,
    Resource,
    Session,
    SessionSpeaker,
)

from . import words
from .base import at, stable_uuid
from .people import Casting
from .venue import EXPO_HOURS, GAME_NIGHT, Venue


@dataclasses.dataclass
class Pinned:
    """A session the organisers placed themselves: the scheduler leaves it there."""

    session: Session
    day: int
    start: str
    room: str  # the room's name


class _Builder:
    """Creates sessions with their speakers; remembers the pinned ones and the titles used."""

    def __init__(self, venue: Venue, casting: Casting, rng: random.Random):
        self.venue, self.casting, self.rng = venue, casting, rng
        self.sessions: list[Session] = []
        self.pinned: list[Pinned] = []
        self.titles: set[str] = set()
        self.counter = itertools.count()

    def title(self, topic_area: str) -> str:
        while (title := words.title(self.rng, topic_area)) in self.titles:
            pass
        self.titles.add(title)
        return title

    def new(self, event, kind, title, group, *, n_speakers=1, pin=None, **fields) -> Session:
        """A confirmed session of ``kind`` by ``n_speakers`` of ``group``; ``pin`` is the
        (day, start, room name) the organisers put it at, ``fields`` the session's own."""
        rng = self.rng
        session_type = self.venue.types[kind]
        session = Session.objects.create(
            uuid=stable_uuid("session", next(self.counter)),
            event=event,
            state=Session.CONFIRMED,
            title=title,
            abstract=fields.pop("abstract", None) or " ".join(rng.sample(words.ABSTRACT_BITS, 2)),
            description="\n\n".join(rng.sample(words.DESCRIPTION_BITS, 3)),
            duration=fields.pop("minutes", None) or session_type.default_duration,
            session_type=session_type,
            do_not_record=rng.random() < 0.08,
            language="es" if rng.random() < 0.03 else "en",
            **fields,
        )
        speakers = self.casting.speakers(group, n_speakers, regulars=kind != "workshop")
        SessionSpeaker.objects.bulk_create(
            SessionSpeaker(session=session, speaker=s, position=i) for i, s in enumerate(speakers)
        )
        self.sessions.append(session)
        if pin:
            self.pinned.append(Pinned(session, *pin))
        return session


def build_programme(venue: Venue, casting: Casting, rng: random.Random) -> _Builder:
    builder = _Builder(venue, casting, rng)
    _pinned_sessions(builder)
    _main_conference(builder)
    _co_located_events(builder)
    _evenings(builder)
    return builder


def _pinned_sessions(b: _Builder) -> None:
    umbrella, kcd = b.venue.umbrella, b.venue.subs["kcd"]
    for day, label in [(1, "Opening keynote"), (2, "Saturday keynote"), (3, "Closing keynote")]:
        title = f"{label}: {b.title(b.rng.choice(list(words.TOPICS)))}"
        b.new(umbrella, "keynote", title, "main", pin=(day, "09:30", "Ballroom ABCD"))
    b.new(
        kcd,
        "keynote",
        "KCD welcome and keynote: the state of Kubernetes",
        "kcd",
        minutes=45,
        track=b.venue.tracks["kcd"][0],
        pin=(0, "09:30", "Ballroom E"),
    )
    for day, opens, closes in EXPO_HOURS:
        b.new(
            umbrella,
            "expo",
            f"Expo hall open ({['Thu', 'Fri', 'Sat', 'Sun'][day]})",
            "main",
            minutes=int((at(day, closes) - at(day, opens)).total_seconds() // 60),
            n_speakers=0,
            pin=(day, opens, "Exhibit Hall"),
        )
    day, opens, closes = GAME_NIGHT
    b.new(
        umbrella,
        "social",
        "Game night",
        "main",
        minutes=int((at(day, closes) - at(day, opens)).total_seconds() // 60),
        n_speakers=0,
        pin=(day, opens, "Exhibit Hall"),
        abstract="Board games, retro consoles and a pinball corner. Snacks provided.",
    )
    ctf = "Capture the flag: open round"
    b.new(umbrella, "ctf", ctf, "main", n_speakers=2, pin=(2, "10:45", "Room 202"))
    b.new(
        umbrella,
        "lightning",
        "Lightning talks",
        "main",
        n_speakers=6,
        pin=(2, "16:30", "Ballroom E"),
    )


def _main_conference(b: _Builder) -> None:
    main_tracks = b.venue.tracks[None]
    for i in range(150):
        track = main_tracks[i % len(main_tracks)]
        kind = "panel" if i % 17 == 0 else "talk"
        b.new(
            b.venue.umbrella,
            kind,
            b.title(track.name),
            "main",
            track=track,
            n_speakers=3 if kind == "panel" else b.rng.choice([1, 1, 1, 2]),
            level=b.rng.choice(["any", "beginner", "intermediate", "advanced"]),
        )


def _co_located_events(b: _Builder) -> None:
    subs, tracks, rng = b.venue.subs, b.venue.tracks, b.rng
    for _ in range(26):
        n = rng.choice([1, 1, 2])
        b.new(
            subs["kcd"], "talk", b.title("Kubernetes"), "kcd", track=tracks["kcd"][0], n_speakers=n
        )
    for _ in range(28):
        kind = "panel" if rng.random() < 0.1 else "talk"
        n = 3 if kind == "panel" else 1
        b.new(subs["dod"], kind, b.title("DevOps"), "dod", track=tracks["dod"][0], n_speakers=n)
    for i in range(10):
        topic = words.TOPICS["Embedded"][i % len(words.TOPICS["Embedded"])]
        shape = ["a two-part lab", "a series in two sittings"][i % 2]
        b.new(
            subs["emb"],
            "workshop",
            f"Hands-on {topic} {['I', 'II', 'III', 'IV', 'V'][i // 2]}: {shape}",
            "emb",
            track=tracks["emb"][0],
            parts=2,
            parts_consecutive=i % 2 == 0,
            n_speakers=rng.choice([1, 2]),
            level="intermediate",
        )


def _evenings(b: _Builder) -> None:
    umbrella = b.venue.umbrella
    bof_topics = sorted({t for topics in words.TOPICS.values() for t in topics})
    for topic in b.rng.sample(bof_topics, 22):
        b.new(umbrella, "bof", f"BoF: {topic}", "evening")
    for group in ["PostgreSQL", "Rust", "Python", "Go", "Lisp", "Home lab"]:
        b.new(umbrella, "meetup", f"{group} users meetup", "evening")


def build_resources(venue: Venue, sessions: list[Session], rng: random.Random) -> None:
    playlists = {
        event.pk: Playlist.objects.create(
            uuid=stable_uuid("playlist", event.slug),
            event=event,
            title=f"{event.name} recordings",
            url=f"https://video.example.org/playlists/{event.slug}",
        )
        for event in [venue.umbrella, *venue.subs.values()]
    }
    resources = []
    for session in sessions:
        if session.session_type.name not in ("Talk", "Keynote", "Panel") or rng.random() < 0.6:
            continue
        if not session.do_not_record:
            resources.append(
                Resource(
                    session=session,
                    kind=Resource.VIDEO,
                    title="Recording",
                    url=f"https://video.example.org/v/{session.uuid}",
                    playlist=playlists[session.event_id],
                )
            )
        resources.append(
            Resource(
                session=session,
                kind=Resource.SLIDES,
                title="Slides",
                url=f"https://slides.example.org/{session.slug}.pdf",
            )
        )
    Resource.objects.bulk_create(resources)


def build_exhibitors(umbrella: Event, rng: random.Random) -> None:
    categories = [c for c, _ in Exhibitor.CATEGORIES]
    names: set[str] = set()
    while len(names) < 36:
        names.add(f"{rng.choice(words.EXHIBITOR_WORDS)} {rng.choice(words.EXHIBITOR_SUFFIX)}")
    slugs: set[str] = set()
    exhibitors = Exhibitor.objects.bulk_create(
        Exhibitor(
            uuid=stable_uuid("exhibitor", name),
            event=umbrella,
            name=name,
            slug=allocate_slug(name, slugs),
            category=categories[i % len(categories)],
            booth=f"{'ABCD'[i % 4]}{100 + i}",
            url=f"https://{name.lower().replace(' ', '')}.example.org/",
            description=f"{name} shows {rng.choice(words.ABSTRACT_BITS).lower()}",
        )
        for i, name in enumerate(sorted(names))
    )
    ExhibitorHours.objects.bulk_create(
        ExhibitorHours(exhibitor=e, start=at(day, opens), end=at(day, closes))
        for e in exhibitors
        for day, opens, closes in EXPO_HOURS
    )
