"""Every input of the account pages (allauth's, with hallway's forms) and of the speaker's
own forms has a visible <label> naming it, and no placeholder standing in for one."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from .conftest import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-passphrase-2"  # noqa: S105 - a test account


class Fields(HTMLParser):
    """The inputs of a page's forms, and its labels: ``for`` targets and their text."""

    def __init__(self):
        super().__init__()
        self.inputs: list[dict] = []
        self.labels: dict[str, str] = {}
        self._label: list = []  # [for-id, text, wrapped inputs]
        self._in_form = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form += 1
        elif tag == "label":
            self._label = [attrs.get("for"), "", []]
        elif tag in ("input", "select", "textarea") and self._in_form:
            if attrs.get("type") in ("hidden", "submit", "button"):
                return
            self.inputs.append(attrs)
            if self._label:
                self._label[2].append(attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form -= 1
        elif tag == "label" and self._label:
            target, text, wrapped = self._label
            text = re.sub(r"\s+", " ", text).strip()
            if target:
                self.labels[target] = text
            for attrs in wrapped:
                if attrs.get("id"):
                    self.labels.setdefault(attrs["id"], text)
                else:
                    attrs["_wrapped_label"] = text
            self._label = []

    def handle_data(self, data):
        if self._label:
            self._label[1] += data


def unlabelled(html: str) -> list[str]:
    """What is wrong with the page's inputs, one line each (empty: nothing)."""
    fields = Fields()
    fields.feed(html)
    assert fields.inputs, "the page has no form inputs"
    problems = []
    for attrs in fields.inputs:
        name = attrs.get("name")
        label = fields.labels.get(attrs.get("id", ""), attrs.get("_wrapped_label", ""))
        if not label.strip(" :"):
            problems.append(f"{name}: no <label>")
        if "placeholder" in attrs:
            problems.append(f"{name}: placeholder {attrs['placeholder']!r}")
    return problems


@pytest.fixture
def mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    return mail


def test_the_pages_before_logging_in(client, mail):
    pages = {
        url: client.get(url).content.decode()
        for url in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/")
    }
    make_user("ada@example.net", password=PASSWORD)
    client.post("/accounts/password/reset/", {"email": "ada@example.net"})
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+", mail.outbox[-1].body)
    key_page = client.get(link.group(0).split("testserver", 1)[-1], follow=True)
    pages["password reset from the mail"] = key_page.content.decode()
    assert 'name="password1"' in pages["password reset from the mail"]
    problems = {url: unlabelled(html) for url, html in pages.items()}
    assert problems == {url: [] for url in pages}
    assert "Email address (or username)" in pages["/accounts/login/"]


def test_the_pages_of_a_logged_in_speaker(client, mail, open_cfp):
    ada = make_user("ada@example.net", name="Ada", password=PASSWORD)
    client.force_login(ada)
    urls = [
        "/accounts/password/change/",
        "/accounts/email/",
        "/accounts/reauthenticate/",
        "/accounts/speaker-profile/",
        "/kcd-pasadena/cfp/submit/",
    ]
    problems = {url: unlabelled(client.get(url).content.decode()) for url in urls}
    assert problems == {url: [] for url in urls}
