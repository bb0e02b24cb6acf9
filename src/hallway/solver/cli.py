"""`hallway solve`: schedule a problem file from the command line, with a live progress display.

    hallway solve PROBLEM.json -o SOLUTION.json [--time-limit S] [--seed N] [--keep PREVIOUS.json]
                  [--weights missed=1,overflow=0.05,track=0.01]

Exit codes: 0 solved, 2 bad input (missing or malformed file, bad option), 3 infeasible (the
explanation is printed).  Runs as `python -m hallway.solver.cli` as well.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from .api import InfeasibleError, SolveResult, solve
from .problem import ProblemError
from .state import Weights

SPARK = "▁▂▃▄▅▆▇█"


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="hallway solve", description="Schedule a conference.")
    ap.add_argument("problem", help="problem file (hallway-scheduling-problem/1)")
    ap.add_argument("-o", "--out", required=True, help="where to write the solution")
    ap.add_argument("--time-limit", type=float, default=60.0, metavar="SECONDS")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--keep",
        metavar="PREVIOUS.json",
        help="re-plan: keep every session of this earlier solution that still "
        "fits where it was; place only the rest",
    )
    ap.add_argument(
        "--allow-moves",
        action="store_true",
        help="with --keep: also move kept sessions when that saves more missed "
        "favourites than the agendas it changes",
    )
    ap.add_argument("--weights", default="", metavar="missed=..,overflow=..,track=..")
    return ap


class _Display:
    """Objective over time: a sparkline of the best cost and the current components."""

    def __init__(self, console: Console, time_limit: float) -> None:
        self.console = console
        self.time_limit = time_limit
        self.history: list[float] = []
        self.last: dict = {}
        self.started = time.monotonic()

    def update(self, info: dict) -> None:
        self.last = info
        self.history.append(float(info.get("best", info.get("cost", 0.0))))

    def __rich__(self) -> Group:
        info = self.last
        table = Table.grid(padding=(0, 2))
        elapsed = time.monotonic() - self.started
        table.add_row(
            "phase",
            str(info.get("phase", "reading")),
            "elapsed",
            f"{elapsed:6.1f} / {self.time_limit:.0f} s",
        )
        if "best_missed" in info or "missed_bound" in info:
            table.add_row(
                "best missed",
                str(info.get("best_missed", "-")),
                "lower bound",
                str(info.get("missed_bound", "-")),
            )
        if info:
            table.add_row(
                "missed (proxy)",
                f"{info.get('missed', 0)}",
                "overflow seats",
                f"{info.get('overflow', 0):.0f}",
            )
            table.add_row(
                "track clashes",
                f"{info.get('track', 0)}",
                "best cost",
                f"{min(self.history):.1f}" if self.history else "-",
            )
        return Group(table, Text(self._spark(), style="cyan"))

    def _spark(self) -> str:
        values = self.history[-60:]
        if len(values) < 2:
            return ""
        lo, hi = min(values), max(values)
        if hi - lo < 1e-9:
            return SPARK[0] * len(values)
        return "".join(SPARK[int((v - lo) / (hi - lo) * (len(SPARK) - 1))] for v in values)


def _summary(console: Console, result: SolveResult, out: str) -> None:
    o = result.objective
    table = Table(title=f"Schedule written to {out}", show_header=False)
    table.add_row(
        "missed favourites", f"{o.missed_favourites} of {o.favourites} ({o.missed_pct:.2f}%)"
    )
    table.add_row("overflow seats", f"{o.overflow_seats:.0f}")
    table.add_row("same-track clashes", str(o.track_clashes))
    table.add_row("against the best possible", result.gap_text())
    table.add_row("first valid schedule", f"{result.first_valid_seconds:.2f} s ({result.method})")
    table.add_row("best schedule found at", f"{result.best_found_seconds:.2f} s")
    table.add_row("total time", f"{result.seconds:.2f} s")
    if result.moves:
        table.add_row("sessions changed", str(len(result.moves)))
    console.print(table)
    for move in result.moves[:50]:
        console.print(f"  {move}", highlight=False)
    if len(result.moves) > 50:
        console.print(f"  … and {len(result.moves) - 50} more")


def _say(line: str) -> None:
    """Errors are plain single lines on stderr (rich would wrap them at the terminal width)."""
    print(line, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run `solve` from the command line; return the process exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage error
        return 0 if exc.code == 0 else 2
    try:
        weights = Weights.parse(args.weights)
    except ValueError as exc:
        _say(f"error: --weights: {exc}")
        return 2
    if not Path(args.problem).is_file():
        _say(f"error: {args.problem}: no such file")
        return 2
    if args.allow_moves and not args.keep:
        _say("error: --allow-moves needs --keep PREVIOUS.json")
        return 2
    if args.keep and not Path(args.keep).is_file():
        _say(f"error: {args.keep}: no such file")
        return 2
    console = Console(stderr=True)
    display = _Display(console, args.time_limit)
    try:
        with Live(display, console=console, refresh_per_second=4, transient=True):
            result = solve(
                args.problem,
                time_limit=args.time_limit,
                seed=args.seed,
                keep=args.keep,
                allow_moves=args.allow_moves,
                weights=weights,
                on_progress=display.update,
            )
    except ProblemError as exc:
        _say(f"error: {exc}")
        return 2
    except InfeasibleError as exc:
        _say("infeasible: no valid schedule exists:")
        for reason in exc.reasons:
            _say(f"  - {reason}")
        return 3
    try:
        Path(args.out).write_text(json.dumps(result.solution, indent=1), encoding="utf-8")
    except OSError as exc:
        _say(f"error: {args.out}: cannot write ({exc.strerror or exc})")
        return 2
    _summary(Console(), result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
