"""The site's own error pages, its security headers and login throttling, as a visitor and an
organiser meet them through the real middleware stack (the test client, DEBUG off)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from hallway.programme.models import Session

pytestmark = pytest.mark.django_db


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


@pytest.mark.parametrize(
    "path",
    [
        "/no-such-event/",
        "/no-such-event/programme/",
        "/pose27/sessions/no-such-session/",
        "/pose27/speakers/no-such-speaker/",
        "/pose27/rooms/no-such-room/",
        "/pose27/changes/99-0/",
        "/pose27/programme/1999-01-01/",
    ],
)
def test_not_found_is_the_sites_own_page_with_a_way_back(demo, client, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Not found" in html
    assert 'rel="stylesheet"' in html  # in the site's layout, not Django's plain page
    links = [a["href"] for tag, a in tags(html) if tag == "a" and "href" in a]
    if path.startswith("/pose27/"):
        assert "/pose27/programme/" in links  # back to this event's programme
        assert "Programme" in html  # and its menu
    else:
        assert "/" in links


def test_server_error_is_the_sites_own_page(demo, settings):
    settings.ROOT_URLCONF = "tests.error_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert 'rel="stylesheet"' in html
    assert 'href="/"' in html


def test_pages_carry_a_strict_content_security_policy(demo, client):
    response = client.get("/pose27/programme/")
    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert policy["script-src"] == "'self'"  # no inline script, no other origin
    assert "unsafe-inline" not in policy["style-src"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize(
    "path", ["/pose27/", "/pose27/programme/", "/pose27/programme/list/", "/manage/login/"]
)
def test_no_page_needs_inline_script(demo, client, path):
    """What the policy forbids, hallway itself must not use."""
    html = client.get(path).content.decode()
    for tag, attrs in tags(html):
        if tag == "script":
            assert attrs.get("src") or attrs.get("type") == "application/json", attrs
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)


def test_login_is_throttled_per_account_and_address_and_can_be_lifted(demo, settings):
    user = get_user_model().objects.create_user("target", password="the-right-one-123")
    user.is_staff = True
    user.save()

    def login(password: str, address: str = "203.0.113.7", username: str = "target"):
        client = Client(REMOTE_ADDR=address)
        response = client.post(
            "/manage/login/?next=/manage/", {"username": username, "password": password}
        )
        return client, response

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _, response = login("wrong")
        assert response.status_code == 200  # the ordinary "wrong password" form
    _, response = login("wrong")
    assert response.status_code == 429  # the last allowed failure says what happened
    client, response = login("the-right-one-123")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "axes-reset-username" in response.content.decode()  # the way out
    assert "_auth_user_id" not in client.session
    # Another address is not locked out, nor is another account from this one.
    _, elsewhere = login("the-right-one-123", address="198.51.100.9")
    assert elsewhere.status_code == 302
    _, other = login("hallway-demo", username="organiser")
    assert other.status_code == 302

    call_command("axes_reset_username", "target")
    client, response = login("the-right-one-123")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_session_outside_the_release_is_a_404_page_too(demo, client):
    session = Session.objects.filter(event__slug="pose27").first()
    response = client.get(f"/pose27/sessions/{session.slug}-nope/")
    assert response.status_code == 404
    assert "Back to the programme" in response.content.decode()
