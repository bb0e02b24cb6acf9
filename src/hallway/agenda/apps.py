from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "hallway.agenda"
    label = "agenda"
