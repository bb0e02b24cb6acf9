"""A generated SCaLE-like demo conference: four days, co-located events, ~16 rooms.

Everything is derived from a seeded random generator and UUIDs are uuid5 of stable keys, so
the demo is the same on every machine and ``load_demo`` is idempotent.  No real people's data:
names are random pairings of common given and family names; all links point at example.org.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random
import uuid
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from hallway.attendees.models import Attendee, Favourite
from hallway.events.models import Event, EventRole, Room, SessionType, Track
from hallway.programme.models import (
    Exhibitor,
    ExhibitorHours,
    Playlist,
    Resource,
    Session,
    SessionSpeaker,
    Speaker,
)
from hallway.schedule.models import Schedule, Slot
from hallway.schedule.services import release_schedule, wip_schedule

DEMO_SLUG = "pose27"
ORGANISER_USERNAME = "organiser"
ORGANISER_PASSWORD = "hallway-demo"  # noqa: S105 - documented demo login, local only
#: Call-for-papers logins (role, username = the part before @example.org); same password.
CFP_LOGINS = [
    ("speaker", "speaker"),
    ("reviewer (DevOpsDays)", "reviewer"),
    ("organiser of the KCD only", "kcd-organiser"),
]
TZ = zoneinfo.ZoneInfo("America/Los_Angeles")
FIRST_DAY = dt.date(2027, 3, 4)  # a Thursday
NAMESPACE = uuid.UUID("6f1d8a52-3c1e-4a8e-9a57-0d0c6a9b2f11")

GIVEN = """Ada Alan Amara Anika Arjun Beatriz Bo Camille Carlos Chen Chiara Dana Dario Deepa
Diego Elif Elena Emeka Erik Fatima Felix Freya Gabriel Grace Hana Hamid Ines Ivan Jamal Jana
Joao Jonas Julia Kai Kalani Kenji Lars Layla Leon Lina Luca Maya Mateo Mei Mira Nadia Nikhil
Noor Olga Omar Paula Priya Quinn Rafael Rania Ravi Rosa Sami Sara Sven Tariq Tess Theo Uma
Valeria Vikram Wen Yara Yusuf Zane Zoe""".split()
FAMILY = """Abara Alvarez Andersen Bauer Bianchi Brennan Castillo Chowdhury Costa Dubois
Eriksen Fischer Garcia Haddad Hansen Hoang Ito Jensen Kaur Kim Kowalski Laine Lindqvist
Lopes Mahlangu Marino Mendes Moreau Nakamura Novak Okafor Oliveira Park Petrov Quispe Ramos
Rossi Sato Schmidt Silva Suzuki Takahashi Tanaka Torres Varga Wagner Weber Yilmaz Zhang""".split()

TOPICS = {
    "Kubernetes": [
        "operators",
        "the scheduler",
        "multi-tenancy",
        "cluster autoscaling",
        "Gateway API",
        "etcd",
        "admission webhooks",
        "CRDs",
    ],
    "Observability": [
        "OpenTelemetry",
        "eBPF tracing",
        "Prometheus",
        "log pipelines",
        "SLOs",
        "continuous profiling",
    ],
    "Security": [
        "supply-chain security",
        "SBOMs",
        "Sigstore",
        "secrets management",
        "zero-trust networking",
        "fuzzing",
    ],
    "Linux Kernel": [
        "io_uring",
        "the scheduler",
        "Rust in the kernel",
        "cgroups v2",
        "BPF",
        "filesystems",
    ],
    "Embedded": ["Yocto", "Zephyr", "device trees", "U-Boot", "real-time Linux", "OTA updates"],
    "DevOps": [
        "GitOps",
        "platform engineering",
        "incident response",
        "CI pipelines",
        "infrastructure as code",
        "on-call",
    ],
    "Databases": [
        "PostgreSQL",
        "replication",
        "query planning",
        "time-series data",
        "SQLite at the edge",
    ],
    "Community": [
        "maintainer burnout",
        "governance",
        "mentoring",
        "documentation",
        "inclusive meetups",
        "licensing",
    ],
    "Cloud Native": [
        "WebAssembly",
        "service meshes",
        "serverless",
        "container runtimes",
        "edge computing",
    ],
    "Open Data": [
        "open hardware",
        "digital public goods",
        "research software",
        "reproducible builds",
    ],
}
TITLE_SHAPES = [
    "{Topic} in production: lessons from {n} years",
    "A practical guide to {topic}",
    "What nobody tells you about {topic}",
    "Scaling {topic} without losing sleep",
    "{Topic} from first principles",
    "Debugging {topic} at 3 a.m.",
    "Beyond the basics: {topic} for teams",
    "{Topic}: the good, the bad and the flaky",
    "How we replaced our homegrown tooling with {topic}",
    "Ten things we learned running {topic}",
    "Taming {topic} with open source",
    "{Topic} for the rest of us",
]
ABSTRACT_BITS = [
    "This session walks through a real migration, including the parts that went wrong.",
    "We start from a minimal setup and build up to a production-grade deployment.",
    "Expect live demos, honest benchmarks and a checklist you can take home.",
    "The talk compares three open-source approaches and when each one fits.",
    "Attendees will leave knowing which metrics matter and which are noise.",
    "We share the tooling we open-sourced along the way and how to contribute.",
    "No prior experience is needed; bring questions.",
    "We cover the failure modes we hit at scale and the fixes that stuck.",
]
DESCRIPTION_BITS = [
    "The first part sets out the problem with numbers from real deployments.",
    "The second part shows the design and the trade-offs we made, with code on screen.",
    "We finish with what we would do differently and where the project goes next.",
    "Slides and a recording will be linked from this page after the session.",
    "A short Q&A follows; questions can also be asked in the conference chat.",
    "Bring a laptop if you want to follow along with the examples.",
]
EXHIBITOR_WORDS = [
    "Granite",
    "Open",
    "Cedar",
    "Blue",
    "Kestrel",
    "Harbor",
    "Lumen",
    "Pixel",
    "Quartz",
    "River",
    "Solar",
    "Tidal",
    "Vector",
    "Willow",
    "Zen",
    "Basalt",
    "Comet",
    "Delta",
]
EXHIBITOR_SUFFIX = [
    "Labs",
    "Project",
    "Foundation",
    "Systems",
    "Linux",
    "Cloud",
    "Works",
    "Collective",
    "OS",
    "Data",
]


@dataclasses.dataclass(frozen=True)
class DemoSummary:
    created: bool
    sessions: int
    speakers: int
    rooms: int
    exhibitors: int
    sub_events: int


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, username, password) of the demo accounts present in this database that still
    accept their documented password; empty in production mode, where they never do."""
    if settings.PRODUCTION:
        return []
    logins = []
    users = get_user_model().objects.in_bulk(
        [ORGANISER_USERNAME, *(u for _, u in CFP_LOGINS)], field_name="username"
    )
    for role, username in [("organiser", ORGANISER_USERNAME), *CFP_LOGINS]:
        user = users.get(username)
        if user is not None and user.check_password(ORGANISER_PASSWORD):
            logins.append((role, username, ORGANISER_PASSWORD))
    return logins


