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
from django.db import transaction
from django.urls import get_resolver, reverse

from factories import make_world
from hallway.programme.models import Exhibitor
from hallway.schedule.models import Proposal

pytestmark = pytest.mark.django_db

LOGIN, OK = "login", "ok"
ROLES = [
    "anonymous",
    "no_role",
    "reviewer",
    "speaker",
    "attendee",
    "other_umbrella_organiser",
    "sibling_organiser",
    "sub_organiser",
    "umbrella_organiser",
    "superuser",
]


def expect(**outcomes) -> dict[str, str]:
    """Every role's outcome: anonymous is always sent to log in, strangers get a 404."""
    base = {
        "anonymous": LOGIN,
        "no_role": "404",
        # The sub-event's reviewer, a speaker of its released session, an attendee with an
        # agenda: none of them organises, so the organiser area is not there for them.
        "reviewer": "404",
        "speaker": "404",
        "attendee": "404",
        "other_umbrella_organiser": "404",
    }
    return {**base, **outcomes}


UMBRELLA_READ = expect(sibling_organiser=OK, sub_organiser=OK, umbrella_organiser=OK, superuser=OK)
SUB_EVENT_READ = expect(
    sibling_organiser="404", sub_organiser=OK, umbrella_organiser=OK, superuser=OK
)

#: Changing the umbrella's content (or a sub-event's, from the umbrella's pages): the
#: umbrella's organisers; a sub-event's organisers work from their own event's pages.
UMBRELLA_CHANGE = expect(
    sibling_organiser="403", sub_organiser="403", umbrella_organiser=OK, superuser=OK
)
SUB_EVENT_CHANGE = expect(
    sibling_organiser="404", sub_organiser=OK, umbrella_organiser=OK, superuser=OK
)
#: The umbrella's own business (rooms, exhibitors, new speaker profiles) on a sub-event's page.
SUB_EVENT_UMBRELLA_ONLY = expect(
    sibling_organiser="404", sub_organiser="403", umbrella_organiser=OK, superuser=OK
)
#: The umbrella's own business (releases, the freeze switch, its whole log).
UMBRELLA_ONLY = expect(
    sibling_organiser="403", sub_organiser="403", umbrella_organiser=OK, superuser=OK
)
#: A POST with an empty body from someone who may: the form is refused (no version).
UMBRELLA_FORM = {**UMBRELLA_ONLY, "umbrella_organiser": "400", "superuser": "400"}
#: On a sub-event: its own organiser may look, not release or freeze.
SUB_EVENT_UMBRELLA_ONLY = {**UMBRELLA_ONLY, "sibling_organiser": "404"}
SUB_EVENT_FORM = {**UMBRELLA_FORM, "sibling_organiser": "404"}


def _alpha(w):
    return [w.alpha.slug]


def _apricot(w):
    return [w.apricot.event.slug]


#: url name -> (method, args(world), {role: outcome})
DAY = "2030-03-01"
EMPTY_MOVE = expect(
    sibling_organiser="404", sub_organiser="404", umbrella_organiser="404", superuser="404"
)

