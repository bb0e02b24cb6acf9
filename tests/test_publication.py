"""Public pages are cached whole while the programme is unchanged, and a change (an edit of
published text, a release) is seen by the very next request; work-in-progress edits are not
public and change nothing."""

from __future__ import annotations

import gzip

import pytest
from django.core.cache import cache
from django.utils.html import escape

from hallway.events.models import Event
from hallway.schedule.services import latest_release, release_schedule, wip_schedule

pytestmark = pytest.mark.django_db


def generation(slug: str = "pose27") -> int:
    return Event.objects.get(slug=slug).published_generation


def a_session(demo):
    return (
        latest_release(demo).slots.filter(session__isnull=False).select_related("session").first()
    ).session


def test_an_unchanged_page_is_served_from_the_cache_with_one_query(
    demo, client, django_assert_num_queries
):
    url = f"/{demo.slug}/programme/2027-03-05/"
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(1):  # the event's change counter, nothing else
        again = client.get(url)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_an_edit_of_published_text_is_seen_by_the_next_request(demo, client):
    session = a_session(demo)
    url = f"/{demo.slug}/sessions/{session.slug}/"
    before = client.get(url)
    session.title = "A title corrected after the release"
    session.save()
    after = client.get(url)
    assert escape(session.title) in after.content.decode()
    assert after["ETag"] != before["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_a_release_is_seen_by_the_next_request_on_every_page_of_the_event(demo, client):
    changes = f"/{demo.slug}/changes/"
    kcd = "/kcd-pasadena/programme/"
    client.get(changes), client.get(kcd)
    before = generation("kcd-pasadena")
    release_schedule(demo, "2.0", comment="next")
    assert generation("kcd-pasadena") == before + 1  # co-located events change with it
    assert "2.0" in client.get(changes).content.decode()


def test_work_in_progress_edits_are_not_public_and_keep_the_cache(demo, client):
    before = generation()
    slot = wip_schedule(demo).slots.filter(session__isnull=False, pinned=False).first()
    slot.start, slot.end = slot.start, slot.end  # an organiser saves a WIP slot
    slot.save()
    assert generation() == before


def test_unknown_query_parameters_do_not_multiply_the_cache(demo, client, settings):
    url = f"/{demo.slug}/programme/2027-03-05/"
    client.get(url)
    keys = _cached_pages()
    for junk in range(5):
        assert client.get(f"{url}?utm_source={junk}").status_code == 200
    assert _cached_pages() == keys
    client.get(f"{url}?track=databases")  # a real filter is a page of its own
    assert len(_cached_pages()) == len(keys) + 1


def _cached_pages() -> set[str]:
    return {k for k in cache._cache if ":page:" in k}  # LocMemCache's own store


def test_a_cached_page_is_sent_gzipped_to_browsers_that_accept_it(demo, client):
    url = f"/{demo.slug}/programme/list/"
    plain = client.get(url)
    zipped = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 4
    assert zipped["Vary"] == plain["Vary"] == "Accept-Encoding"
    assert zipped["ETag"] != plain["ETag"]
    # Either representation's tag is current: the other one revalidates with a 304.
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": plain["ETag"]})
    assert again.status_code == 304 and again["ETag"] == zipped["ETag"]
    assert "Content-Encoding" not in client.get(url, headers={"Accept-Encoding": "gzip;q=0"})
