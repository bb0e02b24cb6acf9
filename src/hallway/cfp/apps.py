from django.apps import AppConfig


class CfpConfig(AppConfig):
    name = "hallway.cfp"
    verbose_name = "Call for papers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hallway.cfp import permissions  # noqa: F401 - registers the rules