def stable_uuid(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts))


def at(day: int, hhmm: str) -> dt.datetime:
    h, m = map(int, hhmm.split(":"))
    return dt.datetime.combine(FIRST_DAY + dt.timedelta(days=day), dt.time(h, m), tzinfo=TZ)


def load_demo(*, reset: bool = False, attendees: int = 1200) -> DemoSummary:
    """Create the demo conference unless it exists; ``reset`` rebuilds it from scratch."""
    existing = Event.objects.filter(slug=DEMO_SLUG, parent=None).first()
    if existing and not reset:
        return _summary(existing, created=False)
    with transaction.atomic():
        if existing:
            # Releases protect rooms and sessions protect their types: remove them first.
            Schedule.objects.filter(event=existing).delete()
            Session.objects.filter(umbrella=existing).delete()
            _remove_cfp(existing)
            existing.delete()
        umbrella = _build(random.Random(2027), attendees)
    return _summary(umbrella, created=True)


def _remove_cfp(umbrella: Event) -> None:
    """Submissions protect their session types, and the generated speakers and reviewers
    would clash with the new ones: remove both."""
    from django.db.models import Q

    from hallway.cfp.models import Submission

    Submission.objects.filter(event_id__in=umbrella.family_ids()).delete()
    get_user_model().objects.filter(
        Q(username__startswith="dod-") | Q(username__startswith="emb-")
    ).delete()


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
    umbrella = Event.objects.create(
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
        end_date=FIRST_DAY + dt.timedelta(days=3),
        website="https://pose.example.org/",
        venue_name="Pasadena Convention Center (demo)",
        venue_address="300 E Green St, Pasadena, CA",
        colour="#1f5f8b",
    )
    subs = {
        key: Event.objects.create(
            uuid=stable_uuid("event", slug),
            slug=slug,
            parent=umbrella,
            name=name,
            short_name=short,
            description=desc,
            time_zone=umbrella.time_zone,
            start_date=FIRST_DAY + dt.timedelta(days=d0),
            end_date=FIRST_DAY + dt.timedelta(days=d1),
            colour=colour,
            position=i + 1,
        )
        for i, (key, slug, name, short, desc, d0, d1, colour) in enumerate(
            [
                (
                    "kcd",
                    "kcd-pasadena",
                    "Kubernetes Community Day Pasadena",
                    "KCD",
                    "A day of cloud-native talks by and for the Kubernetes community.",
                    0,
                    0,
                    "#326ce5",
                ),
                (
                    "dod",
                    "devopsdays-la",
                    "DevOpsDays LA",
                    "DevOpsDays",
                    "Two days of DevOps culture, tooling and open spaces.",
                    0,
                    1,
                    "#7a3e9d",
                ),
                (
                    "emb",
                    "embedded-linux",
                    "Embedded Linux Workshops",
                    "Embedded",
                    "Hands-on labs with real boards: Yocto, Zephyr and real-time Linux.",
                    1,
                    3,
                    "#b35c00",
                ),
            ]
        )
    }
    org_user = _organiser(umbrella)
    rooms = _rooms(umbrella)
    types = _session_types(umbrella)
    tracks = {
        None: [
            _track(umbrella, t, c)
            for t, c in [
                ("Linux Kernel", "#d62728"),
                ("Security", "#9467bd"),
                ("Databases", "#17becf"),
                ("Community", "#ff7f0e"),
                ("Open Data", "#7f7f7f"),
                ("Observability", "#2ca02c"),
                ("Cloud Native", "#1f77b4"),
            ]
        ],
        "kcd": [_track(subs["kcd"], "Kubernetes", "#0b3d91")],
        "dod": [_track(subs["dod"], "DevOps", "#e377c2")],
        "emb": [_track(subs["emb"], "Embedded", "#8c564b")],
    }
    speakers = _speakers(umbrella, rng, 190)
    sessions = _sessions(umbrella, subs, types, tracks, speakers, rng)
    _schedule(umbrella, rooms, sessions, rng)
    _resources(umbrella, subs, sessions, rng)
    _exhibitors(umbrella, rng)
    _favourites(umbrella, sessions, rng, n_attendees)
    release_schedule(umbrella, "1.0", by=org_user, comment="First public programme.")
    _calls_for_papers(umbrella, subs, types, tracks, rng)
    return umbrella


