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
