"""A generated SCaLE-like demo conference: four days, co-located events, ~16 rooms.

Everything is derived from a seeded random generator and UUIDs are uuid5 of stable keys, so
the demo is the same on every machine and ``load_demo`` is idempotent.  No real people's data:
names are random pairings of common given and family names; all links point at example.org.

One module a job: ``words`` (what names and titles are made of), ``venue`` (events, rooms,
tracks, types), ``people`` (speakers, attendees and their favourites), ``programme`` (the
sessions, recordings, exhibitors), ``placement`` (the scheduler places the programme),
``cfp`` (calls for papers, submissions, reviews) and ``logins`` (the documented accounts).
"""

from __future__ import annotations

import dataclasses
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from hallway.events.models import Event
from hallway.programme.models import Session
from hallway.schedule.models import Schedule
from hallway.schedule.services import release_schedule

from . import cfp, logins, people, placement, programme, venue
from .base import DEMO_SLUG, FIRST_DAY, TZ, at, stable_uuid
from .logins import CFP_LOGINS, ORGANISER_PASSWORD, ORGANISER_USERNAME, demo_logins

__all__ = [
    "CFP_LOGINS",
    "DEMO_SLUG",
    "FIRST_DAY",
    "ORGANISER_PASSWORD",
    "ORGANISER_USERNAME",
    "TZ",
    "DemoSummary",
    "at",
    "demo_logins",
    "load_demo",
    "stable_uuid",
]


@dataclasses.dataclass(frozen=True)
class DemoSummary:
    created: bool
    sessions: int
    speakers: int
    rooms: int
    exhibitors: int
    sub_events: int


def load_demo(*, reset: bool = False, attendees: int = 1200) -> DemoSummary:
    """Create the demo conference unless it exists; ``reset`` rebuilds it from scratch."""
    existing = Event.objects.filter(slug=DEMO_SLUG, parent=None).first()
    if existing and not reset:
        return _summary(existing, created=False)
    with transaction.atomic():
        if existing:
            _remove(existing)
        umbrella = _build(random.Random(2027), attendees)
    return _summary(umbrella, created=True)


def _remove(umbrella: Event) -> None:
    """Releases protect rooms, sessions and submissions protect their types, and the generated
    speakers and reviewers would clash with the new ones: remove those first."""
    from hallway.cfp.models import Submission

    Schedule.objects.filter(event=umbrella).delete()
    Session.objects.filter(umbrella=umbrella).delete()
    Submission.objects.filter(event_id__in=umbrella.family_ids()).delete()
    get_user_model().objects.filter(
        Q(username__startswith="dod-") | Q(username__startswith="emb-")
    ).delete()
    umbrella.delete()


def _summary(umbrella: Event, *, created: bool) -> DemoSummary:
    return DemoSummary(
        created=created,
        sessions=Session.objects.filter(umbrella=umbrella).count(),
        speakers=umbrella.speakers.count(),
        rooms=umbrella.rooms.count(),
        exhibitors=umbrella.exhibitors.count(),
        sub_events=umbrella.sub_events.count(),
    )


def _build(rng: random.Random, n_attendees: int) -> Event:
    where = venue.build_venue()
    umbrella = where.umbrella
    organiser = logins.make_organiser(umbrella)
    casting = people.build_speakers(umbrella, rng)
    built = programme.build_programme(where, casting, rng)
    # Favourites first: the scheduler keeps sessions that share attendees apart.
    people.build_favourites(umbrella, built.sessions, rng, n_attendees)
    placement.place_programme(umbrella, where.rooms, built.pinned)
    programme.build_resources(where, built.sessions, rng)
    programme.build_exhibitors(umbrella, rng)
    release_schedule(umbrella, "1.0", by=organiser, comment="First public programme.")
    cfp.build_calls(where)
    logins.make_cfp_logins()
    cfp.build_submissions(where, rng)
    logins.give_cfp_roles(where)
    return umbrella
