"""Web benchmark: hallway under gunicorn, driven by wrk, on SQLite and PostgreSQL.

For each code revision (``--rev``, default ``current`` and ``HEAD~1``) and database (``--db``)
the harness builds a fresh database (``migrate``, ``load-demo``, 19 more releases of the demo
that each move one session, so ``/pose27/changes/`` lists 20 releases; a ~300-session real
programme and a 1,000-session one through ``hallway import``), serves it with
``hallway serve --workers 2`` (``HALLWAY_DEBUG=0``) on 127.0.0.1 and measures:

* every public page and export (a day's grid, the list, a session page, a speaker page, the
  changes page, schedule.xml/.json/.ics; the largest also with ``Accept-Encoding: gzip``)
  of the demo and of the imported programme with
  ``wrk`` at 16 connections (2 threads) and at 1 connection: requests per second, p50 and p99
  latency (wrk's own histogram, read out by a Lua ``done()``), body bytes;
* the first request after a release (cold): the demo's day grid and schedule.xml, and the
  three exports and a day's grid of the 1,000-session programme (each export's first
  request renders it and writes its files), each right after a release made by another
  process while the server runs (median of ``--cold-reps``).

All revisions' servers run at once, and each measurement is taken for every revision in turn
(alternating the order), so load drift on a shared machine hits them alike; the tables give
ratios to the last ``--rev`` (the baseline).  Every response must be a 2xx: any other status,
socket error or timeout is reported and makes the exit status 1.

    .venv/bin/python benchmarks/web.py [--rev current --rev HEAD~1] [--db sqlite,postgres]
        [--duration 10] [--markdown]

The harness itself imports nothing from hallway: each revision's code runs in child processes
with ``PYTHONPATH=<revision>/src`` (ahead of the virtualenv's editable install), including
this file's ``_child`` subcommands that make releases.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "interop" / "real"
# The real programme closest to 300 sessions (351: rC3 NOWHERE 2021, a voc merge of pretalx
# and frab sources) and the one with over 1,000 (38C3: 1,007; FOSDEM 2025 has 943).
MID_FILE = REAL / "ccc-rc3-2021.schedule.json"
BIG_FILE = REAL / "ccc-38c3.schedule.xml"
DEMO = "pose27"
DEMO_DAY = "2027-03-05"
MID = "bench-rc3"
BIG = "bench-38c3"
BIG_DAY = "2024-12-28"  # 38C3's second day, one of its busiest
MOVES = 19  # + the demo's own 1.0 = 20 releases on the changes page
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/14"
AIM_RPS = 1000.0
AIM_P99_MS = 50.0
AIM_COLD_PAGE_MS = 300.0
AIM_COLD_EXPORT_MS = 1000.0

WRK_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "connect": %.0f, '
    .. '"read": %.0f, "write": %.0f, "status": %.0f, "timeout": %.0f, "p50_us": %.0f, '
    .. '"p90_us": %.0f, "p99_us": %.0f, "max_us": %.0f, "mean_us": %.2f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Child side: runs with PYTHONPATH=<revision>/src and that revision's Django settings.


def child(argv: list[str]) -> int:
    """``web.py _child ACTION [ARG]``: set-up and release steps inside one revision's code."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallway.settings")
    django.setup()
    action, *rest = argv
    if action == "where":
        import hallway

        print(hallway.__file__)
    elif action == "moves":
        for i in range(1, int(rest[0]) + 1):
            _move_and_release(f"1.{i}", seed=i)
    elif action == "release-demo":
        _move_and_release(rest[0], seed=zlib.crc32(rest[0].encode()))
    elif action == "release-touch":
        _touch_and_release(rest[0], rest[1])
    elif action == "info":
        print(json.dumps(_info()))
    else:
        raise SystemExit(f"unknown child action {action!r}")
    return 0