MATRIX = {
    "editor": ("get", _alpha, UMBRELLA_READ),
    "editor_day": ("get", lambda w: [w.alpha.slug, DAY], UMBRELLA_READ),
    # An empty POST: the rights are checked (404/login) before the form is read, which then
    # answers 404 (no such session / day) for everyone who may be there.
    "editor_move": ("post", _alpha, EMPTY_MOVE),
    "editor_unplace": ("post", _alpha, EMPTY_MOVE),
    "editor_undo": ("post", _alpha, EMPTY_MOVE),
    "editor_propose": (
        "post",
        _alpha,
        expect(
            sibling_organiser="403", sub_organiser="403", umbrella_organiser="404", superuser="404"
        ),
    ),
    "editor_proposal": ("get", lambda w: [w.alpha.slug, w.proposal.pk], UMBRELLA_READ),
    "editor_accept": ("post", lambda w: [w.alpha.slug, w.proposal.pk], UMBRELLA_READ),
    "dashboard": ("get", _alpha, UMBRELLA_READ),
    "sessions": ("get", _alpha, UMBRELLA_CHANGE),
    "sessions_new": ("get", _alpha, UMBRELLA_CHANGE),
    "sessions_edit": ("get", lambda w: [w.alpha.slug, w.apricot.session.uuid], UMBRELLA_CHANGE),
    "speakers": ("get", _alpha, UMBRELLA_CHANGE),
    "speakers_new": ("get", _alpha, UMBRELLA_CHANGE),
    "speakers_edit": ("get", lambda w: [w.alpha.slug, w.apricot.speaker.uuid], UMBRELLA_CHANGE),
    "rooms": ("get", _alpha, UMBRELLA_CHANGE),
    "rooms_new": ("get", _alpha, UMBRELLA_CHANGE),
    "rooms_edit": ("get", lambda w: [w.alpha.slug, w.alpha_room.uuid], UMBRELLA_CHANGE),
    "tracks": ("get", _alpha, UMBRELLA_CHANGE),
    "tracks_new": ("get", _alpha, UMBRELLA_CHANGE),
    "tracks_edit": ("get", lambda w: [w.alpha.slug, w.apricot.track.uuid], UMBRELLA_CHANGE),
    "session_types": ("get", _alpha, UMBRELLA_CHANGE),
    "session_types_new": ("get", _alpha, UMBRELLA_CHANGE),
    "session_types_edit": (
        "get",
        lambda w: [w.alpha.slug, w.apricot.session_type.uuid],
        UMBRELLA_CHANGE,
    ),
    "exhibitors": ("get", _alpha, UMBRELLA_CHANGE),
    "exhibitors_new": ("get", _alpha, UMBRELLA_CHANGE),
    "exhibitors_edit": ("get", lambda w: [w.alpha.slug, w.exhibitor.uuid], UMBRELLA_CHANGE),
    "releases": ("get", _alpha, UMBRELLA_READ),
    "release-preview": ("post", _alpha, UMBRELLA_FORM),
    "release-confirm": ("post", _alpha, UMBRELLA_FORM),
    "freeze": ("post", _alpha, UMBRELLA_ONLY),
    "unfreeze": ("get", _alpha, UMBRELLA_ONLY),
    "log": ("get", _alpha, UMBRELLA_ONLY),
    "session-log": ("get", lambda w: [w.alpha.slug, w.apricot.session.uuid], UMBRELLA_ONLY),
}
#: Pages checked again on a sub-event (Apricot): its sibling's organiser may not see them.
ON_SUB_EVENT = {
    "editor_day": ("get", lambda w: [w.apricot.event.slug, DAY], SUB_EVENT_READ),
    "editor_proposal": ("get", lambda w: [w.apricot.event.slug, w.proposal.pk], SUB_EVENT_READ),
    "dashboard": ("get", _apricot, SUB_EVENT_READ),
    "sessions": ("get", _apricot, SUB_EVENT_CHANGE),
    "sessions_new": ("get", _apricot, SUB_EVENT_CHANGE),
    "sessions_edit": ("get", lambda w: [_apricot(w)[0], w.apricot.session.uuid], SUB_EVENT_CHANGE),
    "speakers": ("get", _apricot, SUB_EVENT_CHANGE),
    "speakers_new": ("get", _apricot, SUB_EVENT_UMBRELLA_ONLY),
    "speakers_edit": ("get", lambda w: [_apricot(w)[0], w.apricot.speaker.uuid], SUB_EVENT_CHANGE),
    "rooms": ("get", _apricot, SUB_EVENT_UMBRELLA_ONLY),
    "exhibitors": ("get", _apricot, SUB_EVENT_UMBRELLA_ONLY),
    "tracks": ("get", _apricot, SUB_EVENT_CHANGE),
    "tracks_edit": ("get", lambda w: [_apricot(w)[0], w.apricot.track.uuid], SUB_EVENT_CHANGE),
    "session_types": ("get", _apricot, SUB_EVENT_CHANGE),
    "releases": ("get", _apricot, SUB_EVENT_READ),
    "release-preview": ("post", _apricot, SUB_EVENT_FORM),
    "release-confirm": ("post", _apricot, SUB_EVENT_FORM),
    "freeze": ("post", _apricot, SUB_EVENT_UMBRELLA_ONLY),
    "unfreeze": ("get", _apricot, SUB_EVENT_UMBRELLA_ONLY),
    "log": ("get", _apricot, SUB_EVENT_READ),
    "session-log": (
        "get",
        lambda w: [w.apricot.event.slug, w.apricot.session.uuid],
        SUB_EVENT_READ,
    ),
}
#: Every form that changes something, posted empty: the permission check answers before the
#: form is read (an allowed organiser gets the form back with its errors: "ok").
POSTS = {
    "sessions_new": ("post", _alpha, UMBRELLA_CHANGE),
    "sessions_edit": ("post", lambda w: [w.alpha.slug, w.apricot.session.uuid], UMBRELLA_CHANGE),
    "speakers_new": ("post", _alpha, UMBRELLA_CHANGE),
    "speakers_edit": ("post", lambda w: [w.alpha.slug, w.apricot.speaker.uuid], UMBRELLA_CHANGE),
    "rooms_new": ("post", _alpha, UMBRELLA_CHANGE),
    "rooms_edit": ("post", lambda w: [w.alpha.slug, w.alpha_room.uuid], UMBRELLA_CHANGE),
    "tracks_new": ("post", _alpha, UMBRELLA_CHANGE),
    "tracks_edit": ("post", lambda w: [w.alpha.slug, w.apricot.track.uuid], UMBRELLA_CHANGE),
    "session_types_new": ("post", _alpha, UMBRELLA_CHANGE),
    "session_types_edit": (
        "post",
        lambda w: [w.alpha.slug, w.apricot.session_type.uuid],
        UMBRELLA_CHANGE,
    ),
    "exhibitors_new": ("post", _alpha, UMBRELLA_CHANGE),
    "exhibitors_edit": ("post", lambda w: [w.alpha.slug, w.exhibitor.uuid], UMBRELLA_CHANGE),
}
POSTS_ON_SUB_EVENT = {
    "sessions_new": ("post", _apricot, SUB_EVENT_CHANGE),
    "sessions_edit": (
        "post",
        lambda w: [_apricot(w)[0], w.apricot.session.uuid],
        SUB_EVENT_CHANGE,
    ),
    "speakers_new": ("post", _apricot, SUB_EVENT_UMBRELLA_ONLY),
    "speakers_edit": (
        "post",
        lambda w: [_apricot(w)[0], w.apricot.speaker.uuid],
        SUB_EVENT_CHANGE,
    ),
    "rooms_new": ("post", _apricot, SUB_EVENT_UMBRELLA_ONLY),
    "exhibitors_new": ("post", _apricot, SUB_EVENT_UMBRELLA_ONLY),
    "tracks_new": ("post", _apricot, SUB_EVENT_CHANGE),
    "tracks_edit": ("post", lambda w: [_apricot(w)[0], w.apricot.track.uuid], SUB_EVENT_CHANGE),
    "session_types_new": ("post", _apricot, SUB_EVENT_CHANGE),
}


