"""Helpers for the solver tests: the referee in ``../shared`` and a small instance generator.

Nothing here needs Django or a database.  ``bench_py`` builds on the project's ``shared_dir``
fixture: it skips where ``../shared`` is absent and fails there when HALLWAY_REQUIRE_SHARED=1.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def bench_py(shared_dir: Path) -> Path:
    """Path of the scheduling referee ``bench.py``."""
    path = shared_dir / "scheduling" / "bench.py"
    if path.is_file():
        return path
    if os.environ.get("HALLWAY_REQUIRE_SHARED") == "1":
        pytest.fail(f"HALLWAY_REQUIRE_SHARED=1 but {path} does not exist")
    pytest.skip(f"{path} is absent")


def run_bench(bench: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(bench), *args], capture_output=True, text=True, check=False
    )
    if done.returncode not in (0, 1):  # evaluate exits 1 on hard violations; that is data
        raise AssertionError(f"bench.py {args[0]} failed: {done.stderr}")
    return done.stdout


def referee(bench: Path, tmp_path: Path, problem: dict, solution: dict) -> dict:
    """The referee's report for a problem/solution pair."""
    p, s = tmp_path / "referee-problem.json", tmp_path / "referee-solution.json"
    p.write_text(json.dumps(problem))
    s.write_text(json.dumps(solution))
    return json.loads(run_bench(bench, "evaluate", str(p), str(s), "--json"))


def generated(bench: Path, tmp_path: Path, family: str, seed: int) -> dict:
    out = tmp_path / f"{family}-{seed}.json"
    run_bench(bench, "generate", family, str(seed), "-o", str(out))
    return json.loads(out.read_text())


def small_problem(seed: int, *, plenary: bool = True) -> dict:
    """A random small problem that is feasible by construction.

    A hidden schedule is planted first (rooms with features and unavailable periods, sessions of
    one or two periods, shared speakers, a fixed session, a plenary owning a whole period), and
    every constraint is drawn so that the planted schedule satisfies it.
    """
    rng = random.Random(seed)
    days, per_day, n_rooms = rng.randint(1, 2), rng.randint(2, 5), rng.randint(2, 4)
    periods = [
        {"id": f"d{d}p{p}", "day": d, "start": "", "end": ""}
        for d in range(days)
        for p in range(per_day)
    ]
    n_p = len(periods)
    rooms = [
        {
            "id": f"r{r}",
            "capacity": rng.choice([20, 50, 100, 300]),
            "features": sorted(rng.sample(["lab", "recorded"], rng.randint(0, 2))),
            "unavailable": [],
        }
        for r in range(n_rooms)
    ]
    free = {(p, r) for p in range(n_p) for r in range(n_rooms)}
    sessions, planted = [], []

    def add(p: int, r: int, length: int, **extra: object) -> None:
        feats = rooms[r]["features"]
        sessions.append(
            {
                "id": f"s{len(sessions):03d}",
                "title": "",
                "kind": "talk",
                "track": rng.choice(["t0", "t1", None]),
                "length": length,
                "speakers": [],
                "requires": rng.sample(feats, rng.randint(0, len(feats))),
                "plenary": False,
                "fixed": None,
                **extra,
            }
        )
        planted.append((p, length))
        for k in range(length):
            free.discard((p + k, r))

    if plenary and rng.random() < 0.6:
        p = rng.randrange(n_p)
        add(p, 0, 1, plenary=True, kind="keynote")
        if rng.random() < 0.5:
            sessions[-1]["fixed"] = {"period": periods[p]["id"], "room": rooms[0]["id"]}
        free -= {(p, r) for r in range(n_rooms)}
    for p, r in sorted(free):
        if (p, r) not in free or rng.random() > 0.7:
            continue
        two = (
            p + 1 < n_p
            and periods[p + 1]["day"] == periods[p]["day"]
            and (p + 1, r) in free
            and rng.random() < 0.2
        )
        add(p, r, 2 if two else 1)
        if rng.random() < 0.1:
            sessions[-1]["fixed"] = {"period": periods[p]["id"], "room": rooms[r]["id"]}
    for p, r in sorted(free):
        if rng.random() < 0.3:
            rooms[r]["unavailable"].append(periods[p]["id"])
    speakers: list[dict] = []
    busy: list[set[int]] = []
    for s, (p, length) in zip(sessions, planted, strict=True):
        span = set(range(p, p + length))
        reuse = [k for k in range(len(speakers)) if not busy[k] & span]
        if reuse and rng.random() < 0.4:
            k = rng.choice(reuse)
        else:
            speakers.append({"id": f"sp{len(speakers):02d}", "unavailable": []})
            busy.append(set())
            k = len(speakers) - 1
        s["speakers"].append(speakers[k]["id"])
        busy[k] |= span
    for k, sp in enumerate(speakers):
        sp["unavailable"] = [
            periods[p]["id"] for p in range(n_p) if p not in busy[k] and rng.random() < 0.3
        ]
    ids = [s["id"] for s in sessions]
    attendees = (
        [rng.sample(ids, rng.randint(1, min(4, len(ids)))) for _ in range(30)] if ids else []
    )
    return {
        "format": "hallway-scheduling-problem/1",
        "name": f"small-{seed}",
        "show_up": 0.6,
        "periods": periods,
        "rooms": rooms,
        "speakers": speakers,
        "sessions": sessions,
        "attendees": attendees,
    }
