"""The public changelog as an Atom 1.0 feed: it parses, its entries are the releases (stable
ids, newest first, each with its changes), it is cached like the other public pages and the
changes page links to it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from factories import at, make_world
from hallway.schedule.services import release_schedule, wip_schedule

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, slug: str):
    response = client.get(reverse("agenda:changes-feed", args=[slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return response, ET.fromstring(response.content)


@pytest.fixture
def world():
    world = make_world()
    slot = wip_schedule(world.alpha).slots.get(session=world.apricot.session)
    slot.start, slot.end = at(11), at(11, 30)
    slot.save()
    release_schedule(world.alpha, "2.0", comment="Apricot moves to eleven.")
    return world


def test_the_feed_has_one_entry_per_release_with_stable_ids(client, world):
    _, root = feed(client, "alpha")
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") == world.alpha.uuid.urn
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Alpha Umbrella"
    entries = root.findall(f"{ATOM}entry")
    releases = list(world.alpha.schedules.exclude(version=None).order_by("-released_at", "-pk"))
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Version 2.0", "Version 1.0"]
    assert [e.findtext(f"{ATOM}id") for e in entries] == [r.uuid.urn for r in releases]
    for entry, release in zip(entries, releases, strict=True):
        assert entry.find(f"{ATOM}link").get("href").endswith(f"/alpha/changes/{release.slug}/")
        assert entry.findtext(f"{ATOM}updated")
    newest = entries[0].findtext(f"{ATOM}summary")
    assert "Apricot moves to eleven." in newest
    assert "Moved: Talk Apricot, now Fri 1 Mar 11:00" in newest
    assert "Secret Apricot" in newest  # added in 2.0
    assert "First published programme" not in newest
    # The same feed read again (after the cache was emptied) has the same ids.
    from django.core.cache import cache

    cache.clear()
    _, again = feed(client, "alpha")
    assert [e.findtext(f"{ATOM}id") for e in again.findall(f"{ATOM}entry")] == [
        r.uuid.urn for r in releases
    ]


def test_a_sub_events_feed_lists_only_its_changes_under_its_own_ids(client, world):
    _, root = feed(client, "blueberry")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    newest = entries[0].findtext(f"{ATOM}summary")
    assert "Secret Blueberry" in newest and "Apricot" not in newest.replace(
        "Apricot moves to eleven.", ""
    )
    umbrella_ids = {r.uuid.urn for r in world.alpha.schedules.exclude(version=None)}
    assert not {e.findtext(f"{ATOM}id") for e in entries} & umbrella_ids


def test_the_feed_is_cached_and_follows_a_release(client, world):
    response, _ = feed(client, "alpha")
    etag = response["ETag"]
    again = client.get(reverse("agenda:changes-feed", args=["alpha"]), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    release_schedule(world.alpha, "3.0")
    response, root = feed(client, "alpha")
    assert response["ETag"] != etag
    assert root.find(f"{ATOM}entry").findtext(f"{ATOM}title") == "Version 3.0"


def test_the_changes_page_links_the_feed(client, world):
    body = client.get(reverse("agenda:changes", args=["alpha"])).content.decode()
    href = reverse("agenda:changes-feed", args=["alpha"])
    assert '<link rel="alternate" type="application/atom+xml"' in body
    assert f'href="{href}"' in body
