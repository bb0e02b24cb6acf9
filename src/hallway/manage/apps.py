from django.apps import AppConfig


class ManageConfig(AppConfig):
    """The organiser area (``/manage/``): the event-scoped admin for raw data over every app,
    asking hallway.permissions for every list, page and save.  It sits above the apps whose
    data it shows; none of them imports it."""

    name = "hallway.manage"
    label = "manage"
