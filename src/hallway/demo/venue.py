"""The demo's events, venue and vocabulary: the umbrella and its three co-located events, the
rooms they share (with the hours the labs and the expo hall are open), tracks and session
types."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hallway.events.models import Event, Room, RoomAvailability, SessionType, Track

from .base import DAYS, DEMO_SLUG, FIRST_DAY, at, stable_uuid

SUB_EVENTS = [
    # key, slug, name, short name, description, first and last day, colour
    (
        "kcd",
        "kcd-pasadena",
        "Kubernetes Community Day Pasadena",
        "KCD",
        "A day of cloud-native talks by and for the Kubernetes community.",
        (0, 0),
        "#326ce5",
    ),
    (
        "dod",
        "devopsdays-la",
        "DevOpsDays LA",
        "DevOpsDays",
        "Two days of DevOps culture, tooling and open spaces.",
        (0, 1),
        "#7a3e9d",
    ),
    (
        "emb",
        "embedded-linux",
        "Embedded Linux Workshops",
        "Embedded",
        "Hands-on labs with real boards: Yocto, Zephyr and real-time Linux.",
        (1, 3),
        "#b35c00",
    ),
]
ROOMS = [
    # name, seats, features, floor
    ("Ballroom ABCD", 2500, ["plenary", "projector", "recorded", "streamed", "captioning"], 1),
    ("Ballroom E", 600, ["projector", "recorded", "streamed"], 1),
    ("Ballroom F", 600, ["projector", "recorded", "streamed"], 1),
    ("Ballroom G", 400, ["projector", "recorded"], 1),
    ("Ballroom H", 400, ["projector", "recorded"], 1),
    ("Room 101", 220, ["projector", "recorded"], 1),
    ("Room 103", 200, ["projector", "recorded"], 1),
    ("Room 104", 150, ["projector", "recorded"], 1),
    ("Room 105", 150, ["projector", "recorded"], 1),
    ("Room 106", 120, ["projector"], 1),
    ("Room 107", 100, ["projector"], 1),
    ("Room 201", 80, ["projector"], 2),
    ("Room 202", 80, ["projector"], 2),
    ("Lab 211", 40, ["lab", "projector"], 2),
    ("Lab 212", 40, ["lab", "projector"], 2),
    ("Lab 213", 30, ["lab", "projector"], 2),
    ("Lab 214", 30, ["lab", "projector"], 2),
    ("Exhibit Hall", 3000, [], 0),
]
#: Step-free rooms (the ballrooms, the two largest rooms and the hall).
STEP_FREE = {"Ballroom ABCD", "Ballroom E", "Ballroom F", "Ballroom G", "Ballroom H"}
STEP_FREE |= {"Room 101", "Room 103", "Exhibit Hall"}
#: The expo hall opens for the expo (its hours are the expo sessions') and the game night.
EXPO_HOURS = [(1, "10:30", "18:00"), (2, "10:30", "18:00"), (3, "10:30", "15:00")]
GAME_NIGHT = (2, "19:00", "22:00")
#: The labs close over lunch (the boards are locked away): no lab session runs through it.
LAB_HOURS = [("08:00", "12:30"), ("13:30", "22:30")]
MAIN_TRACKS = [
    ("Linux Kernel", "#d62728"),
    ("Security", "#9467bd"),
    ("Databases", "#17becf"),
    ("Community", "#ff7f0e"),
    ("Open Data", "#7f7f7f"),
    ("Observability", "#2ca02c"),
    ("Cloud Native", "#1f77b4"),
]
SUB_TRACKS = {"kcd": ("Kubernetes", "#0b3d91"), "dod": ("DevOps", "#e377c2")}
SUB_TRACKS["emb"] = ("Embedded", "#8c564b")
SESSION_TYPES = {
    # key: name, minutes, plenary, required room features
    "keynote": ("Keynote", 50, True, []),
    "talk": ("Talk", 45, False, ["projector"]),
    "workshop": ("Workshop", 90, False, ["lab"]),
    "lightning": ("Lightning talks", 60, False, ["projector"]),
    "bof": ("BoF", 60, False, []),
    "panel": ("Panel", 45, False, ["projector"]),
    "social": ("Social", 180, False, []),
    "expo": ("Expo hours", 420, False, []),
    "ctf": ("Capture the flag", 240, False, []),
    "meetup": ("Meetup", 60, False, []),
}


@dataclasses.dataclass
class Venue:
    """What the programme builder needs of the events and the venue, by the demo's keys."""

    umbrella: Event
    subs: dict[str, Event]
    rooms: list[Room]
    types: dict[str, SessionType]
    tracks: dict[str | None, list[Track]]  # None: the umbrella's own tracks


