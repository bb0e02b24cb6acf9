from django.apps import AppConfig


class ServerConfig(AppConfig):
    """Running hallway: `hallway serve`, the demo loader and the deployment checks.  It sits
    at the top of the apps (it may use any of them, none uses it)."""

    name = "hallway.server"
    label = "server"

    def ready(self) -> None:
        from hallway.server import checks  # noqa: F401 - registers the system checks
