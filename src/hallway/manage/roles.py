"""Giving and taking organiser and reviewer roles, each written to the event's audit log.

Pages and commands that change roles call these (the admin's role pages are logged by
``manage.admin.base``); asking ``hallway.manage_roles`` first is theirs and these functions'.
"""

from __future__ import annotations

from django.db import transaction

from hallway.audit.services import record
from hallway.events.models import Event, EventRole
from hallway.permissions import forget_roles, require


@transaction.atomic
def grant_role(event: Event, user, role: str, *, by) -> EventRole:
    """Give ``user`` ``role`` on ``event`` (nothing happens if they hold it already)."""
    require(by, "hallway.manage_roles", event)
    granted, created = EventRole.objects.get_or_create(event=event, user=user, role=role)
    if created:
        record(
            event,
            "role.added",
            by=by,
            obj=granted,
            after={"user": user.pk, "username": user.get_username(), "role": role},
        )
    forget_roles(user)
    return granted


@transaction.atomic
def revoke_role(granted: EventRole, *, by) -> None:
    require(by, "hallway.manage_roles", granted.event)
    record(
        granted.event,
        "role.removed",
        by=by,
        obj=granted,
        before={
            "user": granted.user_id,
            "username": granted.user.get_username(),
            "role": granted.role,
        },
    )
    granted.delete()
    forget_roles(granted.user)
