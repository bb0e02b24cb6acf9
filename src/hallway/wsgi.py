"""WSGI entry point for gunicorn (``hallway serve``) and any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallway.settings")
application = get_wsgi_application()

from hallway.common.tracing import configure_tracing  # noqa: E402 - needs Django set up

configure_tracing()
