"""Old and new solver code on the same instance at the same time, judged by the referee.

    .venv/bin/python benchmarks/solver_side_by_side.py --tree new=. \\
        --tree old=/work/wt-solver-base --runs S:0,1,2,3 --runs M:0,1,2 --time-limit 60

Each `--tree NAME=PATH` is a checkout of hallway (a `git worktree` or a `git archive` of a
commit).  For every instance, one process per tree runs `PATH/benchmarks/solver.py run-hallway`
at the same moment, so on a shared machine every tree sees the same load; the schedules are then
scored by `../shared/scheduling/bench.py evaluate` (never by the solver's own report).  Prints a
Markdown table: missed favourites and unsplit overflow per tree, new ÷ old, the lower bound and
the gap the first tree reports, and when its best schedule was found.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_PY = ROOT.parent / "shared" / "scheduling" / "bench.py"


def _bench(*args: str) -> str:
    done = subprocess.run([sys.executable, str(BENCH_PY), *args], capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"bench.py {args[0]} failed: {done.stderr.strip()}")
    return done.stdout


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_instance(
    trees: dict[str, Path], problem: Path, out: Path, limit: float, seed: int
) -> dict[str, dict]:
    """Run every tree on `problem` at once; return the referee's report and the stats per tree."""
    procs = {}
    for name, tree in trees.items():
        solution = out / f"{problem.stem}-{name}-{seed}.json"
        cmd = [sys.executable, str(tree / "benchmarks" / "solver.py"), "run-hallway"]
        cmd += [str(problem), str(solution), str(limit), str(seed)]
        procs[name] = (subprocess.Popen(cmd), solution)
    results = {}
    for name, (proc, solution) in procs.items():
        proc.wait()
        report = json.loads(_bench("evaluate", str(problem), str(solution), "--json"))
        stats = json.loads(Path(str(solution) + ".stats").read_text())
        results[name] = {"eval": report, "stats": stats}
    return results


def _runs(text: str) -> tuple[str, list[int]]:
    family, _, seeds = text.partition(":")
    return family, [int(s) for s in seeds.split(",") if s]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--tree", action="append", required=True, help="NAME=PATH; first is new")
    ap.add_argument("--runs", action="append", type=_runs, required=True, help="FAMILY:SEEDS")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/hallway-bench-side"))
    args = ap.parse_args(argv)
    trees = {n: Path(p).resolve() for n, p in (t.split("=", 1) for t in args.tree)}
    names = list(trees)
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    head = ["instance", *(f"{n} missed" for n in names)]
    head += [f"{names[0]} ÷ {n}" for n in names[1:]]
    head += [*(f"{n} overflow" for n in names), "bound", "gap", "best at s", "load before"]
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head), flush=True)
    rows = []
    for family, seeds in args.runs:
        for seed in seeds:
            problem = work / f"{family}-{seed}.json"
            if not problem.exists():
                _bench("generate", family, str(seed), "-o", str(problem))
            load = _load()
            began = time.time()
            res = run_instance(trees, problem, work, args.time_limit, seed)
            missed = {n: res[n]["eval"]["missed_favourites"] for n in names}
            hard = sum(res[n]["eval"]["hard_violations"] for n in names)
            first = res[names[0]]["stats"]
            bound = first.get("missed_bound", 0)
            cells = [f"{family}-{seed}", *(str(missed[n]) for n in names)]
            cells += [f"{missed[names[0]] / max(1, missed[n]):.2f}" for n in names[1:]]
            cells += [f"{res[n]['eval']['overflow_unsplit_seats']:.0f}" for n in names]
            cells += [str(bound), str(missed[names[0]] - bound)]
            cells += [f"{first.get('best_found_seconds', 0):.1f}", load]
            if hard:
                cells[0] += f" ({hard} hard violations!)"
            print("| " + " | ".join(cells) + " |", flush=True)
            rows.append({"family": family, "seed": seed, "began": began, "results": res})
    (work / "side-by-side.json").write_text(json.dumps(rows, indent=1))
    print(f"load after: {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
