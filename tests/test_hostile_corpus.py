"""A corpus of hostile values through every way in, then every public page and export.

Ways in: frab JSON, frab XML and Sessionize files (``import_file``), the ``import`` command,
and the organiser's admin forms (logged in as the demo organiser).  Ways out: the grid, list,
session, speaker, room, signage and changes pages, parsed as HTML (no script element, no
event handler attribute, no link with a script scheme), and schedule.xml (against the
official XSD), schedule.json (against its JSON schema), .ics (read by ``icalendar``) and .csv
(read by the csv module, no formula cell).

The files are imported once for the module, committed, and deleted when it ends.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.test import Client

from hallway.events.models import Event, Room, Track
from hallway.programme.models import Resource, Session, Speaker
from hallway.schedule.services import latest_release, release_schedule, wip_schedule
from hostile_data import GOOD_URL, HOSTILE_TEXT, HOSTILE_URLS, frab_json, frab_xml, sessionize
from interop.conftest import json_validator, xml_schema  # noqa: F401 (fixtures)
from test_security_data import SCRIPT_SCHEMES, scheme_of

IMPORTED = {
    "hostile-fj": ("frab JSON", frab_json),
    "hostile-fx": ("frab XML", frab_xml),
    "hostile-sz": ("Sessionize", sessionize),
}
BY_COMMAND = "hostile-cmd"


# The two scripts every public page loads from the site's own static files (CSP script-src
# 'self', no inline script), by name or by hashed name.
OWN_SCRIPT = re.compile(r"^/static/(hallway/htmx\.min|attendees/stars)(\.[0-9a-f]{12})?\.js$")


class Page(HTMLParser):
    """What a page would run: script elements, event handler attributes, script links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        src = dict(attrs).get("src") or ""
        if tag == "script" and OWN_SCRIPT.match(src):
            pass  # the site's own static scripts (htmx, stars.js): never page content
        elif tag in ("script", "iframe", "object", "embed", "svg", "img", "math"):
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "srcdoc"):
                self.links.append(value)
                if scheme_of(value) in SCRIPT_SCHEMES:
                    self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                # the templates write colours into styles: each must be exactly #rrggbb
                for _prop, colour in re.findall(r"(--\w+|background)\s*:\s*([^;]*)", value):
                    if not re.fullmatch(r"#[0-9a-fA-F]{6}|\d+", colour.strip()):
                        self.problems.append(f"<{tag} style={value!r}>")
                if re.search(r"url\(|expression\(|[{}\\]", value):
                    self.problems.append(f"<{tag} style={value!r}>")


def check_page(client: Client, url: str) -> Page:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    page = Page()
    page.feed(response.content.decode())
    page.close()
    assert not page.problems, f"{url}: {page.problems[:5]}"
    return page


def public_urls(event: Event) -> list[str]:
    base = f"/{event.slug}"
    urls = [f"{base}/", f"{base}/programme/", f"{base}/programme/list/", f"{base}/speakers/"]
    urls += [f"{base}/rooms/", f"{base}/changes/"]
    urls += [f"{base}/programme/{day.isoformat()}/" for day in event.days]
    release = latest_release(event)
    for slot in release.slots.filter(session__isnull=False).select_related("session"):
        urls.append(f"{base}/sessions/{slot.session.slug}/")
    urls += [f"{base}/speakers/{s.slug}/" for s in Speaker.objects.filter(event=event)]
    for room in Room.objects.filter(event=event):
        urls += [f"{base}/rooms/{room.slug}/", f"{base}/rooms/{room.slug}/now/"]
        first = release.slots.filter(room=room).order_by("start").first()
        if first is not None:
            urls.append(f"{base}/rooms/{room.slug}/now/?at={quote(first.start.isoformat())}")
    if release.slug:
        urls.append(f"{base}/changes/{release.slug}/")
    return sorted(set(urls))


@pytest.fixture(scope="module")
def hostile_events(django_db_setup, django_db_blocker, tmp_path_factory):
    from hallway.interop.imports import import_file

    reports = {}
    try:
        with django_db_blocker.unblock():
            for slug, (_label, build) in IMPORTED.items():
                # Sessionize files carry no zone: a new event needs one said.
                reports[slug] = import_file(build(slug), slug, time_zone="UTC")
            path = tmp_path_factory.mktemp("hostile") / "hostile.json"
            path.write_bytes(frab_json(BY_COMMAND))
            out = io.StringIO()
            call_command("import", str(path), event=BY_COMMAND, stdout=out)
            reports[BY_COMMAND] = out.getvalue()
        yield reports
    finally:
        with django_db_blocker.unblock():
            # sessions first: their types are protected while a session uses them
            Session.objects.filter(umbrella__slug__in=[*IMPORTED, BY_COMMAND]).delete()
            Event.objects.filter(slug__in=[*IMPORTED, BY_COMMAND]).delete()


