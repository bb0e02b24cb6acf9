"""Every model's page in the organiser area, one module per app, registered on import
(Django's admin autodiscovery imports this package)."""

from hallway.manage.admin import attendees, cfp, events, programme, schedule  # noqa: F401
