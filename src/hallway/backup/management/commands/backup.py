"""``hallway backup EVENT -o FILE``: one umbrella with everything that belongs to it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hallway.backup.services import backup_umbrella, write_backup
from hallway.events.models import Event


class Command(BaseCommand):
    help = "Write an umbrella event and everything in it to a backup file (.json or .json.gz)."

    def add_arguments(self, parser):
        parser.add_argument("event", help="slug of the umbrella event (or one of its sub-events)")
        parser.add_argument("-o", "--output", required=True, help="the file to write")

    def handle(self, *args, event: str, output: str, **options):
        found = Event.objects.filter(slug=event).first()
        if found is None:
            raise CommandError(f"No event with slug {event!r}.")
        document = backup_umbrella(found.umbrella)
        write_backup(document, Path(output))
        rows = sum(len(t) for t in document["tables"].values())
        self.stdout.write(
            f"Wrote {found.umbrella.slug} ({rows} rows, {len(document['users'])} accounts) "
            f"to {output}. It holds password hashes and email addresses: keep it private."
        )
