"""Benchmark of programme search: query time on the demo and on a 1,000-session world.

Builds a fresh, throw-away SQLite database (or the one ``--database`` names, for
PostgreSQL), loads the demo (``pose27``) and a generated umbrella of 1,000 released sessions
(20 rooms, 3 days, 12 tracks, one speaker each, abstracts of ~60 words from a word list),
and measures, ``--runs`` times each after one warm-up:

* ``search_programme`` over a mix of queries (a common word, a rare one, a speaker's name, a
  prefix, a phrase, two words, a miss, a filtered query): p50 and p99 of all calls;
* the search page through Django's test client, cache cleared before each request (so the
  view, the template and the queries are all counted), and served from the page cache;
* the rebuild of the index the first search after a change pays (a session renamed);
* the session page (uncached) of the same event, the baseline the ratios are given against.

    .venv/bin/python benchmarks/search.py [--runs 50] [--database postgres://...]
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
DAY = dt.date(2031, 9, 10)
ROOMS, DAYS, PER_DAY = 20, 3, 17  # 30-minute sessions, 9:00 to 17:30
SESSIONS = 1000
WORDS = (
    "kubernetes operator postgres rust python django cluster observability tracing security "
    "supply chain embedded linux kernel scheduling database replication storage network "
    "edge wasm compiler testing fuzzing accessibility design community governance licence "
    "documentation release packaging containers serverless latency caching search index "
    "streaming queue migration upgrade hardware firmware robotics privacy cryptography "
    "identity federation mobile offline sync graph analytics notebook visualisation energy"
).split()
NAMES = "Zoë Ana José Ngozi Søren Aiko Małgorzata Ravi Élodie Chen Olu Ingrid Tomás Priya".split()
SURNAMES = "Müller García Okafor Nørgaard Tanaka Kowalska Iyer Dubois Wei Adeyemi Björk".split()


def populate(rng: random.Random):
    from hallway.events.models import Event, Room, SessionType, Track
    from hallway.programme.models import Session, SessionSpeaker, Speaker
    from hallway.schedule.models import Slot
    from hallway.schedule.services import release_schedule, wip_schedule

    umbrella = Event.objects.create(
        name="Search Bench Conf",
        slug="bench-search",
        time_zone="Europe/Berlin",
        start_date=DAY,
        end_date=DAY + dt.timedelta(days=DAYS - 1),
    )
    sub = Event.objects.create(
        parent=umbrella,
        name="Bench Community Day",
        slug="bench-day",
        start_date=DAY,
        end_date=DAY,
    )
    rooms = [Room.objects.create(event=umbrella, name=f"Hall {i:02d}") for i in range(ROOMS)]
    talk = SessionType.objects.create(event=umbrella, name="Talk", default_duration=30)
    tracks = [Track.objects.create(event=umbrella, name=f"{w.title()} track") for w in WORDS[:12]]
    wip = wip_schedule(umbrella)
    places = [
        (
            rooms[r],
            dt.datetime.combine(DAY + dt.timedelta(days=d), dt.time(9), umbrella.tz)
            + dt.timedelta(minutes=30 * p),
        )
        for d in range(DAYS)
        for p in range(PER_DAY)
        for r in range(ROOMS)
    ]
    for i in range(SESSIONS):
        title = " ".join(rng.sample(WORDS, 4)).capitalize() + f" {i}"
        session = Session.objects.create(
            event=sub if i % 5 == 0 else umbrella,
            title=title,
            abstract=" ".join(rng.choices(WORDS, k=60)).capitalize() + ".",
            state=Session.CONFIRMED,
            duration=30,
            session_type=talk,
            track=tracks[i % len(tracks)],
        )
        name = f"{rng.choice(NAMES)} {rng.choice(SURNAMES)} {i}"
        speaker = Speaker.objects.create(event=umbrella, name=name, bio=f"{name} works on it.")
        SessionSpeaker.objects.create(session=session, speaker=speaker)
        room, start = places[i]
        Slot.objects.create(
            schedule=wip,
            session=session,
            room=room,
            start=start,
            end=start + dt.timedelta(minutes=30),
        )
    release_schedule(umbrella, "1.0")
    return umbrella


QUERIES = [
    ("common word", "kubernetes", {}),
    ("rare word", "firmware robotics", {}),
    ("speaker name", "müller", {}),
    ("prefix", "obser", {}),
    ("phrase", '"supply chain"', {}),
    ("miss", "zzyzx", {}),
    ("filtered (sub-event, day 1)", "postgres", {"event": "SUB", "day": DAY.isoformat()}),
]


def timed(fn, runs: int) -> list[float]:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return times


def pct(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(event, runs: int) -> list[tuple[str, list[float]]]:
    from django.core.cache import cache
    from django.http import QueryDict
    from django.test import Client

    from hallway.programme.models import Session
    from hallway.schedule import selectors
    from hallway.search.services import SearchFilters, search_programme

    client = Client()
    sub = event.sub_events.first()
    some = selectors.release_slots(event).first().session
    rows = []

    def uncached(url, params=None):
        def run():
            cache.clear()
            response = client.get(url, params or {})
            assert response.status_code == 200, (url, response.status_code)

        return run

    rows.append(
        (
            "session page, uncached (baseline)",
            timed(uncached(f"/{event.slug}/sessions/{some.slug}/"), runs),
        )
    )
    calls = []
    for _label, q, raw in QUERIES:
        params = QueryDict(mutable=True)
        for key, value in raw.items():
            params[key] = sub.slug if value == "SUB" else value
        filters = SearchFilters.from_query(params, event)
        calls.append((q, filters))
    search_times = []
    for q, filters in calls:
        search_times += timed(lambda q=q, f=filters: search_programme(event, q, f), runs)
    rows.append((f"search_programme, {len(calls)} queries mixed", search_times))
    for label, q, _raw in QUERIES[:1] + QUERIES[3:4]:
        rows.append(
            (
                f"search_programme: {label} '{q}'",
                timed(lambda q=q: search_programme(event, q), runs),
            )
        )
    rows.append(
        (
            "search page, uncached ('kubernetes')",
            timed(uncached(f"/{event.slug}/search/", {"q": "kubernetes"}), runs),
        )
    )

    def cached():
        response = client.get(f"/{event.slug}/search/", {"q": "kubernetes"})
        assert response.status_code == 200

    rows.append(("search page, from the page cache", timed(cached, runs)))
    flip = [0]

    def rename_then_search():
        flip[0] ^= 1
        Session.objects.filter(pk=some.pk).update(title=f"Renamed {flip[0]}")
        event.refresh_from_db()
        from hallway.schedule.publication import published_changed

        published_changed(event.pk)
        search_programme(event, "renamed")

    rows.append(
        (
            "first search after a change (index rebuild)",
            timed(rename_then_search, max(5, runs // 5)),
        )
    )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database", default="", help="DATABASE_URL (default: a temp SQLite)")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="hallway-bench-search-"))
    os.environ["DATABASE_URL"] = args.database or f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["HALLWAY_DATA_DIR"] = str(scratch)
    os.environ["HALLWAY_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallway.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from hallway.demo import DEMO_SLUG, load_demo
    from hallway.events.models import Event
    from hallway.search.models import Entry

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    load_demo()
    big = populate(random.Random(11))
    engine = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(
        f"Search benchmark, {engine}, {args.runs} runs after a warm-up; {dt.date.today()}; "
        f"{platform.node()} ({os.cpu_count()} cores), load {os.getloadavg()[0]:.1f}"
    )
    for event in (Event.objects.get(slug=DEMO_SLUG), big):
        rows = measure(event, args.runs)
        entries = Entry.objects.filter(umbrella=event).count()
        baseline = statistics.median(rows[0][1])
        print()
        print(f"{event.name} ({event.slug}): {entries} index entries")
        print()
        print("| step | p50 (ms) | p99 (ms) | p50 × baseline |")
        print("|---|---|---|---|")
        for name, times in rows:
            p50 = statistics.median(times)
            print(f"| {name} | {p50:.1f} | {pct(times, 0.99):.1f} | {p50 / baseline:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
