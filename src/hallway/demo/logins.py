"""The demo's logins: the organiser, and the call-for-papers accounts (a speaker, a
DevOpsDays reviewer, the DevOpsDays track organiser, an organiser of the KCD alone), all with
one documented password that a production site never accepts."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from hallway.events.models import Event, EventRole

from .venue import Venue

ORGANISER_USERNAME = "organiser"
ORGANISER_PASSWORD = "hallway-demo"  # noqa: S105 - documented demo login, local only
#: Call-for-papers logins (role, username = the part before @example.org); same password.
CFP_LOGINS = [
    ("speaker", "speaker"),
    ("reviewer (DevOpsDays)", "reviewer"),
    ("track organiser (DevOpsDays' DevOps track)", "track-organiser"),
    ("organiser of the KCD only", "kcd-organiser"),
]


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, username, password) of the demo accounts present in this database that still
    accept their documented password; empty in production mode, where they never do."""
    if settings.PRODUCTION:
        return []
    logins = []
    users = get_user_model().objects.in_bulk(
        [ORGANISER_USERNAME, *(u for _, u in CFP_LOGINS)], field_name="username"
    )
    for role, username in [("organiser", ORGANISER_USERNAME), *CFP_LOGINS]:
        user = users.get(username)
        if user is not None and user.check_password(ORGANISER_PASSWORD):
            logins.append((role, username, ORGANISER_PASSWORD))
    return logins


def make_organiser(umbrella: Event):
    """The demo organiser (staff, organiser of the whole conference)."""
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(
        username=ORGANISER_USERNAME, defaults={"email": "organiser@example.org", "is_staff": True}
    )
    user.is_staff = True
    # A well-known password must never open a production site: there the demo organiser gets
    # no usable password (an administrator sets one with `hallway changepassword`).
    if settings.PRODUCTION:
        user.set_unusable_password()
    else:
        user.set_password(ORGANISER_PASSWORD)
    user.save()
    EventRole.objects.create(event=umbrella, user=user, role=EventRole.ORGANISER)
    return user


def make_cfp_logins() -> None:
    """The call-for-papers accounts, with verified addresses (logging in through /accounts/
    needs one) and the speaker's profile.  Their roles come with :func:`give_cfp_roles`."""
    from allauth.account.models import EmailAddress

    from hallway.cfp.models import SpeakerProfile

    user_model = get_user_model()
    # One hash for all of them: hashing is deliberately slow, and load-demo runs at the start
    # of every test session.
    password = make_password(None if settings.PRODUCTION else ORGANISER_PASSWORD)
    for _, username in CFP_LOGINS:
        user, _ = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        user.password = password
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    organiser = user_model.objects.get(username=ORGANISER_USERNAME)
    EmailAddress.objects.update_or_create(
        user=organiser, email=organiser.email, defaults={"verified": True, "primary": True}
    )
    SpeakerProfile.objects.update_or_create(
        user=user_model.objects.get(username="speaker"),
        defaults={
            "name": "Sam Speaker",
            "pronouns": "they/them",
            "bio": "Runs clusters for a living; the demo's speaker account.",
        },
    )


def give_cfp_roles(venue: Venue) -> None:
    from hallway.cfp.models import ReviewerScope

    users = get_user_model().objects.in_bulk([u for _, u in CFP_LOGINS], field_name="username")
    dod, kcd = venue.subs["dod"], venue.subs["kcd"]
    EventRole.objects.bulk_create(
        [
            EventRole(event=dod, user=users["reviewer"], role=EventRole.REVIEWER),
            EventRole(event=dod, user=users["track-organiser"], role=EventRole.TRACK_ORGANISER),
            EventRole(event=kcd, user=users["kcd-organiser"], role=EventRole.ORGANISER),
        ]
    )
    scope = ReviewerScope.objects.create(event=dod, user=users["track-organiser"])
    scope.tracks.set(venue.tracks["dod"])
