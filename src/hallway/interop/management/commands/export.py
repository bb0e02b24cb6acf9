"""``hallway export --format FORMAT -o FILE [EVENT]``: write the released programme."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hallway import interop
from hallway.events.models import Event
from hallway.interop.exports import export_bytes


class Command(BaseCommand):
    help = "Export the latest release (frab-xml, frab-json, ical, csv)."

    def add_arguments(self, parser):
        parser.add_argument("event", nargs="?", help="Event slug (defaults to the only umbrella).")
        parser.add_argument(
            "--format",
            required=True,
            choices=[n for n, f in interop.FORMATS.items() if f.can_export],
        )
        parser.add_argument("-o", "--output", required=True, help="File to write ('-' for stdout).")

    def handle(self, *args, event: str | None, format: str, output: str, **options):
        if event:
            target = Event.objects.filter(slug=event).first()
            if target is None:
                raise CommandError(f"No event with slug {event!r}.")
        else:
            umbrellas = list(Event.objects.filter(parent=None)[:2])
            if len(umbrellas) != 1:
                raise CommandError("Name the event: there is not exactly one umbrella event.")
            target = umbrellas[0]
        data = export_bytes(target, format)
        if output == "-":
            self.stdout.buffer.write(data) if hasattr(self.stdout, "buffer") else self.stdout.write(
                data.decode()
            )
        else:
            Path(output).write_bytes(data)
            self.stderr.write(
                f"Wrote {len(data):,} bytes of {format} for {target.slug} to {output}."
            )
