from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "hallway.interop"
    label = "interop"
