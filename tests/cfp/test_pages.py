"""The call for papers through the web: the public page, submitting with answers, the stale
edit, and the speaker's own page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hallway.cfp.models import Message, Question, Submission

from .conftest import make_user

pytestmark = pytest.mark.django_db


def test_public_page_says_until_when_in_the_event_time_zone(client, open_cfp):
    open_cfp.closes_at = dt.datetime(2099, 2, 12, 7, 59, tzinfo=dt.UTC)
    open_cfp.save()
    page = client.get("/kcd-pasadena/cfp/").content.decode()
    assert "Wed 11 Feb 2099, 23:59 PST" in page
    assert "/kcd-pasadena/cfp/submit/" in page
    assert "<strong>talks from people who run clusters</strong>" in page  # Markdown rendered


def test_public_page_after_the_deadline_says_closed(client, open_cfp):
    open_cfp.opens_at = timezone.now() - dt.timedelta(days=40)
    open_cfp.closes_at = timezone.now() - dt.timedelta(days=10)
    open_cfp.save()
    page = client.get("/kcd-pasadena/cfp/").content.decode()
    assert "The call for papers is closed" in page
    assert "/kcd-pasadena/cfp/submit/" not in page
    ada = make_user("ada@example.net", name="Ada")
    client.force_login(ada)
    response = client.get("/kcd-pasadena/cfp/submit/")
    assert response.status_code == 403


def test_an_event_without_a_call_has_no_page(client, demo):
    assert client.get(f"/{demo.slug}/cfp/").status_code == 404


def test_markdown_in_the_call_is_sanitised(client, open_cfp):
    open_cfp.text = "<script>alert(1)</script> [x](javascript:alert(2))"
    open_cfp.save()
    page = client.get("/kcd-pasadena/cfp/").content.decode()
    assert "<script>alert" not in page and "javascript:" not in page


def _form(cfp, talk, track, **extra):
    level = cfp.questions.get(kind=Question.CHOICE)
    return {
        "title": "Etcd at the edge",
        "session_type": talk.pk,
        "track": track.pk,
        "abstract": "Small clusters, *big* lessons.",
        "description": "",
        "language": "en",
        "notes": "",
        f"q{level.pk}": "Beginner",
        **extra,
    }


def test_submit_through_the_form_then_see_it_on_my_page(
    client, open_cfp, talk, kcd_track, smtp, django_capture_on_commit_callbacks
):
    ada = make_user("ada@example.net", name="Ada")
    client.force_login(ada)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/kcd-pasadena/cfp/submit/", _form(open_cfp, talk, kcd_track, submit="1")
        )
    submission = Submission.objects.get(title="Etcd at the edge")
    assert response.status_code == 302
    assert response["Location"] == f"/kcd-pasadena/cfp/submissions/{submission.uuid}/"
    assert submission.state == Submission.SUBMITTED
    mine = client.get("/accounts/submissions/").content.decode()
    assert "Etcd at the edge" in mine and "Submitted" in mine
    assert "We received" in mine  # the email hallway sent is listed
    assert len(smtp.to("ada@example.net")) == 1


def test_a_required_question_left_empty_errs_next_to_it(client, open_cfp, talk, kcd_track):
    ada = make_user("ada@example.net", name="Ada")
    client.force_login(ada)
    level = open_cfp.questions.get(kind=Question.CHOICE)
    data = _form(open_cfp, talk, kcd_track, **{f"q{level.pk}": ""})
    response = client.post("/kcd-pasadena/cfp/submit/", data)
    assert response.status_code == 200
    assert response.context["form"].errors == {f"q{level.pk}": ["This field is required."]}
    assert not Submission.objects.filter(event=open_cfp.event).exists()


def test_a_session_type_of_another_event_is_refused(client, open_cfp, kcd_track):
    from hallway.events.models import SessionType

    other = SessionType.objects.create(event=open_cfp.event, name="Not offered", default_duration=5)
    ada = make_user("ada@example.net", name="Ada")
    client.force_login(ada)
    response = client.post("/kcd-pasadena/cfp/submit/", _form(open_cfp, other, kcd_track))
    assert "session_type" in response.context["form"].errors


def test_submitting_without_a_profile_asks_for_one_first(client, open_cfp):
    user = make_user("noname@example.net")
    client.force_login(user)
    response = client.get("/kcd-pasadena/cfp/submit/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/speaker-profile/?next=/kcd-pasadena/cfp/submit/"
    response = client.post(
        response["Location"],
        {"name": "No Name", "pronouns": "", "bio": "", "links_text": "javascript:alert(1)"},
    )
    assert "links_text" in response.context["form"].errors
    response = client.post(
        "/accounts/speaker-profile/?next=/kcd-pasadena/cfp/submit/",
        {"name": "No Name", "pronouns": "", "bio": "", "links_text": "https://example.net/me"},
    )
    assert response["Location"] == "/kcd-pasadena/cfp/submit/"


def test_a_stale_save_keeps_my_text_and_shows_what_changed(client, open_cfp, talk, kcd_track):
    ada = make_user("ada@example.net", name="Ada")
    client.force_login(ada)
    client.post("/kcd-pasadena/cfp/submit/", _form(open_cfp, talk, kcd_track, draft="1"))
    submission = Submission.objects.get(event=open_cfp.event)
    url = f"/kcd-pasadena/cfp/submissions/{submission.uuid}/"
    # Someone (a co-speaker, another tab) saves first.
    first = client.post(url, _form(open_cfp, talk, kcd_track, title="Etcd, revised", version=1))
    assert first.status_code == 302
    stale = client.post(
        url, _form(open_cfp, talk, kcd_track, abstract="My longer abstract.", version=1)
    )
    assert stale.status_code == 200
    form = stale.context["form"]
    assert form["abstract"].value() == "My longer abstract."  # nothing lost
    assert "Etcd, revised" in " ".join(form.errors["title"])
    assert str(form["version"].value()) == "2"
    submission.refresh_from_db()
    assert submission.abstract == "Small clusters, *big* lessons."
    # Saving again, knowingly, goes through.
    again = client.post(
        url, _form(open_cfp, talk, kcd_track, abstract="My longer abstract.", version=2)
    )
    assert again.status_code == 302
    submission.refresh_from_db()
    assert submission.abstract == "My longer abstract."
    assert Message.objects.count() == 0  # a draft is not announced


def test_a_form_posted_after_the_deadline_keeps_the_text_and_names_the_deadline(
    client, open_cfp, talk, kcd_track
):
    ada = make_user("ada@example.net", name="Ada")
    client.force_login(ada)
    client.post("/kcd-pasadena/cfp/submit/", _form(open_cfp, talk, kcd_track, draft="1"))
    submission = Submission.objects.get(event=open_cfp.event)
    url = f"/kcd-pasadena/cfp/submissions/{submission.uuid}/"
    # The deadline passes while the speaker is still typing.
    open_cfp.closes_at = dt.datetime(2026, 1, 15, 7, 59, tzinfo=dt.UTC)
    open_cfp.opens_at = open_cfp.closes_at - dt.timedelta(days=30)
    open_cfp.save()
    late = _form(open_cfp, talk, kcd_track, abstract="Typed too late.", version=1, submit="1")
    for target in (url, "/kcd-pasadena/cfp/submit/"):
        response = client.post(target, late)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Wed 14 Jan 2026, 23:59 PST" in page
        assert "Typed too late." in page
    submission.refresh_from_db()
    assert (submission.state, submission.abstract) == ("draft", "Small clusters, *big* lessons.")
    assert Submission.objects.filter(event=open_cfp.event).count() == 1
    # Opened afresh, the page is read-only and says why.
    page = client.get(url).content.decode()
    assert 'name="abstract"' not in page and "can no longer be changed" in page
    closed = client.get("/kcd-pasadena/cfp/submit/")
    assert closed.status_code == 403 and "Wed 14 Jan 2026, 23:59 PST" in closed.content.decode()
