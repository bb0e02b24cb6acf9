"""``hallway worker``: runs the background tasks (mail to speakers) queued in the database.

Needed only with ``HALLWAY_TASKS=database``; with the default immediate backend every task
runs in the request that queued it.  Failed messages are sent again at start-up, so a mail
server that was down loses nothing.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Send queued call-for-papers mail in the background (wraps django-tasks' db_worker)."

    def add_arguments(self, parser):
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument("--interval", type=float, default=1)
        parser.add_argument(
            "--batch", action="store_true", help="Send what is queued, then exit (for cron)."
        )

    def handle(self, *args, max_tasks=None, interval=1, batch=False, **options):
        from hallway.cfp.models import Message
        from hallway.cfp.services import send_messages

        backend = settings.TASKS["default"]["BACKEND"]
        if "DatabaseBackend" not in backend:
            self.stdout.write("Tasks run immediately (HALLWAY_TASKS=immediate): no worker needed.")
            return
        failed = list(Message.objects.filter(state=Message.FAILED))
        if failed:
            self.stdout.write(f"Trying {send_messages(failed)} failed message(s) again.")
        kwargs = {"interval": interval, "reload": False, "batch": batch, "startup_delay": False}
        if max_tasks:
            kwargs["max_tasks"] = max_tasks
        call_command("db_worker", verbosity=options.get("verbosity", 1), **kwargs)
