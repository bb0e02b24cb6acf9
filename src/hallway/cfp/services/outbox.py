"""The organisers' outbox: messages waiting to be read, edited, discarded or sent."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hallway.audit.services import changed, record, snapshot
from hallway.cfp.models import (
    Message,
)
from hallway.cfp.services.mail import send_later

# An organiser's outbox actions are written to the event's audit log; the worker's retries
# (``by=None``) are not, or every failing minute would add a row.


def edit_message(message: Message, *, subject: str, body: str, by=None) -> Message:
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.state != Message.OUTBOX:
            raise ValidationError("Only a message still in the outbox can be edited.")
        before = snapshot(message, ["subject", "body"])
        message.subject, message.body = subject, body
        message.save(update_fields=["subject", "body", "updated_at"])
        diff = changed(before, snapshot(message, ["subject", "body"]))
        if by is not None and diff:
            record(
                message.event,
                "message.edited",
                by=by,
                obj=message,
                before={k: old for k, (old, _) in diff.items()},
                after={k: new for k, (_, new) in diff.items()},
            )
    return message


def discard_message(message: Message, *, by=None) -> Message:
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, state=Message.OUTBOX).update(
            state=Message.DISCARDED, updated_at=timezone.now()
        )
        if not updated:
            raise ValidationError("Only a message still in the outbox can be discarded.")
        message.refresh_from_db()
        if by is not None:
            record(
                message.event,
                "message.discarded",
                by=by,
                obj=message,
                before={"state": Message.OUTBOX},
                after={"state": Message.DISCARDED},
            )
    return message


def send_messages(messages, *, by=None) -> int:
    """Release outbox (or failed) messages to be sent in the background; returns how many."""
    with transaction.atomic():
        chosen = list(
            Message.objects.filter(
                pk__in=[m.pk for m in messages], state__in=[Message.OUTBOX, Message.FAILED]
            ).select_related("event")
        )
        ids = [m.pk for m in chosen]
        Message.objects.filter(pk__in=ids).update(state=Message.QUEUED, updated_at=timezone.now())
        if by is not None:
            for message in chosen:
                record(
                    message.event,
                    "message.sent",
                    by=by,
                    obj=message,
                    before={"state": message.state},
                    after={"state": Message.QUEUED},
                )
        send_later(list(Message.objects.filter(pk__in=ids)))
    return len(ids)
