"""System checks of hallway's own (``hallway check``; ``hallway serve`` runs them at start)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def demo_login_refused_in_production(app_configs=None, databases=None, **kwargs):
    """A production site must not accept the demo accounts' published password.  Needs the
    database, so it runs when the check is given one (``serve`` does)."""
    if not settings.PRODUCTION or not databases:
        return []
    from django.contrib.auth import get_user_model

    from hallway.demo import CFP_LOGINS, ORGANISER_PASSWORD, ORGANISER_USERNAME

    names = [ORGANISER_USERNAME, *(username for _, username in CFP_LOGINS)]
    errors = []
    for user in get_user_model().objects.filter(username__in=names, is_active=True):
        if user.check_password(ORGANISER_PASSWORD):
            errors.append(
                Error(
                    f"The demo account {user.username!r} still accepts the published demo "
                    "password.",
                    hint=f"Run `hallway changepassword {user.username}` (or deactivate it).",
                    id="hallway.E001",
                )
            )
    return errors
