from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    """Sessions, speakers, resources and exhibitors: the programme's content.

    The label stays ``program``, the app's first name: it names the tables and the migration
    history of every database already installed, and renaming it would strand them.
    """

    name = "hallway.programme"
    label = "program"
