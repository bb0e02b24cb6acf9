"""Reading audit entries in templates: what changed, field by field."""

from __future__ import annotations

from django import template

from hallway.audit.services import changed

register = template.Library()


@register.filter
def audit_changes(entry) -> list[tuple[str, object, object]]:
    """``[(field, before, after), ...]`` of an entry (an addition's or deletion's fields have
    nothing on one side)."""
    return [(field, old, new) for field, (old, new) in changed(entry.before, entry.after).items()]
