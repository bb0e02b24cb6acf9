"""The organiser area lists nothing of other events and no usernames (issue #12, item 9).

Logged in as an organiser, every admin changelist, add page and change page of every object
the user can open must not mention another event's things or another user's name: list
filters, selects and autocompletes offer only the events the user manages.
"""

from __future__ import annotations

import json

import pytest
from django.contrib import admin
from django.urls import reverse

from factories import make_world

pytestmark = pytest.mark.django_db

# What a sub-event organiser (Apricot) must never see, and what an umbrella organiser
# (Alpha) must never see.
FOREIGN = {
    "sub_organiser": [
        "Blueberry",
        "Zulu",
        "Zanzibar",
        "orgblueberry",
        "orgzulu",
        "orgalpha",
        "nobodyatall",
        "rootadmin",
    ],
    "umbrella_organiser": ["Zulu", "Zanzibar", "orgzulu", "nobodyatall", "rootadmin"],
}


def _pages(client):
    """Every admin page an organiser can open: lists, add forms, and each listed object."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        changelist = reverse(f"{prefix}_changelist")
        response = client.get(changelist)
        if response.status_code != 200:
            continue
        yield changelist, response
        add = client.get(reverse(f"{prefix}_add"))
        if add.status_code == 200:
            yield f"{changelist}add/", add
        for pk in response.context["cl"].result_list.values_list("pk", flat=True):
            url = reverse(f"{prefix}_change", args=[pk])
            yield url, client.get(url)


@pytest.mark.parametrize("role", sorted(FOREIGN))
def test_admin_pages_mention_nothing_of_other_events_or_users(client, role):
    world = make_world()
    client.force_login(world.user(role))
    seen, leaks = 0, []
    for url, response in _pages(client):
        assert response.status_code == 200, url
        html = response.content.decode()
        seen += 1
        leaks += [f"{url}: {word}" for word in FOREIGN[role] if word in html]
    assert seen > 20  # the walk really opened the pages
    assert not leaks


@pytest.mark.parametrize(
    ("app", "model", "field", "own", "foreign"),
    [
        ("schedule", "slot", "session", "Talk Apricot", ["Blueberry", "Zanzibar"]),
        ("program", "sessionspeaker", "speaker", "Speaker Apricot", ["Blueberry", "Zanzibar"]),
    ],
)
def test_autocompletes_offer_only_the_users_events(client, app, model, field, own, foreign):
    world = make_world()
    client.force_login(world.user("sub_organiser"))
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app, "model_name": model, "field_name": field, "term": ""},
    )
    assert response.status_code == 200
    names = [r["text"] for r in json.loads(response.content)["results"]]
    assert any(own in n for n in names)
    assert not [n for n in names if any(f in n for f in foreign)]
