"""Guessing a schedule file's format from its first bytes (and, for JSON, its shape), so an
organiser can upload "the schedule export" without knowing what it is called.

XML and iCalendar announce themselves in the first line; the JSON formats all start with
``{`` or ``[``, so they are told apart by their top-level keys after one parse, and the
parsed document is handed on rather than parsed twice.
"""

from __future__ import annotations

from .errors import FormatError

JSON_FORMATS = ("frab-json", "schedule2-json", "sessionize", "scale-signs")


def sniff_family(data: bytes) -> str:
    """``"xml"``, ``"ical"`` or ``"json"`` from the first non-blank bytes."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<"):
        return "xml"
    if head[:15].upper() == b"BEGIN:VCALENDAR":
        return "ical"
    if head[:1] in (b"{", b"["):
        return "json"
    if not head:
        raise FormatError("the file is empty", "line 1", format=None)
    raise FormatError(
        f"unrecognised file: not XML, JSON or iCalendar (starts with {head[:20]!r})", "line 1"
    )


def sniff_json(document: object) -> str:
    """Which JSON schedule format an already parsed document is."""
    if isinstance(document, dict):
        schedule = document.get("schedule")
        if isinstance(schedule, dict):
            if isinstance(schedule.get("events"), list):
                return "schedule2-json"
            return "frab-json"
        if all(isinstance(document.get(k), list) for k in ("sessions", "speakers", "rooms")):
            return "sessionize"
    if isinstance(document, list):
        from .scale_signs import looks_like_signs  # noqa: PLC0415

        if looks_like_signs(document):
            return "scale-signs"
    raise FormatError(
        "JSON document of unknown shape: expected a frab/pretalx schedule.json "
        "({'schedule': …}), a Sessionize 'All' export or a SCaLE signs list",
        "$",
    )


def family_of(format: str) -> str:
    return {"frab-xml": "xml", "ical": "ical"}.get(format, "json")
