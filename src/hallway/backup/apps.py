from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "hallway.backup"
    label = "backup"