def _move_and_release(version: str, *, seed: int) -> None:
    """Swap the rooms of two same-time, same-length demo sessions and release: a real move
    in the changes page.  Pairs that would break a room's features or availability are
    rolled back (``release_schedule`` refuses them) and the next pair is tried."""
    import random
    from collections import defaultdict

    from django.core.exceptions import ValidationError
    from django.db import transaction

    from hallway.events.models import Event
    from hallway.schedule.services import release_schedule, wip_schedule

    umbrella = Event.objects.get(slug=DEMO, parent=None)
    wip = wip_schedule(umbrella)
    groups = defaultdict(list)
    for slot in wip.slots.filter(pinned=False, session__isnull=False, room__isnull=False):
        groups[(slot.start, slot.end)].append(slot)
    pairs = [
        (a, b)
        for slots in groups.values()
        for i, a in enumerate(slots)
        for b in slots[i + 1 :]
        if a.room_id != b.room_id
    ]
    random.Random(seed).shuffle(pairs)
    for a, b in pairs:
        try:
            with transaction.atomic():
                a.room_id, b.room_id = b.room_id, a.room_id
                a.save(update_fields=["room"])
                b.save(update_fields=["room"])
                release_schedule(umbrella, version, comment="benchmark: two sessions swap rooms")
            return
        except ValidationError:
            a.room_id, b.room_id = b.room_id, a.room_id
    raise SystemExit(f"no pair of demo sessions could swap rooms for release {version}")


def _touch_and_release(slug: str, version: str) -> None:
    """Change one session's title and release (an import republishes conflicts as they are)."""
    from hallway.events.models import Event

    try:
        from hallway.programme.models import Session
    except ImportError:  # a revision before the app's package was renamed
        from hallway.program.models import Session
    from hallway.schedule.services import release_schedule

    event = Event.objects.get(slug=slug)
    session = Session.objects.filter(umbrella=event.umbrella).order_by("id").first()
    session.title = f"{session.title.split(' [', 1)[0]} [{version}]"
    session.save()
    release_schedule(event, version, allow_conflicts=True, comment="benchmark: one title")


def _info() -> dict:
    from hallway.events.models import Event

    try:
        from hallway.programme.models import Session
    except ImportError:  # a revision before the app's package was renamed
        from hallway.program.models import Session
    from hallway.schedule.models import Schedule

    info = {}
    for event in Event.objects.filter(parent=None):
        info[event.slug] = {
            "sessions": Session.objects.filter(umbrella=event).count(),
            "releases": Schedule.objects.filter(event=event, version__isnull=False).count(),
        }
    return info


# --------------------------------------------------------------------------------------------
# Parent side.


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


@dataclass
class Revision:
    name: str  # as given on the command line
    label: str  # short hash (+ "-dirty" for an uncommitted working tree)
    src: Path


def prepare_revision(name: str, scratch: Path) -> Revision:
    """``current`` is this working tree; anything else is extracted with ``git archive`` (read
    only: no worktree is registered in a repository other people are using)."""
    if name == "current":
        dirty = git("status", "--porcelain", "--", "src")
        return Revision(
            name, git("rev-parse", "--short", "HEAD") + ("-dirty" if dirty else ""), ROOT / "src"
        )
    commit = git("rev-parse", "--verify", f"{name}^{{commit}}")
    short = git("rev-parse", "--short", commit)
    tree = scratch / f"rev-{short}"
    tree.mkdir()
    archive = subprocess.Popen(["git", "archive", commit, "src"], cwd=ROOT, stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(tree)], stdin=archive.stdout, check=True)
    if archive.wait() != 0:
        raise SystemExit(f"git archive {name} failed")
    return Revision(name, short, tree / "src")


@dataclass
class Server:
    revision: Revision
    db: str
    env: dict[str, str]
    workdir: Path
    port: int = 0
    process: subprocess.Popen | None = None
    pg_name: str | None = None
    info: dict = field(default_factory=dict)
    setup_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, *argv: str, step: str | None = None) -> str:
        """A command in this revision's code and database; output goes to the log too."""
        start = time.perf_counter()
        done = subprocess.run(
            [*argv], env=self.env, cwd=self.workdir, capture_output=True, text=True
        )
        if step:
            self.setup_seconds[step] = time.perf_counter() - start
        with (self.workdir / "setup.log").open("a") as out:
            out.write(f"$ {shlex.join(argv)}\n{done.stdout}{done.stderr}\n")
        if done.returncode != 0:
            raise SystemExit(
                f"{self.revision.label}/{self.db}: {shlex.join(argv[:4])}… failed "
                f"(exit {done.returncode}):\n{done.stderr[-3000:]}"
            )
        return done.stdout

    def hallway(self, *argv: str, step: str | None = None) -> str:
        return self.run(sys.executable, "-m", "hallway", *argv, step=step)

    def child(self, *argv: str, step: str | None = None) -> str:
        return self.run(sys.executable, str(Path(__file__).resolve()), "_child", *argv, step=step)


