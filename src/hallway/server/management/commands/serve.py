"""``hallway serve``: run hallway under gunicorn (static files through whitenoise).

Before gunicorn starts, the command collects the static files *with the settings it serves
with*: the hashed file names the pages link to are exactly the files written, whatever
``HALLWAY_DEBUG`` or ``HALLWAY_MODE`` say (a collect under other settings was how the first
``make demo`` came to serve every page without its styles).  It also runs Django's system
checks, with ``--deploy`` in production mode, and refuses to start on any error or warning.
"""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def gunicorn_argv(host: str, port: str, workers: int) -> list[str]:
    """The gunicorn command line.  Forwarded headers (``X-Forwarded-Proto``) are trusted only
    when ``HALLWAY_BEHIND_PROXY=1`` says a proxy terminates TLS, and then only from the
    addresses in ``HALLWAY_FORWARDED_ALLOW_IPS`` (the local host by default)."""
    trusted = ""
    if getattr(settings, "HALLWAY_BEHIND_PROXY", False):
        trusted = os.environ.get("HALLWAY_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
    return [
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
        f"--forwarded-allow-ips={trusted}",
    ]


class Command(BaseCommand):
    help = "Serve hallway with gunicorn on 127.0.0.1:$HALLWAY_PORT (default 8000)."
    requires_system_checks = []  # run below, with --deploy in production

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HALLWAY_HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("HALLWAY_PORT", "8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("HALLWAY_WORKERS", 3))
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="do not collect static files first (they were collected with these settings)",
        )

    def handle(self, *args, host: str, port: str, workers: int, no_collectstatic, **options):
        if not str(port).isdigit() or not 0 < int(port) < 65536:
            raise CommandError(f"HALLWAY_PORT={port!r} is not a TCP port number.")
        call_command(
            "check", deploy=settings.PRODUCTION, fail_level="WARNING", databases=["default"]
        )
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)

        url = f"http://{host}:{port}/"
        self.stdout.write(f"hallway is serving on {url}")
        if not settings.PRODUCTION:
            from hallway.demo import demo_logins

            for role, username, password in demo_logins():
                self.stdout.write(f"Demo {role} login at {url}manage/ : {username} / {password}")
        self.stdout.flush()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
        argv = gunicorn_argv(host, port, workers)
        os.execv(sys.executable, argv)
