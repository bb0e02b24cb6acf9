"""Who may open which page of the call for papers: every URL of the cfp app (read from the
URL configuration, so a new URL without a row here fails) for every role, including objects
of another event reached through this event's address."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from hallway.cfp.models import CallForPapers, Message, ReviewerScope, ScoreCategory, Submission
from hallway.cfp.services import decisions, invitations, offers, submitting
from hallway.events.models import Event, EventRole

from .conftest import give_role, make_user

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "plain user",
    "speaker",
    "reviewer",
    "other event's organiser",
    "event organiser",
    "umbrella organiser",
    "track organiser",
]
OK, LOGIN, DENIED, MISSING = "ok", "login", "403", "404"


def row(
    anonymous=LOGIN,
    plain=DENIED,
    speaker=DENIED,
    reviewer=DENIED,
    other=DENIED,
    organiser=DENIED,
    umbrella=DENIED,
    track=DENIED,
):
    outcomes = [anonymous, plain, speaker, reviewer, other, organiser, umbrella, track]
    return dict(zip(ROLES, outcomes, strict=True))


EVERYONE = row(OK, OK, OK, OK, OK, OK, OK, OK)
SIGNED_IN = row(LOGIN, OK, OK, OK, OK, OK, OK, OK)
SPEAKER_ONLY = row(speaker=OK)
#: The track organiser organises the submission's track.
SPEAKER_OR_ORGANISERS = row(speaker=OK, organiser=OK, umbrella=OK, track=OK)
REVIEWER_ONLY = row(reviewer=OK)
ORGANISERS = row(organiser=OK, umbrella=OK)
#: The dashboard and deciding: a track organiser too (for the submissions of their tracks).
DECIDERS = row(organiser=OK, umbrella=OK, track=OK)

#: name → (method, the address's arguments from the world, who gets what)
MATRIX = {
    "cfp": ("get", lambda w: [w.kcd.slug], EVERYONE),
    "submit": ("get", lambda w: [w.kcd.slug], SIGNED_IN),
    "submission": ("get", lambda w: [w.kcd.slug, w.submission.uuid], SPEAKER_OR_ORGANISERS),
    "withdraw": ("post", lambda w: [w.kcd.slug, w.submission.uuid], SPEAKER_ONLY),
    "invite": ("post", lambda w: [w.kcd.slug, w.submission.uuid], SPEAKER_ONLY),
    "confirm": ("post", lambda w: [w.kcd.slug, w.submission.uuid], SPEAKER_ONLY),
    "decline": ("post", lambda w: [w.kcd.slug, w.submission.uuid], SPEAKER_ONLY),
    "answer-offer": (
        "post",
        lambda w: [w.kcd.slug, w.rejected.uuid, w.offer.pk],
        SPEAKER_ONLY,
    ),
    "review-list": ("get", lambda w: [w.kcd.slug], REVIEWER_ONLY),
    "review": ("get", lambda w: [w.kcd.slug, w.submission.uuid], REVIEWER_ONLY),
    "manage": ("get", lambda w: [w.kcd.slug], DECIDERS),
    "decide": ("post", lambda w: [w.kcd.slug], DECIDERS),
    "remind": ("post", lambda w: [w.kcd.slug], ORGANISERS),
    "manage-settings": ("get", lambda w: [w.kcd.slug], ORGANISERS),
    "manage-submission": ("get", lambda w: [w.kcd.slug, w.submission.uuid], DECIDERS),
    "offer": ("post", lambda w: [w.kcd.slug, w.rejected.uuid], ORGANISERS),
    "write": ("post", lambda w: [w.kcd.slug, w.submission.uuid], ORGANISERS),
    "questions": ("get", lambda w: [w.kcd.slug], ORGANISERS),
    "question": ("get", lambda w: [w.kcd.slug, w.kcd.cfp.questions.first().pk], ORGANISERS),
    "categories": ("get", lambda w: [w.kcd.slug], ORGANISERS),
    "category": ("get", lambda w: [w.kcd.slug, w.category.pk], ORGANISERS),
    "deadlines": ("get", lambda w: [w.kcd.slug], ORGANISERS),
    "deadline": ("get", lambda w: [w.kcd.slug, w.deadline.pk], ORGANISERS),
    "team": ("get", lambda w: [w.kcd.slug], ORGANISERS),
    "team-member": ("get", lambda w: [w.kcd.slug, w.reviewer_role.pk], ORGANISERS),
    "outbox": ("get", lambda w: [w.kcd.slug], ORGANISERS),
    "message": ("get", lambda w: [w.kcd.slug, w.message.pk], ORGANISERS),
    "templates": ("get", lambda w: [w.kcd.slug], ORGANISERS),
    "template": ("get", lambda w: [w.kcd.slug, "acceptance"], ORGANISERS),
    "me": ("get", lambda w: [], SIGNED_IN),
    "profile": ("get", lambda w: [], SIGNED_IN),
    "photo": ("get", lambda w: [w.photo_name], EVERYONE),
    "invitation": ("get", lambda w: [w.invitation.token], SIGNED_IN),
}


def cfp_url_names() -> set[str]:
    namespace = get_resolver().namespace_dict["cfp"][1]
    return {name for name in namespace.reverse_dict if isinstance(name, str)}


def test_every_cfp_url_has_a_row():
    assert cfp_url_names() == set(MATRIX)


class World:
    """A KCD submission in review by a speaker, a rejected one offered elsewhere, a message in
    the outbox, and one user per role."""

    def __init__(self):
        from hallway.events.models import SessionType, Track

        self.kcd = Event.objects.get(slug="kcd-pasadena")
        self.devops = Event.objects.get(slug="devopsdays-la")
        umbrella = self.kcd.umbrella
        cfp = self.kcd.cfp
        from django.utils import timezone

        cfp.opens_at = timezone.now() - timezone.timedelta(days=1)
        cfp.closes_at = timezone.now() + timezone.timedelta(days=30)
        cfp.phase = CallForPapers.REVIEW
        cfp.save()
        talk = SessionType.objects.get(event=umbrella, name="Talk")
        track = Track.objects.get(event=self.kcd)
        self.users = {
            "plain user": make_user("plain@example.net", name="Plain"),
            "speaker": make_user("sam@example.net", name="Speaker"),
            "reviewer": give_role(
                make_user("rev@example.net", name="Rev"), self.kcd, EventRole.REVIEWER
            ),
            "other event's organiser": give_role(make_user("other@example.net"), self.devops),
            "event organiser": give_role(make_user("org@example.net"), self.kcd),
            "umbrella organiser": give_role(make_user("umbrella@example.net"), umbrella),
            "track organiser": give_role(
                make_user("tracks@example.net"), self.kcd, EventRole.TRACK_ORGANISER
            ),
        }
        ReviewerScope.objects.create(event=self.kcd, user=self.users["track organiser"]).tracks.set(
            [track]
        )
        speaker = self.users["speaker"]
        new = {"title": "T", "abstract": "A", "session_type": talk, "track": track}
        self.submission = submitting.create_submission(self.kcd, speaker, new, submit=True)
        self.invitation = invitations.invite_co_speaker(self.submission, "co@example.net", speaker)
        self.rejected = submitting.create_submission(self.kcd, speaker, new, submit=True)
        organiser = self.users["event organiser"]
        decisions.decide(self.rejected, Submission.REJECTED, organiser)
        self.offer = offers.offer(self.rejected, self.devops, self.users["umbrella organiser"])
        self.message = Message.objects.filter(event=self.kcd, state=Message.OUTBOX).first()
        devops_cfp = self.devops.cfp
        devops_cfp.closes_at = cfp.closes_at
        devops_cfp.opens_at = cfp.opens_at
        devops_cfp.save()
        self.foreign = submitting.create_submission(self.devops, speaker, {**new, "track": None})
        self.category = ScoreCategory.objects.create(cfp=cfp, name="Relevance", weight=2)
        self.deadline = cfp.deadlines.create(session_type=talk, closes_at=cfp.closes_at)
        self.reviewer_role = EventRole.objects.get(user=self.users["reviewer"])
        self.foreign_message = Message.objects.create(
            event=self.devops, to="x@example.net", subject="s", body="b", state=Message.OUTBOX
        )


@pytest.fixture
def world(demo, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path
    made = World()
    profile = made.users["speaker"].speaker_profile
    profile.photo.save("photo-token.jpg", ContentFile(b"\xff\xd8 not checked here"))
    made.photo_name = "photo-token.jpg"
    return made


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    if response.status_code in (200, 302):
        return OK
    return str(response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_url_matrix(client, world, name, role):
    from django.urls import reverse

    method, args, expected = MATRIX[name]
    if role != "anonymous":
        client.force_login(world.users[role])
    url = reverse(f"cfp:{name}", args=args(world))
    response = getattr(client, method)(url)
    assert outcome(response) == expected[role], f"{role} {method.upper()} {url}"


#: (page, a role that may open it for this event's own submission)
FOREIGN = [
    ("submission", "speaker"),
    ("submission", "event organiser"),
    ("submission", "umbrella organiser"),
    ("manage-submission", "event organiser"),
    ("manage-submission", "umbrella organiser"),
    ("manage-submission", "track organiser"),
    ("submission", "track organiser"),
    ("review", "reviewer"),
    ("withdraw", "speaker"),
    ("invite", "speaker"),
    ("confirm", "speaker"),
    ("decline", "speaker"),
    ("offer", "umbrella organiser"),
    ("write", "event organiser"),
]


@pytest.mark.parametrize(("name", "role"), FOREIGN)
def test_another_events_submission_is_not_found_through_this_event(client, world, name, role):
    """Even an umbrella organiser, who may see both, gets a 404: the address names the KCD and
    the submission is DevOpsDays'."""
    from django.urls import reverse

    client.force_login(world.users[role])
    method = MATRIX[name][0]
    url = reverse(f"cfp:{name}", args=[world.kcd.slug, world.foreign.uuid])
    assert getattr(client, method)(url).status_code == 404


def test_another_events_question_is_not_found_through_this_event(client, world):
    from django.urls import reverse

    from hallway.cfp.models import Question

    foreign = Question.objects.create(cfp=world.devops.cfp, text="Elsewhere?")
    client.force_login(world.users["umbrella organiser"])
    assert client.get(reverse("cfp:question", args=[world.kcd.slug, foreign.pk])).status_code == 404


def test_another_events_message_is_not_found_through_this_event(client, world):
    from django.urls import reverse

    client.force_login(world.users["umbrella organiser"])
    url = reverse("cfp:message", args=[world.kcd.slug, world.foreign_message.pk])
    assert client.get(url).status_code == 404
    client.force_login(world.users["event organiser"])
    url = reverse("cfp:message", args=[world.devops.slug, world.foreign_message.pk])
    assert client.get(url).status_code == 403
