from django.apps import AppConfig


class ServerConfig(AppConfig):
    """Running hallway: `hallway serve`, the demo loader and the deployment checks.  It sits
    at the top of the apps (it may use any of them, none uses it)."""

    name = "hallway.server"
    label = "server"

    def ready(self) -> None:
        # Registers the role × action rules once every model exists, and the system checks.
        import hallway.permissions  # noqa: F401
        from hallway.server import checks  # noqa: F401
