"""Mail released from the outbox is sent in the background by `hallway worker` (django-tasks'
database backend) when HALLWAY_TASKS=database; a failed send is tried again when the worker
starts."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hallway.cfp import services
from hallway.cfp.models import Message, Submission

from .conftest import give_role, make_user
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
    submission = services.create_submission(
        open_cfp.event, ada, content(talk, kcd_track), submit=True
    )
    services.decide(submission, Submission.ACCEPTED, organiser)
    acceptance = Message.objects.get(submission=submission, state=Message.OUTBOX)
    queued_before = DBTaskResult.objects.count()
    assert smtp.to("ada@example.net") == []  # "received" waits for the worker too

    assert services.send_messages([acceptance]) == 1
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
    )
    call_command("worker", batch=True, verbosity=0)
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.error) == (Message.SENT, 2, "")
    assert smtp.to("bo@example.net")[-1]["Subject"] == "Second try"
