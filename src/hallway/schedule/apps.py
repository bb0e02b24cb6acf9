from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "hallway.schedule"
    label = "schedule"
