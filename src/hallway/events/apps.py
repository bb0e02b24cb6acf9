from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "hallway.events"
    label = "events"

    def ready(self) -> None:
        # Registers the role × action rules (hallway.permissions) once the models exist.
        import hallway.permissions  # noqa: F401
