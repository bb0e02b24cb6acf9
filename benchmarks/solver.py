"""Scheduler benchmark: hallway's solver against the organiser baseline and conference-scheduler.

    .venv/bin/python benchmarks/solver.py              # the full run (T S M L, seeds 0 1 2)
    .venv/bin/python benchmarks/solver.py --families T,S --seeds 0 --time-limit 10 --skip-cs

Every solution, ours or not, is scored by the referee `../shared/scheduling/bench.py evaluate`,
never by the solver's own report.  Each solver runs in its own process so that its peak memory
(`ru_maxrss` of the child) and its wall time are measured from outside.

PyCon UK's conference-scheduler (PyPI `conference-scheduler==3.0.1`) runs from its own virtual
environment (`benchmarks/.venv-cs`, created on first use) because it pins its own PuLP/CBC.  This
file is also its adapter: `benchmarks/.venv-cs/bin/python benchmarks/solver.py cs-adapter P -o S`
translates a problem into its Events/Slots (speakers become tags, and talks sharing a speaker list
each other as unavailable, because the library only enforces tags for events that have some
unavailability; lab rooms are offered as two-period slots so that workshops fit; fixed sessions are
placed beforehand) and writes the schedule it returns in our solution format.

The top of this module imports the standard library only, so the adapter runs in that other
environment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_PY = ROOT.parent / "shared" / "scheduling" / "bench.py"
CS_VENV = ROOT / "benchmarks" / ".venv-cs"
CS_REQUIREMENT = "conference-scheduler==3.0.1"
CS_TIMEOUT = 600.0
PY = sys.executable


# ----------------------------------------------------------------------------------------------
# conference-scheduler adapter (runs inside benchmarks/.venv-cs)


def cs_adapter(problem_path: str, out_path: str) -> int:
    """Schedule one problem with conference-scheduler and write a hallway solution file."""
    from conference_scheduler import scheduler
    from conference_scheduler.lp_problem import objective_functions
    from conference_scheduler.resources import Event, Slot

    t0 = time.perf_counter()
    data = json.loads(Path(problem_path).read_text())
    periods = data["periods"]
    pidx = {p["id"]: i for i, p in enumerate(periods)}
    starts = [dt.datetime.fromisoformat(p["start"]) for p in periods]
    minutes = [
        int((dt.datetime.fromisoformat(p["end"]) - s).total_seconds() // 60)
        for p, s in zip(periods, starts, strict=True)
    ]
    interested: dict[str, int] = {}
    for favs in data["attendees"]:
        for sid in favs:
            interested[sid] = interested.get(sid, 0) + 1
    show_up = float(data.get("show_up", 1.0))
    sessions = data["sessions"]
    fixed = [s for s in sessions if s.get("fixed")]
    plenary_periods = {
        pidx[s["fixed"]["period"]] + k
        for s in fixed
        if s.get("plenary")
        for k in range(s.get("length", 1))
    }
    fixed_cells = {
        (pidx[s["fixed"]["period"]] + k, s["fixed"]["room"])
        for s in fixed
        for k in range(s.get("length", 1))
    }

    # lab rooms carry two-period slots (paired within a day), every other room one-period slots
    slots, slot_cells = [], []
    for room in data["rooms"]:
        away = {pidx[p] for p in room.get("unavailable", [])}
        usable = [
            i
            for i in range(len(periods))
            if i not in away and i not in plenary_periods and (i, room["id"]) not in fixed_cells
        ]
        if "lab" in room.get("features", []):
            i = 0
            while i < len(usable):
                p = usable[i]
                if (
                    i + 1 < len(usable)
                    and usable[i + 1] == p + 1
                    and periods[p]["day"] == periods[p + 1]["day"]
                ):
                    span = int(
                        (
                            dt.datetime.fromisoformat(periods[p + 1]["end"]) - starts[p]
                        ).total_seconds()
                        // 60
                    )
                    slots.append(
                        Slot(
                            venue=room["id"],
                            starts_at=starts[p],
                            duration=span,
                            capacity=room["capacity"],
                            session=f"d{periods[p]['day']}",
                        )
                    )
                    slot_cells.append((p, room, (p, p + 1)))
                    i += 2
                else:
                    i += 1
        else:
            for p in usable:
                slots.append(
                    Slot(
                        venue=room["id"],
                        starts_at=starts[p],
                        duration=minutes[p],
                        capacity=room["capacity"],
                        session=f"d{periods[p]['day']}",
                    )
                )
                slot_cells.append((p, room, (p,)))

    speaker_away = {
        sp["id"]: {pidx[p] for p in sp.get("unavailable", [])} for sp in data.get("speakers", [])
    }
    for s in fixed:  # a fixed session's speakers are busy while it runs
        for sp in s.get("speakers", []):
            speaker_away.setdefault(sp, set()).update(
                pidx[s["fixed"]["period"]] + k for k in range(s.get("length", 1))
            )
    free = [s for s in sessions if not s.get("fixed")]
    events = []
    for s in free:
        length = s.get("length", 1)
        duration = int(
            (dt.datetime.fromisoformat(periods[length - 1]["end"]) - starts[0]).total_seconds()
            // 60
        )
        away = set().union(*(speaker_away.get(sp, set()) for sp in s.get("speakers", [])))
        blocked = [
            slot
            for slot, (p, room, cells) in zip(slots, slot_cells, strict=True)
            if set(s.get("requires", [])) - set(room.get("features", []))
            or away & set(cells)
            or len(cells) < length
        ]
        events.append(
            Event(
                name=s["id"],
                duration=duration,
                demand=round(show_up * interested.get(s["id"], 0)),
                tags=list(s.get("speakers", [])),
                unavailability=blocked,
            )
        )
    # conference-scheduler only enforces shared tags for events whose unavailability list is
    # non-empty, so talks sharing a speaker are also listed as unavailable during each other
    by_speaker: dict[str, list[int]] = {}
    for e, s in enumerate(free):
        for sp in s.get("speakers", []):
            by_speaker.setdefault(sp, []).append(e)
    for group in by_speaker.values():
        for e in group:
            events[e].add_unavailability(*(events[o] for o in group if o != e))
    placed = scheduler.solution(
        events, slots, objective_function=objective_functions.efficiency_capacity_demand_difference
    )
    assignments = {s["id"]: dict(s["fixed"]) for s in fixed}
    for e, k in placed:
        p, room, _ = slot_cells[k]
        assignments[free[e]["id"]] = {"period": periods[p]["id"], "room": room["id"]}
    Path(out_path).write_text(
        json.dumps(
            {
                "format": "hallway-scheduling-solution/1",
                "assignments": assignments,
                "solver": {"name": CS_REQUIREMENT, "seconds": round(time.perf_counter() - t0, 2)},
            }
        )
    )
    return 0


# ----------------------------------------------------------------------------------------------
# running things in measured child processes


def measured(cmd: list[str], timeout: float | None = None) -> dict:
    """Run `cmd`; return its exit code, wall seconds and peak memory (MB), killing on timeout."""
    t0 = time.perf_counter()
    # a session of its own, so that a timeout ends the solver and not only /usr/bin/time
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        timed_out = True
    return {
        "rc": proc.returncode,
        "seconds": time.perf_counter() - t0,
        "timed_out": timed_out,
        "stdout": out,
        "stderr": err,
    }


def peak_mb(cmd: list[str], timeout: float | None = None) -> dict:
    """`measured`, plus the peak resident memory of that child read with GNU time."""
    report = ROOT / "benchmarks" / f".rss-{os.getpid()}"
    result = measured(["/usr/bin/time", "-f", "%M", "-o", str(report), *cmd], timeout)
    try:
        result["peak_mb"] = int(report.read_text().split()[-1]) / 1024
    except (OSError, ValueError, IndexError):
        result["peak_mb"] = None
    finally:
        report.unlink(missing_ok=True)
    return result


def bench(*args: str) -> str:
    done = subprocess.run([PY, str(BENCH_PY), *args], capture_output=True, text=True, cwd=ROOT)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"bench.py {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def evaluate(problem: Path, solution: Path) -> dict:
    return json.loads(bench("evaluate", str(problem), str(solution), "--json"))


def run_hallway(problem: str, out: str, time_limit: float, seed: int, keep: str | None) -> int:
    """Child process body: solve with hallway and write the solution plus a stats file."""
    sys.path.insert(0, str(ROOT / "src"))
    from hallway.solver import InfeasibleError, solve

    try:
        result = solve(problem, time_limit=time_limit, seed=seed, keep=keep)
    except InfeasibleError as exc:
        print(f"infeasible: {exc}", file=sys.stderr)
        return 3
    Path(out).write_text(json.dumps(result.solution))
    Path(out + ".stats").write_text(
        json.dumps(
            {
                "first_valid_seconds": result.first_valid_seconds,
                "seconds": result.seconds,
                "method": result.method,
                "moves": [str(m) for m in result.moves],
                "missed_bound": result.missed_bound,
                "optimal": result.optimal,
                "best_found_seconds": result.best_found_seconds,
            }
        )
    )
    return 0


def feature_lower_bound(problem: dict) -> float:
    """A lower bound on unsplit overflow that, unlike the referee's, respects required features.

    Overflow is a sum over sessions, so the bound for sessions needing a feature (matched only
    to room-periods with it, largest to largest) plus the referee-style bound for the rest is
    still a bound.  Workshops must go to labs, which the referee's bound ignores."""
    counts: dict[str, int] = {}
    for favs in problem["attendees"]:
        for sid in favs:
            counts[sid] = counts.get(sid, 0) + 1
    show_up = float(problem.get("show_up", 1.0))
    n = len(problem["periods"])
    pid = [p["id"] for p in problem["periods"]]

    def bound(sessions: list[dict], rooms: list[dict]) -> float:
        caps = sorted(
            (
                r["capacity"]
                for r in rooms
                for p in range(n)
                if pid[p] not in r.get("unavailable", [])
            ),
            reverse=True,
        )
        wants = sorted((show_up * counts.get(s["id"], 0) for s in sessions), reverse=True)
        return sum(max(0.0, w - c) for w, c in zip(wants, caps, strict=False)) + sum(
            wants[len(caps) :]
        )

    # scarcest feature first; a session counts in one group only
    feats = sorted(
        {f for s in problem["sessions"] for f in s.get("requires", [])},
        key=lambda f: sum(f in r.get("features", []) for r in problem["rooms"]),
    )
    total, rest = 0.0, list(problem["sessions"])
    for f in feats:
        group = [s for s in rest if f in s.get("requires", [])]
        rest = [s for s in rest if f not in s.get("requires", [])]
        total += bound(group, [r for r in problem["rooms"] if f in r.get("features", [])])
    return total + bound(rest, problem["rooms"])