def _calls_for_papers(umbrella: Event, subs: dict[str, Event], types, tracks, rng) -> None:
    """The KCD's call for papers is open (until three weeks before the event); DevOpsDays'
    and the embedded workshops' have closed.  Demo logins: a speaker, a DevOpsDays reviewer
    and an organiser of the KCD alone."""
    from allauth.account.models import EmailAddress

    from hallway.cfp.models import CallForPapers, Question, SpeakerProfile

    def local(day: dt.date, hhmm: str) -> dt.datetime:
        h, m = map(int, hhmm.split(":"))
        return dt.datetime.combine(day, dt.time(h, m), tzinfo=TZ)

    kcd = CallForPapers.objects.create(
        event=subs["kcd"],
        opens_at=local(dt.date(2026, 10, 1), "00:00"),
        closes_at=local(FIRST_DAY - dt.timedelta(days=21), "23:59"),
        max_submissions_per_speaker=3,
        anonymised_review=True,
        text=(
            "The Kubernetes Community Day wants **talks from people who run clusters**: "
            "war stories, operators you wrote, upgrades that went wrong and what you learned. "
            "First-time speakers are very welcome; we offer mentoring.\n\n"
            "Review is anonymous: leave your name and employer out of the abstract."
        ),
    )
    kcd.session_types.set([types["talk"], types["lightning"], types["workshop"]])
    kcd.tracks.set(tracks["kcd"])
    Question.objects.bulk_create(
        [
            Question(
                cfp=kcd,
                text="Have you given this talk before?",
                kind=Question.BOOLEAN,
                position=1,
            ),
            Question(
                cfp=kcd,
                text="Level of the audience",
                kind=Question.CHOICE,
                choices=["Beginner", "Intermediate", "Advanced"],
                required=True,
                position=2,
            ),
            Question(
                cfp=kcd,
                text="Do you need travel support?",
                kind=Question.BOOLEAN,
                target=Question.SPEAKER,
                position=3,
            ),
        ]
    )
    for key, closes in [("dod", dt.date(2026, 11, 15)), ("emb", dt.date(2026, 10, 31))]:
        cfp = CallForPapers.objects.create(
            event=subs[key],
            opens_at=local(dt.date(2026, 8, 1), "00:00"),
            closes_at=local(closes, "23:59"),
            text=f"The call for papers of {subs[key].name}.",
        )
        cfp.tracks.set(tracks[key])

    from django.contrib.auth.hashers import make_password

    user_model = get_user_model()
    # One hash for the three demo logins: hashing is deliberately slow, and load-demo runs at
    # the start of every test session.
    password = make_password(None if settings.PRODUCTION else ORGANISER_PASSWORD)
    for _, username in CFP_LOGINS:
        user, _ = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        user.password = password
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    # Logging in through /accounts/ needs a verified address: the demo organiser's is.
    organiser = user_model.objects.get(username=ORGANISER_USERNAME)
    EmailAddress.objects.update_or_create(
        user=organiser, email=organiser.email, defaults={"verified": True, "primary": True}
    )
    SpeakerProfile.objects.update_or_create(
        user=user_model.objects.get(username="speaker"),
        defaults={
            "name": "Sam Speaker",
            "pronouns": "they/them",
            "bio": "Runs clusters for a living; the demo's speaker account.",
        },
    )
    _submissions_in_review(subs["dod"], types, tracks["dod"], rng)
    _decided_submissions(subs["emb"], types, tracks["emb"], rng)
    EventRole.objects.bulk_create(
        [
            EventRole(
                event=subs["dod"],
                user=user_model.objects.get(username="reviewer"),
                role=EventRole.REVIEWER,
            ),
            EventRole(
                event=subs["kcd"],
                user=user_model.objects.get(username="kcd-organiser"),
                role=EventRole.ORGANISER,
            ),
        ]
    )


