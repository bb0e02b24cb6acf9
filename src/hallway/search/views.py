"""The programme's search page: a plain GET form, server-rendered, public and cached like
every public page (the cache key holds the query and the filters)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from hallway.schedule import selectors
from hallway.schedule.fill import labels_for
from hallway.schedule.services import latest_release
from hallway.search.services import SearchFilters, search_programme

PARAMS = ("q", "event", "track", "type", "room", "day")


@require_safe
def search(request, event: str):
    event = selectors.get_event(event)
    filters = SearchFilters.from_query(request.GET, event)
    results = search_programme(event, request.GET.get("q", ""), filters)
    with timezone.override(event.tz):
        return render(
            request,
            "search/search.html",
            {
                "event": event,
                "umbrella": event.umbrella,
                "release": latest_release(event),
                "fills": labels_for(event),
                "results": results,
                "search_query": results.query,
                "filters": filters,
                "choices": selectors.filter_choices(event),
                "days": event.days,
            },
        )
