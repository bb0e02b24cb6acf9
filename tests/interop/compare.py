"""Field-by-field comparison of two programmes for the round-trip tests.

``rules`` says what a target format can carry at all (e.g. frab XML has no speaker bios, and
slugs must match its pattern); everything else must come back exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from hallway.common.validators import is_safe_url
from hallway.interop.model import Entry, Link, Programme


def _xml_link(url: str) -> bool:
    return is_safe_url(url, mailto=True, relative=True)


def _json_link(url: str) -> bool:
    return is_safe_url(url, mailto=True)


@dataclass(frozen=True)
class Rules:
    slug: re.Pattern
    url: re.Pattern
    code: re.Pattern
    link_types: frozenset[str] | None  # None: any type survives
    #: Which links survive: hallway never exports one that could run script (javascript:,
    #: data:) and, by the same allow-list, drops ftp: and the like too.
    link: Callable[[str], bool]
    bios: bool
    tri_state_recording: bool


XML_RULES = Rules(
    slug=re.compile(r"^[a-z0-9_]{4,}-[a-z0-9\-_]{4,}$"),
    url=re.compile(r"^https?://\S+$"),
    code=re.compile(r"^[0-9A-Z]{6}$"),
    link_types=None,
    link=_xml_link,
    bios=False,
    tri_state_recording=False,
)
JSON_RULES = Rules(
    slug=re.compile(r"^[a-z0-9_-]+[a-z0-9]$"),
    url=re.compile(r"^(?:https?://[^/?#\s]+\S*|mailto:\S+)$"),
    code=re.compile(r"^[A-Z0-9]+$"),
    link_types=frozenset(
        {"slides", "paper", "web", "blog", "article", "media", "related", "activitypub"}
    ),
    link=_json_link,
    bios=True,
    tri_state_recording=True,
)


def _links(links: list[Link], rules: Rules) -> list[tuple]:
    if rules.link_types is None:
        return [(x.url, x.title, x.type) for x in links if rules.link(x.url)]
    return [
        (x.url, x.title, x.type if x.type in rules.link_types else None)
        for x in links
        if rules.link(x.url)
    ]


def _kept(value: str | None, pattern: re.Pattern) -> str | None:
    return value if value and pattern.match(value) else None


def session_view(session: Entry, rules: Rules, *, keep_slug: bool, keep_id: bool) -> dict:
    return {
        "guid": session.guid,
        "local_id": session.local_id if keep_id else "(reallocated)",
        "title": session.title,
        "subtitle": session.subtitle,
        "type": session.type,
        "language": session.language,
        "abstract": session.abstract,
        "description": session.description,
        "start": session.start,  # aware datetimes compare by instant
        "duration": session.duration,
        "room": session.room.name if session.room else None,
        "track": session.track.name if session.track else None,
        "persons": [
            (p.name, p.guid, p.local_id) + ((p.bio,) if rules.bios else ()) for p in session.persons
        ],
        "links": _links(session.links, rules),
        "attachments": _links(session.attachments, rules),
        "url": _kept(session.url, rules.url),
        "feedback_url": _kept(session.feedback_url, re.compile(r"^https?://")),
        "origin_url": _kept(session.origin_url, re.compile(r"^https?://")),
        # A slug the format cannot carry is replaced on export; only kept ones must survive.
        "slug": session.slug if keep_slug else "(not carried)",
        "code": _kept(session.code, rules.code),
        "recording_license": session.recording_license,
        "do_not_record": (
            session.do_not_record if rules.tri_state_recording else bool(session.do_not_record)
        ),
    }


def assert_same_programme(before: Programme, after: Programme, rules: Rules) -> None:
    assert after.title == before.title
    assert after.time_zone == before.time_zone
    assert after.version == before.version
    assert [d.date for d in after.days] == [d.date for d in before.days]
    for old, new in zip(before.days, after.days, strict=True):
        if old.start is not None:
            # a stated range is kept, widened to hold the sessions listed under the day
            assert new.start <= old.start and new.end >= old.end, (old, new)
    # Rooms that hold sessions survive; a room no session uses survives only where the
    # format declares rooms (schedule.json), not as an empty schedule.xml <room> wrapper.
    used_before = sorted({s.room.name for s in before.sessions if s.room})
    assert sorted({s.room.name for s in after.sessions if s.room}) == used_before
    assert set(used_before) <= {r.name for r in after.rooms} <= {r.name for r in before.rooms}
    for room in (r for r in before.rooms if r.name in used_before):
        if room.guid is not None:
            assert after.room(room.name).guid == room.guid, room.name
    assert {t.name for t in after.tracks} == {t.name for t in before.tracks}
    colours = {t.name: t.color for t in after.tracks}
    for track in before.tracks:
        if track.color and re.match(r"^#[0-9a-fA-F]{6}$", track.color):
            assert colours[track.name] == track.color, track.name
    assert sorted(p.key for p in after.persons) == sorted(p.key for p in before.persons)

    ids = [s.local_id for s in before.sessions if s.local_id is not None]
    slugs = [s.slug for s in before.sessions]
    after_by_guid = {s.guid: s for s in after.sessions}
    assert len(after_by_guid) == len(after.sessions) == len(before.sessions)
    for old in before.sessions:
        new = after_by_guid.get(old.guid)
        assert new is not None, f"session {old.guid} ({old.title!r}) lost"
        keep_id = old.local_id is not None and ids.count(old.local_id) == 1
        keep_slug = slugs.count(old.slug) == 1 and bool(rules.slug.match(old.slug))
        old_view = session_view(old, rules, keep_slug=keep_slug, keep_id=keep_id)
        new_view = session_view(new, rules, keep_slug=keep_slug, keep_id=keep_id)
        if old.day is not None:  # the day the file lists it under
            old_view["day"], new_view["day"] = old.day, new.day
        differing = {k: (old_view[k], new_view[k]) for k in old_view if old_view[k] != new_view[k]}
        assert not differing, f"session {old.guid} ({old.title!r}) changed: {differing}"