def make_env(revision: Revision, db_url: str, workdir: Path, redis: bool) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HALLWAY_", "DATABASE_URL", "DJANGO_", "OTEL_"))
    }
    env.update(
        PYTHONPATH=str(revision.src),
        DJANGO_SETTINGS_MODULE="hallway.settings",
        DATABASE_URL=db_url,
        HALLWAY_DATA_DIR=str(workdir),
        HALLWAY_DEBUG="0",
        HALLWAY_HOST="127.0.0.1",
        HALLWAY_BASE_URL="http://127.0.0.1",
        # gunicorn (27 here) opens a control socket at ~/.gunicorn/gunicorn.ctl: one path for every
        # server of the user, so side-by-side servers (ours, or anyone else's) would take it
        # from each other.
        GUNICORN_CMD_ARGS="--no-control-socket",
    )
    if redis:
        env["HALLWAY_REDIS_URL"] = REDIS_URL
    return env


def set_up(server: Server) -> None:
    where = server.child("where").strip()
    if not Path(where).resolve().is_relative_to(server.revision.src.resolve()):
        raise SystemExit(f"{server.revision.name}: the server would run {where}, not its own code")
    log(f"{server.revision.label}/{server.db}: hallway from {where}")
    server.hallway("migrate", "--no-input", "-v0", step="migrate")
    server.hallway("load-demo", step="load-demo")
    # Revisions before `hallway serve` collected static files itself served every page as a
    # 500 with HALLWAY_DEBUG=0 (no manifest); collecting here measures them as they were meant.
    server.hallway("collectstatic", "--no-input", "-v0", step="collectstatic")
    server.child("moves", str(MOVES), step=f"{MOVES} releases")
    server.hallway("import", str(MID_FILE), "--event", MID, step=f"import {MID_FILE.name}")
    server.hallway("import", str(BIG_FILE), "--event", BIG, step=f"import {BIG_FILE.name}")
    server.info = json.loads(server.child("info"))
    log(
        f"{server.revision.label}/{server.db}: set up in "
        + ", ".join(f"{k} {v:.1f}s" for k, v in server.setup_seconds.items())
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(server: Server, workers: int) -> None:
    server.port = free_port()
    server.process = subprocess.Popen(
        [sys.executable, "-m", "hallway", "serve", "--workers", str(workers)]
        + ["--port", str(server.port), "--host", "127.0.0.1"],
        env=server.env,
        cwd=server.workdir,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,  # gunicorn's access log
        stderr=(server.workdir / "server.log").open("a"),
        start_new_session=True,  # its own process group: stopped whole, even on Ctrl-C
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(
                f"{server.revision.label}/{server.db}: server exited "
                f"({server.process.returncode}); see {server.workdir / 'server.log'}"
            )
        with contextlib.suppress(OSError):
            if fetch(f"{server.base}/{DEMO}/")[0] == 200:
                return
        time.sleep(0.3)
    raise SystemExit(f"{server.revision.label}/{server.db}: server did not answer in 180 s")


def stop(server: Server) -> None:
    process = server.process
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


#: A path ending in this is asked for with ``Accept-Encoding: gzip``, as browsers and apps ask.
GZIP = "#gzip"


def fetch(url: str) -> tuple[int, bytes]:
    """GET on a new connection, not following redirects: (status, body as sent)."""
    url, zipped = url.removesuffix(GZIP), url.endswith(GZIP)
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if zipped else {})
    try:
        with _opener.open(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def timed_get(url: str) -> float:
    start = time.perf_counter()
    status, _ = fetch(url)
    elapsed = time.perf_counter() - start
    if status != 200:
        raise SystemExit(f"GET {url}: {status}")
    return elapsed


def pick_urls(base: str) -> list[tuple[str, str]]:
    """(label, path) for each measured page: fixed paths, plus the first session and speaker
    linked from the grid, and for the imported programme its busiest day."""
    urls = []
    for slug in (DEMO, MID):
        if slug == DEMO:
            day = f"/{slug}/programme/{DEMO_DAY}/"
        else:
            status, body = fetch(f"{base}/{slug}/programme/")
            days = sorted(
                set(re.findall(rf'href="(/{slug}/programme/\d{{4}}-\d\d-\d\d/)"', body.decode()))
            )
            if status != 200 or not days:
                raise SystemExit(f"{slug}: no day links on /{slug}/programme/ ({status})")
            counts = {
                d: fetch(base + d)[1].decode().count(f'href="/{slug}/sessions/') for d in days
            }
            day = max(days, key=lambda d: counts[d])
        status, body = fetch(base + day)
        sessions = re.findall(rf'href="(/{slug}/sessions/[^"/]+/)"', body.decode())
        if status != 200 or not sessions:
            raise SystemExit(f"{day}: {status}, no session link")
        for session in dict.fromkeys(sessions):  # the first with a speaker (not the expo)
            page = fetch(base + session)[1].decode()
            speaker = re.search(rf'href="(/{slug}/speakers/[^"/]+/)"', page)
            if speaker:
                break
        else:
            raise SystemExit(f"{day}: no session with a speaker link")
        urls += [
            (f"{slug} grid {day.rstrip('/').rsplit('/', 1)[1]}", day),
            (f"{slug} list", f"/{slug}/programme/list/"),
            (f"{slug} session", session),
            (f"{slug} speaker", speaker.group(1)),
            (f"{slug} changes", f"/{slug}/changes/"),
            (f"{slug} schedule.xml", f"/{slug}/schedule.xml"),
            (f"{slug} schedule.json", f"/{slug}/schedule.json"),
            (f"{slug} schedule.ics", f"/{slug}/schedule.ics"),
        ]
        if slug == MID:  # the largest bodies, as clients that take gzip get them
            urls += [
                (f"{slug} list, gzip", f"/{slug}/programme/list/{GZIP}"),
                (f"{slug} schedule.xml, gzip", f"/{slug}/schedule.xml{GZIP}"),
                (f"{slug} schedule.json, gzip", f"/{slug}/schedule.json{GZIP}"),
            ]
    return urls


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    errors: dict[str, int]


def wrk(url: str, connections: int, seconds: float, lua: Path) -> Load:
    threads = 1 if connections == 1 else 2
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    if url.endswith(GZIP):
        url = url.removesuffix(GZIP)
        argv += ["-H", "Accept-Encoding: gzip"]
    argv += ["--timeout", "30s", "-s", str(lua), url]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 120)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"{shlex.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("WRKJSON "))
    errors = {k: int(raw[k]) for k in ("connect", "read", "write", "status", "timeout") if raw[k]}
    return Load(
        rps=raw["requests"] / (raw["duration_us"] / 1e6),
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        requests=int(raw["requests"]),
        errors=errors,
    )


def drain(base: str, load: Load, floor_ms: float) -> None:
    """Wait until the server has finished what wrk left behind.  gunicorn's sync workers
    still serve the requests queued in the listen backlog after wrk has hung up, which would
    bill a slow page's backlog to the next measurement.  A probe on a new connection is
    accepted after every queued one (the backlog is first in, first out); the request another
    worker may still be busy with ends within the slowest latency wrk saw (or, if wrk saw
    none, the time the page took alone)."""
    with contextlib.suppress(OSError):
        fetch(f"{base}/__hallway_bench_drain__/")  # a 404 page: cheap
    time.sleep(min(max(load.max_ms, floor_ms) / 1000, 30))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:", 1)[1].split()[0])
        ram = f", {kib / 1024 / 1024:.1f} GiB RAM"
    load = ", load average {:.2f} {:.2f} {:.2f} at the start".format(*os.getloadavg())
    return (
        f"`nproc` {os.cpu_count()} × {cpu}{ram}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}{load}"
    )


def wrk_version() -> str:
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return (done.stdout + done.stderr).split("[", 1)[0].strip() or "wrk"


# --------------------------------------------------------------------------------------------
# Tables.


def table(title: str, header: list[str], rows: list[list[str]], *, markdown: bool) -> None:
    if markdown:
        print(f"\n{title}\n")
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    from rich.console import Console
    from rich.table import Table

    out = Table(title=title)
    for i, name in enumerate(header):
        out.add_column(name, justify="left" if i == 0 else "right")
    for row in rows:
        out.add_row(*row)
    Console(width=max(120, 16 * len(header))).print(out)


def ratio(new: float, old: float) -> str:
    return f"{new / old:.2f}" if old and new else "–"


def load_rows(
    urls: list[tuple[str, str]],
    connections: list[int],
    revisions: list[Revision],
    loads: dict,
    sizes: dict,
    firsts: dict,
) -> tuple[list[str], list[list[str]]]:
    base, others = revisions[-1], revisions[:-1]
    header = ["page", "conns", "bytes"]
    header += [f"{rev.label} first GET ms" for rev in revisions]
    for rev in revisions:
        header += [f"{rev.label} req/s", "p50 ms", "p99 ms"]
    for rev in others:
        header += [f"req/s {rev.label}÷{base.label}", f"p99 {rev.label}÷{base.label}"]
    header.append(f"aim (≥{AIM_RPS:.0f}/s, p99 ≤{AIM_P99_MS:.0f} ms)")
    rows = []
    for label, _ in urls:
        for conns in connections:
            results = [loads[(label, conns, rev.label)] for rev in revisions]
            size = {sizes[(label, rev.label)] for rev in revisions}
            row = [label, str(conns), "/".join(f"{s:,}" for s in sorted(size))]
            row += [
                f"{firsts[(label, rev.label)]:.0f}" if conns == connections[0] else ""
                for rev in revisions
            ]
            for load in results:
                if load.requests:
                    rps = f"{load.rps:,.0f}" if load.rps >= 10 else f"{load.rps:.1f}"
                    row += [rps, f"{load.p50_ms:.1f}", f"{load.p99_ms:.1f}"]
                else:
                    row += ["none", "–", "–"]
                if load.errors:
                    row[-3] += " ERR " + ",".join(f"{k}={v}" for k, v in load.errors.items())
            for rev in others:
                new = loads[(label, conns, rev.label)]
                old = loads[(label, conns, base.label)]
                if new.requests and old.requests:
                    row += [ratio(new.rps, old.rps), ratio(new.p99_ms, old.p99_ms)]
                else:
                    row += ["–", "–"]
            if conns == 16:
                first = results[0]
                met = first.rps >= AIM_RPS and first.p99_ms <= AIM_P99_MS
                row.append("yes" if met else "NO")
            else:
                row.append("")
            rows.append(row)
    return header, rows


# --------------------------------------------------------------------------------------------


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        return child(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rev",
        action="append",
        help="code revision: 'current' (this working tree) or a git commit; repeat it; the "
        "last is the baseline of the ratios (default: --rev current --rev HEAD~1)",
    )
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--duration", type=float, default=10, help="seconds of wrk per run")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of wrk before each URL")
    parser.add_argument("--connections", default="16,1", help="wrk connection counts")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--cold-reps", type=int, default=3, help="releases per cold measure")
    parser.add_argument("--redis", action="store_true", help=f"cache in Redis ({REDIS_URL})")
    parser.add_argument("--pg", default=PG_ADMIN, help="PostgreSQL maintenance database URL")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parser.parse_args()
    revs = args.rev or ["current", "HEAD~1"]
    dbs = [d.strip() for d in args.db.split(",") if d.strip()]
    if set(dbs) - {"sqlite", "postgres"} or not dbs:
        parser.error("--db takes sqlite, postgres or both")
    connections = [int(c) for c in args.connections.split(",")]
    for path in (MID_FILE, BIG_FILE):
        if not path.is_file():
            print(f"benchmark file not found: {path}", file=sys.stderr)
            return 2
    if subprocess.run(["wrk", "-v"], capture_output=True).returncode not in (0, 1):
        print(
            "wrk not found: apt-get install wrk (make bench-web does it as root)", file=sys.stderr
        )
        return 2

    # SIGTERM (and SIGHUP) unwind like Ctrl-C so the servers and databases are cleaned up.
    def interrupted(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)

    command = shlex.join([Path(sys.executable).name, "benchmarks/web.py", *sys.argv[1:]])
    started = dt.datetime.now(dt.UTC)
    host = machine()  # the load average before this run adds its own
    scratch = Path(tempfile.mkdtemp(prefix="hallway-bench-web-"))
    lua = scratch / "percentiles.lua"
    lua.write_text(WRK_LUA)
    failures: list[str] = []
    out: list = []  # (title, header, rows) for printing at the end
    notes: list[str] = []
    try:
        revisions = [prepare_revision(name, scratch) for name in revs]
        if len({r.label for r in revisions}) != len(revisions):
            raise SystemExit("two --rev name the same code")
        for db in dbs:
            servers = []
            try:
                for i, rev in enumerate(revisions):
                    workdir = scratch / f"{db}-{rev.label}"
                    workdir.mkdir()
                    pg_name = None
                    if db == "postgres":
                        pg_name = f"hw_bench_{os.getpid()}_{i}"
                        pg_execute(args.pg, f'CREATE DATABASE "{pg_name}"')
                        url = args.pg.rsplit("/", 1)[0] + "/" + pg_name
                    else:
                        url = f"sqlite:///{workdir / 'hallway.sqlite3'}"
                    server = Server(rev, db, make_env(rev, url, workdir, args.redis), workdir)
                    server.pg_name = pg_name
                    servers.append(server)
                    log(f"{rev.label}/{db}: setting up in {workdir}")
                    set_up(server)
                for server in servers:
                    start(server, args.workers)
                    log(f"{server.revision.label}/{db}: serving on {server.base}")
                measure(servers, db, args, connections, lua, failures, out, notes)
            finally:
                for server in servers:
                    stop(server)
                for server in servers:
                    if server.pg_name:
                        with contextlib.suppress(Exception):
                            pg_execute(
                                args.pg, f'DROP DATABASE IF EXISTS "{server.pg_name}" WITH (FORCE)'
                            )
    except KeyboardInterrupt:
        log("interrupted: servers stopped, databases dropped")
        return 130
    finally:
        if args.keep:
            log(f"scratch kept: {scratch}")
        else:
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)

    print_report(command, started, host, revisions, dbs, args, out, notes, markdown=args.markdown)
    if failures:
        print("\nFAILED: responses that were not 2xx, or socket errors:", file=sys.stderr)
        for failure in failures:
            print(f"  {failure}", file=sys.stderr)
        return 1
    return 0


