"""Background work of the personal agenda (django-tasks, as the call for papers sends its
mail): the confirmation email of an attendee's address.

It is sent by Django's email backend directly rather than through the call for papers'
outbox: that outbox belongs to a capability this one may not import (tests/test_layers.py),
and a confirmation is not worth retrying for hours (the attendee asks again from the agenda
page, which says the link is on its way)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_confirmation(attendee_id: int, address: str) -> str:
    from django.conf import settings
    from django.core.mail import EmailMessage

    from hallway.attendees.emails import confirmation_message
    from hallway.attendees.models import Attendee

    attendee = Attendee.objects.select_related("event").filter(pk=attendee_id).first()
    if attendee is None or attendee.pending_email.lower() != address.lower():
        return "gone"  # deleted, or another address asked for since
    subject, body = confirmation_message(attendee, address)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]).send()
    return "sent"
