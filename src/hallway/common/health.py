"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: database reachable,
migrations applied, cache working), for load balancers and Kubernetes probes.

They are answered by a middleware placed first, before host validation and the HTTPS
redirect: a probe comes over plain HTTP with the pod's address as its Host header, and must
get the truth, not a 400 or a 301.  Never cached.
"""

from __future__ import annotations

import json
import time

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse

_migrations_ok_at = 0.0


def _migrations_applied() -> bool:
    """Whether every migration is applied; once true, re-checked at most every minute (the
    plan costs a few queries, and probes come every few seconds)."""
    global _migrations_ok_at
    if time.monotonic() - _migrations_ok_at < 60:
        return True
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        _migrations_ok_at = time.monotonic()
    return not plan


def readiness() -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready; say which
        checks["database"] = f"error: {type(exc).__name__}"
    if checks["database"] == "ok":
        try:
            checks["migrations"] = "ok" if _migrations_applied() else "pending"
        except Exception as exc:
            checks["migrations"] = f"error: {type(exc).__name__}"
    try:
        cache.set("hallway:readyz", "1", 10)
        checks["cache"] = "ok" if cache.get("hallway:readyz") == "1" else "error: not stored"
    except Exception as exc:
        checks["cache"] = f"error: {type(exc).__name__}"
    return checks


def _answer(status: int, body: dict) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return _answer(200, {"status": "ok"})
        if request.path == "/readyz":
            checks = readiness()
            ready = all(value == "ok" for value in checks.values())
            return _answer(
                200 if ready else 503, {"status": "ok" if ready else "not ready", **checks}
            )
        return self.get_response(request)
