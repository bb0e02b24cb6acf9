"""``hallway remind-unconfirmed``: writes confirmation reminders for every accepted submission
whose speakers have not confirmed for some days, for cron (say daily).

The reminders wait in each event's outbox, as the dashboard's button leaves them, unless
``--send`` releases them at once.  Running it twice within ``--days`` writes nothing twice.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Write confirmation reminders for accepted, unconfirmed submissions (for cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=7, help="Waited at least this long (default 7)."
        )
        parser.add_argument("--event", action="append", help="Only this event (slug); repeat.")
        parser.add_argument(
            "--send",
            action="store_true",
            help="Send them at once instead of leaving them in the outbox for an organiser.",
        )

    def handle(self, *args, days=7, event=None, send=False, **options):
        from hallway.cfp.models import CallForPapers
        from hallway.cfp.services.decisions import remind_unconfirmed
        from hallway.cfp.services.outbox import send_messages

        if days < 1:
            raise CommandError("--days must be at least 1.")
        calls = CallForPapers.objects.select_related("event").order_by("event__slug")
        if event:
            calls = calls.filter(event__slug__in=event)
            missing = set(event) - {c.event.slug for c in calls}
            if missing:
                raise CommandError(f"No call for papers for: {', '.join(sorted(missing))}.")
        total = 0
        for cfp in calls:
            written = remind_unconfirmed(cfp.event, dt.timedelta(days=days))
            if send and written:
                send_messages(written)
            if written:
                where = "sent off" if send else "in the outbox"
                self.stdout.write(f"{cfp.event.slug}: {len(written)} reminder(s) {where}.")
            total += len(written)
        self.stdout.write(f"{total} reminder(s) written.")