def pg_execute(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql)


def measure(servers, db, args, connections, lua, failures, out, notes) -> None:
    revisions = [s.revision for s in servers]
    urls = pick_urls(servers[0].base)
    for server in servers[1:]:
        other = pick_urls(server.base)
        if other != urls:
            notes.append(f"{db}: {server.revision.label} links other pages: {other}")
    sizes: dict = {}
    firsts: dict = {}  # the first GET of each URL: for an export, its uncached render
    loads: dict = {}
    step = 0
    for label, path in urls:
        for server in servers:
            began = time.perf_counter()
            status, body = fetch(server.base + path)
            alone = (time.perf_counter() - began) * 1000
            firsts[(label, server.revision.label)] = alone
            if status != 200:
                failures.append(f"{db} {server.revision.label} GET {path}: {status}")
                log(f"ERROR: {server.revision.label} GET {path} answered {status}")
            sizes[(label, server.revision.label)] = len(body)
            if args.warmup > 0:  # both workers fill their caches (locmem is per process)
                drain(server.base, wrk(server.base + path, 4, args.warmup, lua), alone)
        for conns in connections:
            order = servers if step % 2 == 0 else servers[::-1]
            step += 1
            for server in order:
                load = wrk(server.base + path, conns, args.duration, lua)
                drain(server.base, load, firsts[(label, server.revision.label)])
                loads[(label, conns, server.revision.label)] = load
                log(
                    f"{db} {server.revision.label} {label} c{conns}: {load.rps:,.0f}/s "
                    f"p50 {load.p50_ms:.1f} ms p99 {load.p99_ms:.1f} ms"
                    + (f" ERRORS {load.errors}" if load.errors else "")
                )
                if not load.requests:
                    alone = firsts[(label, server.revision.label)]
                    notes.append(
                        f"{db} {server.revision.label} {label} c{conns}: no response within "
                        f"{args.duration:g} s (one took {alone:.0f} ms alone): give it a "
                        "longer --duration"
                    )
                if load.errors:
                    failures.append(f"{db} {server.revision.label} {label} c{conns}: {load.errors}")
    header, rows = load_rows(urls, connections, revisions, loads, sizes, firsts)
    out.append(
        (
            f"{db}: wrk, {args.duration:g} s per run, from the cache where hallway has one",
            header,
            rows,
        )
    )

    # Cold: the first request after a release made by another process.
    cold: dict = {}
    for rep in range(args.cold_reps):
        order = servers if rep % 2 == 0 else servers[::-1]
        for server in order:
            rev = server.revision.label
            server.child("release-demo", f"bench-cold-{rep}")
            cold.setdefault(("demo grid", rev), []).append(
                timed_get(f"{server.base}/{DEMO}/programme/{DEMO_DAY}/")
            )
            cold.setdefault(("demo xml", rev), []).append(
                timed_get(f"{server.base}/{DEMO}/schedule.xml")
            )
            server.child("release-touch", BIG, f"bench-cold-{rep}")
            for key, path in (
                ("big xml", "schedule.xml"),
                ("big json", "schedule.json"),
                ("big ics", "schedule.ics"),
                ("big grid", f"programme/{BIG_DAY}/"),
            ):
                cold.setdefault((key, rev), []).append(timed_get(f"{server.base}/{BIG}/{path}"))
            log(
                f"{db} {rev} cold rep {rep}: "
                + ", ".join(f"{k[0]} {v[-1] * 1000:.0f} ms" for k, v in cold.items() if k[1] == rev)
            )
    info = servers[0].info
    what = {
        "demo grid": (
            f"{DEMO} grid {DEMO_DAY} ({info[DEMO]['sessions']} sessions)",
            AIM_COLD_PAGE_MS,
        ),
        "demo xml": (f"{DEMO} schedule.xml", AIM_COLD_EXPORT_MS),
        "big xml": (f"{BIG} schedule.xml ({info[BIG]['sessions']} sessions)", AIM_COLD_EXPORT_MS),
        "big json": (f"{BIG} schedule.json", AIM_COLD_EXPORT_MS),
        "big ics": (f"{BIG} schedule.ics", AIM_COLD_EXPORT_MS),
        "big grid": (f"{BIG} grid {BIG_DAY}", AIM_COLD_PAGE_MS),
    }
    base, others = revisions[-1], revisions[:-1]
    header = ["first GET after a release"]
    header += [f"{rev.label} ms" for rev in revisions]
    header += [f"{rev.label}÷{base.label}" for rev in others]
    header += ["aim ms", "ok"]
    rows = []
    for key, (label, aim) in what.items():
        medians = [statistics.median(cold[(key, rev.label)]) * 1000 for rev in revisions]
        row = [label, *(f"{m:.0f}" for m in medians)]
        row += [ratio(m, medians[-1]) for m in medians[:-1]]
        row += [f"≤ {aim:.0f}", "yes" if medians[0] <= aim else "NO"]
        rows.append(row)
    out.append((f"{db}: cold, median of {args.cold_reps} releases", header, rows))
    for server in servers:
        notes.append(
            f"{db} {server.revision.label}: set-up "
            + ", ".join(f"{k} {v:.1f} s" for k, v in server.setup_seconds.items())
            + "; events "
            + ", ".join(
                f"{slug} {v['sessions']} sessions/{v['releases']} releases"
                for slug, v in server.info.items()
            )
        )


def print_report(
    command, started, host, revisions, dbs, args, out, notes, *, markdown: bool
) -> None:
    lines = [
        f"Command: `{command}`",
        f"Date: {started:%Y-%m-%d %H:%M} UTC",
        f"Machine: {host}",
        "Revisions: "
        + ", ".join(
            f"{r.label} ({r.name})" + (" = baseline" if r is revisions[-1] else "")
            for r in revisions
        ),
        f"Server: `hallway serve --workers {args.workers}`, HALLWAY_DEBUG=0, cache "
        + ("Redis db 14" if args.redis else "local memory (per worker)")
        + f"; load: {wrk_version()}, 2 threads at 16 connections, 1 at 1; databases: "
        + ", ".join(dbs),
        f"Files: {MID_FILE.name} as {MID}, {BIG_FILE.name} as {BIG}",
    ]
    if markdown:
        print("\n".join(f"{line}  " for line in lines))
    else:
        print("\n".join(lines))
    for title, header, rows in out:
        table(title, header, rows, markdown=markdown)
    if notes:
        print()
        for note in notes:
            print(f"- {note}" if markdown else note)


if __name__ == "__main__":
    sys.exit(main())
