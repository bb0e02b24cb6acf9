"""Where the shared real files are, what format each is, and their counts computed without
hallway's parsers (plain ElementTree/json/regex passes) or copied from PROVENANCE.md."""

from __future__ import annotations

import json
import re
from pathlib import Path

import defusedxml.ElementTree as DET

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
REAL = SHARED / "interop" / "real"
SCHEMAS = SHARED / "interop" / "schemas"

#: Every real file and the format hallway should recognise it as.
REAL_FILES = {
    "ccc-32c3.schedule.json": "frab-json",
    "ccc-38c3.schedule.xml": "frab-xml",
    "ccc-rc3-2021.schedule.json": "frab-json",
    "fosdem-2007.schedule.xml": "frab-xml",
    "fosdem-2016.schedule.xml": "frab-xml",
    "fosdem-2024.schedule.xml": "frab-xml",
    "fosdem-2025.schedule.xml": "frab-xml",
    "giggity-debconf23.xml": "frab-xml",
    "giggity-jres_2022.ics": "ical",
    "giggity-kielux_2020.ics": "ical",
    "giggity-romhack_camp_2026.pretalx.schedule.xml": "frab-xml",
    "scale-13x.signs.json": "scale-signs",
    "scale-23x-testdata.signs.json": "scale-signs",
    "sessionize-globalazure-austria-2024.all.json": "sessionize",
    "voc-validator-frab-camp2019.json": "frab-json",
    "voc-validator-hub-schedule2.json": "schedule2-json",
    "voc-validator-pretalx-democon.json": "frab-json",
    "voc-validator-pretalx-rc3.json": "frab-json",
}

#: The zone of the files whose times carry neither a zone name nor offsets (imports need one).
REAL_ZONES = {
    "fosdem-2007.schedule.xml": "Europe/Brussels",
    "fosdem-2016.schedule.xml": "Europe/Brussels",
    "fosdem-2024.schedule.xml": "Europe/Brussels",
    "sessionize-globalazure-austria-2024.all.json": "Europe/Vienna",
}

#: Counts as stated in ../shared/interop/real/PROVENANCE.md ("rooms" = rooms having events).
#: Left out where PROVENANCE counts differently from the model: 32C3's 35 "rooms" are the
#: keys of its room maps (one is "" and one holds no events); 38C3's 567 "persons" are
#: distinct names (571 distinct guids); SCaLE 23x's 10 entries include 8 unscheduled ones.
PROVENANCE = {
    "ccc-32c3.schedule.json": {"sessions": 474, "days": 4},
    "ccc-38c3.schedule.xml": {"sessions": 1007, "rooms": 72, "days": 4},
    "ccc-rc3-2021.schedule.json": {"sessions": 351, "rooms": 19, "days": 4},
    "fosdem-2007.schedule.xml": {"sessions": 215, "rooms": 18, "days": 2, "persons": 244},
    "fosdem-2016.schedule.xml": {"sessions": 617, "rooms": 27, "days": 2, "persons": 569},
    "fosdem-2024.schedule.xml": {"sessions": 674, "rooms": 26, "days": 2, "persons": 738},
    "fosdem-2025.schedule.xml": {"sessions": 943, "rooms": 29, "days": 2, "persons": 992},
    "giggity-debconf23.xml": {"sessions": 117, "rooms": 5, "days": 8, "persons": 87},
    "giggity-jres_2022.ics": {"sessions": 120, "rooms": 15, "days": 4},
    "giggity-kielux_2020.ics": {"sessions": 24, "rooms": 4, "days": 2},
    "giggity-romhack_camp_2026.pretalx.schedule.xml": {
        "sessions": 10,
        "rooms": 2,
        "days": 3,
        "persons": 3,
    },
    "scale-13x.signs.json": {"sessions": 211, "rooms": 16, "days": 4},
    "scale-23x-testdata.signs.json": {},
    "sessionize-globalazure-austria-2024.all.json": {
        "sessions": 15,
        "rooms": 4,
        "days": 1,
        "persons": 16,
    },
    "voc-validator-frab-camp2019.json": {"sessions": 79, "rooms": 2, "days": 5},
    "voc-validator-hub-schedule2.json": {"sessions": 2, "days": 4, "persons": 4},
    "voc-validator-pretalx-democon.json": {"sessions": 36, "rooms": 2, "days": 3},
    "voc-validator-pretalx-rc3.json": {"sessions": 48, "rooms": 5, "days": 4},
}


def independent_counts(path: Path, fmt: str) -> dict[str, int]:
    """sessions, rooms used by sessions, days and persons, by a plain pass over the file."""
    data = path.read_bytes()
    if fmt == "frab-xml":
        root = DET.fromstring(data)
        events = list(root.iter("event"))
        # frab ids start at 1; 0 means "no id", so such persons are told apart by name.
        # frab ids start at 1; 0 means "no id".  An id is only meaningful with its name.
        persons = {
            p.get("guid")
            or (p.get("id") if p.get("id") not in (None, "", "0") else None, (p.text or "").strip())
            for p in root.iter("person")
        }
        return {
            "sessions": len(events),
            "rooms": len({(e.findtext("room") or "").strip() for e in events} - {""}),
            "days": len(root.findall("day")),
            "persons": len(persons),
        }
    if fmt == "ical":
        text = re.sub(rb"\r?\n[ \t]", b"", data).decode("utf-8")
        locations = set(re.findall(r"^LOCATION[^:\r\n]*:(.*?)\r?$", text, re.M))
        dates = set(re.findall(r"^DTSTART[^:\r\n]*:(\d{8})", text, re.M))
        attendees = set(re.findall(r'^ATTENDEE[^\r\n]*?CN="?([^";:]+)', text, re.M))
        return {
            "sessions": len(re.findall(r"^BEGIN:VEVENT\r?$", text, re.M)),
            "rooms": len({x.strip() for x in locations} - {""}),
            "days": len(dates),
            "persons": len(attendees),
        }
    document = json.loads(data)
    if fmt == "frab-json":
        events = [
            e
            for day in document["schedule"]["conference"]["days"]
            for evs in day["rooms"].values()
            for e in evs
        ]
        # A person id is only meaningful with its name (merged schedules reuse ids).
        persons = {
            p.get("guid") or (p.get("id") or None, p.get("public_name") or p.get("name"))
            for e in events
            for p in e["persons"]
        }
        return {
            "sessions": len(events),
            "rooms": len({e["room"] for e in events} - {""}),
            "days": len(document["schedule"]["conference"]["days"]),
            "persons": len(persons),
        }
    if fmt == "schedule2-json":
        schedule = document["schedule"]
        return {
            "sessions": len(schedule["events"]),
            "rooms": len({e["room"]["name"] for e in schedule["events"]}),
            "days": len(schedule["conference"]["days"]),
            "persons": len(schedule["persons"]),
        }
    if fmt == "sessionize":
        scheduled = [s for s in document["sessions"] if s.get("startsAt")]
        return {
            "sessions": len(scheduled),
            "rooms": len({s["roomId"] for s in scheduled}),
            "days": len({s["startsAt"][:10] for s in scheduled}),
            "persons": len(document["speakers"]),
        }
    if fmt == "scale-signs":
        scheduled = [e for e in document if e.get("StartTime")]
        speakers = {n.strip() for e in scheduled for n in e["Speakers"].split(",")} - {""}
        return {
            "sessions": len(scheduled),
            "rooms": len({e["Location"] for e in scheduled} - {""}),
            "days": len({e["StartTime"][:10] for e in scheduled}),
            "persons": len(speakers),
        }
    raise AssertionError(fmt)