@pytest.mark.django_db
def test_imports_keep_the_text_and_refuse_the_links(hostile_events) -> None:
    for slug in IMPORTED:
        report = hostile_events[slug]
        assert report.count("links", "refused") > 0, slug
        event = Event.objects.get(slug=slug)
        titles = set(Session.objects.filter(umbrella=event).values_list("title", flat=True))

        # every hostile title is kept as text (only the 100k one is too long for a title)
        # (parsers trim surrounding whitespace, so "\t=1+1" arrives as "=1+1", and XML
        # readers turn CRLF into LF)
        def same(text: str) -> str:
            return re.sub(r"\r\n?", "\n", text.strip())

        wanted = {same(t) for t in HOSTILE_TEXT if len(t) <= 250}
        assert {same(t) for t in titles} >= wanted, slug
        for url in Resource.objects.filter(session__umbrella=event).values_list("url", flat=True):
            assert url.startswith(("http://", "https://")), (slug, url)
        for speaker in Speaker.objects.filter(event=event):
            assert speaker.picture_url == "" or speaker.picture_url.startswith("http")
            assert all(scheme_of(x["url"]) in ("http", "https", "mailto") for x in speaker.links)
    command_output = hostile_events[BY_COMMAND]
    assert "refused" in command_output and "javascript" in command_output


@pytest.mark.django_db
@pytest.mark.parametrize("slug", [*IMPORTED, BY_COMMAND])
def test_every_public_page_is_inert(slug, hostile_events, client) -> None:
    event = Event.objects.get(slug=slug)
    urls = public_urls(event)
    assert len(urls) > 20
    hrefs = []
    for url in urls:
        hrefs += check_page(client, url).links
    assert GOOD_URL in hrefs, "the safe link beside the hostile ones is still shown"


