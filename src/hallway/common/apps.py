from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "hallway.common"
    label = "common"

    def ready(self) -> None:
        from hallway.common import checks  # noqa: F401 - registers the system checks
