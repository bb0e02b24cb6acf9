"""What an operator relies on: health and readiness probes, the Redis cache, JSON logs and
OpenTelemetry spans around imports, releases and solver runs."""

from __future__ import annotations

import json
import logging
import socket

import pytest
from django.core.management import call_command
from django.test import Client

from hallway.demo import DEMO_SLUG
from hallway.schedule.services import latest_release, release_schedule

pytestmark = pytest.mark.django_db

REDIS = ("127.0.0.1", 6379)


def redis_is_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
        return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_is_up(), reason="needs Redis at 127.0.0.1:6379")


def test_probes_answer_whatever_the_host_header_and_are_never_cached(demo, settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production: probes must not be redirected
    client = Client(HTTP_HOST="10.42.0.17:8000")  # a pod address, not an allowed host
    live = client.get("/healthz")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.content
    assert ready.json() == {"status": "ok", "database": "ok", "migrations": "ok", "cache": "ok"}
    assert ready["Cache-Control"] == "no-store"
    # The probe paths are exempt, nothing else is.
    assert client.get("/pose27/").status_code == 400


def test_readiness_says_which_dependency_is_down(demo, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    ready = Client().get("/readyz")
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "not ready"
    assert body["database"] == "ok"
    assert body["cache"].startswith("error")


@needs_redis
def test_exports_and_readiness_with_the_redis_cache(demo, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        }
    }
    from django.core.cache import cache

    cache.clear()
    client = Client()
    assert client.get("/readyz").json()["cache"] == "ok"
    first = client.get(f"/{DEMO_SLUG}/schedule.xml")
    assert first.status_code == 200
    again = client.get(f"/{DEMO_SLUG}/schedule.xml", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert client.get(f"/{DEMO_SLUG}/schedule.json").status_code == 200
    cache.clear()


def test_production_logs_are_one_json_object_a_line(capsys):
    from logging.config import dictConfig

    from hallway import settings as hallway_settings

    config = {
        **hallway_settings.LOGGING,
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
    }
    dictConfig(config)
    try:
        logging.getLogger("hallway.test").warning("release %s made", "2.0")
        line = capsys.readouterr().err.strip().splitlines()[-1]
        record = json.loads(line)
        assert record["message"] == "release 2.0 made"
        assert record["level"] == "WARNING"
        assert record["logger"] == "hallway.test"
    finally:
        dictConfig(hallway_settings.LOGGING)


@pytest.fixture(scope="module")
def spans():
    """Every span this process records from here on, through an in-memory exporter."""
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


def test_imports_releases_and_solver_runs_are_traced(demo, spans, tmp_path):
    from hallway.interop.imports import import_file

    spans.clear()
    wip_release = release_schedule(demo, "9.9", by=None, comment="traced")
    assert latest_release(demo) == wip_release
    frab = tmp_path / "tiny.json"
    frab.write_text(json.dumps(TINY_FRAB))
    import_file(frab.read_bytes(), "traced-import")
    call_command("schedule", "optimize", DEMO_SLUG, "--time-limit", "1", "--dry-run")
    names = [s.name for s in spans.get_finished_spans()]
    assert "hallway.release" in names
    assert "hallway.import" in names
    solve = next(s for s in spans.get_finished_spans() if s.name == "hallway.solve")
    assert solve.attributes["hallway.event"] == DEMO_SLUG
    assert solve.attributes["hallway.sessions"] > 100


TINY_FRAB = {
    "schedule": {
        "version": "1",
        "conference": {
            "acronym": "traced",
            "title": "Traced",
            "start": "2027-05-01",
            "end": "2027-05-01",
            "daysCount": 1,
            "timeslot_duration": "00:15",
            "time_zone_name": "Europe/Berlin",
            "days": [
                {
                    "index": 1,
                    "date": "2027-05-01",
                    "day_start": "2027-05-01T09:00:00+02:00",
                    "day_end": "2027-05-01T18:00:00+02:00",
                    "rooms": {
                        "Hall": [
                            {
                                "guid": "0c3b9a51-3a43-4f3e-9a0e-7c1b2a3d4e5f",
                                "id": 1,
                                "date": "2027-05-01T10:00:00+02:00",
                                "start": "10:00",
                                "duration": "00:30",
                                "room": "Hall",
                                "slug": "traced-talk",
                                "title": "A traced talk",
                                "type": "Talk",
                                "language": "en",
                                "persons": [{"id": 7, "public_name": "Ada Tracer"}],
                            }
                        ]
                    },
                }
            ],
        },
    }
}
