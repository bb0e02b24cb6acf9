"""``hallway restore FILE``: bring back an umbrella from ``hallway backup``, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hallway.backup.services import RestoreError, read_backup, restore_umbrella


class Command(BaseCommand):
    help = "Restore an umbrella event from a backup file into this database."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            report = restore_umbrella(read_backup(path))
        except RestoreError as exc:
            raise CommandError(f"Not restored: {exc}") from None
        rows = sum(report.counts.values())
        self.stdout.write(
            f"Restored {report.umbrella}: {rows} rows; accounts: {report.users_created} created, "
            f"{report.users_matched} matched by username."
        )
        if report.renumbered:
            self.stdout.write(
                "Ids taken in this database were renumbered for: "
                + ", ".join(report.renumbered)
                + " (numeric ids in frab exports of those change; guids and URLs do not)."
            )
