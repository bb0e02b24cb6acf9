from django.contrib import admin

from hallway.common.admin import EventScopedAdmin
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


class SessionSpeakerInline(admin.TabularInline):
    model = SessionSpeaker
    extra = 0
    autocomplete_fields = ["speaker"]


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0


class SpeakerAvailabilityInline(admin.TabularInline):
    model = SpeakerAvailability
    extra = 0


class ExhibitorHoursInline(admin.TabularInline):
    model = ExhibitorHours
    extra = 0


@admin.register(Session)
class SessionAdmin(EventScopedAdmin):
    list_display = ["title", "event", "state", "session_type", "track", "duration"]
    list_filter = ["state", "event", "session_type"]
    search_fields = ["title", "speakers__name"]
    readonly_fields = ["uuid", "slug"]
    inlines = [SessionSpeakerInline, ResourceInline]


@admin.register(Speaker)
class SpeakerAdmin(EventScopedAdmin):
    list_display = ["name", "event"]
    search_fields = ["name"]
    readonly_fields = ["uuid", "slug"]
    inlines = [SpeakerAvailabilityInline]


@admin.register(Playlist)
class PlaylistAdmin(EventScopedAdmin):
    list_display = ["title", "event", "url"]


@admin.register(Exhibitor)
class ExhibitorAdmin(EventScopedAdmin):
    list_display = ["name", "category", "booth", "event"]
    list_filter = ["category"]
    search_fields = ["name"]
    inlines = [ExhibitorHoursInline]
