"""``hallway load-demo``: create the generated demo conference (idempotent)."""

from django.core.management.base import BaseCommand

from hallway.demo import demo_logins, load_demo


class Command(BaseCommand):
    help = "Load the generated SCaLE-like demo conference. Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete and rebuild the demo.")

    def handle(self, *args, reset: bool = False, **options):
        summary = load_demo(reset=reset)
        verb = "Loaded" if summary.created else "Already loaded (nothing changed):"
        self.stdout.write(
            f"{verb} demo with {summary.sub_events} co-located events, {summary.sessions} "
            f"sessions, {summary.speakers} speakers, {summary.rooms} rooms, "
            f"{summary.exhibitors} exhibitors."
        )
        for role, username, password in demo_logins():
            self.stdout.write(f"Demo {role} login: {username} / {password}")
