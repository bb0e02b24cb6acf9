"""An attendee's change emails, against a real SMTP server (aiosmtpd): give an address on the
agenda page, confirm it from the link mailed to it, a release moves a starred session and the
mail arrives with an unsubscribe link and RFC 8058 headers; following it stops the next mail."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from django.test import Client
from django.urls import reverse

from cfp.conftest import smtp  # noqa: F401 - a fixture, found by name
from factories import at
from hallway.attendees import emails
from hallway.attendees.models import Attendee
from hallway.manage.releases import make_release
from hallway.schedule.models import Slot
from hallway.schedule.services import wip_fingerprint, wip_schedule

from .conftest import post_star

pytestmark = pytest.mark.django_db

AGENDA = "/alpha/agenda/"


def attendee_of(client, world) -> Attendee:
    return Attendee.objects.get(token=client.cookies[f"hallway_agenda_{world.alpha.pk}"].value)


def path_of(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def release_moving(world, session, hour: int, version: str, capture):
    slot = Slot.objects.get(schedule=wip_schedule(world.alpha), session=session, part=1)
    slot.start, slot.end = at(hour), at(hour, 30)
    slot.save()
    with capture(execute=True):
        return make_release(
            world.alpha,
            version,
            by=world.base.user("umbrella_organiser"),
            fingerprint=wip_fingerprint(world.alpha),
        )[1]


def test_opt_in_confirm_notify_unsubscribe(client, world, smtp, django_capture_on_commit_callbacks):  # noqa: F811
    post_star(client, world.apricot, "star")
    page = client.get(AGENDA).content.decode()
    assert 'id="attendee-email"' in page and 'name="notify"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("attendees:email", args=["alpha"]),
            {"email": "Fan@Example.org", "notify": "on"},
        )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "A confirmation link is on its way to Fan@Example.org" in page
    me = attendee_of(client, world)
    # Not confirmed yet: a release now would tell nobody.
    assert (me.email, me.pending_email, me.notify_changes) == ("", "Fan@Example.org", False)
    assert len(smtp.to("Fan@Example.org")) == 1
    link = smtp.link("Fan@Example.org", r"/agenda/email/confirm/")
    assert release_moving(world, world.apricot, 11, "3.0", django_capture_on_commit_callbacks) == []

    # The link works from a mail client on another device (no cookie), after one button.
    phone = Client()
    shown = phone.get(path_of(link))
    assert shown.status_code == 200 and shown["Cache-Control"] == "private, no-store"
    assert attendee_of(client, world).email == ""  # opening the link alone changes nothing
    done = phone.post(path_of(link))
    assert "Email confirmed" in done.content.decode()
    me.refresh_from_db()
    assert (me.email, me.pending_email, me.notify_changes) == ("Fan@Example.org", "", True)

    messages = release_moving(world, world.apricot, 12, "4.0", django_capture_on_commit_callbacks)
    assert [m.to for m in messages] == ["Fan@Example.org"]
    mail = smtp.to("Fan@Example.org")[-1]
    body = smtp.body(mail)
    assert "“Talk Apricot” moved" in body
    unsubscribe = re.search(r"To stop these emails, open: (\S+)", body).group(1)
    assert mail["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    shown = Client().get(path_of(unsubscribe))
    assert shown.status_code == 200 and "Unsubscribe" in shown.content.decode()
    assert Client().post(path_of(unsubscribe)).status_code == 200
    me.refresh_from_db()
    assert me.notify_changes is False
    count = len(smtp.messages)
    assert release_moving(world, world.apricot, 13, "5.0", django_capture_on_commit_callbacks) == []
    assert len(smtp.messages) == count


def test_a_mail_clients_one_click_unsubscribe(world):
    me = Attendee.objects.create(event=world.alpha, email="a@example.org", notify_changes=True)
    url = emails.unsubscribe_url(me)
    # RFC 8058: a POST with this body, no cookie and no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        path_of(url), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and response.content == b"Unsubscribed."
    me.refresh_from_db()
    assert me.notify_changes is False


def test_bad_addresses_and_links_are_refused_and_change_nothing(client, world, smtp):  # noqa: F811
    post_star(client, world.apricot, "star")
    url = reverse("attendees:email", args=["alpha"])
    bad = client.post(url, {"email": "not an address", "notify": "on"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Enter a valid email address." in body and 'value="not an address"' in body
    missing = client.post(url, {"email": "", "notify": "on"})
    assert missing.status_code == 400
    assert "Give an email address" in missing.content.decode()
    me = attendee_of(client, world)
    assert (me.email, me.pending_email, me.notify_changes) == ("", "", False)
    # A device with no agenda has no email setting to change.
    assert Client().post(url, {"email": "x@example.org", "notify": "on"}).status_code == 404
    # A tampered, foreign or stale link is a 404.
    client.post(url, {"email": "first@example.org", "notify": "on"})
    me.refresh_from_db()
    stale = emails.confirmation_url(me, "first@example.org")
    client.post(url, {"email": "second@example.org", "notify": "on"})
    assert Client().get(path_of(stale)).status_code == 404
    assert Client().get(path_of(stale) + "x/").status_code == 404
    zulu = path_of(stale).replace("/alpha/", "/zulu/")
    assert Client().get(zulu).status_code == 404
    forged = reverse("attendees:unsubscribe", args=["alpha", "e30:forged:sig"])
    assert Client().post(forged).status_code == 404
    # Turning the emails off needs no confirmation.
    client.post(url, {"email": "second@example.org"})
    me.refresh_from_db()
    assert (me.pending_email, me.notify_changes) == ("", False)
