"""The umbrella's speakers as an event's organisers see them: the speakers of the event's
sessions (all of them, on the umbrella's pages), each with a profile and availability."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse

from hallway import permissions
from hallway.common.markdown import render_markdown
from hallway.events.models import Event
from hallway.manage.content_forms import SpeakerForm, SpeakerWindows
from hallway.manage.views.base import organiser_event
from hallway.manage.views.content import edit_page, page, rows
from hallway.programme import services
from hallway.programme.models import Session, Speaker
from hallway.schedule import selectors


def _speakers(request, event: Event):
    speakers = Speaker.objects.filter(event=event.umbrella)
    if event.is_umbrella and request.user.has_perm("hallway.add_speaker", event):
        return speakers
    mine = set(event.family_ids()) & permissions.organised_event_ids(request.user)
    return speakers.filter(Q(sessions__event__in=mine)).distinct()


def speaker_choices(request, event: Event):
    """The speakers an organiser of ``event`` may put on a session: every one of the
    umbrella's for its organisers; for a co-located event's, the speakers of their own
    sessions and those the published programme names already, so that a sibling event's
    unreleased line-up stays unseen."""
    umbrella = event.umbrella
    if request.user.has_perm("hallway.add_speaker", umbrella):
        return Speaker.objects.filter(event=umbrella)
    mine = set(event.family_ids()) & permissions.organised_event_ids(request.user)
    public = selectors.public_speakers(umbrella).values("pk")
    return (
        Speaker.objects.filter(event=umbrella)
        .filter(Q(sessions__event__in=mine) | Q(pk__in=public))
        .distinct()
        .order_by("name")
    )


@login_required
def speaker_list(request, event):
    event = organiser_event(request, event, "hallway.change_session")
    # Only the sessions the user runs: a sibling event's unreleased session stays unseen.
    mine = set(event.family_ids()) & permissions.organised_event_ids(request.user)
    speakers = _speakers(request, event).prefetch_related(
        Prefetch("sessions", queryset=Session.objects.filter(event__in=mine)), "availabilities"
    )
    return page(
        request,
        event,
        "manage/speakers/list.html",
        {
            "speakers": speakers,
            "may_add": request.user.has_perm("hallway.add_speaker", event.umbrella),
        },
    )


@login_required
def speaker_edit(request, event, uuid=None):
    event = organiser_event(request, event, "hallway.change_session")
    if uuid is None:
        permissions.require(request.user, "hallway.add_speaker", event.umbrella)
        speaker = Speaker(event=event.umbrella)
    else:
        speaker = get_object_or_404(_speakers(request, event), uuid=uuid)
        permissions.require(request.user, "hallway.change_speaker", speaker)
    data = request.POST if request.method == "POST" else None
    form = SpeakerForm(data, instance=speaker)
    windows = SpeakerWindows(
        data, instance=speaker, prefix="availability", form_kwargs={"tz": event.umbrella.tz}
    )
    return edit_page(
        request,
        event,
        title=f"Speaker {speaker.name}" if speaker.pk else "New speaker",
        form=form,
        formsets={f"Availability (times in {event.umbrella.time_zone})": windows},
        save=lambda: services.save_speaker(
            form.instance, by=request.user, availability=rows(windows, "speaker")
        ),
        back=reverse("manage:speakers", args=[event.slug]),
        context={
            "preview": render_markdown(speaker.bio) if speaker.pk else "",
            "preview_title": "Bio as attendees see it",
        },
    )
