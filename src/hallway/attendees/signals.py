"""Logging in merges the agendas this device holds (one cookie per umbrella) into the
account's, so stars made before logging in are never lost."""

from __future__ import annotations

from hallway.attendees import services

PREFIX = "hallway_agenda_"


def merge_device_agendas(sender, request, user, **kwargs) -> None:
    if request is None:
        return
    tokens = [value for name, value in request.COOKIES.items() if name.startswith(PREFIX)]
    if tokens:
        services.adopt_on_login(user, tokens)
