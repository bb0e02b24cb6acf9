"""Confirmation reminders: ``remind_unconfirmed`` writes one per speaker of each accepted
submission that has waited long enough since its acceptance and its last reminder; the
dashboard's button and ``hallway remind-unconfirmed`` (cron) call it."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from hallway.cfp.models import MailTemplate, Message, StateChange, Submission
from hallway.cfp.services import decisions, invitations, outbox, submitting

from .conftest import give_role, make_user
from .test_services import content

pytestmark = pytest.mark.django_db

WEEK = dt.timedelta(days=7)


def accepted(event, speakers, organiser, talk, track, *, days_ago, title):
    submission = submitting.create_submission(
        event, speakers[0], content(talk, track, title=title), submit=True
    )
    for other in speakers[1:]:
        invitation = invitations.invite_co_speaker(submission, other.email, speakers[0])
        invitations.accept_invitation(invitation, other)
    decisions.decide(submission, Submission.ACCEPTED, organiser)
    StateChange.objects.filter(submission=submission, to_state=Submission.ACCEPTED).update(
        at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return submission


@pytest.fixture
def world(open_cfp, talk, kcd_track, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    event = open_cfp.event
    ada, bo, cy = (make_user(f"{n}@example.net", name=n.title()) for n in ("ada", "bo", "cy"))
    organiser = give_role(make_user("org@example.net"), event)
    old = accepted(event, [ada, bo], organiser, talk, kcd_track, days_ago=10, title="Old")
    new = accepted(event, [cy], organiser, talk, kcd_track, days_ago=2, title="New")
    done = accepted(event, [cy], organiser, talk, kcd_track, days_ago=20, title="Done")
    decisions.confirm(done, cy)
    return {"event": event, "old": old, "new": new, "done": done, "organiser": organiser}


def reminders(submission):
    return Message.objects.filter(submission=submission, kind=MailTemplate.REMINDER)


def test_reminds_each_speaker_of_what_waited_long_enough_once(world):
    written = decisions.remind_unconfirmed(world["event"], WEEK)
    assert sorted(m.to for m in written) == ["ada@example.net", "bo@example.net"]
    assert {m.state for m in written} == {Message.OUTBOX}
    assert all("Old" in m.body and m.submission == world["old"] for m in written)
    assert not reminders(world["new"]).exists() and not reminders(world["done"]).exists()
    # Reminded within the week (still in the outbox): not again.
    assert decisions.remind_unconfirmed(world["event"], WEEK) == []


def test_reminds_again_after_the_days_and_ignores_discarded_ones(world):
    first = decisions.remind_unconfirmed(world["event"], WEEK)
    outbox.discard_message(first[0])
    outbox.discard_message(first[1])
    again = decisions.remind_unconfirmed(world["event"], WEEK)
    assert len(again) == 2  # discarded reminders never reached anybody
    Message.objects.filter(pk__in=[m.pk for m in again]).update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    assert len(decisions.remind_unconfirmed(world["event"], WEEK)) == 2
    # With a one-day wait only New (accepted two days ago) is due: Old was just reminded.
    due = decisions.remind_unconfirmed(world["event"], dt.timedelta(days=1))
    assert [m.submission for m in due] == [world["new"]]


def test_the_dashboard_button_writes_them_into_the_outbox(client, world):
    client.force_login(world["organiser"])
    response = client.post("/kcd-pasadena/cfp/manage/remind/", {"days": "7"}, follow=True)
    assert "2 reminder(s) wait in the outbox" in response.content.decode()
    assert reminders(world["old"]).filter(state=Message.OUTBOX).count() == 2
    response = client.post("/kcd-pasadena/cfp/manage/remind/", {"days": "1"}, follow=True)
    # New was accepted 2 days ago: one day's wait makes it due.
    assert "1 reminder(s) wait in the outbox" in response.content.decode()
    response = client.post("/kcd-pasadena/cfp/manage/remind/", {"days": "0"}, follow=True)
    assert "from 1 to 365" in response.content.decode()
    page = client.get("/kcd-pasadena/cfp/manage/").content.decode()
    assert 'action="/kcd-pasadena/cfp/manage/remind/"' in page


def test_the_command_for_cron_sends_with_send(world, smtp, django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_unconfirmed", days=7, event=["kcd-pasadena"], send=True, stdout=out)
    assert "kcd-pasadena: 2 reminder(s) sent off." in out.getvalue()
    assert {m.state for m in reminders(world["old"])} == {Message.SENT}
    assert "“Old”" in smtp.body(smtp.to("bo@example.net")[-1])
    out = StringIO()
    call_command("remind_unconfirmed", days=7, stdout=out)
    assert out.getvalue().strip().endswith("0 reminder(s) written.")


def test_the_command_names_an_unknown_event(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No call for papers for: nowhere"):
        call_command("remind_unconfirmed", event=["nowhere"])
