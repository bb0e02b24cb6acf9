"""``hallway import FILE --event SLUG``: import a schedule file in one transaction."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hallway import interop
from hallway.interop.import_checks import TimeZoneNeeded
from hallway.interop.imports import import_programme


class Command(BaseCommand):
    help = "Import a schedule file (frab XML/JSON, Sessionize, SCaLE signage, iCalendar)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--event", required=True, help="Event slug (created if missing).")
        parser.add_argument(
            "--format", choices=[n for n, f in interop.FORMATS.items() if f.can_parse]
        )
        parser.add_argument(
            "--time-zone",
            help="IANA zone of a file's local times when it names none and the event does not "
            "exist yet (Sessionize, old pentabarf); an existing event's own zone is used "
            "otherwise.",
        )
        parser.add_argument(
            "--no-release", action="store_true", help="Only fill the work in progress."
        )

    def handle(
        self,
        *args,
        file: str,
        event: str,
        format: str | None,
        time_zone: str | None,
        no_release: bool,
        **options,
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        limit = settings.HALLWAY_MAX_IMPORT_BYTES
        if path.stat().st_size > limit:
            raise CommandError(
                f"{file}: {path.stat().st_size:,} bytes is over the {limit:,}-byte limit "
                "(HALLWAY_MAX_IMPORT_BYTES). Nothing was imported."
            )
        try:
            programme = interop.parse(
                path.read_bytes(),
                format=format,
                time_zone=time_zone,
                max_bytes=settings.HALLWAY_MAX_IMPORT_BYTES,
            )
        except interop.FormatError as exc:
            hint = " with --time-zone" if str(exc).endswith("name the event's time zone") else ""
            raise CommandError(f"{file}: {exc}{hint}. Nothing was imported.") from None
        with Progress(
            TextColumn("Importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            transient=True,
            disable=not self.stdout.isatty(),
        ) as bar:
            task = bar.add_task("import", total=len(programme.sessions))
            try:
                report = import_programme(
                    programme,
                    event,
                    release=not no_release,
                    progress=lambda n, total: bar.update(task, completed=n),
                    time_zone=time_zone,
                )
            except TimeZoneNeeded as exc:
                raise CommandError(
                    f"{file}: {exc.messages[0]} with --time-zone (an IANA name such as "
                    "Europe/Brussels). Nothing was imported."
                ) from None
            except ValidationError as exc:
                problems = "; ".join(m.rstrip(".") for m in exc.messages)
                raise CommandError(f"{file}: {problems}. Nothing was imported.") from None
        self.stdout.write(f"Imported {path.name} into {report.event.slug}:")
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if report.release:
            self.stdout.write(f"  published as release '{report.release.version}'")
        if report.notes:
            self.stdout.write(f"Notes ({len(report.notes)}):")
            for note in report.notes[:40]:
                self.stdout.write(f"  - {note}")
            if len(report.notes) > 40:
                self.stdout.write(f"  … and {len(report.notes) - 40} more")
