"""Accounts: signing up with an email address verified by a link, logging in through the
login throttle, resetting a password by email.  Mail goes through a real SMTP server."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model

from .conftest import make_user

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    return urlsplit(url).path


def test_sign_up_needs_the_emailed_link_before_logging_in(client, smtp):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "ada@example.net",
            "password1": "grace-hopper-1906",
            "password2": "grace-hopper-1906",
        },
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(email="ada@example.net").exists()

    # Not verified yet: logging in sends the speaker back to "verify your address".
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "ada@example.net", "password": "grace-hopper-1906"}
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert client.get("/accounts/submissions/").status_code == 302

    link = smtp.link("ada@example.net", r"/accounts/confirm-email/")
    page = client.get(_path(link))
    assert page.status_code == 200
    response = client.post(_path(link))
    assert response.status_code == 302
    assert client.get("/accounts/submissions/").status_code == 200


def test_login_with_the_email_address_goes_through_the_throttle(client, settings):
    make_user("bo@example.net", password="correct-horse-77")
    settings.AXES_FAILURE_LIMIT = 3
    response = client.post(
        "/accounts/login/", {"login": "bo@example.net", "password": "correct-horse-77"}
    )
    assert response.status_code == 302
    assert client.get("/accounts/submissions/").status_code == 200
    client.logout()

    for _ in range(3):
        client.post("/accounts/login/", {"login": "Bo@example.net", "password": "wrong"})
    # Locked: even the right password is refused now, for this address and this client.
    response = client.post(
        "/accounts/login/", {"login": "bo@example.net", "password": "correct-horse-77"}
    )
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert client.get("/accounts/submissions/").status_code == 302


def test_password_reset_by_emailed_link(client, smtp):
    make_user("cy@example.net", password="old-password-42")
    response = client.post("/accounts/password/reset/", {"email": "cy@example.net"})
    assert response.status_code == 302
    link = smtp.link("cy@example.net", r"/accounts/password/reset/key/")
    response = client.get(_path(link), follow=True)
    assert response.status_code == 200
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else _path(link)
    response = client.post(
        form_path, {"password1": "new-password-43", "password2": "new-password-43"}
    )
    assert response.status_code == 302
    client.logout()
    assert (
        client.post(
            "/accounts/login/", {"login": "cy@example.net", "password": "new-password-43"}
        ).status_code
        == 302
    )
    assert client.get("/accounts/submissions/").status_code == 200
