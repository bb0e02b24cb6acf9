from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "hallway.common"
    label = "common"
