from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "hallway.schedule"
    label = "schedule"

    def ready(self) -> None:
        from hallway.schedule.publication import connect_signals

        connect_signals()
