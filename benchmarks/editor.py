"""Benchmark of the schedule editor: its day page with 200 sessions and a move.

Builds an umbrella with one co-located event, 12 rooms and 200 sessions on one day (each
with a speaker, 2,000 favourites) plus 40 waiting on the list, on a fresh, throw-away SQLite
database (or the one ``--database`` names).  Server time is measured around Django's test
client, so it includes middleware, the view, the template and the queries, not a network.
The organiser dashboard of the same event is measured in the same go as the baseline the
ratios are given against.  A move is a real one each time (it quotes the slot's current
version), alternating between two places.

    .venv/bin/python benchmarks/editor.py [--runs 30] [--database postgres://...]

To compare with an earlier commit in the same go, run this same script against that
commit's source: copy it into a worktree of the commit (it imports ``src/`` beside itself).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DAY = dt.date(2031, 5, 8)
ROOMS, SESSIONS, WAITING = 12, 200, 40


def populate():
    from django.contrib.auth import get_user_model

    from hallway.attendees.models import Attendee, Favourite
    from hallway.events.models import Event, EventRole, Room, SessionType, Track
    from hallway.programme.models import Session, SessionSpeaker, Speaker
    from hallway.schedule.models import Slot
    from hallway.schedule.services import wip_schedule

    rng = random.Random(7)
    umbrella = Event.objects.create(
        name="Bench Umbrella",
        slug="bench-editor",
        time_zone="America/Los_Angeles",
        start_date=DAY,
        end_date=DAY + dt.timedelta(days=1),
    )
    sub = Event.objects.create(
        parent=umbrella,
        name="Bench Camp",
        slug="bench-camp",
        time_zone=umbrella.time_zone,
        start_date=DAY,
        end_date=DAY,
    )
    rooms = [
        Room.objects.create(
            event=umbrella, name=f"Room {i:02d}", capacity=rng.choice([40, 80, 200])
        )
        for i in range(ROOMS)
    ]
    talk = SessionType.objects.create(event=umbrella, name="Talk", default_duration=30)
    tracks = [Track.objects.create(event=umbrella, name=f"Track {i}") for i in range(6)]
    wip = wip_schedule(umbrella)
    sessions = []
    for i in range(SESSIONS + WAITING):
        session = Session.objects.create(
            event=sub if i % 3 == 0 else umbrella,
            title=f"Session number {i}",
            state=Session.CONFIRMED,
            duration=30,
            session_type=talk,
            track=tracks[i % len(tracks)],
        )
        speaker = Speaker.objects.create(event=umbrella, name=f"Speaker {i}")
        SessionSpeaker.objects.create(session=session, speaker=speaker)
        sessions.append(session)
    day_start = dt.datetime.combine(DAY, dt.time(9), tzinfo=umbrella.tz)
    Slot.objects.bulk_create(
        Slot(
            schedule=wip,
            session=session,
            room=rooms[i % ROOMS],
            start=day_start + dt.timedelta(minutes=40 * (i // ROOMS)),
            end=day_start + dt.timedelta(minutes=40 * (i // ROOMS) + 30),
        )
        for i, session in enumerate(sessions[:SESSIONS])
    )
    attendees = [Attendee.objects.create(event=umbrella) for _ in range(200)]
    Favourite.objects.bulk_create(
        Favourite(attendee=a, session=s)
        for a in attendees
        for s in rng.sample(sessions[:SESSIONS], 10)
    )
    user = get_user_model().objects.create_user("bench-organiser", "b@example.org", "x")
    EventRole.objects.create(event=umbrella, user=user, role=EventRole.ORGANISER)
    return umbrella, user, sessions[0], rooms


def _real_templates() -> None:
    """Undo the test environment's template instrumentation (a copy of the context per
    rendered template, for assertTemplateUsed): a served page does not pay for it."""
    from django.template import Template
    from django.test.utils import _TestState

    Template._render = _TestState.saved_data.template_render


def timed(fn, runs: int) -> tuple[list[float], list[float], int]:
    """Wall-clock and this process's CPU milliseconds per run, and the queries of one run.
    On a shared machine the CPU time is the steadier figure: waiting for a core (and for
    the database server's) shows in the wall clock only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # cold
    times, cpu = [], []
    with CaptureQueriesContext(connection) as queries:
        fn()
    count = len(queries)
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    return times, cpu, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database", default="", help="DATABASE_URL (default: a temp SQLite)")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="hallway-bench-editor-"))
    os.environ["DATABASE_URL"] = args.database or f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["HALLWAY_DATA_DIR"] = str(scratch)
    os.environ["HALLWAY_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallway.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    _real_templates()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from hallway.schedule.models import Slot

    umbrella, user, session, rooms = populate()
    client = Client()
    client.force_login(user)
    day_url = f"/{umbrella.slug}/manage/schedule/{DAY.isoformat()}/"
    dashboard_url = f"/{umbrella.slug}/manage/"
    move_url = f"/{umbrella.slug}/manage/schedule/do/move/"
    size = len(client.get(day_url).content)

    def get(url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return run

    flip = [0]

    def move():
        slot = Slot.objects.get(session=session)
        flip[0] ^= 1
        response = client.post(
            move_url,
            {
                "session": session.pk,
                "part": 1,
                "version": slot.version,
                "room": rooms[flip[0]].pk,
                "day": DAY.isoformat(),
                "time": "17:00" if flip[0] else "17:30",
                "back": DAY.isoformat(),
            },
        )
        assert response.status_code == 302, response.status_code
        assert Slot.objects.get(session=session).version != slot.version, "the move was refused"

    results = [
        ("GET organiser dashboard (baseline)", *timed(get(dashboard_url), args.runs)),
        (
            f"GET editor day page ({SESSIONS} sessions, {WAITING} waiting)",
            *timed(get(day_url), args.runs),
        ),
        ("POST move (one session part, redirect)", *timed(move, args.runs)),
    ]
    baseline = statistics.median(results[0][1])
    engine = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(
        f"Editor benchmark, {engine}, {args.runs} warm runs after a cold one; "
        f"{dt.date.today()}; {platform.node()} ({os.cpu_count()} cores), "
        f"load {os.getloadavg()[0]:.1f}; day page {size / 1024:.0f} KiB"
    )
    print()
    print("| step | median (ms) | p95 (ms) | × baseline | CPU median (ms) | queries |")
    print("|---|---|---|---|---|---|")
    for name, times, cpu, queries in results:
        median = statistics.median(times)
        p95 = sorted(times)[max(0, int(round(0.95 * len(times))) - 1)]
        print(
            f"| {name} | {median:.1f} | {p95:.1f} | {median / baseline:.2f} | "
            f"{statistics.median(cpu):.1f} | {queries} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