def _organiser(umbrella: Event):
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(
        username=ORGANISER_USERNAME, defaults={"email": "organiser@example.org", "is_staff": True}
    )
    user.is_staff = True
    # A well-known password must never open a production site: there the demo organiser gets
    # no usable password (an administrator sets one with `hallway changepassword`).
    if settings.PRODUCTION:
        user.set_unusable_password()
    else:
        user.set_password(ORGANISER_PASSWORD)
    user.save()
    EventRole.objects.create(event=umbrella, user=user, role=EventRole.ORGANISER)
    return user


def _rooms(umbrella: Event) -> list[Room]:
    specs = [
        (
            "Ballroom ABCD",
            2500,
            ["plenary", "projector", "recorded", "streamed", "captioning", "wheelchair"],
            "Level 1",
        ),
        ("Ballroom E", 600, ["projector", "recorded", "streamed", "wheelchair"], "Level 1"),
        ("Ballroom F", 600, ["projector", "recorded", "streamed", "wheelchair"], "Level 1"),
        ("Ballroom G", 400, ["projector", "recorded", "wheelchair"], "Level 1"),
        ("Ballroom H", 400, ["projector", "recorded", "wheelchair"], "Level 1"),
        ("Room 101", 220, ["projector", "recorded", "wheelchair"], "Level 1"),
        ("Room 103", 200, ["projector", "recorded", "wheelchair"], "Level 1"),
        ("Room 104", 150, ["projector", "recorded"], "Level 1"),
        ("Room 105", 150, ["projector", "recorded"], "Level 1"),
        ("Room 106", 120, ["projector"], "Level 1"),
        ("Room 107", 100, ["projector"], "Level 1"),
        ("Room 201", 80, ["projector"], "Level 2"),
        ("Room 202", 80, ["projector"], "Level 2"),
        ("Lab 211", 40, ["lab", "projector"], "Level 2"),
        ("Lab 212", 40, ["lab", "projector"], "Level 2"),
        ("Lab 213", 30, ["lab", "projector"], "Level 2"),
        ("Lab 214", 30, ["lab", "projector"], "Level 2"),
        ("Exhibit Hall", 3000, ["wheelchair"], "Level 0"),
    ]
    return [
        Room.objects.create(
            uuid=stable_uuid("room", name),
            event=umbrella,
            name=name,
            capacity=cap,
            features=features,
            floor=floor,
            position=i,
            stream_url=(f"https://stream.example.org/{i}" if "streamed" in features else ""),
            accessibility_notes=(
                "Step-free access; reserved seating at the front."
                if "wheelchair" in features
                else "Access by stairs or the lift at the east end."
            ),
        )
        for i, (name, cap, features, floor) in enumerate(specs)
    ]


def _track(event: Event, name: str, colour: str) -> Track:
    return Track.objects.create(
        uuid=stable_uuid("track", event.slug, name), event=event, name=name, colour=colour
    )


