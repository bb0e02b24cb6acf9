"""Fixtures of the call-for-papers tests: a real SMTP server, and a call for papers of the
demo's KCD whose dates are relative to now (the demo's own are fixed dates)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import socket
import threading

import pytest
from django.utils import timezone

from hallway.events.models import Event, EventRole, SessionType, Track


class Inbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self._lock:
            self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self._lock:
            return [m for m in self.messages if address in m["X-Envelope-To"]]

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def link(self, address: str, pattern: str) -> str:
        """The last link matching ``pattern`` in mail to ``address``."""
        for message in reversed(self.to(address)):
            found = re.findall(r"https?://\S+", self.body(message))
            for url in found:
                if re.search(pattern, url):
                    return url
        raise AssertionError(f"no link matching {pattern!r} in mail to {address}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) on a free port, with Django's SMTP backend pointed at
    it; yields its inbox."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def kcd(demo) -> Event:
    return Event.objects.get(slug="kcd-pasadena")


@pytest.fixture
def open_cfp(kcd):
    """The KCD's call, open from a day ago for thirty days."""
    cfp = kcd.cfp
    now = timezone.now()
    cfp.opens_at = now - dt.timedelta(days=1)
    cfp.closes_at = now + dt.timedelta(days=30)
    cfp.max_submissions_per_speaker = 3
    cfp.save()
    return cfp


@pytest.fixture
def talk(kcd) -> SessionType:
    return SessionType.objects.get(event=kcd.umbrella, name="Talk")


@pytest.fixture
def kcd_track(kcd) -> Track:
    return Track.objects.get(event=kcd)


def make_user(email_address: str, *, name: str | None = None, password: str | None = None):
    """A user with a verified address (and a speaker profile when ``name`` is given).  No
    password unless one is given: hashing one takes most of a second, and tests that do not
    log in through the form use ``force_login``."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from hallway.cfp.models import SpeakerProfile

    user = get_user_model().objects.create_user(
        username=email_address.split("@")[0], email=email_address, password=password
    )
    EmailAddress.objects.create(user=user, email=email_address, verified=True, primary=True)
    if name:
        SpeakerProfile.objects.create(user=user, name=name)
    return user


def give_role(user, event, role=EventRole.ORGANISER):
    EventRole.objects.create(user=user, event=event, role=role)
    return user
