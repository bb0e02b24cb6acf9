"""Writing frab/pentabarf ``schedule.xml`` so that it validates against C3VOC's
``schedule.xml.xsd`` (the reader is :mod:`hallway.interop.frab_xml`).  What the XSD cannot carry
(slugs that do not match its pattern, room slugs, non-HTTP URLs) is dropped rather than
written into an invalid file.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.etree.ElementTree import Element

from . import _shared as sh
from .model import Entry, Programme, Room, slugify

FORMAT = "frab-xml"
_VOC_SLUG = re.compile(r"^[a-z0-9_]{4,}-[a-z0-9\-_]{4,}$")
_TRACK_SLUG = re.compile(r"^[a-z][a-z0-9-]+$")
_ACRONYM = re.compile(r"^[a-z0-9_-]{4,}$")
_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _sub(parent: Element, tag: str, text: str | None = None, **attrs: str) -> Element:
    element = ET.SubElement(parent, tag, {k: sh.xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = sh.xml_text(text)
    return element


def xml_acronym(programme: Programme) -> str:
    """The acronym as the XSD wants it: ``[a-z0-9_-]{4,}``."""
    if _ACRONYM.match(programme.acronym):
        return programme.acronym
    candidate = slugify(programme.acronym or programme.title, allow_underscore=True) or "conf"
    return candidate.ljust(4, "_")


def export_frab_xml(programme: Programme) -> bytes:
    """``schedule.xml`` valid against C3VOC's XSD, ``<schedule>`` and ``<conference>``
    within the first kilobyte so Giggity's sniffer recognises it."""
    tz = sh.zone(programme.time_zone, format=FORMAT)
    root = Element("schedule")
    _sub(root, "generator", name="hallway", version=sh.generator_version())
    _sub(root, "version", programme.version)
    conference = _sub(root, "conference")
    grouped = sh.group_by_day(programme)
    _sub(conference, "acronym", xml_acronym(programme))
    _sub(conference, "title", programme.title)
    first = programme.start or (grouped[0][0].date if grouped else None)
    last = programme.end or (grouped[-1][0].date if grouped else None)
    if first:
        _sub(conference, "start", first.isoformat())
    if last:
        _sub(conference, "end", last.isoformat())
    _sub(conference, "days", str(len(grouped)))
    if programme.timeslot_duration:
        _sub(conference, "timeslot_duration", sh.format_duration(programme.timeslot_duration))
    if sh.is_http_url(programme.base_url):
        _sub(conference, "base_url", programme.base_url)
    if sh.is_http_url(programme.url):
        _sub(conference, "url", programme.url)
    _sub(conference, "time_zone_name", programme.time_zone)
    for track in programme.tracks:
        attrs = {"name": track.name}
        if track.color and _HEX_COLOR.match(track.color):
            attrs["color"] = track.color
        if track.slug and _TRACK_SLUG.match(track.slug):
            attrs["slug"] = track.slug
        _sub(conference, "track", **attrs)

    ids = sh.allocate_ids(programme.sessions)
    used = {id(s.room) for s in programme.sessions}
    seen_slugs: set[str] = set()
    for day, sessions in grouped:
        day_el = _sub(
            root,
            "day",
            index=str(day.index),
            date=day.date.isoformat(),
            start=day.start.astimezone(tz).isoformat(),
            end=day.end.astimezone(tz).isoformat(),
        )
        # Every room on every day, in programme order, as FOSDEM does: readers then see
        # the rooms (empty ones included) in the same order we hold them.
        # (A room no session uses is left out: schedule.xml has no place to declare rooms,
        # and readers, hallway's included, take an empty wrapper for no room.)
        rooms = {
            room.name: _room_element(day_el, room) for room in programme.rooms if id(room) in used
        }
        for session in sessions:
            name = session.room.name if session.room else ""
            if name not in rooms:
                rooms[name] = _room_element(day_el, session.room or Room(name=""))
            _event(rooms[name], session, ids[id(session)], tz, seen_slugs)
    ET.indent(root, space="  ")
    # ElementTree leaves a carriage return in text raw, and XML readers turn it into a
    # line feed; a character reference keeps "\r\n" abstracts intact.
    body = ET.tostring(root, encoding="unicode").replace("\r", "&#13;")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _room_element(day_el: Element, room: Room) -> Element:
    attrs = {"name": room.name}
    if room.guid:
        attrs["guid"] = str(room.guid)
    return _sub(day_el, "room", **attrs)


def _event(room_el: Element, session: Entry, local_id: int, tz, seen_slugs: set[str]) -> None:
    attrs = {"guid": str(session.guid), "id": str(local_id)}
    if session.code and re.fullmatch(r"[0-9A-Z]{6}", session.code):
        attrs["code"] = session.code
    el = _sub(room_el, "event", **attrs)
    local = session.start.astimezone(tz)
    _sub(el, "date", local.isoformat())
    _sub(el, "start", local.strftime("%H:%M"))
    _sub(el, "duration", sh.format_duration(session.duration, seconds=True))
    _sub(el, "room", session.room.name if session.room else "")
    if _VOC_SLUG.match(session.slug) and session.slug not in seen_slugs:
        seen_slugs.add(session.slug)
        _sub(el, "slug", session.slug)
    if sh.is_http_url(session.url):
        _sub(el, "url", session.url)
    _sub(el, "title", session.title)
    _sub(el, "subtitle", session.subtitle)
    _sub(el, "language", session.language)
    _sub(el, "track", session.track.name if session.track else "")
    _sub(el, "type", session.type)
    _sub(el, "abstract", session.abstract)
    _sub(el, "description", session.description)
    if sh.is_http_url(session.logo):
        _sub(el, "logo", session.logo)
    persons = _sub(el, "persons")
    for person in session.persons:
        attrs = {}
        if person.local_id is not None:
            attrs["id"] = str(person.local_id)
        if person.guid is not None:
            attrs["guid"] = str(person.guid)
        _sub(persons, "person", person.name, **attrs)
    recording = _sub(el, "recording")
    _sub(recording, "license", session.recording_license)
    _sub(recording, "optout", "true" if session.do_not_record else "false")
    for container, child, links in (
        ("links", "link", session.links),
        ("attachments", "attachment", session.attachments),
    ):
        parent = _sub(el, container)
        for link in links:
            if not sh.is_link_url(link.url):
                continue  # a javascript: or data: link from an imported file is not exported
            attrs = {"href": link.url}
            if link.type:
                attrs["type"] = link.type
            _sub(parent, child, link.title, **attrs)
    for tag in ("feedback_url", "origin_url"):
        value = getattr(session, tag)
        if sh.is_http_url(value):
            _sub(el, tag, value)


__all__ = ["export_frab_xml", "xml_acronym"]
