"""Background work of the call for papers (django-tasks): sending one message."""

from __future__ import annotations

from django_tasks import task


@task()
def send_message(message_id: int) -> str:
    from hallway.cfp.models import Message
    from hallway.cfp.services.mail import deliver

    message = Message.objects.filter(pk=message_id, state=Message.QUEUED).first()
    if message is None:
        return "gone"
    deliver([message])
    return message.state
