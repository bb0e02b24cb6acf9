"""A co-speaker accepting an invitation is held to the event's limit of submissions per
speaker, like the speaker who submits: a submitted proposal would otherwise let them past it."""

from __future__ import annotations

import pytest

from hallway.cfp.models import Submission
from hallway.cfp.services import invitations, submitting

from .conftest import make_user
from .test_services import content

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(open_cfp, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    open_cfp.max_submissions_per_speaker = 1
    open_cfp.save()
    return open_cfp


def test_accepting_past_the_limit_is_refused_on_the_invitation_page(
    client, limited, talk, kcd_track
):
    ada = make_user("ada@example.net", name="Ada")
    bo = make_user("bo@example.net", name="Bo")
    event = limited.event
    submitting.create_submission(event, bo, content(talk, kcd_track, title="Bo's own"), submit=True)
    shared = submitting.create_submission(event, ada, content(talk, kcd_track), submit=True)
    invitation = invitations.invite_co_speaker(shared, "bo@example.net", ada)

    client.force_login(bo)
    response = client.post(f"/accounts/invitations/{invitation.token}/")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert">Bo already has 1 submission(s) to Kubernetes Community Day' in page
    assert "the limit is 1 per speaker" in page
    assert list(shared.speaker_links.values_list("user__email", flat=True)) == ["ada@example.net"]
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_draft_may_be_joined_and_is_checked_when_submitted(limited, talk, kcd_track):
    """Joining a draft costs nothing yet; submitting it checks every speaker."""
    from django.core.exceptions import ValidationError

    ada = make_user("ada@example.net", name="Ada")
    bo = make_user("bo@example.net", name="Bo")
    event = limited.event
    submitting.create_submission(event, bo, content(talk, kcd_track, title="Bo's own"), submit=True)
    draft = submitting.create_submission(event, ada, content(talk, kcd_track))
    invitations.accept_invitation(invitations.invite_co_speaker(draft, "bo@example.net", ada), bo)
    with pytest.raises(ValidationError, match="Bo already has 1"):
        submitting.submit_submission(draft, ada)
    draft.refresh_from_db()
    assert draft.state == Submission.DRAFT


def test_under_the_limit_the_invitation_is_accepted(client, limited, talk, kcd_track):
    ada = make_user("ada@example.net", name="Ada")
    bo = make_user("bo@example.net", name="Bo")
    shared = submitting.create_submission(limited.event, ada, content(talk, kcd_track), submit=True)
    invitation = invitations.invite_co_speaker(shared, "bo@example.net", ada)
    client.force_login(bo)
    response = client.post(f"/accounts/invitations/{invitation.token}/")
    assert response.status_code == 302
    assert shared.speaker_links.filter(user=bo).exists()
