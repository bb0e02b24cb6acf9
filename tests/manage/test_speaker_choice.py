"""Which speakers a session's page offers: a co-located event's organiser picks from the
speakers of their own sessions and those already on the published programme, never from a
sibling event's unreleased line-up (whose names are not yet public); the umbrella's
organiser picks from all of them."""

from __future__ import annotations

import pytest
from django.test import Client

from factories import make_world

pytestmark = pytest.mark.django_db


def speaker_options(user, event, session) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/{event.slug}/manage/sessions/{session.uuid}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_sub_event_organiser_is_not_shown_a_sibling_events_unreleased_speakers():
    world = make_world()
    page = speaker_options(world.user("sub_organiser"), world.apricot.event, world.apricot.session)
    assert world.apricot.speaker.name in page  # their own, released
    assert world.apricot.hidden_speaker.name in page  # their own, not yet released
    assert world.blueberry.speaker.name in page  # a sibling's, already public
    assert world.blueberry.hidden_speaker.name not in page  # a sibling's, unreleased
    assert world.zulu_family.speaker.name not in page  # another conference's


def test_the_umbrella_organiser_is_offered_every_speaker_of_the_umbrella():
    world = make_world()
    page = speaker_options(world.user("umbrella_organiser"), world.alpha, world.apricot.session)
    for family in (world.apricot, world.blueberry):
        assert family.speaker.name in page and family.hidden_speaker.name in page
    assert world.zulu_family.speaker.name not in page
