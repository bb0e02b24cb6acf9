"""Template filters shared by every public page."""

from __future__ import annotations

from django import template

from hallway.common.markdown import render_markdown
from hallway.common.validators import DEFAULT_COLOUR, is_colour, is_safe_url

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    return render_markdown(text)


@register.filter
def minutes(value) -> str:
    """A duration in minutes as '45 min' or '1 h 30 min'."""
    total = int(value or 0)
    hours, mins = divmod(total, 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    if hours:
        return f"{hours} h"
    return f"{mins} min"


@register.filter
def language_name(code: str) -> str:
    """'en' as 'English'; an unknown code is shown as it is."""
    from django.utils.translation import get_language_info

    try:
        return get_language_info(code)["name"]
    except KeyError:
        return code


@register.filter
def safe_url(value, allow: str = "") -> str:
    """The link if it is http(s) (or mailto:, with ``safe_url:"mailto"``), else "".

    The second line of defence behind the model validators: a row written before they existed,
    or by a path that skipped them, still never becomes a ``javascript:`` href.  Templates put
    a link only where this gives something.
    """
    return value if is_safe_url(value, mailto=allow == "mailto") else ""


@register.filter
def safe_colour(value) -> str:
    """A colour for a ``style`` attribute: ``#rrggbb`` as stored, anything else a neutral grey."""
    return value if is_colour(value) else DEFAULT_COLOUR


@register.filter
def initials(name: str) -> str:
    """'Ada Lovelace' as 'AL': the stand-in for a speaker without a photo."""
    words = [w for w in str(name or "").split() if w[:1].isalpha()]
    if not words:
        return "?"
    picked = words[:1] + words[1:][-1:]
    return "".join(w[0].upper() for w in picked)


@register.filter
def room_fill(fills, session_id) -> str:
    """The room-fill label of a session ("filling up", "likely full") or ""."""
    return {"filling": "filling up", "full": "likely full"}.get((fills or {}).get(session_id), "")