def ensure_cs_venv() -> Path:
    python = CS_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(CS_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", CS_REQUIREMENT], check=True)
    return python


# ----------------------------------------------------------------------------------------------
# the benchmark


def _median(values: list[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _fmt(value: object, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def solve_row(
    work: Path,
    family: str,
    seed: int,
    solver: str,
    args: argparse.Namespace,
    cs_python: Path | None,
) -> dict:
    problem = work / f"{family}-{seed}.json"
    sol = work / f"{family}-{seed}.{solver}.json"
    cached = work / f"{family}-{seed}.{solver}.row.json"
    if solver == "cs" and args.reuse_cs and cached.exists():
        return json.loads(cached.read_text())
    row: dict = {"family": family, "seed": seed, "solver": solver}
    if solver == "hallway":
        run = peak_mb(
            [
                PY,
                str(Path(__file__).resolve()),
                "run-hallway",
                str(problem),
                str(sol),
                str(args.time_limit),
                str(seed),
            ]
        )
        stats = json.loads(Path(str(sol) + ".stats").read_text()) if run["rc"] == 0 else {}
        row["first_valid"] = stats.get("first_valid_seconds")
        row["best_at"] = stats.get("best_found_seconds")
        row["missed_bound"] = stats.get("missed_bound")
        row["optimal"] = stats.get("optimal")
    elif solver == "track-spread":
        run = peak_mb([PY, str(BENCH_PY), "baseline", "track-spread", str(problem), "-o", str(sol)])
        row["first_valid"] = run["seconds"]
    else:
        run = peak_mb(
            [
                str(cs_python),
                str(Path(__file__).resolve()),
                "cs-adapter",
                str(problem),
                "-o",
                str(sol),
            ],
            timeout=args.cs_timeout,
        )
        row["first_valid"] = run["seconds"] if run["rc"] == 0 else None
    row.update(seconds=run["seconds"], peak_mb=run["peak_mb"])
    if run["timed_out"]:
        row["status"] = f"did not finish in {args.cs_timeout:.0f} s"
    elif run["rc"] != 0:
        row["status"] = "failed: " + (run["stderr"].strip().splitlines() or ["?"])[-1][:80]
    else:
        row["status"] = "ok"
        row["eval"] = evaluate(problem, sol)
    if solver == "cs":
        cached.write_text(json.dumps(row))
    return row


def replan_row(
    work: Path, family: str, seed: int, case: str, flags: list[str], args: argparse.Namespace
) -> dict:
    problem, old = work / f"{family}-{seed}.json", work / f"{family}-{seed}.hallway.json"
    changed = work / f"{family}-{seed}.{case}.json"
    bench("perturb", str(problem), str(old), *flags, "--seed", str(seed), "-o", str(changed))
    new = work / f"{family}-{seed}.{case}.replan.json"
    run = peak_mb(
        [
            PY,
            str(Path(__file__).resolve()),
            "run-hallway",
            str(changed),
            str(new),
            str(args.time_limit),
            str(seed),
            str(old),
        ]
    )
    row = {"family": family, "seed": seed, "case": case, "process_seconds": run["seconds"]}
    if run["rc"] != 0:
        row["status"] = "failed: " + (run["stderr"].strip().splitlines() or ["?"])[-1][:80]
        return row
    stats = json.loads(Path(str(new) + ".stats").read_text())
    cancelled = len(json.loads(changed.read_text())["perturbed"]["cancelled"])
    row.update(
        status="ok",
        seconds=stats["seconds"],
        eval=evaluate(changed, new),
        compare=json.loads(bench("compare", str(changed), str(old), str(new))),
        cancelled=cancelled,
    )
    if seed in args.scratch_seeds:
        scratch = work / f"{family}-{seed}.{case}.scratch.json"
        srun = measured(
            [
                PY,
                str(Path(__file__).resolve()),
                "run-hallway",
                str(changed),
                str(scratch),
                str(args.time_limit),
                str(seed),
            ]
        )
        if srun["rc"] == 0:
            row["scratch"] = evaluate(changed, scratch)
    return row


def solver_table(rows: list[dict], families: list[str]) -> tuple[list[str], list[list[str]]]:
    head = [
        "family",
        "seed",
        "solver",
        "hard",
        "missed %",
        "× track-spread",
        "missed",
        "missed LB",
        "gap",
        "overflow seats",
        "referee LB",
        "× LB",
        "feature LB",
        "× fLB",
        "first valid s",
        "best at s",
        "total s",
        "peak MB",
    ]
    body = []
    # hallway's proven lower bound on missed favourites holds for every solver's schedule
    bounds = {
        (r["family"], r["seed"]): r["missed_bound"]
        for r in rows
        if r["solver"] == "hallway" and r.get("missed_bound") is not None
    }
    ts = {
        (r["family"], r["seed"]): r["eval"]["missed_pct"]
        for r in rows
        if r["solver"] == "track-spread" and "eval" in r
    }
    for r in rows:
        e = r.get("eval")
        if e is None:
            body.append(
                [
                    r["family"],
                    str(r["seed"]),
                    r["solver"],
                    "–",
                    r["status"],
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    _fmt(r["seconds"], 0),
                    _fmt(r.get("peak_mb"), 0),
                ]
            )
            continue
        base = ts.get((r["family"], r["seed"]))
        ovf, lb, flb = e["overflow_unsplit_seats"], e["overflow_lower_bound"], r["feature_lb"]
        mlb = bounds.get((r["family"], r["seed"]))
        gap = "–" if mlb is None else str(e["missed_favourites"] - mlb)
        if mlb is not None and mlb > e["missed_favourites"]:
            gap += " BOUND ABOVE THIS SCHEDULE"
        elif r["solver"] == "hallway" and r.get("optimal"):
            gap += " (proven)"
        body.append(
            [
                r["family"],
                str(r["seed"]),
                r["solver"],
                str(e["hard_violations"]),
                f"{e['missed_pct']:.2f}",
                _fmt(e["missed_pct"] / base if base else None),
                str(e["missed_favourites"]),
                _fmt(mlb),
                gap,
                f"{ovf:.0f}",
                f"{lb:.0f}",
                _fmt(ovf / lb if lb else None),
                f"{flb:.0f}",
                _fmt(ovf / flb if flb else None),
                _fmt(r.get("first_valid")),
                _fmt(r.get("best_at")) if r["solver"] == "hallway" else "",
                _fmt(r["seconds"], 1),
                _fmt(r.get("peak_mb"), 0),
            ]
        )
    # medians over seeds, per family and solver
    for family in families:
        for solver in ("hallway", "track-spread", "cs"):
            mine = [
                r for r in rows if r["family"] == family and r["solver"] == solver and "eval" in r
            ]
            if not mine:
                continue
            ratio = _median(
                [
                    r["eval"]["missed_pct"] / ts[(family, r["seed"])]
                    for r in mine
                    if ts.get((family, r["seed"]))
                ]
            )
            ovf_ratio = _median(
                [
                    r["eval"]["overflow_unsplit_seats"] / r["feature_lb"]
                    for r in mine
                    if r["feature_lb"]
                ]
            )
            lb_ratio = _median(
                [
                    r["eval"]["overflow_unsplit_seats"] / r["eval"]["overflow_lower_bound"]
                    for r in mine
                    if r["eval"]["overflow_lower_bound"]
                ]
            )
            body.append(
                [
                    family,
                    "median",
                    solver,
                    str(max(r["eval"]["hard_violations"] for r in mine)),
                    _fmt(_median([r["eval"]["missed_pct"] for r in mine])),
                    _fmt(ratio),
                    _fmt(_median([r["eval"]["missed_favourites"] for r in mine]), 0),
                    "",
                    "",
                    _fmt(_median([r["eval"]["overflow_unsplit_seats"] for r in mine]), 0),
                    "",
                    _fmt(lb_ratio),
                    "",
                    _fmt(ovf_ratio),
                    _fmt(_median([r.get("first_valid") for r in mine])),
                    _fmt(_median([r.get("best_at") for r in mine])) if solver == "hallway" else "",
                    _fmt(_median([r["seconds"] for r in mine]), 1),
                    _fmt(max((r["peak_mb"] or 0) for r in mine), 0),
                ]
            )
    return head, body


def replan_table(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    head = [
        "family",
        "seed",
        "case",
        "hard",
        "moved in time",
        "room only",
        "agendas changed %",
        "missed %",
        "from scratch missed %",
        "overflow",
        "from scratch overflow",
        "solve s",
        "process s",
    ]
    body = []
    for r in rows:
        if r["status"] != "ok":
            body.append(
                [r["family"], str(r["seed"]), r["case"], "–", r["status"]]
                + [""] * 7
                + [_fmt(r["process_seconds"])]
            )
            continue
        e, c, sc = r["eval"], r["compare"], r.get("scratch")
        body.append(
            [
                r["family"],
                str(r["seed"]),
                r["case"],
                str(e["hard_violations"]),
                str(c["sessions_moved_in_time"]),
                str(c["sessions_moved_room_only"]),
                f"{c['attendees_with_changed_agenda_pct']:.2f}",
                f"{e['missed_pct']:.2f}",
                f"{sc['missed_pct']:.2f}" if sc else "–",
                f"{e['overflow_unsplit_seats']:.0f}",
                f"{sc['overflow_unsplit_seats']:.0f}" if sc else "–",
                _fmt(r["seconds"]),
                _fmt(r["process_seconds"]),
            ]
        )
    for case in dict.fromkeys(r["case"] for r in rows):
        ok = [r for r in rows if r["case"] == case and r["status"] == "ok"]
        if ok:
            body.append(
                [
                    "all",
                    "median",
                    case,
                    str(max(r["eval"]["hard_violations"] for r in ok)),
                    _fmt(_median([r["compare"]["sessions_moved_in_time"] for r in ok]), 1),
                    _fmt(_median([r["compare"]["sessions_moved_room_only"] for r in ok]), 1),
                    _fmt(_median([r["compare"]["attendees_with_changed_agenda_pct"] for r in ok])),
                    "",
                    "",
                    "",
                    "",
                    _fmt(_median([r["seconds"] for r in ok])),
                    _fmt(_median([r["process_seconds"] for r in ok])),
                ]
            )
    return head, body


def markdown(head: list[str], body: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines)


def print_table(title: str, head: list[str], body: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for h in head:
        table.add_column(h, overflow="fold")
    for row in body:
        table.add_row(*row)
    Console(width=200).print(table)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores (`nproc`), {model}{mem}"


REPLAN_CASES = {
    "cancel-1": ["--cancel", "1"],
    "cancel-5": ["--cancel", "5"],
    "speaker-away-1": ["--speaker-away", "1"],
    "room-lost-1": ["--room-lost", "1"],
}


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def _words(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def run(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--families", type=_words, default=["T", "S", "M", "L"])
    ap.add_argument("--seeds", type=_ints, default=[0, 1, 2])
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--skip-cs", action="store_true", help="do not run conference-scheduler")
    ap.add_argument(
        "--cs-only",
        action="store_true",
        help="only run conference-scheduler (cached for a later --reuse-cs run)",
    )
    ap.add_argument(
        "--reuse-cs",
        action="store_true",
        help="reuse conference-scheduler results cached in the work directory",
    )
    ap.add_argument(
        "--cs-large-seeds",
        type=_ints,
        default=[0],
        help="seeds on which conference-scheduler runs for M and L (default 0)",
    )
    ap.add_argument("--cs-timeout", type=float, default=CS_TIMEOUT)
    ap.add_argument(
        "--replan-families",
        type=_words,
        default=None,
        help="families for the re-planning table (default: those of --families except T)",
    )
    ap.add_argument(
        "--scratch-seeds",
        type=_ints,
        default=[0],
        help="seeds whose changed problems are also solved from scratch",
    )
    ap.add_argument("--skip-replan", action="store_true")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/hallway-bench-solver"))
    ap.add_argument(
        "--update",
        type=Path,
        default=None,
        metavar="BENCHMARKS.md",
        help="replace the '## Solver' section of this file with the results",
    )
    args = ap.parse_args(argv)
    if not BENCH_PY.is_file():
        print(
            f"error: {BENCH_PY} not found (../shared is needed for the benchmark)", file=sys.stderr
        )
        return 2
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    cs_python = None if args.skip_cs else ensure_cs_venv()
    rows: list[dict] = []
    for family in args.families:
        for seed in args.seeds:
            problem = work / f"{family}-{seed}.json"
            if not problem.exists():
                bench("generate", family, str(seed), "-o", str(problem))
            flb = feature_lower_bound(json.loads(problem.read_text()))
            solvers = [] if args.cs_only else ["hallway", "track-spread"]
            if cs_python and (family in ("T", "S") or seed in args.cs_large_seeds):
                solvers.append("cs")
            for solver in solvers:
                row = solve_row(work, family, seed, solver, args, cs_python)
                row["feature_lb"] = flb
                rows.append(row)
                e = row.get("eval", {})
                print(
                    f"{family}-{seed} {solver:13} {row['status']:>10} "
                    f"missed {e.get('missed_pct', '–')}% overflow "
                    f"{e.get('overflow_unsplit_seats', '–')} in {row['seconds']:.1f} s",
                    flush=True,
                )
    head, body = solver_table(rows, args.families)
    print_table("Scheduling quality (referee: bench.py evaluate)", head, body)
    sections = [markdown(head, body)]
    if not args.cs_only and not args.skip_replan:
        rrows = []
        families = args.replan_families or [f for f in args.families if f != "T"]
        for family in families:
            for seed in args.seeds:
                for case, flags in REPLAN_CASES.items():
                    r = replan_row(work, family, seed, case, flags, args)
                    rrows.append(r)
                    print(
                        f"{family}-{seed} {case:15} {r['status']} {r.get('compare', {})}",
                        flush=True,
                    )
        rhead, rbody = replan_table(rrows)
        print_table("Re-planning (bench.py perturb / compare / evaluate)", rhead, rbody)
        sections.append(markdown(rhead, rbody))
    command = "benchmarks/solver.py " + " ".join(argv) if argv else "benchmarks/solver.py"
    report = "\n\n".join(
        [
            f"Command: `.venv/bin/python {command}` · started {started:%Y-%m-%d %H:%M} UTC · "
            f"machine: {machine()}",
            *sections,
        ]
    )
    (work / "solver-tables.md").write_text(report + "\n")
    print(f"\nMarkdown tables written to {work / 'solver-tables.md'}")
    if args.update:
        update_section(args.update, report)
    return 0


def update_section(path: Path, body: str) -> None:
    """Replace (or add) the `## Solver` section of BENCHMARKS.md, leaving other sections alone."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "## Solver"), None)
    if start is None:
        lines += ["", "## Solver", "", body]
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        results = [i for i in range(start, end) if lines[i].strip() == "### Results"]
        keep_until = results[0] + 1 if results else start + 1
        lines[keep_until:end] = ["", body, ""]
    path.write_text("\n".join(lines).rstrip() + "\n")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["cs-adapter"]:
        return cs_adapter(args[1], args[3])
    if args[:1] == ["run-hallway"]:
        keep = args[5] if len(args) > 5 else None
        return run_hallway(args[1], args[2], float(args[3]), int(args[4]), keep)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
