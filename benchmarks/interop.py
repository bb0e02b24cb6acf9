"""Benchmark of hallway's interop on the largest real file (FOSDEM 2025, 943 events).

Two tables, each measured in a fresh interpreter so "cold" really is the first call:

* the format layer: parsing (with format sniffing) and every export, cold and warm (median
  of the following runs);
* the database path: ``import_file`` into a fresh, throw-away SQLite database (cold) and the
  same file again (warm: nothing changes, so no new release), each export through
  ``export_bytes`` from the database, and each HTTP export (``/<event>/schedule.<ext>``
  through Django's test client) with the export cache warm.

    .venv/bin/python benchmarks/interop.py [--runs 7] [--file PATH] [--markdown]
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT.parent / "shared" / "interop" / "real" / "fosdem-2025.schedule.xml"
EXPORTS = ("frab-xml", "frab-json", "ical", "csv")
EXTENSIONS = {"frab-xml": "xml", "frab-json": "json", "ical": "ics", "csv": "csv"}
TARGETS = {
    "parse": 3.0,
    **{f"export {name}": 0.3 for name in EXPORTS},
    "import_file (fresh database)": 3.0,
    "import_file again (no changes)": 3.0,
    **{f"export_bytes {name}": 0.3 for name in EXPORTS},
    **{f"GET schedule.{EXTENSIONS[name]} (cache warm)": 0.3 for name in EXPORTS},
}


def measure(path: Path, runs: int) -> dict[str, tuple[float, float]]:
    """{step: (cold seconds, warm median seconds)} measured in this process."""
    from hallway.interop import export, parse

    data = path.read_bytes()
    results: dict[str, list[float]] = {}

    def timed(step: str, func) -> object:
        gc.collect()  # earlier runs' garbage should not be billed to this one
        start = time.perf_counter()
        value = func()
        results.setdefault(step, []).append(time.perf_counter() - start)
        return value

    programme = None
    for _ in range(runs + 1):
        programme = timed("parse", lambda: parse(data))
        for name in EXPORTS:
            timed(f"export {name}", lambda name=name, programme=programme: export(programme, name))
    return {step: (times[0], statistics.median(times[1:])) for step, times in results.items()}


def measure_database(path: Path, runs: int) -> dict[str, tuple[float, float]]:
    """The database path, in a throw-away SQLite database created for this process."""
    import os
    import tempfile

    scratch = Path(tempfile.mkdtemp(prefix="hallway-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["HALLWAY_DATA_DIR"] = str(scratch)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hallway.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from hallway.interop.exports import export_bytes
    from hallway.interop.imports import import_file

    call_command("migrate", verbosity=0)
    data = path.read_bytes()
    results: dict[str, list[float]] = {}

    def timed(step: str, func) -> object:
        gc.collect()
        start = time.perf_counter()
        value = func()
        results.setdefault(step, []).append(time.perf_counter() - start)
        return value

    report = timed("import_file (fresh database)", lambda: import_file(data, "fosdem"))
    event = report.event
    for _ in range(runs):
        again = timed("import_file again (no changes)", lambda: import_file(data, "fosdem"))
        assert again.release is None, "re-importing the same file published a release"
    # A fresh database can be imported into once: that row has a cold figure only.
    client = Client(HTTP_HOST="localhost")
    for _ in range(runs + 1):
        for name in EXPORTS:
            timed(f"export_bytes {name}", lambda name=name: export_bytes(event, name))
    for _ in range(runs + 1):  # the first request fills the cache (reported as cold)
        for name in EXPORTS:
            url = f"/{event.slug}/schedule.{EXTENSIONS[name]}"
            response = timed(
                f"GET schedule.{EXTENSIONS[name]} (cache warm)", lambda url=url: client.get(url)
            )
            assert response.status_code == 200, (url, response.status_code)
    import shutil

    shutil.rmtree(scratch, ignore_errors=True)
    return {
        step: (times[0], statistics.median(times[1:]) if len(times) > 1 else None)
        for step, times in results.items()
    }


def machine() -> str:
    cpu = platform.processor() or platform.system()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return (
        f"{os.cpu_count()} × {cpu}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="warm runs after the cold one")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-db", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.file.is_file():
        print(f"benchmark file not found: {args.file}", file=sys.stderr)
        return 2
    if args.child:
        for step, (cold, warm) in measure(args.file, args.runs).items():
            print(f"{step}\t{cold}\t{warm}")
        return 0
    if args.child_db:
        for step, (cold, warm) in measure_database(args.file, args.runs).items():
            print(f"{step}\t{cold}\t{warm}")
        return 0
    from hallway.interop import parse

    sessions = len(parse(args.file.read_bytes()).sessions)
    print(
        f"File: {args.file.name} ({args.file.stat().st_size / 1e6:.1f} MB, {sessions} sessions)"
        f"; {machine()}; warm = median of {args.runs} runs"
    )
    all_ok = True
    for flag, title in (
        ("--child", "Format layer (hallway.interop)"),
        ("--child-db", "Database path (SQLite, throw-away database)"),
    ):
        # A fresh interpreter so "cold" really is the first call.
        output = subprocess.run(
            [sys.executable, __file__, flag, "--runs", str(args.runs), "--file", str(args.file)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        rows = [line.split("\t") for line in output.strip().splitlines()]
        lines = []
        for step, cold, warm in rows:
            target = TARGETS.get(step)
            judged = float(cold if warm == "None" else warm)
            ok = "yes" if target is None or judged < target else "NO"
            lines.append(
                (
                    step,
                    f"{float(cold):.3f}",
                    "" if warm == "None" else f"{float(warm):.3f}",
                    f"< {target}" if target else "",
                    ok,
                )
            )
        all_ok = all_ok and all(line[-1] == "yes" for line in lines)
        print_table(title, lines, markdown=args.markdown)
    return 0 if all_ok else 1


def print_table(title: str, lines: list[tuple[str, ...]], *, markdown: bool) -> None:
    header = ("step", "cold (s)", "warm (s)", "target (s)", "ok")
    if markdown:
        print(f"\n{title}:\n")
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for line in lines:
            print("| " + " | ".join(line) + " |")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for name in header:
        table.add_column(name, justify="left" if name == "step" else "right")
    for line in lines:
        table.add_row(*line)
    Console().print(table)


if __name__ == "__main__":
    sys.exit(main())
