from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from hallway.events.models import Event, EventRole, Room, RoomAvailability, SessionType, Track
from hallway.manage.admin.base import EventScopedAdmin, ZonedWindowInline
from hallway.schedule.models import Schedule


class RoomAvailabilityInline(ZonedWindowInline):
    model = RoomAvailability
    owner = "room"


@admin.register(Event)
class EventAdmin(EventScopedAdmin):
    event_path = "pk"
    # Names, days, venue and settings are shared by every co-located event: umbrella rights.
    change_perm = "hallway.change_event"
    add_perm = "hallway.add_event"
    list_display = ["name", "parent", "start_date", "end_date", "time_zone"]
    search_fields = ["name", "slug"]
    readonly_fields = ["uuid"]
    actions = ["release_programme"]

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is None:
            return super().has_delete_permission(request, obj)
        return super().has_change_permission(request, obj) and request.user.has_perm(
            "hallway.delete_event", obj
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("hallway.release_schedule"):
            actions.pop("release_programme", None)
        return actions

    @admin.action(description="Release the work-in-progress schedule as a new version")
    def release_programme(self, request, queryset):
        # Through the organiser area's release, so speakers and attendees hear of the changes
        # as from the release page.
        from hallway.manage.releases import make_release

        umbrellas = {e.umbrella for e in queryset}
        # All or nothing: releasing one's own umbrella must not be a way to release another's.
        refused = [u for u in umbrellas if not request.user.has_perm("hallway.release_schedule", u)]
        if refused:
            raise PermissionDenied("Releasing needs the umbrella event's organiser rights.")
        for event in umbrellas:
            n = Schedule.objects.filter(event=event, version__isnull=False).count()
            try:
                release, _sent = make_release(event, f"{n + 1}.0", by=request.user)
            except ValidationError as exc:
                self.message_user(
                    request,
                    f"{event}: not released. " + " ".join(exc.messages[:10]),
                    messages.ERROR,
                )
            else:
                self.message_user(request, f"{event}: released version {release.version}.")


@admin.register(EventRole)
class EventRoleAdmin(EventScopedAdmin):
    change_perm = "hallway.manage_roles"
    list_display = ["user", "event", "role"]
    list_filter = ["role"]
    raw_id_fields = ["user"]


@admin.register(Room)
class RoomAdmin(EventScopedAdmin):
    scope = "visible"
    change_perm = "hallway.manage_rooms"
    list_display = ["name", "capacity", "floor", "event"]
    readonly_fields = ["uuid"]
    inlines = [RoomAvailabilityInline]


@admin.register(Track)
class TrackAdmin(EventScopedAdmin):
    change_perm = "hallway.change_track"
    list_display = ["name", "event", "colour"]
    readonly_fields = ["uuid"]

    def choices_queryset(self, request, db_field, queryset):
        # A sub-event's session may use its umbrella's tracks (Session.clean allows it).
        return _own_or_umbrella(request, queryset)


@admin.register(SessionType)
class SessionTypeAdmin(EventScopedAdmin):
    change_perm = "hallway.change_session_type"
    list_display = ["name", "event", "default_duration", "is_plenary"]
    readonly_fields = ["uuid"]

    def choices_queryset(self, request, db_field, queryset):
        return _own_or_umbrella(request, queryset)


def _own_or_umbrella(request, queryset):
    if request.user.is_active and request.user.is_superuser:
        return queryset
    from hallway.permissions import visible_event_ids

    return queryset.filter(event__in=visible_event_ids(request.user))
