"""A session cancelled by a release stays in the exports, marked as cancelled: iCalendar's
STATUS:CANCELLED, and in frab's XML and JSON (which have no field for it) a title that says
so, as the programme pages do; every export still validates against the shared schemas."""

from __future__ import annotations

import json

import icalendar
import pytest
from django.test import Client

from factories import make_world
from hallway.programme.models import Session
from hallway.schedule.services import release_schedule
from interop.conftest import json_validator, xml_schema  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.shared]


def test_a_cancelled_session_is_marked_in_every_export(xml_schema, json_validator):  # noqa: F811
    world = make_world()
    session = world.apricot.session
    session.state = Session.CANCELLED
    session.save()
    client = Client()
    # Not before the release that publishes the cancellation.
    assert "Cancelled:" not in client.get("/alpha/schedule.xml").content.decode()
    release_schedule(world.alpha, "2.0")

    xml = client.get("/alpha/schedule.xml").content.decode()
    assert "<title>Cancelled: Talk Apricot</title>" in xml
    assert "<title>Talk Blueberry</title>" in xml
    assert not list(xml_schema.iter_errors(xml))

    document = json.loads(client.get("/alpha/schedule.json").content)
    assert not list(json_validator.iter_errors(document))
    titles = {
        e["title"]
        for day in document["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for e in events
    }
    assert {"Cancelled: Talk Apricot", "Talk Blueberry"} <= titles

    calendar = icalendar.Calendar.from_ical(client.get("/alpha/schedule.ics").content)
    status = {str(e["SUMMARY"]): str(e.get("STATUS", "")) for e in calendar.walk("VEVENT")}
    assert status["Cancelled: Talk Apricot"] == "CANCELLED"
    assert status["Talk Blueberry"] == ""
