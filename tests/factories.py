"""Small purpose-built worlds for tests: real rows, no fixtures files, no demo conference.

``make_world()`` builds two umbrellas side by side:

- "Alpha Umbrella" (``alpha``) with two sub-events, "Apricot Days" (``apricot``) and
  "Blueberry Camp" (``blueberry``), each with a track, a session type, a speaker and a
  session on the released programme, plus one accepted session that no release contains;
- "Zulu Umbrella" (``zulu``), another conference on the same site, with the same things;
- a user per role: a superuser, the organiser of each umbrella and of each sub-event, and a
  staff user with no role at all.  Every name is distinctive, so a test can assert that a
  page does not mention another event's things.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.contrib.auth import get_user_model

from hallway.events.models import Event, EventRole, Room, SessionType, Track
from hallway.programme.models import Session, SessionSpeaker, Speaker
from hallway.schedule.models import Schedule, Slot
from hallway.schedule.services import release_schedule, wip_schedule

PASSWORD = "test-password-123"
DAY = dt.date(2030, 3, 1)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def make_user(username: str, *, superuser: bool = False, staff: bool = True):
    user_model = get_user_model()
    if superuser:
        return user_model.objects.create_superuser(username, f"{username}@example.org", PASSWORD)
    return user_model.objects.create_user(
        username, f"{username}@example.org", PASSWORD, is_staff=staff
    )


def make_umbrella(name: str, slug: str) -> Event:
    return Event.objects.create(
        name=name, slug=slug, start_date=DAY, end_date=DAY + dt.timedelta(days=1)
    )


def make_sub_event(umbrella: Event, name: str, slug: str) -> Event:
    return Event.objects.create(
        parent=umbrella,
        name=name,
        slug=slug,
        start_date=umbrella.start_date,
        end_date=umbrella.end_date,
    )


def make_session(
    event: Event,
    title: str,
    *,
    speaker: Speaker | None = None,
    state: str = Session.CONFIRMED,
    track: Track | None = None,
    session_type: SessionType | None = None,
) -> Session:
    session_type = (
        session_type
        or SessionType.objects.get_or_create(
            event=event, name=f"Talk of {event.name}", defaults={"default_duration": 30}
        )[0]
    )
    session = Session.objects.create(
        event=event,
        title=title,
        abstract=f"Abstract of {title}.",
        state=state,
        duration=30,
        track=track,
        session_type=session_type,
    )
    if speaker is not None:
        SessionSpeaker.objects.create(session=session, speaker=speaker, position=0)
    return session


def place(session: Session, room: Room, start: dt.datetime) -> Slot:
    """Put ``session`` into its umbrella's work in progress."""
    return Slot.objects.create(
        schedule=wip_schedule(session.event),
        session=session,
        room=room,
        start=start,
        end=start + dt.timedelta(minutes=session.duration),
    )


@dataclasses.dataclass
class Family:
    """One sub-event's things."""

    event: Event
    track: Track
    session_type: SessionType
    speaker: Speaker
    session: Session  # on the released programme
    hidden_speaker: Speaker  # speaks only in the hidden session
    hidden: Session  # accepted, in the WIP, in no release


@dataclasses.dataclass
class World:
    alpha: Event
    apricot: Family
    blueberry: Family
    zulu: Event
    zulu_family: Family  # Zulu's own sessions, owned by the umbrella itself
    alpha_room: Room
    zulu_room: Room
    users: dict[str, object]

    def user(self, role: str):
        return self.users[role]


def _family(event: Event, umbrella: Event, word: str, room: Room, hour: int) -> Family:
    track = Track.objects.create(event=event, name=f"Track {word}")
    session_type = SessionType.objects.create(event=event, name=f"Type {word}", default_duration=30)
    speaker = Speaker.objects.create(event=umbrella, name=f"Speaker {word}")
    hidden_speaker = Speaker.objects.create(event=umbrella, name=f"Hiddenspeaker {word}")
    session = make_session(
        event, f"Talk {word}", speaker=speaker, track=track, session_type=session_type
    )
    place(session, room, at(hour))
    return Family(event, track, session_type, speaker, session, hidden_speaker, None)


def _hide(family: Family, room: Room, hour: int) -> None:
    family.hidden = make_session(
        family.event,
        f"Secret {family.track.name.split()[-1]}",
        speaker=family.hidden_speaker,
        track=family.track,
        session_type=family.session_type,
    )
    place(family.hidden, room, at(hour))


def make_world() -> World:
    alpha = make_umbrella("Alpha Umbrella", "alpha")
    apricot_event = make_sub_event(alpha, "Apricot Days", "apricot")
    blueberry_event = make_sub_event(alpha, "Blueberry Camp", "blueberry")
    zulu = make_umbrella("Zulu Umbrella", "zulu")
    alpha_room = Room.objects.create(event=alpha, name="Room Aardvark", capacity=100)
    zulu_room = Room.objects.create(event=zulu, name="Room Zebra", capacity=100)

    apricot = _family(apricot_event, alpha, "Apricot", alpha_room, 9)
    blueberry = _family(blueberry_event, alpha, "Blueberry", alpha_room, 10)
    zulu_family = _family(zulu, zulu, "Zanzibar", zulu_room, 9)
    release_schedule(alpha, "1.0")
    release_schedule(zulu, "1.0")
    # Accepted after the release, and placed in the WIP: not public until the next release.
    _hide(apricot, alpha_room, 13)
    _hide(blueberry, alpha_room, 14)
    _hide(zulu_family, zulu_room, 13)

    users = {
        "superuser": make_user("rootadmin", superuser=True),
        "umbrella_organiser": make_user("orgalpha"),
        "sub_organiser": make_user("orgapricot"),
        "sibling_organiser": make_user("orgblueberry"),
        "other_umbrella_organiser": make_user("orgzulu"),
        "no_role": make_user("nobodyatall"),
    }
    for role, event in [
        ("umbrella_organiser", alpha),
        ("sub_organiser", apricot_event),
        ("sibling_organiser", blueberry_event),
        ("other_umbrella_organiser", zulu),
    ]:
        EventRole.objects.create(event=event, user=users[role], role=EventRole.ORGANISER)
    return World(alpha, apricot, blueberry, zulu, zulu_family, alpha_room, zulu_room, users)


def release_count(umbrella: Event) -> int:
    return Schedule.objects.filter(event=umbrella, version__isnull=False).count()