def manage_url_names() -> set[str]:
    namespace = get_resolver().namespace_dict["manage"][1]
    return {name for name in namespace.reverse_dict if isinstance(name, str)}


def test_every_organiser_url_has_a_row():
    assert manage_url_names() == set(MATRIX)


def _add_non_organisers(world) -> None:
    from factories import make_user
    from hallway.attendees.models import Attendee, Favourite
    from hallway.events.models import EventRole

    reviewer = make_user("reviewapricot", staff=False)
    EventRole.objects.create(event=world.apricot.event, user=reviewer, role=EventRole.REVIEWER)
    speaker = make_user("speakapricot", staff=False)
    world.apricot.speaker.user = speaker
    world.apricot.speaker.save()
    attendee = make_user("attendalpha", staff=False)
    agenda = Attendee.objects.create(event=world.alpha, user=attendee)
    Favourite.objects.create(attendee=agenda, session=world.apricot.session)
    world.users.update(reviewer=reviewer, speaker=speaker, attendee=attendee)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the whole table (built once per worker, rolled back at the end): each
    test runs inside it in its own savepoint, so what one request changes never reaches the
    next."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = make_world()
        _add_non_organisers(world)
        world.exhibitor = Exhibitor.objects.create(
            event=world.alpha, name="Exhibitor Aubergine", category="project"
        )
        # A finished proposal with no changes: its page and its "accept" answer for anyone
        # who may see the event (accepting moves asks each session's rights again).
        world.proposal = Proposal.objects.create(event=world.alpha, scope="day", state="done")
        yield world
        transaction.set_rollback(True)


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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(POSTS))
def test_role_url_matrix_posts(client, world, name, role):
    check(client, world, POSTS, name, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(POSTS_ON_SUB_EVENT))
def test_role_url_matrix_posts_on_a_sub_event(client, world, name, role):
    check(client, world, POSTS_ON_SUB_EVENT, name, role)
