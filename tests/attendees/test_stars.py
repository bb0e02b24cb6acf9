"""Starring from the programme pages: without JavaScript (a form that comes back), with htmx
(a fragment in place), idempotent, refused from other sites, and never making the public
pages private."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hallway.attendees import services
from hallway.attendees.models import Attendee, Favourite

from .conftest import SITE, post_star, star_url

pytestmark = pytest.mark.django_db

COOKIE = "hallway_agenda_{}"


def test_first_star_creates_an_agenda_in_a_private_cookie(client, world):
    response = post_star(client, world.apricot)
    assert response.status_code == 302
    assert response["Location"] == "/alpha/programme/"
    attendee = Attendee.objects.get(event=world.alpha)
    assert attendee.event == world.alpha
    cookie = response.cookies[COOKIE.format(world.alpha.pk)]
    assert cookie.value == str(attendee.token)
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert "private" in response["Cache-Control"]
    assert list(attendee.favourites.values_list("session", flat=True)) == [world.apricot.pk]


def test_the_cookie_is_secure_in_production(client, world, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = post_star(client, world.apricot)
    assert response.cookies[COOKIE.format(world.alpha.pk)]["secure"] is True


def test_starring_is_idempotent_and_toggle_unstars(client, world):
    post_star(client, world.apricot, "star")
    post_star(client, world.apricot, "star")
    assert Favourite.objects.filter(attendee__event=world.alpha).count() == 1
    assert Attendee.objects.filter(event=world.alpha).count() == 1
    post_star(client, world.apricot, "toggle")
    assert Favourite.objects.filter(attendee__event=world.alpha).count() == 0
    post_star(client, world.apricot, "unstar")
    post_star(client, world.apricot, "toggle")
    assert Favourite.objects.filter(attendee__event=world.alpha).count() == 1


def test_the_services_are_idempotent(world):
    attendee = services.start_agenda(world.alpha)
    assert services.star(attendee, world.cherry) is True
    assert services.star(attendee, world.cherry) is False
    assert services.unstar(attendee, world.cherry) is True
    assert services.unstar(attendee, world.cherry) is False
    assert attendee.favourites.count() == 0


def test_unstar_from_a_device_without_agenda_creates_nothing(client, world):
    response = post_star(client, world.apricot, "unstar")
    assert response.status_code == 302
    assert not Attendee.objects.filter(event=world.alpha).exists()
    assert not response.cookies


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_next_must_be_a_path_on_this_site(client, world, target):
    response = client.post(
        star_url(world.apricot),
        {"action": "star", "next": target},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response["Location"] == f"/alpha/sessions/{world.apricot.slug}/"


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://sub.testserver"},
        {"Origin": "https://evil.example"},
    ],
)
def test_a_star_from_another_site_is_refused(client, world, headers):
    response = client.post(star_url(world.apricot), {"action": "star"}, headers=headers)
    assert response.status_code == 403
    assert not Favourite.objects.filter(attendee__event=world.alpha).exists()


def test_without_browser_headers_only_the_csrf_token_will_do(world):
    client = Client(enforce_csrf_checks=True)
    assert client.post(star_url(world.apricot), {"action": "star"}).status_code == 403
    token = client.get(reverse("attendees:starred", args=["alpha"])).json()["csrf"]
    response = client.post(
        star_url(world.apricot), {"action": "star", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Favourite.objects.filter(attendee__event=world.alpha).count() == 1


def test_same_origin_headers_pass_the_enforced_check(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(star_url(world.apricot), {"action": "star"}, headers={"Origin": SITE})
    assert response.status_code == 302


def test_an_unpublished_session_cannot_be_starred(client, world):
    assert post_star(client, world.base.apricot.hidden).status_code == 404
    # Another umbrella's session through this umbrella's address: not found either.
    assert post_star(client, world.zulu).status_code == 404
    assert not Favourite.objects.filter(attendee__event=world.alpha).exists()


def test_htmx_gets_the_button_back_in_place(client, world):
    response = post_star(client, world.cherry, "toggle", **{"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<form class="star"')
    assert 'aria-pressed="true"' in body
    assert 'name="action" value="unstar"' in body
    response = post_star(client, world.cherry, "unstar", **{"HX-Request": "true"})
    assert 'aria-pressed="false"' in response.content.decode()


def test_starred_json_is_private_and_lists_this_devices_stars(client, world):
    post_star(client, world.apricot, "star")
    post_star(client, world.walnut, "star")
    response = client.get(reverse("attendees:starred", args=["apricot"]))
    assert response["Cache-Control"] == "private, no-store"
    assert "Cookie" in response["Vary"]
    assert response.json()["starred"] == sorted([world.apricot.slug, world.walnut.slug])
    assert Client().get(reverse("attendees:starred", args=["alpha"])).json()["starred"] == []


PUBLIC_PAGES = [
    ("agenda:grid", ["alpha"]),
    ("agenda:list", ["alpha"]),
    ("agenda:room", ["alpha", "room-beaver"]),
    ("agenda:speaker", ["alpha", "speaker-apricot"]),
    ("agenda:session", ["alpha", "talk-cherry"]),
]


@pytest.mark.parametrize(("name", "args"), PUBLIC_PAGES)
def test_programme_pages_carry_stars_and_stay_public(client, world, name, args):
    url = reverse(name, args=args)
    anonymous = Client().get(url)
    post_star(client, world.cherry, "star")
    post_star(client, world.apricot, "star")
    mine = client.get(url)
    for response in (anonymous, mine):
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")
    # The same bytes for everyone: nobody's stars are in the cached page.
    assert mine.content == anonymous.content
    body = mine.content.decode()
    assert 'class="star"' in body
    assert 'name="action" value="toggle"' in body
    assert "stars.js" in body and "htmx.min.js" in body
