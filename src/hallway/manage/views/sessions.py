"""The sessions of an event: a filterable list, and one page per session with its speakers,
resources and its speakers' availability."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse

from hallway import permissions
from hallway.events.models import Event
from hallway.manage.content_forms import Resources, SessionFilter, SessionForm, SpeakerRows
from hallway.manage.views.base import organiser_event
from hallway.manage.views.content import edit_page, page, rows
from hallway.manage.views.speakers import speaker_choices
from hallway.programme import services
from hallway.programme.models import Session

PERM = "hallway.change_session"


def _sessions(event: Event):
    return Session.objects.filter(event_id__in=event.family_ids())


@login_required
def session_list(request, event):
    event = organiser_event(request, event, PERM)
    filters = SessionFilter(request.GET or None, event=event)
    sessions = filters.apply(
        _sessions(event)
        .select_related("event", "track", "session_type")
        .prefetch_related("speaker_links__speaker")
        .order_by("title")
    )
    return page(
        request,
        event,
        "manage/sessions/list.html",
        {"filters": filters, "sessions": sessions[:500], "count": sessions.count()},
    )


def _events_for(request, event: Event):
    """Where a session of this page may live: the page's event, or (on an umbrella's page)
    any event of its family the user runs."""
    allowed = permissions.organised_event_ids(request.user)
    return Event.objects.filter(pk__in=event.family_ids()).filter(pk__in=allowed)


@login_required
def session_edit(request, event, uuid=None):
    event = organiser_event(request, event, PERM)
    if uuid is None:
        session = Session(event=event if not event.is_umbrella else None)
    else:
        # Reached through this event only: another event's session is not found here.
        session = get_object_or_404(_sessions(event).select_related("event"), uuid=uuid)
        permissions.require(request.user, PERM, session)
    umbrella = event.umbrella
    may_add_speaker = request.user.has_perm("hallway.add_speaker", umbrella)
    data = request.POST if request.method == "POST" else None
    form = SessionForm(
        data,
        instance=session,
        event=event,
        events=_events_for(request, event),
        may_add_speaker=may_add_speaker,
    )
    initial = [
        {"speaker": link.speaker_id, "order": link.position}
        for link in (session.speaker_links.all() if session.pk else [])
    ]
    speaker_rows = SpeakerRows(
        data,
        prefix="speakers",
        initial=initial,
        form_kwargs={"speakers": speaker_choices(request, event)},
    )
    resources = Resources(data, instance=session, prefix="resources")

    def save():
        with transaction.atomic():
            speakers = speaker_rows.ordered_speakers()
            name = form.cleaned_data.get("new_speaker_name", "").strip()
            if name:
                speakers.append(
                    services.create_speaker(
                        umbrella,
                        by=request.user,
                        name=name,
                        email=form.cleaned_data.get("new_speaker_email", ""),
                    )
                )
            return services.save_session(
                form.instance,
                by=request.user,
                speakers=speakers,
                resources=rows(resources, "session"),
            )

    speakers = session.ordered_speakers() if session.pk else []
    availability = [(s, list(s.availabilities.all())) for s in speakers]
    return edit_page(
        request,
        event,
        title=f"Session “{session.title}”" if session.pk else "New session",
        form=form,
        formsets={"Speakers (in order)": speaker_rows, "Resources": resources},
        save=save,
        back=reverse("manage:sessions", args=[event.slug]),
        template="manage/sessions/edit.html",
        context={"session": session, "availability": availability},
    )
