"""Background work of the call for papers (django-tasks): sending one message."""

from __future__ import annotations

from django_tasks import task


@task()
def send_message(message_id: int) -> str:
    from hallway.cfp.services.mail import claim, deliver

    # Claimed, not just read: a second task for the same message (handed over again after
    # its sender died) finds it taken or sent and does nothing.
    message = claim(message_id)
    if message is None:
        return "gone or being sent"
    deliver([message])
    return message.state