def build_venue() -> Venue:
    umbrella = _umbrella()
    subs = {
        key: Event.objects.create(
            uuid=stable_uuid("event", slug),
            slug=slug,
            parent=umbrella,
            name=name,
            short_name=short,
            description=description,
            time_zone=umbrella.time_zone,
            start_date=FIRST_DAY + dt.timedelta(days=days[0]),
            end_date=FIRST_DAY + dt.timedelta(days=days[1]),
            colour=colour,
            position=i + 1,
        )
        for i, (key, slug, name, short, description, days, colour) in enumerate(SUB_EVENTS)
    }
    tracks: dict[str | None, list[Track]] = {
        None: [_track(umbrella, name, colour) for name, colour in MAIN_TRACKS]
    }
    for key, (name, colour) in SUB_TRACKS.items():
        tracks[key] = [_track(subs[key], name, colour)]
    return Venue(umbrella, subs, _rooms(umbrella), _session_types(umbrella), tracks)


def _umbrella() -> Event:
    return Event.objects.create(
        uuid=stable_uuid("event", DEMO_SLUG),
        slug=DEMO_SLUG,
        name="Pasadena Open Source Expo 2027",
        short_name="POSE 27",
        description=(
            "Four days of talks, workshops and community in Pasadena: the main conference, "
            "three co-located events, an expo hall of open-source projects and a game night. "
            "*This is hallway's generated demo conference.*"
        ),
        time_zone="America/Los_Angeles",
        start_date=FIRST_DAY,
        end_date=FIRST_DAY + dt.timedelta(days=DAYS - 1),
        website="https://pose.example.org/",
        venue_name="Pasadena Convention Center (demo)",
        venue_address="300 E Green St, Pasadena, CA",
        colour="#1f5f8b",
    )


def _rooms(umbrella: Event) -> list[Room]:
    rooms = []
    for i, (name, capacity, spec, floor) in enumerate(ROOMS):
        features = [*spec, "wheelchair"] if name in STEP_FREE else spec
        rooms.append(
            Room.objects.create(
                uuid=stable_uuid("room", name),
                event=umbrella,
                name=name,
                capacity=capacity,
                features=features,
                floor=f"Level {floor}",
                position=i,
                stream_url=(f"https://stream.example.org/{i}" if "streamed" in features else ""),
                accessibility_notes=(
                    "Step-free access; reserved seating at the front."
                    if "wheelchair" in features
                    else "Access by stairs or the lift at the east end."
                ),
            )
        )
    windows = []
    for room in rooms:
        if room.name == "Exhibit Hall":
            windows += [(room, at(d, a), at(d, b)) for d, a, b in [*EXPO_HOURS, GAME_NIGHT]]
        elif "lab" in room.features:
            windows += [(room, at(d, a), at(d, b)) for d in range(DAYS) for a, b in LAB_HOURS]
    RoomAvailability.objects.bulk_create(
        RoomAvailability(room=room, start=start, end=end) for room, start, end in windows
    )
    return rooms


def _track(event: Event, name: str, colour: str) -> Track:
    return Track.objects.create(
        uuid=stable_uuid("track", event.slug, name), event=event, name=name, colour=colour
    )


def _session_types(umbrella: Event) -> dict[str, SessionType]:
    return {
        key: SessionType.objects.create(
            uuid=stable_uuid("type", key),
            event=umbrella,
            name=name,
            default_duration=minutes,
            is_plenary=plenary,
            required_features=features,
        )
        for key, (name, minutes, plenary, features) in SESSION_TYPES.items()
    }
