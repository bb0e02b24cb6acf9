"""Co-speakers: an invitation by email, and its acceptance (within the limit per speaker)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hallway.cfp.models import (
    CoSpeakerInvitation,
    MailTemplate,
    Submission,
    SubmissionSpeaker,
)
from hallway.cfp.services.calls import absolute_url
from hallway.cfp.services.mail import compose, person_name, send_later
from hallway.cfp.services.submitting import UNCOUNTED, check_limit, locked


def invite_co_speaker(submission: Submission, email: str, by) -> CoSpeakerInvitation:
    email = email.strip().lower()
    with transaction.atomic():
        current = locked(submission)
        if current.state not in (*Submission.EDITABLE, Submission.ACCEPTED):
            raise ValidationError("Co-speakers can no longer be invited to this submission.")
        if current.speaker_links.filter(user__email__iexact=email).exists():
            raise ValidationError(f"{email} already presents this submission.")
        if current.invitations.filter(email=email, accepted_at__isnull=True).exists():
            raise ValidationError(f"{email} has already been invited.")
        invitation = CoSpeakerInvitation.objects.create(
            submission=current, email=email, invited_by=by
        )
        message = compose(
            MailTemplate.INVITATION,
            current,
            None,
            to=email,
            extra={
                "inviter_name": person_name(by),
                "invitation_url": absolute_url(reverse("cfp:invitation", args=[invitation.token])),
            },
        )
        send_later([message])
    return invitation


def accept_invitation(invitation: CoSpeakerInvitation, user) -> Submission:
    with transaction.atomic():
        invitation = CoSpeakerInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ValidationError("This invitation has already been accepted.")
        submission = locked(invitation.submission)
        if submission.state in (Submission.WITHDRAWN, Submission.CANCELLED, Submission.REJECTED):
            raise ValidationError("This submission is no longer open to co-speakers.")
        if not submission.speaker_links.filter(user=user).exists():
            if submission.state not in UNCOUNTED:
                # A draft is checked for every speaker when it is submitted; a submitted one
                # would otherwise let a co-speaker past the limit.
                check_limit(submission, user)
            position = submission.speaker_links.count()
            SubmissionSpeaker.objects.create(submission=submission, user=user, position=position)
        invitation.accepted_by = user
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_by", "accepted_at", "updated_at"])
    return submission
