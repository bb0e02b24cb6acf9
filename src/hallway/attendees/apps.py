from django.apps import AppConfig


class AttendeesConfig(AppConfig):
    name = "hallway.attendees"
    label = "attendees"
