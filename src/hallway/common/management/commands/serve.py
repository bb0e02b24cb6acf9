"""``hallway serve``: run hallway under gunicorn (static files through whitenoise)."""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve hallway with gunicorn on 127.0.0.1:$HALLWAY_PORT (default 8000)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HALLWAY_HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("HALLWAY_PORT", "8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("HALLWAY_WORKERS", 3))
        )

    def handle(self, *args, host: str, port: str, workers: int, **options):
        if not str(port).isdigit() or not 0 < int(port) < 65536:
            raise CommandError(f"HALLWAY_PORT={port!r} is not a TCP port number.")
        from hallway.demo import DEMO_SLUG, ORGANISER_PASSWORD, ORGANISER_USERNAME
        from hallway.events.models import Event

        url = f"http://{host}:{port}/"
        self.stdout.write(f"hallway is serving on {url}")
        if Event.objects.filter(slug=DEMO_SLUG).exists():
            self.stdout.write(
                f"Demo organiser login at {url}manage/ : "
                f"{ORGANISER_USERNAME} / {ORGANISER_PASSWORD}"
            )
        self.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "hallway.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
        os.execv(sys.executable, argv)
