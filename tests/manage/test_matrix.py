"""Who may open which page of the organiser area (``/<event>/manage/``): every URL of the
``manage`` namespace, read from the URL configuration so that a new URL without a row fails,
for every role of a small world of two conferences.

Outcomes: ``ok`` (200, or a redirect that is not to the login page), ``login`` (anonymous:
sent to log in), or the status code.  Someone with no role in a conference gets a 404, as for
an event that does not exist; an organiser of the same conference who may not do a thing gets
a 403.  Add a row when you add a page; POST rows use an empty body, so the answer shows
whether the permission check comes before the form is read.
"""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from factories import make_world

pytestmark = pytest.mark.django_db

LOGIN, OK = "login", "ok"
ROLES = [
    "anonymous",
    "no_role",
    "other_umbrella_organiser",
    "sibling_organiser",
    "sub_organiser",
    "umbrella_organiser",
    "superuser",
]


def expect(**outcomes) -> dict[str, str]:
    """Every role's outcome: anonymous is always sent to log in, strangers get a 404."""
    base = {"anonymous": LOGIN, "no_role": "404", "other_umbrella_organiser": "404"}
    return {**base, **outcomes}


UMBRELLA_READ = expect(sibling_organiser=OK, sub_organiser=OK, umbrella_organiser=OK, superuser=OK)
SUB_EVENT_READ = expect(
    sibling_organiser="404", sub_organiser=OK, umbrella_organiser=OK, superuser=OK
)

#: url name -> (method, args(world), {role: outcome})
MATRIX = {
    "dashboard": ("get", lambda w: [w.alpha.slug], UMBRELLA_READ),
}
#: Pages checked again on a sub-event (Apricot): its sibling's organiser may not see them.
ON_SUB_EVENT = {
    "dashboard": ("get", lambda w: [w.apricot.event.slug], SUB_EVENT_READ),
}


def manage_url_names() -> set[str]:
    namespace = get_resolver().namespace_dict["manage"][1]
    return {name for name in namespace.reverse_dict if isinstance(name, str)}


def test_every_organiser_url_has_a_row():
    assert manage_url_names() == set(MATRIX)


@pytest.fixture
def world():
    return make_world()


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    if response.status_code in (200, 302, 303):
        return OK
    return str(response.status_code)


def check(client, world, table, name, role):
    method, args, expected = table[name]
    if role != "anonymous":
        client.force_login(world.user(role))
    url = reverse(f"manage:{name}", args=args(world))
    response = getattr(client, method)(url)
    assert outcome(response) == expected[role], f"{role} {method.upper()} {url}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_url_matrix(client, world, name, role):
    check(client, world, MATRIX, name, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ON_SUB_EVENT))
def test_role_url_matrix_on_a_sub_event(client, world, name, role):
    check(client, world, ON_SUB_EVENT, name, role)
