"""The hostile corpus through the call for papers, the third way in besides imports and the
organiser forms: a speaker submits every hostile text through the real submission form; the
organisers accept it, the speaker confirms, it is placed and released; the speaker's own page,
the review page, the public pages and every export stay inert and valid."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools

import icalendar
import pytest
from defusedxml import ElementTree

from hallway.cfp.models import Question, Submission
from hallway.cfp.services import decisions, profiles
from hallway.events.models import Room
from hallway.programme.models import Speaker
from hallway.schedule.models import Slot
from hallway.schedule.services import latest_release, release_schedule, wip_schedule
from hostile_data import HOSTILE_TEXT, HOSTILE_URLS
from test_hostile_corpus import check_page
from test_security_data import SCRIPT_SCHEMES, scheme_of

from .conftest import give_role, make_user

pytestmark = pytest.mark.django_db

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def test_hostile_submissions_are_inert_from_the_form_to_every_export(
    client, open_cfp, talk, kcd_track
):
    kcd = open_cfp.event
    speaker = make_user("mallory@example.net", name=HOSTILE_TEXT[1][:60])
    organiser = make_user("org@example.net", name="Organiser")
    give_role(organiser, kcd)
    level = open_cfp.questions.get(kind=Question.CHOICE)
    client.force_login(speaker)
    titles = [t[:200] for t in HOSTILE_TEXT]
    for title, text in zip(titles, itertools.cycle(HOSTILE_TEXT), strict=False):
        response = client.post(
            "/kcd-pasadena/cfp/submit/",
            {
                "title": title,
                "session_type": talk.pk,
                "track": kcd_track.pk,
                "abstract": text,
                "description": text,
                "language": "en",
                "notes": text,
                f"q{level.pk}": "Beginner",
                "submit": "1",
            },
        )
        assert response.status_code in (200, 302), title
    submissions = list(Submission.objects.filter(event=kcd, state=Submission.SUBMITTED))
    assert len(submissions) >= 3, "the form refused what it should have kept as text"
    for submission in submissions:
        check_page(client, f"/kcd-pasadena/cfp/submissions/{submission.uuid}/")
    check_page(client, "/accounts/submissions/")

    # The organisers' side reads the same text.
    client.force_login(organiser)
    check_page(client, "/kcd-pasadena/cfp/manage/")
    for submission in submissions[:3]:
        check_page(client, f"/kcd-pasadena/cfp/manage/submissions/{submission.uuid}/")

    # Accepted, confirmed, placed and released: the public pages and exports.
    wip = wip_schedule(kcd.umbrella)
    room = Room.objects.filter(event=kcd.umbrella).order_by("-capacity").first()
    start = wip.slots.order_by("-end").first().end
    for n, submission in enumerate(submissions[:3]):
        decisions.decide(submission, Submission.ACCEPTED, by=organiser)
        confirmed = decisions.confirm(submission, by=speaker)
        session = confirmed.session
        length = dt.timedelta(minutes=session.duration)
        begin = start + n * length
        Slot.objects.create(
            schedule=wip, session=session, room=room, start=begin, end=begin + length
        )
    release_schedule(kcd.umbrella, "hostile", allow_conflicts=True)
    client.logout()
    released = latest_release(kcd.umbrella).slots.filter(session__event=kcd)
    for slot in released.select_related("session").filter(session__title__in=titles):
        check_page(client, f"/pose27/sessions/{slot.session.slug}/")
    for person in Speaker.objects.filter(event=kcd.umbrella, user=speaker):
        check_page(client, f"/pose27/speakers/{person.slug}/")
    check_page(client, "/kcd-pasadena/programme/")
    check_page(client, "/kcd-pasadena/programme/list/")

    xml = client.get("/kcd-pasadena/schedule.xml").content
    root = ElementTree.fromstring(xml)
    for element in root.iter():
        for value in [element.text or "", *element.attrib.values()]:
            assert scheme_of(value.strip()) not in SCRIPT_SCHEMES, value[:80]
    calendar = icalendar.Calendar.from_ical(client.get("/kcd-pasadena/schedule.ics").content)
    assert len(calendar.walk("VEVENT")) >= 3
    rows = list(csv.reader(io.StringIO(client.get("/kcd-pasadena/schedule.csv").content.decode())))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA), cell


def test_profile_links_that_could_run_script_are_refused(client, open_cfp):
    speaker = make_user("eve@example.net", name="Eve")
    client.force_login(speaker)
    assert client.get("/accounts/speaker-profile/").status_code == 200
    for url in HOSTILE_URLS:
        response = client.post(
            "/accounts/speaker-profile/",
            {"name": "Eve", "pronouns": "", "bio": HOSTILE_TEXT[0], "links_text": url},
        )
        # Refused beside the field, with the page itself inert.
        assert response.status_code == 200
        assert "is not an http(s) web address" in response.content.decode()
        check_page(client, "/accounts/speaker-profile/")
    profile = profiles.speaker_profile(speaker)
    for link in (profile.links if profile else []) or []:
        value = link.get("url", "") if isinstance(link, dict) else str(link)
        assert scheme_of(value) not in SCRIPT_SCHEMES, value
