"""The demo's people: speakers, each speaking at one part of the conference and available
only when that part runs, and the attendees whose favourites the scheduler weighs."""

from __future__ import annotations

import itertools
import random

from hallway.attendees.models import Attendee, Favourite
from hallway.common.models import allocate_slug
from hallway.events.models import Event
from hallway.programme.models import Session, Speaker, SpeakerAvailability

from .base import at, stable_uuid
from .words import FAMILY, GIVEN, TOPICS

#: Who speaks where, and when they can come: (days, from, until, how many speakers).  The
#: scheduler knows nothing of sub-events' dates or of evening-only sessions; their speakers'
#: availability is what keeps a KCD talk on the KCD's day and a BoF in the evening.
GROUPS = {
    "main": ((1, 2, 3), "09:00", "18:00", 110),
    "kcd": ((0,), "09:00", "18:00", 25),
    "dod": ((0, 1), "09:00", "18:00", 25),
    "emb": ((1, 2, 3), "09:00", "18:00", 10),
    "evening": ((0, 1, 2), "18:00", "22:30", 20),
}


class Casting:
    """Hands out a group's speakers: everyone speaks at least once, a few regulars (the first
    fifth of each group) several times; labs are too much work to give more than two."""

    def __init__(self, groups: dict[str, list[Speaker]], rng: random.Random):
        self.rng = rng
        self.regulars = {g: s[: max(1, len(s) // 5)] for g, s in groups.items()}
        self.rotation = {g: itertools.cycle(s) for g, s in groups.items()}

    def speakers(self, group: str, n: int, *, regulars: bool = True) -> list[Speaker]:
        chosen: list[Speaker] = []
        for _ in range(n):
            if self.rng.random() < 0.15 and regulars:
                speaker = self.rng.choice(self.regulars[group])
            else:
                speaker = next(self.rotation[group])
            if speaker not in chosen:
                chosen.append(speaker)
        return chosen


def build_speakers(umbrella: Event, rng: random.Random) -> Casting:
    total = sum(n for *_, n in GROUPS.values())
    names: set[str] = set()
    while len(names) < total:
        names.add(f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}")
    slugs: set[str] = set()
    speakers = Speaker.objects.bulk_create(_speaker(umbrella, n, slugs, rng) for n in sorted(names))
    rng.shuffle(speakers)
    groups, windows, taken = {}, [], 0
    for group, (days, start, end, n) in GROUPS.items():
        groups[group] = speakers[taken : taken + n]
        taken += n
        windows += [
            SpeakerAvailability(speaker=s, start=at(d, start), end=at(d, end))
            for s in groups[group]
            for d in days
        ]
    SpeakerAvailability.objects.bulk_create(windows)
    return Casting(groups, rng)


def _speaker(umbrella: Event, name: str, slugs: set[str], rng: random.Random) -> Speaker:
    slug = allocate_slug(name, slugs)
    return Speaker(
        uuid=stable_uuid("speaker", name),
        event=umbrella,
        name=name,
        slug=slug,
        bio=(
            f"{name.split()[0]} works on {rng.choice(list(TOPICS))} "
            f"{rng.choice(['tooling', 'infrastructure', 'community', 'research'])} "
            f"and has contributed to open source for {rng.randint(2, 20)} years."
        ),
        links=[{"title": "Website", "url": f"https://{slug.replace('-', '')}.example.org/"}],
        picture_url="",  # no photos: the demo runs offline (initials stand in)
    )


def build_favourites(umbrella: Event, sessions: list[Session], rng: random.Random, n: int):
    """Attendee interest with a long tail: a few talks draw crowds, most draw a room's worth."""
    sessions = [s for s in sessions if s.session_type.name not in ("Expo hours", "Social")]
    weights = [rng.paretovariate(1.3) for _ in sessions]
    attendees = Attendee.objects.bulk_create(
        Attendee(event=umbrella, token=stable_uuid("attendee", i)) for i in range(n)
    )
    favourites = []
    for attendee in attendees:
        picks = {s.pk: s for s in rng.choices(sessions, weights=weights, k=rng.randint(3, 14))}
        favourites.extend(Favourite(attendee=attendee, session=s) for s in picks.values())
    Favourite.objects.bulk_create(favourites, batch_size=2000)
