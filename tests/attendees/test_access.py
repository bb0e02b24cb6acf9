"""One attendee cannot read or change another's agenda, feed, notes, recap, watch-later list
or email setting, through any address of the attendees app (read from the URL configuration,
so a new address without a row fails); tokens are revocable; another device and logging in
keep every star; 200 concurrent stars on PostgreSQL lose nothing."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from factories import PASSWORD, make_user
from hallway.attendees import emails, personal, services
from hallway.attendees.models import Attendee, Favourite, Note, WatchLater

from .conftest import build_world, move, post_star

pytestmark = pytest.mark.django_db


class Pair:
    """Two devices with an agenda each: the owner starred Apricot, the stranger Blueberry."""

    def __init__(self, world):
        self.world = world
        self.owner, self.stranger = Client(), Client()
        post_star(self.owner, world.apricot, "star")
        post_star(self.stranger, world.blueberry, "star")
        cookie = f"hallway_agenda_{world.alpha.pk}"
        self.mine = Attendee.objects.get(token=self.owner.cookies[cookie].value)
        self.theirs = Attendee.objects.get(token=self.stranger.cookies[cookie].value)


@pytest.fixture
def pair(world):
    return Pair(world)


def _agenda(p: Pair, who: Client):
    body = who.get(reverse("attendees:agenda", args=["alpha"])).content.decode()
    return body


def _starred(p, who):
    return who.get(reverse("attendees:starred", args=["alpha"])).json()["starred"]


def check_agenda(p: Pair):
    assert "Talk Apricot" not in _agenda(p, p.stranger)
    assert "Talk Apricot" not in _agenda(p, Client())
    assert "Talk Apricot" in _agenda(p, p.owner)


def check_starred(p: Pair):
    assert _starred(p, p.stranger) == [p.world.blueberry.slug]
    assert _starred(p, Client()) == []


def check_star(p: Pair):
    # The stranger's unstar of Apricot changes the stranger's agenda only.
    post_star(p.stranger, p.world.apricot, "unstar")
    post_star(p.stranger, p.world.apricot, "toggle")
    post_star(p.stranger, p.world.apricot, "unstar")
    assert p.mine.favourites.filter(session=p.world.apricot).exists()


def check_device(p: Pair):
    page = p.stranger.get(reverse("attendees:device", args=["alpha"])).content.decode()
    assert str(p.mine.token) not in page and str(p.mine.feed_token) not in page
    p.stranger.post(reverse("attendees:device", args=["alpha"]), {"rotate": "device"})
    p.stranger.post(reverse("attendees:device", args=["alpha"]), {"rotate": "feed"})
    fresh = Attendee.objects.get(pk=p.mine.pk)
    assert (fresh.token, fresh.feed_token) == (p.mine.token, p.mine.feed_token)
    assert (
        Client().post(reverse("attendees:device", args=["alpha"]), {"rotate": "device"}).status_code
        == 404
    )


def check_restore(p: Pair):
    guessed = reverse("attendees:restore", args=["alpha", uuid.uuid4()])
    assert p.stranger.get(guessed).status_code == 404
    # The feed token is not a device token, and another umbrella's address does not take it.
    as_feed = reverse("attendees:restore", args=["alpha", p.mine.feed_token])
    assert p.stranger.get(as_feed).status_code == 404
    elsewhere = reverse("attendees:restore", args=["zulu", p.mine.token])
    assert p.stranger.get(elsewhere).status_code == 404


def check_feed(p: Pair):
    assert Client().get(reverse("attendees:feed", args=["alpha", uuid.uuid4()])).status_code == 404
    as_device = reverse("attendees:feed", args=["alpha", p.mine.token])
    assert Client().get(as_device).status_code == 404
    assert (
        Client().get(reverse("attendees:feed", args=["zulu", p.mine.feed_token])).status_code == 404
    )


def check_download(p: Pair):
    body = p.stranger.get(reverse("attendees:download", args=["alpha"])).content.decode()
    assert "Talk Blueberry" in body and "Talk Apricot" not in body
    assert Client().get(reverse("attendees:download", args=["alpha"])).status_code == 404


def check_manifest(p: Pair):
    response = p.owner.get(reverse("attendees:manifest", args=["alpha"]))
    body = response.content.decode()
    assert response["Content-Type"] == "application/manifest+json"
    assert str(p.mine.token) not in body and str(p.mine.feed_token) not in body
    assert not response.cookies


def _note(p: Pair, who: Client, name: str = "note") -> str:
    return who.get(reverse(f"attendees:{name}", args=["alpha", p.world.apricot.slug])).content


def check_note(p: Pair):
    personal.save_note(p.mine, p.world.apricot, "owner's secret")
    for name in ("note", "note_form"):
        assert b"owner's secret" in _note(p, p.owner, name)
        assert b"owner's secret" not in _note(p, p.stranger, name)
        assert b"owner's secret" not in _note(p, Client(), name)
    # Writing through the same address writes the stranger's own note, never the owner's.
    url = reverse("attendees:note", args=["alpha", p.world.apricot.slug])
    p.stranger.post(url, {"text": "overwritten?"})
    p.stranger.post(url, {"text": ""})
    assert Note.objects.get(attendee=p.mine).text == "owner's secret"
    assert not Note.objects.filter(attendee=p.theirs).exists()


def check_note_form(p: Pair):
    check_note(p)


def check_mark(p: Pair):
    url = reverse("attendees:mark", args=["alpha", p.world.apricot.slug])
    assert p.stranger.post(url, {"mark": "missed"}).status_code == 400  # not their favourite
    p.stranger.post(url, {"mark": "pick"})
    assert Favourite.objects.get(attendee=p.mine).attendance == ""
    personal.mark_watch_later(p.mine, p.world.apricot, True)
    p.stranger.post(url, {"mark": "unwatch"})
    assert WatchLater.objects.filter(attendee=p.mine).exists()
    assert Client().post(url, {"mark": "missed"}).status_code == 400


def check_watch_later(p: Pair):
    personal.mark_watch_later(p.mine, p.world.cherry, True)
    url = reverse("attendees:watch_later", args=["alpha"])
    assert b"Talk Cherry" in p.owner.get(url).content
    assert b"Talk Cherry" not in p.stranger.get(url).content
    assert b"Talk Cherry" not in Client().get(url).content
    assert "Talk Cherry" not in _agenda(p, p.stranger)


def check_recap(p: Pair, name: str = "recap"):
    move(p.world.apricot, timezone.now() - dt.timedelta(days=1))
    personal.save_note(p.mine, p.world.apricot, "owner's recap note")
    url = reverse(f"attendees:{name}", args=["alpha"])
    assert b"owner's recap note" in p.owner.get(url).content
    for other in (p.stranger, Client()):
        body = other.get(url).content
        assert b"Talk Apricot" not in body and b"owner's recap note" not in body


def check_recap_markdown(p: Pair):
    check_recap(p, "recap_markdown")


def check_email(p: Pair):
    Attendee.objects.filter(pk=p.mine.pk).update(email="owner@example.org", notify_changes=True)
    url = reverse("attendees:email", args=["alpha"])
    assert "owner@example.org" not in _agenda(p, p.stranger)
    p.stranger.post(url, {"email": ""})  # "no emails", for the stranger's own agenda
    p.stranger.post(url, {"email": "stranger@example.org", "notify": "on"})
    fresh = Attendee.objects.get(pk=p.mine.pk)
    assert (fresh.email, fresh.notify_changes, fresh.pending_email) == (
        "owner@example.org",
        True,
        "",
    )
    assert Attendee.objects.get(pk=p.theirs.pk).pending_email == "stranger@example.org"


def check_confirm_email(p: Pair):
    Attendee.objects.filter(pk=p.mine.pk).update(pending_email="owner@example.org")
    p.mine.refresh_from_db()
    good = emails.confirmation_url(p.mine, "owner@example.org").split("testserver")[-1]
    token = good.rstrip("/").rsplit("/", 1)[-1]
    # Not another umbrella's, not an unsubscribe token, not a token tampered with.
    assert (
        p.stranger.get(reverse("attendees:confirm_email", args=["zulu", token])).status_code == 404
    )
    Attendee.objects.filter(pk=p.mine.pk).update(email="owner@example.org")
    p.mine.refresh_from_db()
    as_unsubscribe = emails.unsubscribe_url(p.mine).rstrip("/").rsplit("/", 1)[-1]
    for wrong in (as_unsubscribe, token[:-2] + "xx"):
        url = reverse("attendees:confirm_email", args=["alpha", wrong])
        assert p.stranger.post(url).status_code == 404
    assert Attendee.objects.get(pk=p.mine.pk).notify_changes is False


def check_unsubscribe(p: Pair):
    Attendee.objects.filter(pk=p.mine.pk).update(
        email="owner@example.org", pending_email="owner@example.org", notify_changes=True
    )
    p.mine.refresh_from_db()
    as_confirm = emails.confirmation_url(p.mine, "owner@example.org").rstrip("/").rsplit("/")[-1]
    token = emails.unsubscribe_url(p.mine).rstrip("/").rsplit("/", 1)[-1]
    for event, wrong in (("alpha", as_confirm), ("alpha", token[:-2] + "xx"), ("zulu", token)):
        url = reverse("attendees:unsubscribe", args=[event, wrong])
        assert p.stranger.post(url).status_code == 404
    assert Attendee.objects.get(pk=p.mine.pk).notify_changes is True


MATRIX = {
    "note": check_note,
    "note_form": check_note_form,
    "mark": check_mark,
    "watch_later": check_watch_later,
    "recap": check_recap,
    "recap_markdown": check_recap_markdown,
    "email": check_email,
    "confirm_email": check_confirm_email,
    "unsubscribe": check_unsubscribe,
    "manifest": check_manifest,
    "agenda": check_agenda,
    "starred": check_starred,
    "star": check_star,
    "device": check_device,
    "restore": check_restore,
    "feed": check_feed,
    "download": check_download,
}


def test_every_attendees_url_has_a_check():
    namespace = get_resolver().namespace_dict["attendees"][1]
    assert {n for n in namespace.reverse_dict if isinstance(n, str)} == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_one_attendee_cannot_reach_anothers(pair, name):
    MATRIX[name](pair)


PRIVATE_PAGES = [
    ("agenda", []),
    ("device", []),
    ("note", ["talk-apricot"]),
    ("note_form", ["talk-apricot"]),
    ("watch_later", []),
    ("recap", []),
    ("recap_markdown", []),
]


@pytest.mark.parametrize(("name", "args"), PRIVATE_PAGES)
def test_every_page_of_an_agenda_is_private(pair, name, args):
    for who in (pair.owner, Client()):
        response = who.get(reverse(f"attendees:{name}", args=["alpha", *args]))
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert "Cookie" in response["Vary"]


def test_the_other_device_link_has_a_private_qr_code(pair):
    import io

    response = pair.owner.get(reverse("attendees:device", args=["alpha"]))
    assert response["Cache-Control"] == "private, no-store"
    body = response.content.decode()
    svg = body.split('<figure class="qr" id="restore-qr">')[1].split("<figcaption>")[0]
    assert svg.startswith("<svg") and "<path" in svg
    # The code is the private link's own (the same modules as segno draws for that link).
    import segno

    link = f"http://testserver/alpha/agenda/restore/{pair.mine.token}/"
    expected = io.BytesIO()
    segno.make(link, error="m").save(expected, kind="svg", xmldecl=False, svgns=False, scale=4)
    modules = expected.getvalue().decode().split('d="')[1].split('"')[0]
    assert f'd="{modules}"' in svg
    assert (
        str(pair.mine.token)
        not in pair.stranger.get(reverse("attendees:device", args=["alpha"])).content.decode()
    )


def test_rotating_the_device_token_revokes_the_old_link_and_cookie(pair):
    old_link = reverse("attendees:restore", args=["alpha", pair.mine.token])
    pair.owner.post(reverse("attendees:device", args=["alpha"]), {"rotate": "device"})
    # The device that rotated keeps its agenda under the new cookie ...
    assert "Talk Apricot" in _agenda(pair, pair.owner)
    # ... the old link and a copy of the old cookie no longer work.
    assert Client().get(old_link).status_code == 404
    copy = Client()
    copy.cookies[f"hallway_agenda_{pair.world.alpha.pk}"] = str(pair.mine.token)
    assert "Talk Apricot" not in _agenda(pair, copy)


def test_rotating_the_feed_token_revokes_the_feed_only(pair):
    old = reverse("attendees:feed", args=["alpha", pair.mine.feed_token])
    assert Client().get(old).status_code == 200
    pair.owner.post(reverse("attendees:device", args=["alpha"]), {"rotate": "feed"})
    assert Client().get(old).status_code == 404
    fresh = Attendee.objects.get(pk=pair.mine.pk)
    assert fresh.token == pair.mine.token
    assert (
        Client().get(reverse("attendees:feed", args=["alpha", fresh.feed_token])).status_code == 200
    )


def test_the_private_link_restores_the_agenda_on_another_device(pair):
    link = reverse("attendees:restore", args=["alpha", pair.mine.token])
    laptop = Client()
    post_star(laptop, pair.world.cherry, "star")  # starred there before opening the link
    page = laptop.get(link)
    assert page.status_code == 200 and "1 starred session" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    response = laptop.post(link)
    assert response.status_code == 302
    body = _agenda(pair, laptop)
    assert "Talk Apricot" in body and "Talk Cherry" in body  # nothing lost
    assert "Talk Cherry" in _agenda(pair, pair.owner)  # one agenda on both devices now


def test_the_device_page_shows_links_with_csrf_forms(pair):
    page = pair.owner.get(reverse("attendees:device", args=["alpha"])).content.decode()
    assert f"/alpha/agenda/restore/{pair.mine.token}/" in page
    assert f"/alpha/agenda/feed/{pair.mine.feed_token}.ics" in page
    assert "csrfmiddlewaretoken" in page
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = pair.owner.cookies
    refused = strict.post(reverse("attendees:device", args=["alpha"]), {"rotate": "device"})
    assert refused.status_code == 403


def _log_in(client, user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


def test_logging_in_merges_the_devices_agenda_into_the_accounts(world):
    user = make_user("attendeeaccount", staff=False)
    account = services.start_agenda(world.alpha, user)
    services.star(account, world.blueberry)
    services.star(account, world.apricot)
    phone = Client()
    post_star(phone, world.apricot, "star")
    post_star(phone, world.cherry, "star")
    device = Attendee.objects.get(token=phone.cookies[f"hallway_agenda_{world.alpha.pk}"].value)
    _log_in(phone, user)
    assert not Attendee.objects.filter(pk=device.pk).exists()
    assert set(account.favourites.values_list("session__title", flat=True)) == {
        "Talk Apricot",
        "Talk Blueberry",
        "Talk Cherry",
    }
    assert "Talk Cherry" in phone.get(reverse("attendees:agenda", args=["alpha"])).content.decode()


def test_logging_in_without_an_account_agenda_adopts_the_devices(world):
    user = make_user("newattendee", staff=False)
    phone = Client()
    post_star(phone, world.cherry, "star")
    _log_in(phone, user)
    assert Attendee.objects.get(event=world.alpha, user=user).favourites.count() == 1
    # Starring while logged in goes to the account's agenda.
    post_star(phone, world.apricot, "star")
    assert Attendee.objects.get(event=world.alpha, user=user).favourites.count() == 2


def test_another_accounts_agenda_is_not_taken_over_by_its_token(world):
    alice = make_user("alicevisitor", staff=False)
    bob = make_user("bobvisitor", staff=False)
    alices = services.start_agenda(world.alpha, alice)
    services.star(alices, world.cherry)
    browser = Client()
    browser.cookies[f"hallway_agenda_{world.alpha.pk}"] = str(alices.token)
    _log_in(browser, bob)
    assert Attendee.objects.get(pk=alices.pk).user == alice
    assert alices.favourites.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_stars_lose_nothing():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    world = build_world()
    # 200 stars at once: 160 new devices starring one session, and 40 requests of one device
    # starring the same session (which must give exactly one favourite).  Threads keep a
    # database connection each; 40 at a time stays under PostgreSQL's 100 connections.
    one = Client()
    post_star(one, world.blueberry, "star")
    one_cookie = one.cookies
    errors: list[BaseException] = []
    barrier = threading.Barrier(40)

    def device(index: int) -> None:
        from django.db import connections

        try:
            client = Client()
            if index % 5 == 0:
                client.cookies = one_cookie
            barrier.wait()
            for _ in range(5):
                if index % 5 == 0:
                    response = post_star(client, world.apricot, "star")
                else:
                    response = post_star(Client(), world.apricot, "star")
                assert response.status_code == 302
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=device, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stars = Favourite.objects.filter(session=world.apricot)
    # 32 threads × 5 new devices, plus the one device's single favourite.
    assert stars.count() == 32 * 5 + 1
    assert Attendee.objects.filter(event=world.alpha).count() == 32 * 5 + 1


def test_the_organiser_area_does_not_show_the_tokens(pair, client):
    client.force_login(pair.world.base.user("umbrella_organiser"))
    url = reverse("admin:attendees_attendee_change", args=[pair.mine.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert str(pair.mine.token) not in body and str(pair.mine.feed_token) not in body
    listing = client.get(reverse("admin:attendees_attendee_changelist")).content.decode()
    assert str(pair.mine.token)[:8] not in listing
