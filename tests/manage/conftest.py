"""The organiser area's tests share the call for papers' real SMTP server (aiosmtpd)."""

from cfp.conftest import Inbox, smtp  # noqa: F401 - a fixture, found by name

__all__ = ["Inbox", "smtp"]
