"""The organiser area's front page for one event: where the programme stands."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from hallway.manage import services
from hallway.manage.views.base import organiser_event


@login_required
def dashboard(request, event):
    event = organiser_event(request, event)
    return render(request, "manage/dashboard.html", {"event": event, **services.overview(event)})
