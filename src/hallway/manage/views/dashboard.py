"""The organiser area's front page for one event: where the programme stands."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required

from hallway.manage import services
from hallway.manage.views.base import organiser_event
from hallway.manage.views.content import page


@login_required
def dashboard(request, event):
    event = organiser_event(request, event)
    # In the event's zone, like every organiser page: the last release's time is local.
    return page(request, event, "manage/dashboard.html", services.overview(event))
