from django.contrib import admin

from hallway import permissions
from hallway.manage.admin.base import EventScopedAdmin, ScopedInline, ZonedWindowInline
from hallway.programme.models import (
    Exhibitor,
    ExhibitorHours,
    Playlist,
    Resource,
    Session,
    SessionSpeaker,
    Speaker,
    SpeakerAvailability,
)


class SessionSpeakerInline(ScopedInline):
    model = SessionSpeaker
    extra = 0
    autocomplete_fields = ["speaker"]


class ResourceInline(ScopedInline):
    model = Resource
    extra = 0


class SpeakerAvailabilityInline(ZonedWindowInline):
    model = SpeakerAvailability
    owner = "speaker"


class ExhibitorHoursInline(ZonedWindowInline):
    model = ExhibitorHours
    owner = "exhibitor"


@admin.register(Session)
class SessionAdmin(EventScopedAdmin):
    change_perm = "hallway.change_session"
    list_display = ["title", "event", "state", "session_type", "track", "duration"]
    list_filter = ["state", "event", "session_type"]
    search_fields = ["title", "speakers__name"]
    readonly_fields = ["uuid", "slug"]
    inlines = [SessionSpeakerInline, ResourceInline]


@admin.register(Speaker)
class SpeakerAdmin(EventScopedAdmin):
    # A speaker's profile is the umbrella's; a sub-event's organiser sees and edits the
    # speakers of its own sessions, and only the umbrella's organiser adds new ones.
    scope = "umbrella"
    change_perm = "hallway.change_speaker"
    add_perm = "hallway.add_speaker"
    list_display = ["name", "event"]
    search_fields = ["name"]
    readonly_fields = ["uuid", "slug"]
    inlines = [SpeakerAvailabilityInline]

    def get_queryset(self, request):
        if request.user.is_active and request.user.is_superuser:
            return super().get_queryset(request)
        mine = super().get_queryset(request)  # speakers of the umbrellas the user manages
        speaking = admin.ModelAdmin.get_queryset(self, request).filter(
            sessions__event__in=permissions.organised_event_ids(request.user)
        )
        return (mine | speaking).distinct()


@admin.register(Playlist)
class PlaylistAdmin(EventScopedAdmin):
    change_perm = "hallway.change_playlist"
    list_display = ["title", "event", "url"]


@admin.register(Exhibitor)
class ExhibitorAdmin(EventScopedAdmin):
    scope = "umbrella"
    change_perm = "hallway.manage_exhibitors"
    list_display = ["name", "category", "booth", "event"]
    list_filter = ["category"]
    search_fields = ["name"]
    inlines = [ExhibitorHoursInline]
