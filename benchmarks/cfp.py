"""Benchmark of the call for papers: the organisers' review dashboard with 2,000 submissions
of five reviews each, and the submission form's POST (validate, save, submit, mail).

Runs on a fresh, throw-away SQLite database (or the one ``--database`` names) with the demo
conference loaded; server time is measured around Django's test client, so it includes
middleware, the view, the template and the queries, not a network.

    .venv/bin/python benchmarks/cfp.py [--submissions 2000] [--reviews 5] [--runs 7]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--reviews", type=int, default=5)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database", default="", help="DATABASE_URL (default: a temp SQLite)")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="hallway-bench-cfp-"))
    os.environ["DATABASE_URL"] = args.database or f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["HALLWAY_DATA_DIR"] = str(scratch)
    os.environ["HALLWAY_EMAIL_URL"] = "locmem:"
    os.environ["HALLWAY_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallway.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from hallway.cfp.models import Question, Submission
    from hallway.demo import load_demo
    from hallway.events.models import Event, EventRole, SessionType

    load_demo()
    kcd = Event.objects.get(slug="kcd-pasadena")
    organiser, speaker = populate(kcd, args.submissions, args.reviews)
    rows = []

    def measure(label, request, runs):
        times, queries, status = [], None, None
        for _ in range(runs + 1):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = request()
                times.append(time.perf_counter() - start)
            queries, status = len(captured), response.status_code
        rows.append((label, times[0], statistics.median(times[1:]), queries, status))

    client = Client()
    client.force_login(organiser)
    n = Submission.objects.filter(event=kcd).count()
    measure(
        f"GET dashboard ({n} submissions × {args.reviews} reviews, by mean)",
        lambda: client.get("/kcd-pasadena/cfp/manage/"),
        args.runs,
    )
    from hallway.cfp import selectors

    class Done:
        status_code = "—"

    measure(
        "selectors.dashboard alone (the queries and Python, no page)",
        lambda: selectors.dashboard(kcd, organiser) and Done,
        args.runs,
    )
    measure(
        "GET dashboard, sorted by median, filtered to talks",
        lambda: client.get("/kcd-pasadena/cfp/manage/?sort=median&type=talk"),
        args.runs,
    )

    cfp = kcd.cfp
    cfp.opens_at = timezone.now() - dt.timedelta(days=1)
    cfp.closes_at = timezone.now() + dt.timedelta(days=30)
    cfp.max_submissions_per_speaker = None
    cfp.save()
    talk = SessionType.objects.get(event=kcd.umbrella, name="Talk")
    level = cfp.questions.get(kind=Question.CHOICE)
    form = {
        "title": "A benchmark talk",
        "session_type": talk.pk,
        "track": kcd.tracks.first().pk,
        "abstract": "An *abstract* with Markdown.",
        "description": "",
        "language": "en",
        "notes": "",
        f"q{level.pk}": "Beginner",
        "submit": "1",
    }
    speaker_client = Client()
    speaker_client.force_login(speaker)
    measure(
        "POST submission form (validate, save, submit, mail)",
        lambda: speaker_client.post("/kcd-pasadena/cfp/submit/", form),
        args.runs,
    )
    EventRole.objects.filter(user=organiser).delete()

    print(
        f"\n{platform.node()} · {platform.processor() or platform.machine()} · "
        f"Python {platform.python_version()} · {connection.vendor} · "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n"
    )
    print("| step | cold (ms) | warm median (ms) | queries | status |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, cold, warm, queries, status in rows:
        print(f"| {label} | {cold * 1000:.0f} | {warm * 1000:.0f} | {queries} | {status} |")
    return 0


def populate(event, n_submissions: int, n_reviews: int):
    """``n_submissions`` submitted submissions to ``event`` by distinct speakers, each with
    ``n_reviews`` reviews (three categories); returns (an organiser, a speaker)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from hallway.cfp.models import (
        Review,
        ReviewScore,
        ScoreCategory,
        SpeakerProfile,
        StateChange,
        Submission,
        SubmissionSpeaker,
    )
    from hallway.events.models import EventRole, SessionType

    rng = random.Random(8)
    users = get_user_model()
    unusable = make_password(None)
    speakers = users.objects.bulk_create(
        [
            users(username=f"bench-{i}", email=f"bench-{i}@example.org", password=unusable)
            for i in range(n_submissions + 1)
        ]
    )
    SpeakerProfile.objects.bulk_create(
        [SpeakerProfile(user=u, name=f"Speaker {i}") for i, u in enumerate(speakers)]
    )
    reviewers = users.objects.bulk_create(
        [
            users(username=f"bench-rev-{i}", email=f"rev-{i}@example.org", password=unusable)
            for i in range(n_reviews)
        ]
    )
    organiser = users.objects.create(username="bench-org", password=unusable)
    EventRole.objects.bulk_create(
        [EventRole(event=event, user=r, role=EventRole.REVIEWER) for r in reviewers]
        + [EventRole(event=event, user=organiser, role=EventRole.ORGANISER)]
    )
    cfp = event.cfp
    categories = ScoreCategory.objects.bulk_create(
        [ScoreCategory(cfp=cfp, name=n, weight=w) for n, w in [("A", 3), ("B", 2), ("C", 1)]]
    )
    types = list(SessionType.objects.filter(event=event.umbrella, name__in=["Talk", "Workshop"]))
    track = event.tracks.first()
    submissions = Submission.objects.bulk_create(
        [
            Submission(
                event=event,
                state=Submission.SUBMITTED,
                title=f"Benchmark submission {i}",
                abstract="Abstract",
                session_type=types[i % len(types)],
                track=track,
            )
            for i in range(n_submissions)
        ]
    )
    SubmissionSpeaker.objects.bulk_create(
        [
            SubmissionSpeaker(submission=s, user=u)
            for s, u in zip(submissions, speakers, strict=False)
        ]
    )
    StateChange.objects.bulk_create(
        [StateChange(submission=s, to_state="submitted") for s in submissions]
    )
    reviews = Review.objects.bulk_create(
        [
            Review(submission=s, reviewer=r, score=rng.uniform(0, 100))
            for s in submissions
            for r in reviewers
        ],
        batch_size=2000,
    )
    ReviewScore.objects.bulk_create(
        [
            ReviewScore(review=r, category=c, value=rng.randint(0, 5))
            for r in reviews
            for c in categories
        ],
        batch_size=5000,
    )
    return organiser, speakers[-1]


if __name__ == "__main__":
    sys.exit(main())
