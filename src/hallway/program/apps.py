from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "hallway.program"
    label = "program"
