"""Attendee benchmark: starring, my agenda with 30 favourites and the calendar feed (warm).

Server time, measured in-process through the whole middleware stack with Django's test
client (no network, no wrk: what the issue's aims are stated in), on the demo conference in
the database ``DATABASE_URL`` names (PostgreSQL for the recorded figures; the database is
migrated and the demo loaded if missing).  Every figure is given with its ratio to a cached
public session page measured in the same run, the baseline, so a loaded machine moves both.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hallway_bench \\
        .venv/bin/python benchmarks/attendees.py [--requests 400] [--markdown]

Each measurement runs ``--requests`` times after 20 warm-up requests; the table gives
requests per second (one client), p50 and p99.  Any answer other than the expected status
stops the run.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallway.settings")
os.environ.setdefault("HALLWAY_DEBUG", "0")
os.environ.setdefault("HALLWAY_ALLOWED_HOSTS", "testserver")


def measure(name, n, call, expected):
    for _ in range(20):
        call()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = call()
        times.append(time.perf_counter() - start)
        if response.status_code != expected:
            raise SystemExit(f"{name}: status {response.status_code}, expected {expected}")
    times.sort()
    return {
        "name": name,
        "rps": n / sum(times),
        "p50": statistics.median(times) * 1000,
        "p99": times[min(n - 1, int(n * 0.99))] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's response hooks; settings stay as served
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # hashed names, as served
    from hallway.attendees import services
    from hallway.attendees.models import Attendee
    from hallway.demo import DEMO_SLUG, load_demo
    from hallway.events.models import Event
    from hallway.schedule import selectors

    if not Event.objects.filter(slug=DEMO_SLUG).exists():
        load_demo()
    umbrella = Event.objects.get(slug=DEMO_SLUG)
    sessions = list(
        selectors.release_slots(umbrella)
        .prefetch_related(None)
        .values_list("session__slug", flat=True)
    )
    sessions = sorted(set(sessions))
    rng = random.Random(27)
    headers = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}

    baseline = Client()
    page = f"/{DEMO_SLUG}/sessions/{sessions[0]}/"

    star_client = Client()
    star_client.post(
        f"/{DEMO_SLUG}/agenda/star/{sessions[0]}/", {"action": "star"}, headers=headers
    )
    picks = iter(rng.choice(sessions) for _ in range(10 * args.requests))

    def star():
        slug = next(picks)
        action = rng.choice(["star", "unstar"])
        return star_client.post(
            f"/{DEMO_SLUG}/agenda/star/{slug}/", {"action": action}, headers=headers
        )

    # My agenda with 30 favourites (clashes included: they are picked at random).
    agenda_client = Client()
    agenda_client.post(
        f"/{DEMO_SLUG}/agenda/star/{sessions[1]}/", {"action": "star"}, headers=headers
    )
    cookie = next(iter(agenda_client.cookies.values())).value
    attendee = Attendee.objects.get(token=cookie)
    session_model = attendee.favourites.model.session.field.related_model
    for s in session_model.objects.filter(slug__in=rng.sample(sessions, 40), umbrella=umbrella)[
        :29
    ]:
        services.star(attendee, s)
    assert attendee.favourites.count() == 30, attendee.favourites.count()
    feed = f"/{DEMO_SLUG}/agenda/feed/{attendee.feed_token}.ics"
    rows = [
        measure(
            "public session page (cached), baseline", args.requests, lambda: baseline.get(page), 200
        ),
        measure("star / unstar (POST)", args.requests, star, 302),
        measure(
            "my agenda, 30 favourites",
            args.requests,
            lambda: agenda_client.get(f"/{DEMO_SLUG}/agenda/"),
            200,
        ),
        measure("calendar feed, warm cache", args.requests, lambda: Client().get(feed), 200),
    ]
    base = rows[0]["p50"]
    machine = platform.processor() or platform.machine()
    title = (
        f"{time.strftime('%Y-%m-%d')}, {connection.vendor}, {machine}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {args.requests} requests each"
    )
    print(title)
    if args.markdown:
        print("\n| what | requests/s | p50 ms | p99 ms | p50 ÷ baseline |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for r in rows:
            print(
                f"| {r['name']} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} "
                f"| {r['p50'] / base:.1f} |"
            )
    else:
        for r in rows:
            print(
                f"{r['name']:45} {r['rps']:8.0f}/s  p50 {r['p50']:6.1f} ms  "
                f"p99 {r['p99']:6.1f} ms  ×{r['p50'] / base:.1f}"
            )


if __name__ == "__main__":
    main()
