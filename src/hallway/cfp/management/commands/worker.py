"""``hallway worker``: sends the call for papers' mail queued in the database, and tries
failed sends again while it runs.

Each round it queues the failed messages whose next try is due (``services.mail.retry_due``: the
delay doubles from ``HALLWAY_MAIL_RETRY_SECONDS``, up to ``HALLWAY_MAIL_MAX_ATTEMPTS`` tries),
then runs every task that is ready (django-tasks' database worker), then waits ``--interval``
seconds.  So a mail server that was down for an hour loses nothing and needs no restart of
the worker.  With the default immediate backend (``HALLWAY_TASKS=immediate``) tasks run in the
request that queued them; the worker then only does the retries.
"""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections


class Command(BaseCommand):
    help = "Send queued call-for-papers mail, and try failed sends again with a growing delay."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1, help="Seconds between rounds.")
        parser.add_argument(
            "--batch", action="store_true", help="One round (what is due now), then exit."
        )
        parser.add_argument(
            "--until-idle",
            action="store_true",
            help="Exit once nothing is queued and no failed message will be tried again.",
        )

    def handle(self, *args, interval=1, batch=False, until_idle=False, **options):
        stop = threading.Event()
        current: list = []

        def shut_down(signum, frame):
            stop.set()
            for worker in current:
                worker.running = False  # finish the task being sent, then stop

        previous = {}
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                previous[signum] = signal.signal(signum, shut_down)
        try:
            self._rounds(stop, current, interval, batch, until_idle, options)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _rounds(self, stop, current, interval, batch, until_idle, options):
        from django_tasks_db.management.commands.db_worker import Worker
        from django_tasks_db.models import DBTaskResult

        from hallway.cfp.models import Message
        from hallway.cfp.services.mail import retry_due

        database = "DatabaseBackend" in settings.TASKS["default"]["BACKEND"]
        verbose = options.get("verbosity", 1) > 0
        while not stop.is_set():
            close_old_connections()
            retried = retry_due()
            if retried and verbose:
                self.stdout.write(f"Trying {retried} failed message(s) again.")
            if database:
                worker = Worker(
                    queue_names=["default"],
                    interval=0,
                    batch=True,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=None,
                    worker_id=f"hallway-{threading.get_ident()}",
                    excluded_queue_names=[],
                )
                current[:] = [worker]
                worker.run()
            if batch:
                break
            if until_idle:
                retrying = Message.objects.filter(
                    state=Message.FAILED, next_attempt_at__isnull=False
                ).exists()
                if not retrying and not (database and DBTaskResult.objects.ready().exists()):
                    break
            stop.wait(interval)
