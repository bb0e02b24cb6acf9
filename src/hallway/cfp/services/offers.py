"""Offers: a rejected submission offered to another event of the umbrella, and the speakers'
answer (accepted, it moves into that event's review)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hallway.cfp.models import (
    CallForPapers,
    MailTemplate,
    Message,
    Offer,
    StateChange,
    Submission,
)
from hallway.cfp.services.calls import absolute_url
from hallway.cfp.services.mail import compose, submission_url
from hallway.cfp.services.submitting import locked, transition
from hallway.events.models import Event


def offer(submission: Submission, to_event: Event, by) -> Offer:
    """Offer a rejected submission to another event of the same umbrella."""
    with transaction.atomic():
        current = locked(submission)
        if current.state != Submission.REJECTED:
            raise ValidationError("Only a rejected submission can be offered to another event.")
        if to_event.umbrella.pk != current.event.umbrella.pk or to_event.pk == current.event_id:
            raise ValidationError("Offer it to another event of the same umbrella.")
        if not CallForPapers.objects.filter(event=to_event).exists():
            raise ValidationError(f"{to_event} has no call for papers.")
        if current.offers.filter(state=Offer.PENDING).exists():
            raise ValidationError("This submission already has an offer waiting for an answer.")
        made = Offer.objects.create(
            submission=current, from_event=current.event, to_event=to_event, offered_by=by
        )
        StateChange.objects.create(
            submission=current,
            actor=by,
            from_state=current.state,
            to_state=current.state,
            note=f"Offered to {to_event}",
        )
        for link in current.speaker_links.select_related("user"):
            compose(
                MailTemplate.OFFER,
                current,
                link.user,
                state=Message.OUTBOX,
                extra={
                    "target_event": to_event.name,
                    "offer_url": absolute_url(submission_url(current)),
                },
            )
    return made


def answer_offer(made: Offer, by, *, accept: bool) -> Submission:
    """The speakers' answer; accepted, the submission moves (content, answers and history
    kept) into the other event's review as submitted."""
    with transaction.atomic():
        made = Offer.objects.select_for_update().get(pk=made.pk)
        if made.state != Offer.PENDING:
            raise ValidationError("This offer has been answered already.")
        current = locked(made.submission)
        made.state = Offer.ACCEPTED if accept else Offer.REFUSED
        made.answered_at = timezone.now()
        made.save(update_fields=["state", "answered_at", "updated_at"])
        if not accept:
            StateChange.objects.create(
                submission=current,
                actor=by,
                from_state=current.state,
                to_state=current.state,
                note=f"Offer to {made.to_event} refused",
            )
            return current
        current.event = made.to_event
        if current.track_id and current.track.event_id not in (
            made.to_event.pk,
            made.to_event.umbrella.pk,
        ):
            current.track = None
        current.save(update_fields=["event", "track", "updated_at"])
        transition(
            current,
            Submission.SUBMITTED,
            by,
            (Submission.REJECTED,),
            note=f"Moved from {made.from_event} to {made.to_event}",
        )
    return current
