"""Changes made on the call's set-up pages (questions, score categories, deadlines per session
type, the review team) are in the event's audit log, as an organiser reads it on the log
page: who, what, and the values before and after."""

from __future__ import annotations

import html
import re

import pytest

from hallway.audit.models import AuditEntry
from hallway.events.models import EventRole, SessionType

from .conftest import give_role, make_user

pytestmark = pytest.mark.django_db

M = "/kcd-pasadena/cfp/manage"
LOG = "/kcd-pasadena/manage/log/"


@pytest.fixture
def organiser(client, open_cfp):
    user = give_role(make_user("org@example.net"), open_cfp.event)
    client.force_login(user)
    return user


def log_rows(client, action):
    """The log page's rows of ``action`` (filtered as the page's own filter does), each as
    its cells' text: when, who, what, before → after."""
    page = client.get(LOG, {"action": action})
    assert page.status_code == 200
    body = page.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in body.split("<tr>")[1:]:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        text = [" ".join(html.unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in cells]
        if action in text[2]:
            rows.append(text)
    return rows


def test_score_category_changes_are_on_the_log_page(client, organiser, open_cfp):
    data = {"name": "Relevance", "weight": "2", "max_score": "5", "position": "0"}
    assert client.post(f"{M}/categories/", data).status_code == 302
    category = open_cfp.categories.get()
    data["weight"] = "3"
    assert client.post(f"{M}/categories/{category.pk}/", data).status_code == 302
    assert client.post(f"{M}/categories/{category.pk}/", data).status_code == 302  # unchanged
    client.post(f"{M}/categories/{category.pk}/", {"delete": "1"})

    [(_, who, what, values)] = log_rows(client, "score_category.created")
    assert who == organiser.get_username() and "Relevance" in what
    assert "weight: — → 2" in values and "max_score: — → 5" in values
    [(_, _, _, values)] = log_rows(client, "score_category.changed")
    assert values == "weight: 2 → 3"
    [(_, _, _, values)] = log_rows(client, "score_category.deleted")
    assert "weight: 3 → —" in values
    entries = AuditEntry.objects.filter(event=open_cfp.event, action__startswith="score_")
    assert {e.actor for e in entries} == {organiser} and entries.count() == 3


def test_review_team_changes_are_on_the_log_page(client, organiser, open_cfp, kcd_track):
    rita = make_user("rita@example.net", name="Rita")
    assert (
        client.post(f"{M}/team/", {"email": "rita@example.net", "role": "reviewer"}).status_code
        == 302
    )
    member = EventRole.objects.get(event=open_cfp.event, user=rita, role=EventRole.REVIEWER)
    assert client.post(f"{M}/team/{member.pk}/", {"tracks": [kcd_track.pk]}).status_code == 302
    client.post(f"{M}/team/{member.pk}/", {"remove": "1"})

    [(_, who, _, values)] = log_rows(client, "role.added")
    assert who == organiser.get_username()
    assert "role: — → reviewer" in values and f"username: — → {rita.get_username()}" in values
    [(_, _, _, values)] = log_rows(client, "role.tracks")
    assert values == f"tracks: [] → ['{kcd_track.name}']"
    [(_, _, _, values)] = log_rows(client, "role.removed")
    assert "role: reviewer → —" in values and kcd_track.name in values


def test_deadline_changes_are_on_the_log_page(client, organiser, open_cfp):
    lightning = SessionType.objects.get(event=open_cfp.event.umbrella, name="Lightning talks")
    data = {"session_type": lightning.pk, "closes_at": "2099-02-11 23:59"}
    assert client.post(f"{M}/deadlines/", data).status_code == 302
    deadline = open_cfp.deadlines.get()
    data["closes_at"] = "2099-02-12 23:59"
    assert client.post(f"{M}/deadlines/{deadline.pk}/", data).status_code == 302
    client.post(f"{M}/deadlines/{deadline.pk}/", {"delete": "1"})

    assert len(log_rows(client, "deadline.created")) == 1
    [(_, _, _, values)] = log_rows(client, "deadline.changed")
    assert values == "closes_at: 2099-02-12T07:59:00Z → 2099-02-13T07:59:00Z"
    assert len(log_rows(client, "deadline.deleted")) == 1


def test_question_changes_are_on_the_log_page(client, organiser, open_cfp):
    data = {"text": "T-shirt size", "help_text": "", "kind": "choice", "target": "speaker",
            "position": "5", "choices_text": "S\nM"}  # fmt: skip
    assert client.post(f"{M}/questions/", data).status_code == 302
    question = open_cfp.questions.get(text="T-shirt size")
    data["choices_text"] = "S\nM\nL"
    assert client.post(f"{M}/questions/{question.pk}/", data).status_code == 302
    client.post(f"{M}/questions/{question.pk}/", {"delete": "1"})

    [(_, who, what, values)] = log_rows(client, "question.created")
    assert who == organiser.get_username() and "T-shirt size" in what
    assert "choices: — → ['S', 'M']" in values
    [(_, _, _, values)] = log_rows(client, "question.changed")
    assert values == "choices: ['S', 'M'] → ['S', 'M', 'L']"
    assert len(log_rows(client, "question.deleted")) == 1
    assert not open_cfp.questions.filter(pk=question.pk).exists()
