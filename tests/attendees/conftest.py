"""A small world for the personal agenda: the factories' two umbrellas, plus, in Alpha, a talk
that overlaps the Apricot talk (with a recording) and a two-part workshop whose first part
overlaps both, all released as 2.0."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.urls import reverse

from factories import at, make_session, make_world, place
from hallway.events.models import Room
from hallway.programme.models import Resource, Session
from hallway.schedule.models import Slot
from hallway.schedule.services import release_schedule, wip_schedule

SITE = "http://testserver"


@dataclasses.dataclass
class AgendaWorld:
    base: object
    alpha: object
    apricot: Session  # 09:00–09:30 Room Aardvark
    blueberry: Session  # 10:00–10:30 Room Aardvark
    cherry: Session  # 09:15–09:45 Room Beaver, recorded
    walnut: Session  # two parts: 09:00–09:30 and 11:00–11:30 in Room Cormorant
    zulu: Session  # another umbrella's talk
    beaver: Room
    cormorant: Room


def build_world() -> AgendaWorld:
    base = make_world()
    alpha = base.alpha
    beaver = Room.objects.create(event=alpha, name="Room Beaver", capacity=40)
    cormorant = Room.objects.create(event=alpha, name="Room Cormorant", capacity=20)
    cherry = make_session(base.apricot.event, "Talk Cherry")
    place(cherry, beaver, at(9, 15))
    Resource.objects.create(session=cherry, kind=Resource.VIDEO, url="https://video.example/cherry")
    walnut = make_session(base.blueberry.event, "Workshop Walnut")
    walnut.parts = 2
    walnut.parts_consecutive = False
    walnut.save()
    place(walnut, cormorant, at(9))
    Slot.objects.create(
        schedule=wip_schedule(alpha),
        session=walnut,
        part=2,
        room=cormorant,
        start=at(11),
        end=at(11, 30),
    )
    # The factories' hidden sessions stay out of the programme.
    Slot.objects.filter(
        schedule=wip_schedule(alpha), session__in=[base.apricot.hidden, base.blueberry.hidden]
    ).delete()
    release_schedule(alpha, "2.0")
    return AgendaWorld(
        base,
        alpha,
        base.apricot.session,
        base.blueberry.session,
        cherry,
        walnut,
        base.zulu_family.session,
        beaver,
        cormorant,
    )


@pytest.fixture
def world(db) -> AgendaWorld:
    return build_world()


def star_url(session: Session, umbrella_slug: str = "alpha") -> str:
    return reverse("attendees:star", args=[umbrella_slug, session.slug])


def post_star(client, session, action="toggle", *, umbrella="alpha", **headers):
    """A star sent the way a browser's form sends it (same-origin headers)."""
    headers = {"Origin": SITE, "Sec-Fetch-Site": "same-origin", **headers}
    return client.post(
        star_url(session, umbrella),
        {"action": action, "next": "/alpha/programme/"},
        headers=headers,
    )


def move(session: Session, start: dt.datetime, room: Room | None = None, version: str = "3.0"):
    """Move a session's first part in the work in progress and release it."""
    slot = Slot.objects.get(schedule=wip_schedule(session.umbrella), session=session, part=1)
    slot.end = start + (slot.end - slot.start)
    slot.start = start
    if room is not None:
        slot.room = room
    slot.save()
    return release_schedule(session.umbrella, version)
