"""Mail released from the outbox is sent in the background by `hallway worker` (django-tasks'
database backend) when HALLWAY_TASKS=database; a failed send is tried again by the running
worker, later each time, up to a number of tries, against a real SMTP server that refuses
(451) before it accepts."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from hallway.cfp.models import Message, Submission
from hallway.cfp.services import decisions, mail, outbox, submitting

from .conftest import Inbox, _free_port, give_role, make_user
from .test_services import content

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_worker_sends_what_the_outbox_released(
    demo, open_cfp, talk, kcd_track, smtp, database_tasks
):
    from django_tasks_db.models import DBTaskResult

    ada = make_user("ada@example.net", name="Ada")
    organiser = give_role(make_user("org@example.net"), open_cfp.event)
    submission = submitting.create_submission(
        open_cfp.event, ada, content(talk, kcd_track), submit=True
    )
    decisions.decide(submission, Submission.ACCEPTED, organiser)
    acceptance = Message.objects.get(submission=submission, state=Message.OUTBOX)
    queued_before = DBTaskResult.objects.count()
    assert smtp.to("ada@example.net") == []  # "received" waits for the worker too

    assert outbox.send_messages([acceptance]) == 1
    acceptance.refresh_from_db()
    assert acceptance.state == Message.QUEUED  # waiting for the worker, nothing sent yet
    assert DBTaskResult.objects.count() == queued_before + 1
    assert smtp.to("ada@example.net") == []

    call_command("worker", batch=True, verbosity=0)
    acceptance.refresh_from_db()
    assert acceptance.state == Message.SENT
    subjects = [m["Subject"] for m in smtp.to("ada@example.net")]
    # The worker sent both what it had queued: "received" (on submitting) and the acceptance.
    assert any("is accepted" in s for s in subjects) and any("received" in s for s in subjects)


def test_the_worker_tries_failed_messages_again(demo, open_cfp, smtp, database_tasks):
    failed = Message.objects.create(
        event=open_cfp.event,
        to="bo@example.net",
        subject="Second try",
        body="b",
        state=Message.FAILED,
        attempts=1,
        error="ConnectionRefusedError: [Errno 111] Connection refused",
        next_attempt_at=timezone.now(),
    )
    call_command("worker", batch=True, verbosity=0)
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.error) == (Message.SENT, 2, "")
    assert smtp.to("bo@example.net")[-1]["Subject"] == "Second try"


class Refusing(Inbox):
    """An SMTP server that answers the first ``refusals`` messages with ``code`` (451: try
    again later; 550: no such mailbox), then accepts."""

    def __init__(self, refusals: int, code: str = "451 4.3.0 Try again later"):
        super().__init__()
        self.refusals, self.code, self.tries = refusals, code, 0

    async def handle_DATA(self, server, session, envelope):
        self.tries += 1
        if self.tries <= self.refusals:
            return self.code
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def refusing(settings, database_tasks):
    """Start a refusing SMTP server on a free port, with Django's SMTP backend pointed at
    it, and tries a hundredth of a second apart (doubling)."""
    from aiosmtpd.controller import Controller

    servers = []

    def start(refusals: int, code: str = "451 4.3.0 Try again later") -> Refusing:
        handler = Refusing(refusals, code)
        controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
        controller.start()
        servers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        return handler

    settings.HALLWAY_MAIL_RETRY_SECONDS = 0.01
    settings.HALLWAY_MAIL_MAX_ATTEMPTS = 3
    yield start
    for controller in servers:
        controller.stop()


@pytest.fixture
def small_call():
    """One event with a call, and no demo: each transactional test would load it again
    after the flush before it."""
    import datetime as dt

    from factories import make_umbrella
    from hallway.cfp.models import CallForPapers

    now = timezone.now()
    return CallForPapers.objects.create(
        event=make_umbrella("Retry Con", "retry-con"),
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=9),
    )


def released(event, subject="Your talk") -> Message:
    message = Message.objects.create(
        event=event, to="cy@example.net", subject=subject, body="b", state=Message.OUTBOX
    )
    assert outbox.send_messages([message]) == 1
    return message


def test_a_running_worker_tries_a_refused_message_again_until_it_is_sent(small_call, refusing):
    server = refusing(refusals=2)
    message = released(small_call.event)
    # One run of the worker, never restarted: it sends, is refused twice, and sends again.
    call_command("worker", interval=0.01, until_idle=True, verbosity=0)
    message.refresh_from_db()
    assert (message.state, message.attempts, message.error) == (Message.SENT, 3, "")
    assert message.next_attempt_at is None
    assert server.tries == 3
    assert [m["Subject"] for m in server.to("cy@example.net")] == ["Your talk"]


def test_a_failed_message_waits_for_its_delay(small_call, refusing, settings):
    refusing(refusals=1)
    settings.HALLWAY_MAIL_RETRY_SECONDS = 3600
    message = released(small_call.event)
    call_command("worker", batch=True, verbosity=0)
    message.refresh_from_db()
    assert message.state == Message.FAILED and "451" in message.error
    wait = message.next_attempt_at - message.updated_at
    assert 3590 < wait.total_seconds() <= 3600
    assert mail.retry_due() == 0  # not due for an hour
    assert mail.retry_due(now=message.next_attempt_at) == 1


def test_after_the_last_try_it_waits_in_the_outbox_with_its_error(client, small_call, refusing):
    server = refusing(refusals=99)
    message = released(small_call.event, subject="Never through")
    call_command("worker", interval=0.01, until_idle=True, verbosity=0)
    message.refresh_from_db()
    assert (message.state, message.attempts, message.next_attempt_at) == (
        Message.FAILED,
        3,
        None,
    )
    assert server.tries == 3
    assert "The mail server answered 451 4.3.0 Try again later" in message.error
    assert "gave up after 3 tries" in message.error

    organiser = give_role(make_user("org@example.net"), small_call.event)
    client.force_login(organiser)
    page = client.get("/retry-con/cfp/manage/outbox/").content.decode()
    assert "Never through" in page and "gave up after 3 tries" in page

    # Sent again by hand once the server is back, it goes through.
    server.refusals = 0
    client.post("/retry-con/cfp/manage/outbox/", {"message": [message.pk], "send": "1"})
    call_command("worker", batch=True, verbosity=0)
    message.refresh_from_db()
    assert (message.state, message.attempts) == (Message.SENT, 4)


def test_a_permanent_refusal_is_not_tried_again(small_call, refusing):
    server = refusing(refusals=99, code="550 5.1.1 No such mailbox")
    message = released(small_call.event)
    call_command("worker", interval=0.01, until_idle=True, verbosity=0)
    message.refresh_from_db()
    assert (message.state, message.attempts, message.next_attempt_at) == (
        Message.FAILED,
        1,
        None,
    )
    assert "550" in message.error and "refused for good" in message.error
    assert server.tries == 1


# --- a sender that dies mid-send -------------------------------------------------------------


def queued(event, subject: str, **fields) -> Message:
    return Message.objects.create(
        event=event, to="di@example.net", subject=subject, body="b", state=Message.QUEUED, **fields
    )


def test_a_message_whose_sender_died_mid_send_is_sent_once_by_the_running_worker(
    small_call, smtp, database_tasks
):
    """A worker claimed the message and was killed (its claim ran out): the next worker
    queues it again and sends it, once."""
    import datetime as dt

    stranded = queued(
        small_call.event,
        "Held by a dead worker",
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1),
    )
    call_command("worker", batch=True, verbosity=0)
    stranded.refresh_from_db()
    assert (stranded.state, stranded.attempts) == (Message.SENT, 1)
    assert [m["Subject"] for m in smtp.to("di@example.net")] == ["Held by a dead worker"]


def test_a_message_another_sender_holds_is_not_sent_twice(small_call, smtp, database_tasks):
    """Two tasks for one message (it was handed over again): the second finds it claimed."""
    from hallway.cfp.tasks import send_message

    held = queued(small_call.event, "Being sent elsewhere")
    assert mail.claim(held.pk) is not None  # the first sender, still at work
    assert send_message.call(held.pk) == "gone or being sent"
    call_command("worker", batch=True, verbosity=0)  # its claim has not run out
    assert smtp.to("di@example.net") == []
    held.refresh_from_db()
    assert held.state == Message.QUEUED


def test_a_queued_message_whose_task_was_lost_is_handed_over_again(
    small_call, smtp, database_tasks
):
    """Committed but never handed to a task (the process died in between): after a quarter
    of an hour unclaimed, the worker hands it over; a fresh one is left to its own task."""
    import datetime as dt

    lost = queued(small_call.event, "Lost its task")
    fresh = queued(small_call.event, "Just queued")
    Message.objects.filter(pk=lost.pk).update(
        updated_at=timezone.now() - mail.UNCLAIMED_AFTER - dt.timedelta(seconds=1)
    )
    call_command("worker", batch=True, verbosity=0)
    assert [m["Subject"] for m in smtp.to("di@example.net")] == ["Lost its task"]
    fresh.refresh_from_db()
    assert fresh.state == Message.QUEUED