def _session_types(umbrella: Event) -> dict[str, SessionType]:
    specs = {
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
    return {
        key: SessionType.objects.create(
            uuid=stable_uuid("type", key),
            event=umbrella,
            name=name,
            default_duration=minutes,
            is_plenary=plenary,
            required_features=features,
        )
        for key, (name, minutes, plenary, features) in specs.items()
    }


def _speakers(umbrella: Event, rng: random.Random, n: int) -> list[Speaker]:
    names: set[str] = set()
    while len(names) < n:
        names.add(f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}")
    speakers = []
    for name in sorted(names):
        handle = name.lower().replace(" ", "")
        speakers.append(
            Speaker(
                uuid=stable_uuid("speaker", name),
                event=umbrella,
                name=name,
                slug=handle,
                bio=(
                    f"{name.split()[0]} works on {rng.choice(list(TOPICS))} "
                    f"{rng.choice(['tooling', 'infrastructure', 'community', 'research'])} "
                    f"and has contributed to open source for {rng.randint(2, 20)} years."
                ),
                links=[{"title": "Website", "url": f"https://{handle}.example.org/"}],
                picture_url="",  # no photos: the demo runs offline (initials stand in)
            )
        )
    return Speaker.objects.bulk_create(speakers)


@dataclasses.dataclass
class _Plan:
    session: Session
    days: tuple[int, ...]
    fixed: tuple[int, str, str] | None = None  # day, start, room name


def _sessions(umbrella, subs, types, tracks, speakers, rng) -> list[_Plan]:
    plans: list[_Plan] = []
    pool = list(speakers)
    rng.shuffle(pool)
    repeaters = pool[:25]
    rotation = itertools.cycle(pool)
    counter = iter(range(10_000))

    def new(
        event,
        kind,
        title,
        days,
        *,
        minutes=None,
        track=None,
        n_speakers=1,
        fixed=None,
        parts=1,
        consecutive=True,
        level="any",
        abstract=None,
    ):
        session = Session.objects.create(
            uuid=stable_uuid("session", next(counter)),
            event=event,
            state=Session.CONFIRMED,
            title=title,
            abstract=abstract or " ".join(rng.sample(ABSTRACT_BITS, 2)),
            description="\n\n".join(rng.sample(DESCRIPTION_BITS, 3)),
            duration=minutes or types[kind].default_duration,
            parts=parts,
            parts_consecutive=consecutive,
            session_type=types[kind],
            track=track,
            level=level,
            do_not_record=rng.random() < 0.08,
            language="es" if rng.random() < 0.03 else "en",
        )
        chosen = []
        for _ in range(n_speakers):
            # Everyone speaks at least once; a few regulars speak several times.
            speaker = rng.choice(repeaters) if rng.random() < 0.15 else next(rotation)
            if speaker not in chosen:
                chosen.append(speaker)
        SessionSpeaker.objects.bulk_create(
            SessionSpeaker(session=session, speaker=s, position=i) for i, s in enumerate(chosen)
        )
        plans.append(_Plan(session, days, fixed))
        return session

    used_titles: set[str] = set()

    def title_for(track_name: str) -> str:
        while True:
            topic = rng.choice(TOPICS[track_name])
            shape = rng.choice(TITLE_SHAPES)
            title = shape.format(
                topic=topic, Topic=topic[0].upper() + topic[1:], n=rng.randint(2, 9)
            )
            if title not in used_titles:
                used_titles.add(title)
                return title

    for day, label in [(1, "Opening keynote"), (2, "Saturday keynote"), (3, "Closing keynote")]:
        new(
            umbrella,
            "keynote",
            f"{label}: {title_for(rng.choice(list(TOPICS)))}",
            (day,),
            fixed=(day, "09:30", "Ballroom ABCD"),
        )
    new(
        subs["kcd"],
        "keynote",
        "KCD welcome and keynote: the state of Kubernetes",
        (0,),
        minutes=45,
        track=tracks["kcd"][0],
        fixed=(0, "09:30", "Ballroom E"),
    )
    for day in (1, 2, 3):
        end = "15:00" if day == 3 else "18:00"
        minutes = int((at(day, end) - at(day, "10:30")).total_seconds() // 60)
        new(
            umbrella,
            "expo",
            f"Expo hall open ({['Thu', 'Fri', 'Sat', 'Sun'][day]})",
            (day,),
            minutes=minutes,
            n_speakers=0,
            fixed=(day, "10:30", "Exhibit Hall"),
        )
    new(
        umbrella,
        "social",
        "Game night",
        (2,),
        minutes=180,
        n_speakers=0,
        fixed=(2, "19:00", "Exhibit Hall"),
        abstract="Board games, retro consoles and a pinball corner. Snacks provided.",
    )
    new(
        umbrella,
        "ctf",
        "Capture the flag: open round",
        (2,),
        minutes=240,
        n_speakers=2,
        fixed=(2, "10:45", "Room 202"),
    )
    new(
        umbrella,
        "lightning",
        "Lightning talks",
        (2,),
        minutes=60,
        n_speakers=6,
        fixed=(2, "16:30", "Ballroom E"),
    )

    main_tracks = tracks[None]
    for i in range(150):
        track = main_tracks[i % len(main_tracks)]
        kind = "panel" if i % 17 == 0 else "talk"
        new(
            umbrella,
            kind,
            title_for(track.name),
            (1, 2, 3),
            track=track,
            n_speakers=3 if kind == "panel" else rng.choice([1, 1, 1, 2]),
            level=rng.choice(["any", "beginner", "intermediate", "advanced"]),
        )
    for _ in range(26):
        new(
            subs["kcd"],
            "talk",
            title_for("Kubernetes"),
            (0,),
            track=tracks["kcd"][0],
            n_speakers=rng.choice([1, 1, 2]),
        )
    for _ in range(28):
        kind = "panel" if rng.random() < 0.1 else "talk"
        new(
            subs["dod"],
            kind,
            title_for("DevOps"),
            (0, 1),
            track=tracks["dod"][0],
            n_speakers=3 if kind == "panel" else 1,
        )
    for i in range(10):
        topic = TOPICS["Embedded"][i % len(TOPICS["Embedded"])]
        new(
            subs["emb"],
            "workshop",
            f"Hands-on {topic} {['I', 'II', 'III', 'IV', 'V'][i // 2]}: "
            f"{['a two-part lab', 'a two-day series'][i % 2]}",
            (1, 2, 3),
            track=tracks["emb"][0],
            parts=2,
            consecutive=i % 2 == 0,
            n_speakers=rng.choice([1, 2]),
            level="intermediate",
        )
    bof_topics = sorted({t for topics in TOPICS.values() for t in topics})
    for topic in rng.sample(bof_topics, 22):
        new(umbrella, "bof", f"BoF: {topic}", (0, 1, 2))
    for group in ["PostgreSQL", "Rust", "Python", "Go", "Lisp", "Home lab"]:
        new(umbrella, "meetup", f"{group} users meetup", (0, 1), n_speakers=1)
    return plans


TALK_STARTS = ["10:45", "11:45", "13:30", "14:30", "15:30", "16:30"]
WORKSHOP_STARTS = ["10:45", "13:30", "15:30"]
EVENING_STARTS = ["18:30", "19:30", "20:30"]


def _schedule(umbrella: Event, rooms: list[Room], plans: list[_Plan], rng) -> None:
    """Place every session without a hard conflict: fixed ones first, then the longest."""
    wip = wip_schedule(umbrella)
    by_name = {r.name: r for r in rooms}
    busy_room: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {r.pk: [] for r in rooms}
    busy_speaker: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    slots: list[Slot] = []

    def free(intervals, start, end):
        return all(end <= s or start >= e for s, e in intervals)

    def speaker_ids(session):
        return [link.speaker_id for link in session.speaker_links.all()]

    def pin(session, room, start):
        end = start + dt.timedelta(minutes=session.duration)
        busy_room[room.pk].append((start, end))
        for sid in speaker_ids(session):
            busy_speaker.setdefault(sid, []).append((start, end))
        slots.append(
            Slot(schedule=wip, session=session, room=room, start=start, end=end, pinned=True)
        )

    for plan in [p for p in plans if p.fixed]:
        day, start, room = plan.fixed
        pin(plan.session, by_name[room], at(day, start))

    loose = [p for p in plans if not p.fixed]
    # Back-to-back workshops are the hardest to fit, then the longest sessions.
    loose.sort(
        key=lambda p: (
            -(p.session.parts > 1 and p.session.parts_consecutive),
            -(p.session.duration * p.session.parts),
        )
    )
    for plan in loose:
        session = plan.session
        kind = session.session_type.name
        needs = session.all_required_features
        candidates = [
            r
            for r in rooms
            if needs <= set(r.features) and r.name != "Exhibit Hall" and "plenary" not in r.features
        ]
        if kind in ("BoF", "Meetup"):
            starts = EVENING_STARTS
            candidates = [r for r in candidates if r.capacity <= 220]
        elif kind == "Workshop" and session.parts_consecutive:
            starts = TALK_STARTS[:3]
        elif kind == "Workshop":
            starts = WORKSHOP_STARTS
        else:
            starts = TALK_STARTS
        options = [(d, s, r) for d in plan.days for s in starts for r in candidates]
        rng.shuffle(options)
        ids = speaker_ids(session)
        for day, start, room in options:
            if session.parts > 1 and not session.parts_consecutive:
                # A series: one part a day in the same room and time, on consecutive days.
                if day + session.parts - 1 > max(plan.days):
                    continue
                spans = [
                    (
                        at(day + k, start),
                        at(day + k, start) + dt.timedelta(minutes=session.duration),
                    )
                    for k in range(session.parts)
                ]
            elif session.parts > 1:
                # Back to back: parts start two talk slots apart (lunch may fall between) and
                # the room is held for the whole block, as the scheduler's period model does.
                i = TALK_STARTS.index(start)
                if i + 2 * session.parts - 1 >= len(TALK_STARTS):
                    continue
                spans = [
                    (
                        at(day, TALK_STARTS[i + 2 * k]),
                        at(day, TALK_STARTS[i + 2 * k]) + dt.timedelta(minutes=session.duration),
                    )
                    for k in range(session.parts)
                ]
                reserve = (
                    spans[0][0],
                    at(day, TALK_STARTS[i + 2 * session.parts - 1]) + dt.timedelta(minutes=60),
                )
            else:
                s0 = at(day, start)
                spans = [(s0, s0 + dt.timedelta(minutes=session.duration))]
            if spans[-1][1] > at(
                spans[-1][0].astimezone(TZ).date().toordinal() - FIRST_DAY.toordinal(), "22:30"
            ):
                continue
            held = [reserve] if session.parts > 1 and session.parts_consecutive else spans
            ok = all(free(busy_room[room.pk], s, e) for s, e in held) and all(
                free(busy_speaker.get(sid, []), s, e) for sid in ids for s, e in held
            )
            if not ok:
                continue
            for s, e in held:
                busy_room[room.pk].append((s, e))
                for sid in ids:
                    busy_speaker.setdefault(sid, []).append((s, e))
            slots.extend(
                Slot(schedule=wip, session=session, part=k, room=room, start=s, end=e)
                for k, (s, e) in enumerate(spans, start=1)
            )
            break
        else:
            raise RuntimeError(f"demo generator could not place {session.title!r}")
    for day in range(4):
        slots.append(
            Slot(schedule=wip, label="Lunch", start=at(day, "12:30"), end=at(day, "13:30"))
        )
    Slot.objects.bulk_create(slots)


def _resources(umbrella, subs, plans, rng) -> None:
    playlists = {
        event.pk: Playlist.objects.create(
            uuid=stable_uuid("playlist", event.slug),
            event=event,
            title=f"{event.name} recordings",
            url=f"https://video.example.org/playlists/{event.slug}",
        )
        for event in [umbrella, *subs.values()]
    }
    resources = []
    for plan in plans:
        session = plan.session
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


def _exhibitors(umbrella: Event, rng: random.Random) -> None:
    categories = [c for c, _ in Exhibitor.CATEGORIES]
    names: set[str] = set()
    while len(names) < 36:
        names.add(f"{rng.choice(EXHIBITOR_WORDS)} {rng.choice(EXHIBITOR_SUFFIX)}")
    exhibitors = Exhibitor.objects.bulk_create(
        Exhibitor(
            uuid=stable_uuid("exhibitor", name),
            event=umbrella,
            name=name,
            slug=name.lower().replace(" ", "-"),
            category=categories[i % len(categories)],
            booth=f"{'ABCD'[i % 4]}{100 + i}",
            url=f"https://{name.lower().replace(' ', '')}.example.org/",
            description=f"{name} shows {rng.choice(ABSTRACT_BITS).lower()}",
        )
        for i, name in enumerate(sorted(names))
    )
    ExhibitorHours.objects.bulk_create(
        ExhibitorHours(exhibitor=e, start=at(day, "10:30"), end=at(day, end))
        for e in exhibitors
        for day, end in [(1, "18:00"), (2, "18:00"), (3, "15:00")]
    )


def _favourites(umbrella: Event, plans: list[_Plan], rng: random.Random, n: int) -> None:
    """Attendee interest with a long tail: a few talks draw crowds, most draw a room's worth."""
    sessions = [
        p.session for p in plans if p.session.session_type.name not in ("Expo hours", "Social")
    ]
    weights = [rng.paretovariate(1.3) for _ in sessions]
    attendees = Attendee.objects.bulk_create(
        Attendee(event=umbrella, token=stable_uuid("attendee", i)) for i in range(n)
    )
    favourites = []
    for attendee in attendees:
        picks = {s.pk: s for s in rng.choices(sessions, weights=weights, k=rng.randint(3, 14))}
        favourites.extend(Favourite(attendee=attendee, session=s) for s in picks.values())
    Favourite.objects.bulk_create(favourites, batch_size=2000)


def _demo_submissions(event: Event, types, track, rng, n: int, state: str, tag: str):
    """``n`` submissions of ``event`` in ``state``, each by a generated speaker account (no
    usable password), with their audit rows: a handful of bulk inserts."""
    from django.contrib.auth.hashers import make_password

    from hallway.cfp.models import SpeakerProfile, StateChange, Submission, SubmissionSpeaker

    user_model = get_user_model()
    unusable = make_password(None)
    names = [f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(n)]
    users = user_model.objects.bulk_create(
        [
            user_model(
                username=f"{tag}-speaker-{i}", email=f"{tag}-speaker-{i}@example.org",
                password=unusable,
            )
            for i in range(n)
        ]
    )  # fmt: skip
    SpeakerProfile.objects.bulk_create(
        [SpeakerProfile(user=u, name=name) for u, name in zip(users, names, strict=True)]
    )
    shapes = [types["talk"], types["talk"], types["talk"], types["workshop"], types["lightning"]]
    submitted_at = dt.datetime(2026, 10, 15, 12, 0, tzinfo=TZ)
    submissions = Submission.objects.bulk_create(
        [
            Submission(
                uuid=stable_uuid("submission", tag, i),
                event=event,
                state=state,
                title=_title(rng, track.name),
                abstract=" ".join(rng.sample(ABSTRACT_BITS, 3)),
                description=" ".join(rng.sample(DESCRIPTION_BITS, 3)),
                session_type=rng.choice(shapes),
                track=track,
                submitted_at=submitted_at + dt.timedelta(minutes=37 * i),
            )
            for i in range(n)
        ]
    )
    SubmissionSpeaker.objects.bulk_create(
        [SubmissionSpeaker(submission=s, user=u) for s, u in zip(submissions, users, strict=True)]
    )
    StateChange.objects.bulk_create(
        [
            StateChange(submission=s, actor=u, to_state="draft")
            for s, u in zip(submissions, users, strict=True)
        ]
        + [
            StateChange(submission=s, actor=u, from_state="draft", to_state="submitted")
            for s, u in zip(submissions, users, strict=True)
        ]
    )
    return submissions


def _title(rng: random.Random, track_name: str) -> str:
    topic = rng.choice(TOPICS.get(track_name) or TOPICS["DevOps"] + TOPICS["Embedded"])
    shape = rng.choice(TITLE_SHAPES)
    return shape.format(topic=topic, Topic=topic[0].upper() + topic[1:], n=rng.randint(2, 9))


def _submissions_in_review(event: Event, types, tracks, rng) -> None:
    """DevOpsDays: 300 submissions in the review phase, three to four reviews each from five
    reviewers (the demo reviewer has some left to do)."""
    from hallway.cfp.models import (
        CallForPapers,
        Review,
        ReviewScore,
        ScoreCategory,
        Submission,
    )

    cfp = event.cfp
    cfp.phase = CallForPapers.REVIEW
    cfp.save(update_fields=["phase"])
    categories = ScoreCategory.objects.bulk_create(
        [
            ScoreCategory(cfp=cfp, name="Relevance to DevOps", weight=3, position=1),
            ScoreCategory(cfp=cfp, name="Clarity of the proposal", weight=2, position=2),
            ScoreCategory(cfp=cfp, name="Novelty", weight=1, position=3),
        ]
    )
    submissions = _demo_submissions(event, types, tracks[0], rng, 300, Submission.SUBMITTED, "dod")
    user_model = get_user_model()
    reviewers = [user_model.objects.get(username="reviewer")] + list(
        user_model.objects.bulk_create(
            [
                user_model(username=f"dod-reviewer-{i}", email=f"dod-reviewer-{i}@example.org")
                for i in range(4)
            ]
        )
    )
    EventRole.objects.bulk_create(
        [EventRole(event=event, user=r, role=EventRole.REVIEWER) for r in reviewers[1:]]
    )
    reviews, values = [], []
    total_weight = sum(c.weight for c in categories)
    for i, submission in enumerate(submissions):
        quality = rng.random()
        # The demo reviewer has reviewed the first two thirds; the rest is their to-do list.
        chosen = rng.sample(reviewers[1:], 3) + ([reviewers[0]] if i < 200 else [])
        for reviewer in chosen:
            scores = [
                max(0, min(c.max_score, round(quality * c.max_score + rng.uniform(-1.5, 1.5))))
                for c in categories
            ]
            weighted = sum(
                v / c.max_score * c.weight for v, c in zip(scores, categories, strict=True)
            )
            reviews.append(
                Review(
                    submission=submission,
                    reviewer=reviewer,
                    score=round(100 * weighted / total_weight, 2),
                    comment=rng.choice(["", "", "Solid.", "Needs a clearer outline."]),
                )
            )
            values.append(scores)
    reviews = Review.objects.bulk_create(reviews)
    ReviewScore.objects.bulk_create(
        [
            ReviewScore(review=review, category=c, value=v)
            for review, scores in zip(reviews, values, strict=True)
            for c, v in zip(categories, scores, strict=True)
        ]
    )


def _decided_submissions(event: Event, types, tracks, rng) -> None:
    """The embedded workshops: decisions made (a third accepted, a few waitlisted), and the
    demo speaker's own accepted workshop waiting for them to confirm."""
    from hallway.cfp.models import CallForPapers, StateChange, Submission, SubmissionSpeaker

    cfp = event.cfp
    cfp.phase = CallForPapers.CLOSED
    cfp.save(update_fields=["phase"])
    submissions = _demo_submissions(event, types, tracks[0], rng, 40, Submission.SUBMITTED, "emb")
    organiser = get_user_model().objects.get(username=ORGANISER_USERNAME)
    decided = []
    for i, submission in enumerate(submissions):
        state = (
            Submission.ACCEPTED
            if i % 3 == 0
            else Submission.WAITLISTED
            if i % 7 == 1
            else Submission.REJECTED
        )
        submission.state = state
        decided.append(
            StateChange(
                submission=submission, actor=organiser, from_state="submitted", to_state=state
            )
        )
    Submission.objects.bulk_update(submissions, ["state"])
    StateChange.objects.bulk_create(decided)
    # The demo speaker's workshop: the first accepted one becomes theirs too.
    speaker = get_user_model().objects.get(username="speaker")
    SubmissionSpeaker.objects.create(submission=submissions[0], user=speaker, position=1)
