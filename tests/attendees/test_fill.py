"""Room fill: "filling up" and "likely full" from everyone's favourites times the umbrella's
show-up rate, on the grid, the list and the session page; one query, refreshed at most once
per HALLWAY_ROOM_FILL_SECONDS, and the public pages change only when a label does."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hallway.attendees import services
from hallway.schedule.fill import compute_labels

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("agenda:grid-day", args=["alpha", "2030-03-01"]),
    reverse("agenda:list", args=["alpha"]),
    reverse("agenda:session", args=["alpha", "workshop-walnut"]),
]


def stars(world, session, n):
    for _ in range(n):
        services.star(services.start_agenda(world.alpha), session)


def test_labels_against_the_rooms_capacity(world, django_assert_max_num_queries):
    # Room Cormorant seats 20; at a show-up rate of 0.6, 27 stars are 81 %, 34 are 102 %.
    stars(world, world.walnut, 26)
    assert compute_labels(world.alpha) == {}
    stars(world, world.walnut, 1)
    assert compute_labels(world.alpha) == {world.walnut.pk: "filling"}
    stars(world, world.walnut, 7)
    with django_assert_max_num_queries(1):  # one aggregate, the latest release a subquery
        assert compute_labels(world.alpha) == {world.walnut.pk: "full"}
    world.alpha.show_up_rate = 0.3
    world.alpha.save()
    assert compute_labels(world.alpha) == {}


@pytest.mark.parametrize("url", PAGES)
def test_the_pages_show_the_label_as_favourites_come_in(world, settings, url):
    settings.HALLWAY_ROOM_FILL_SECONDS = 0  # no waiting for the minute in a test
    assert "filling up" not in Client().get(url).content.decode()
    stars(world, world.walnut, 27)
    page = Client().get(url)
    assert page["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert '<span class="fill">filling up</span>' in page.content.decode()
    stars(world, world.walnut, 7)
    assert '<span class="fill">likely full</span>' in Client().get(url).content.decode()


def test_stars_that_change_no_label_keep_the_cached_page(world, settings):
    settings.HALLWAY_ROOM_FILL_SECONDS = 0
    url = PAGES[0]
    first = Client().get(url)
    stars(world, world.apricot, 3)  # far from Room Aardvark's 100 seats
    again = Client().get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    stars(world, world.walnut, 27)  # Walnut is now filling up: the page changes
    assert Client().get(url, headers={"If-None-Match": first["ETag"]}).status_code == 200


def test_labels_are_kept_for_the_refresh_period(world):
    url = PAGES[2]
    assert "filling up" not in Client().get(url).content.decode()
    stars(world, world.walnut, 27)
    # Within the minute the kept labels (and so the cached page) still hold.
    assert "filling up" not in Client().get(url).content.decode()
