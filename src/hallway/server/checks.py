"""System checks of hallway's own (``hallway check``; ``hallway serve`` runs them at start)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def demo_login_refused_in_production(app_configs=None, databases=None, **kwargs):
    """A production site must not accept the demo organiser's published password.  Needs the
    database, so it runs when the check is given one (``serve`` does)."""
    if not settings.PRODUCTION or not databases:
        return []
    from django.contrib.auth import get_user_model

    from hallway.demo import ORGANISER_PASSWORD, ORGANISER_USERNAME

    user = get_user_model().objects.filter(username=ORGANISER_USERNAME).first()
    if user is not None and user.is_active and user.check_password(ORGANISER_PASSWORD):
        return [
            Error(
                f"The demo account {ORGANISER_USERNAME!r} still accepts the published demo "
                "password.",
                hint=f"Run `hallway changepassword {ORGANISER_USERNAME}` (or deactivate it).",
                id="hallway.E001",
            )
        ]
    return []
