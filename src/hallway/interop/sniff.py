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
    """Which JSON schedule format an already parsed document is; for one hallway does not
    read, a FormatError saying what was recognised of it and why that is not enough."""
    from .scale_signs import looks_like_signs  # noqa: PLC0415
    from .sessionize import view_of  # noqa: PLC0415

    if isinstance(document, dict):
        schedule = document.get("schedule")
        if isinstance(schedule, dict):
            if isinstance(schedule.get("events"), list):
                return "schedule2-json"
            if isinstance(schedule.get("conference"), dict):
                return "frab-json"
            raise _unknown(
                "a JSON object with a 'schedule' object, but that has no 'conference' object "
                f"(frab/pretalx schedule.json) nor 'events' array (schedule2); its keys: "
                f"{_keys(schedule)}",
                "$.schedule",
            )
    if view_of(document) is not None:
        return "sessionize"
    if isinstance(document, list) and looks_like_signs(document):
        return "scale-signs"
    if isinstance(document, dict):
        found = f"a JSON object with the keys {_keys(document)}"
    elif isinstance(document, list):
        first = document[0] if document else None
        found = (
            "an empty JSON array"
            if not document
            else f"a JSON array of {len(document)} items, the first "
            + (
                f"an object with the keys {_keys(first)}"
                if isinstance(first, dict)
                else f"a {type(first).__name__}"
            )
        )
    else:
        found = f"a single JSON {type(document).__name__}"
    raise _unknown(f"{found}, which is none of them", "$")


def _keys(obj: dict) -> str:
    names = sorted(str(k) for k in obj)
    return ", ".join(repr(k) for k in names[:8]) + (", …" if len(names) > 8 else "") or "none"


def _unknown(found: str, where: str) -> FormatError:
    return FormatError(
        "not a schedule format hallway reads: found "
        + found
        + ". hallway reads frab/pretalx schedule.json ({'schedule': {'conference': …}}), C3VOC "
        "schedule2 ({'schedule': {'events': […]}}), Sessionize's All, Sessions, GridSmart and "
        "Speakers views, and SCaLE signage lists",
        where,
    )


def family_of(format: str) -> str:
    return {"frab-xml": "xml", "ical": "ical"}.get(format, "json")