@pytest.mark.django_db
@pytest.mark.parametrize("slug", [*IMPORTED, BY_COMMAND])
def test_every_export_is_valid_and_inert(slug, hostile_events, client, xml_schema, json_validator):  # noqa: F811
    import icalendar
    from defusedxml.ElementTree import fromstring

    base = f"/{slug}/schedule"
    xml = client.get(f"{base}.xml").content
    errors = [str(e)[:200] for e in xml_schema.iter_errors(fromstring(xml))]
    assert errors == []
    for element in fromstring(xml).iter():
        for value in element.attrib.values():
            assert scheme_of(value) not in SCRIPT_SCHEMES, value
        for tag in ("url", "logo", "feedback_url", "origin_url"):
            if element.tag == tag:
                assert scheme_of(element.text or "") in ("http", "https"), element.text

    document = json.loads(client.get(f"{base}.json").content)
    problems = [
        f"{list(e.absolute_path)}: {e.message[:120]}" for e in json_validator.iter_errors(document)
    ]
    assert problems == []

    def urls(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                yield from urls(v, k)
        elif isinstance(value, list):
            for v in value:
                yield from urls(v, key)
        elif isinstance(value, str) and key in ("url", "avatar", "logo", "base_url"):
            yield value

    for url in urls(document):
        assert scheme_of(url) not in SCRIPT_SCHEMES, url

    ics = client.get(f"{base}.ics").content
    calendar = icalendar.Calendar.from_ical(ics)
    events = list(calendar.walk("VEVENT"))
    assert events
    for vevent in events:
        if vevent.get("URL"):
            assert scheme_of(str(vevent["URL"])) in ("http", "https")

    text = client.get(f"{base}.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(events)
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
        assert row["url"] == "" or row["url"].startswith("http")


# --------------------------------------------------------------------------- admin forms


class Form(HTMLParser):
    """The fields an admin form would submit as it is (inputs, selects, textareas)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select:
            if "selected" in a or not self.data[self._select]:
                self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


_FORMS: dict[str, dict[str, str]] = {}


def admin_post(client: Client, form_url: str, **values) -> tuple[int, str]:
    """Submit the admin form at ``url`` as the browser would, with ``values`` typed in."""
    if form_url not in _FORMS:  # a form's defaults do not change here: read each once
        form = Form()
        form.feed(client.get(form_url).content.decode())
        _FORMS[form_url] = {k: v for k, v in form.data.items() if "__prefix__" not in k}
    data = dict(_FORMS[form_url])
    data.update(values)
    data.setdefault("_save", "Save")
    response = client.post(form_url, data)
    return response.status_code, response.content.decode()


@pytest.mark.django_db
def test_admin_forms_refuse_script_links_and_pages_show_text_inertly(demo, client) -> None:
    organiser = Client()
    assert organiser.login(username="organiser", password="hallway-demo")
    session_type = demo.session_types.first() or demo.sub_events.first().session_types.first()
    track = Track.objects.filter(event=demo).first()

    # URLs: every form field that holds one refuses script links
    # (every variant meets the validators in test_security_data; here one of each kind per form)
    for url in HOSTILE_URLS[::4] + ["DATA:text/html,x", HOSTILE_URLS[-2]]:
        status, html = admin_post(
            organiser,
            "/manage/program/speaker/add/",
            event=str(demo.pk),
            name="X",
            picture_url=url,
        )
        assert status == 200 and "errorlist" in html, url
        status, html = admin_post(
            organiser,
            "/manage/program/speaker/add/",
            event=str(demo.pk),
            name="X",
            links=json.dumps([{"title": "t", "url": url}]),
        )
        assert status == 200 and "errorlist" in html, url
        status, html = admin_post(
            organiser, "/manage/events/room/add/", event=str(demo.pk), name="R", stream_url=url
        )
        assert status == 200 and "errorlist" in html, url
        status, html = admin_post(
            organiser,
            "/manage/program/exhibitor/add/",
            event=str(demo.pk),
            name="E",
            category="project",
            url=url,
        )
        assert status == 200 and "errorlist" in html, url
        status, html = admin_post(
            organiser, "/manage/program/playlist/add/", event=str(demo.pk), title="P", url=url
        )
        assert status == 200 and "errorlist" in html, url
        status, html = admin_post(organiser, f"/manage/events/event/{demo.pk}/change/", website=url)
        assert status == 200 and "errorlist" in html, url
    for colour in ("#000000;background:url(javascript:x)}{y", "red", "#12345g"):
        status, html = admin_post(
            organiser, "/manage/events/track/add/", event=str(demo.pk), name="T", colour=colour
        )
        assert status == 200 and "errorlist" in html, colour
        status, html = admin_post(
            organiser, f"/manage/events/event/{demo.pk}/change/", colour=colour
        )
        assert status == 200 and "errorlist" in html, colour
    status, _ = admin_post(
        organiser,
        "/manage/program/exhibitor/add/",
        event=str(demo.pk),
        name=HOSTILE_TEXT[1],
        category="project",
        booth=HOSTILE_TEXT[2][:20],
        description=HOSTILE_TEXT[0] + HOSTILE_TEXT[-1],
        url=GOOD_URL,
    )
    assert status == 302
    assert GOOD_URL in check_page(client, f"/{demo.slug}/exhibitors/").links
    assert not Speaker.objects.filter(event=demo, name="X").exists()

    # Text: accepted as text, shown as text
    texts = [t for t in HOSTILE_TEXT if len(t) <= 120]
    created = []
    for text in texts:
        status, _ = admin_post(
            organiser,
            "/manage/program/speaker/add/",
            event=str(demo.pk),
            name=text,
            bio=text + HOSTILE_TEXT[-1],
            links=json.dumps([{"title": text, "url": GOOD_URL}]),
        )
        assert status == 302, text
        # (form fields trim surrounding whitespace, as the parsers do)
        speaker = Speaker.objects.filter(event=demo).latest("pk")
        assert speaker.name == text.strip()
        status, html = admin_post(
            organiser,
            "/manage/program/session/add/",
            event=str(demo.pk),
            title=text,
            subtitle=text,
            abstract=text,
            description=HOSTILE_TEXT[-1],
            duration="30",
            session_type=str(session_type.pk),
            state="confirmed",
            track=str(track.pk) if track else "",
            **{
                "speaker_links-TOTAL_FORMS": "1",
                "speaker_links-INITIAL_FORMS": "0",
                "speaker_links-0-speaker": str(speaker.pk),
                "speaker_links-0-position": "0",
                "resources-TOTAL_FORMS": "1",
                "resources-INITIAL_FORMS": "0",
                "resources-0-kind": "slides",
                "resources-0-title": text,
                "resources-0-url": GOOD_URL,
                "resources-0-position": "0",
            },
        )
        assert status == 302, (text, re.findall(r"errorlist[^>]*>(.*?)</ul", html)[:3])
        created.append(Session.objects.filter(umbrella=demo).latest("pk"))
        assert created[-1].title == text.strip()
    room = Room.objects.filter(event=demo).first()
    status, _ = admin_post(
        organiser,
        f"/manage/events/room/{room.pk}/change/",
        name=HOSTILE_TEXT[1],
        floor=HOSTILE_TEXT[2][:60],
        map_notes=HOSTILE_TEXT[0],
        accessibility_notes=HOSTILE_TEXT[3],
        stream_url=GOOD_URL,
    )
    assert status == 302

    # Released into the programme: every page showing them stays inert
    wip = wip_schedule(demo)
    last = wip.slots.order_by("-end").first().end
    from datetime import timedelta

    for n, session in enumerate(created):
        start = last + timedelta(hours=n)
        wip.slots.create(session=session, room=room, start=start, end=start + timedelta(minutes=30))
    release_schedule(demo, "hostile", allow_conflicts=True)
    for session in created:
        check_page(client, f"/{demo.slug}/sessions/{session.slug}/")
        for speaker in session.ordered_speakers():
            check_page(client, f"/{demo.slug}/speakers/{speaker.slug}/")
    for url in (
        f"/{demo.slug}/rooms/{Room.objects.get(pk=room.pk).slug}/",
        f"/{demo.slug}/programme/list/",
        f"/{demo.slug}/changes/",
        f"/{demo.slug}/",
    ):
        check_page(client, url)
    csv_text = client.get(f"/{demo.slug}/schedule.csv").content.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(csv_text, newline="")):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
