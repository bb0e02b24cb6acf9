from django.apps import AppConfig


class AttendeesConfig(AppConfig):
    name = "hallway.attendees"
    label = "attendees"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from hallway.attendees.signals import merge_device_agendas

        user_logged_in.connect(merge_device_agendas, dispatch_uid="attendees:merge-on-login")
