"""What hallway accepts as a link or a colour, in one place, for every way data comes in.

Links end up in ``href`` attributes and in exports that apps open, so only schemes that cannot
run code are stored: ``http`` and ``https`` (and ``mailto`` where an address is meant).  The
check is an allow-list on the value exactly as stored, not a deny-list of bad schemes: a browser
strips leading whitespace and control characters, removes tabs and newlines anywhere and decodes
entities before it looks at a scheme, so every trick (``" JaVa\\tscript:"``, ``&#106;avascript:``)
simply fails to *start* with ``http://`` and is refused.

The predicates are plain Python so the format layer (``hallway.interop``, which imports no
Django) uses the same rule when it writes exports; the validators wrap them for models and forms.
"""

from __future__ import annotations

import re

# A scheme, "//", a non-empty host, then no whitespace or control character anywhere (a URL
# with a raw space or newline is not one browsers and exporters agree on).
_WEB_URL = re.compile(r"https?://[^\s/?#\\\x00-\x1f\x7f]+[^\s\x00-\x1f\x7f]*", re.IGNORECASE)
_MAILTO = re.compile(r"mailto:[^\s@:/\\\x00-\x1f\x7f]+@[^\s@/\\\x00-\x1f\x7f]+", re.IGNORECASE)
# A relative reference ("/system/attachments/…" as frab writes attachments, or a bare
# "www.example.org" some files hold): nothing before its first "/", "?" or "#" has a ":", so it
# has no scheme and cannot run code.  "//host" and "\\host" (other sites) are left out.
_RELATIVE = re.compile(r"(?![/\\][/\\])[^:/?#&\\\s\x00-\x1f\x7f]*(?:[/?#][^\s\x00-\x1f\x7f]*)?")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")

#: Where a colour is not valid it is rendered as this neutral grey.
DEFAULT_COLOUR = "#666666"


def is_safe_url(value: object, *, mailto: bool = False, relative: bool = False) -> bool:
    """True if ``value`` is an http(s) URL (or, with ``mailto``, a mailto: address; with
    ``relative``, a reference without a scheme, which only the XML export passes on as the
    file had it)."""
    if not isinstance(value, str) or not value:
        return False
    if _WEB_URL.fullmatch(value):
        return True
    if mailto and _MAILTO.fullmatch(value):
        return True
    return relative and _RELATIVE.fullmatch(value) is not None


def is_colour(value: object) -> bool:
    """True if ``value`` is a CSS colour as ``#rrggbb`` (the only form stored or rendered)."""
    return isinstance(value, str) and _COLOUR.fullmatch(value) is not None


def _refuse(message: str, value: object):
    from django.core.exceptions import ValidationError  # noqa: PLC0415 - keep the predicates pure

    shown = repr(value)[:80]
    return ValidationError(message, code="invalid", params={"value": shown})


def validate_web_url(value: str) -> None:
    """Model and form validator: only http(s) links are stored."""
    if value and not is_safe_url(value):
        raise _refuse("%(value)s is not an http:// or https:// link.", value)


def validate_link_url(value: str) -> None:
    """Model and form validator for a person's links: http(s) or a mailto: address."""
    if value and not is_safe_url(value, mailto=True):
        raise _refuse("%(value)s is not an http://, https:// or mailto: link.", value)


def validate_colour(value: str) -> None:
    if not is_colour(value):
        raise _refuse("%(value)s is not a colour written as #rrggbb.", value)


def validate_links(value: object) -> None:
    """A JSON list of ``{"title": ..., "url": ...}`` whose every URL is a safe link."""
    if not isinstance(value, list) or not all(
        isinstance(link, dict) and isinstance(link.get("title", ""), str) for link in value
    ):
        raise _refuse('%(value)s is not a list of {"title", "url"}.', value)
    for link in value:
        url = link.get("url")
        if not url:
            raise _refuse("%(value)s has no url.", link)
        validate_link_url(url)


def check_fields(instance, *, exclude: tuple[str, ...] = ()) -> None:
    """Run every field validator of ``instance`` (lengths, choices, ranges, URLs, colours).

    The same rules the organiser forms apply, for rows written in bulk (imports, commands).
    Relations are left out: callers set them to rows they just read or created, and checking
    each would cost a query per row.
    """
    relations = tuple(f.name for f in instance._meta.fields if f.is_relation)
    instance.clean_fields(exclude=[*relations, *exclude])
    # The admin's form fields refuse NUL characters (PostgreSQL cannot store them in text or
    # jsonb: a raw database error); model fields do not, so rows written in bulk check here.
    for field in instance._meta.fields:
        if field.name not in relations and _holds_nul(getattr(instance, field.attname)):
            from django.core.exceptions import ValidationError  # noqa: PLC0415

            raise ValidationError({field.name: "Null characters are not allowed."})


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(v) for v in value)
    return False
