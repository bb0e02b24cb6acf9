"""Writing and reading the audit log.

Call :func:`record` inside the same transaction as the change it describes, so a change that
is rolled back leaves no entry and an entry never describes a change that did not happen.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from hallway.audit.models import AuditEntry
from hallway.events.models import Event


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """The named fields of ``obj`` as JSON-ready values (foreign keys by id)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = getattr(obj, field.attname)
    return values


def changed(before: dict | None, after: dict | None) -> dict[str, tuple]:
    """``{field: (old, new)}`` for the fields whose value differs."""
    before, after = before or {}, after or {}
    return {
        key: (before.get(key), after.get(key))
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record(
    event: Event,
    action: str,
    *,
    by=None,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditEntry:
    """Write one entry; ``by`` is the user who acted (``None`` for the system itself)."""
    actor = by if getattr(by, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        event=event,
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        before=before,
        after=after,
        note=note[:500],
    )


def entries_for_event(event: Event) -> models.QuerySet[AuditEntry]:
    """An umbrella's log includes its co-located events' entries."""
    ids = [event.pk, *event.sub_events.values_list("pk", flat=True)]
    return AuditEntry.objects.filter(event_id__in=ids).select_related("actor", "event")


def entries_for_object(obj: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor", "event")
