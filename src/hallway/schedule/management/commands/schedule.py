"""``hallway schedule optimize EVENT``: let the scheduler propose a programme.

It builds the problem from the database, solves it (re-planning from the current work in
progress unless ``--from-scratch``), writes the proposal into the work-in-progress schedule,
prints the diff against the current release, and releases nothing.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from hallway.common.tracing import span
from hallway.events.models import Event
from hallway.schedule.planning import apply_solution, build_problem
from hallway.schedule.services import (
    diff_schedules,
    ensure_not_frozen,
    latest_release,
    wip_schedule,
)


class Command(BaseCommand):
    help = "Scheduling tools. 'optimize EVENT' proposes a schedule into the work in progress."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        opt = sub.add_parser("optimize", help="Propose a schedule into the work in progress.")
        opt.add_argument("event", help="Slug of the umbrella event (or one of its sub-events).")
        opt.add_argument("--time-limit", type=float, default=60.0)
        opt.add_argument("--seed", type=int, default=0)
        opt.add_argument(
            "--from-scratch",
            action="store_true",
            help="Ignore the current placement instead of moving as little as possible.",
        )
        opt.add_argument(
            "--allow-moves",
            action="store_true",
            help="When re-planning, also move sessions that still fit if that saves more "
            "missed favourites than the agendas it changes.",
        )
        opt.add_argument("--dry-run", action="store_true", help="Solve and report; write nothing.")
        opt.add_argument("--problem-out", help="Also write the problem JSON to this file.")
        exp = sub.add_parser("export-problem", help="Write the scheduling problem as JSON.")
        exp.add_argument("event")
        exp.add_argument("-o", "--output", required=True)

    def handle(self, *args, action: str, **options):
        try:
            event = Event.objects.get(slug=options["event"])
        except Event.DoesNotExist:
            raise CommandError(f"No event with slug {options['event']!r}.") from None
        planning = build_problem(event)
        if action == "export-problem":
            with open(options["output"], "w") as fh:
                json.dump(planning.problem, fh, indent=1)
            self.stdout.write(
                f"Wrote {len(planning.problem['sessions'])} sessions to {options['output']}."
            )
            return
        try:
            ensure_not_frozen(event)
        except ValidationError as frozen:
            raise CommandError(frozen.messages[0]) from None
        self._optimize(event, planning, options)

    def _optimize(self, event, planning, options) -> None:
        from hallway.solver import InfeasibleError, solve

        console = Console(file=self.stdout._out, highlight=False)
        if options["problem_out"]:
            with open(options["problem_out"], "w") as fh:
                json.dump(planning.problem, fh, indent=1)
        keep = None if options["from_scratch"] else planning.current
        if keep is not None and not keep["assignments"]:
            keep = None
        console.print(
            f"Scheduling {len(planning.problem['sessions'])} sessions of {event.umbrella} into "
            f"{len(planning.periods)} periods × {len(planning.rooms)} rooms "
            f"({'re-planning from the work in progress' if keep else 'from scratch'}, "
            f"{len(planning.problem['attendees'])} attendees' favourites)."
        )
        with console.status("Solving…") as status:

            def progress(info: dict) -> None:
                status.update(
                    f"Solving… {info.get('elapsed', 0):5.1f}s  phase {info.get('phase', '')}  "
                    f"best missed≈{info.get('best_missed', info.get('missed', '?'))} "
                    f"(at least {info.get('missed_bound', 0)})  "
                    f"overflow≈{info.get('overflow', '?')}  "
                    f"{info.get('time_left', 0):.0f}s left"
                )

            try:
                with span("hallway.solve", event=event.slug, sessions=len(planning.sessions)):
                    result = solve(
                        planning.problem,
                        time_limit=options["time_limit"],
                        seed=options["seed"],
                        keep=keep,
                        allow_moves=options["allow_moves"] and keep is not None,
                        on_progress=progress,
                    )
            except InfeasibleError as exc:
                raise CommandError("No valid schedule: " + "; ".join(exc.reasons)) from None
        obj = result.objective
        console.print(
            f"Missed favourites {obj.missed_favourites}/{obj.favourites} ({obj.missed_pct:.1f}%), "
            f"overflow seats {max(0.0, obj.overflow_seats):.0f}, "
            f"same-track clashes {obj.track_clashes}; "
            f"{result.seconds:.1f}s."
        )
        console.print(result.gap_text() + ".")
        for move in result.moves[:50]:
            console.print(f"  {move}")
        if options["dry_run"]:
            console.print("Dry run: the work in progress is unchanged.")
            return
        try:
            changed = apply_solution(planning, result.solution, event)
        except ValidationError as exc:
            raise CommandError(
                "The proposal has conflicts; the work in progress is unchanged: "
                + "; ".join(exc.messages[:10])
            ) from None
        console.print(
            f"Wrote the proposal into the work in progress: {changed} session parts changed place."
        )
        self._print_changes(console, event)

    def _print_changes(self, console, event) -> None:
        """The work in progress against the latest release, as a table of what moved."""
        wip = wip_schedule(event.umbrella)
        release = latest_release(event)
        diff = diff_schedules(release, wip)
        table = Table(
            title=f"Work in progress against release {release.version if release else '(none)'}"
        )
        for column in ("Session", "Before", "After"):
            table.add_column(column)
        tz = event.tz
        fmt = "%a %H:%M"
        for before, after in diff.moved[:60]:
            table.add_row(
                after.session.title[:60],
                f"{before.start.astimezone(tz):{fmt}} {before.room.name if before.room else ''}",
                f"{after.start.astimezone(tz):{fmt}} {after.room.name if after.room else ''}",
            )
        for slot in diff.added[:20]:
            table.add_row(slot.session.title[:60], "—", f"{slot.start.astimezone(tz):{fmt}}")
        for slot in diff.removed[:20]:
            table.add_row(slot.session.title[:60], f"{slot.start.astimezone(tz):{fmt}}", "—")
        console.print(table)
        console.print(
            f"{len(diff.moved)} moved, {len(diff.added)} added, {len(diff.removed)} removed. "
            "Nothing was released: review it, then release from the organiser area."
        )
