"""Login throttling: django-axes refuses a locked-out username and address before any
password is checked.  Throttling is about guessing passwords over the web, so a login made
without a request (a management command, the test client's ``login``) has no address to
count and passes straight to the next backend."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LoginThrottle(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def login_name(request, credentials: dict | None) -> str | None:
    """The name a login attempt is counted against: the admin's ``username``, or allauth's
    ``email`` / ``login`` (lower-cased, so ``Ada@x`` and ``ada@x`` share one counter)."""
    for source in (credentials or {}, getattr(request, "POST", {}) or {}):
        for key in ("username", "email", "login"):
            value = source.get(key)
            if value:
                return str(value).strip().lower()
    return None
