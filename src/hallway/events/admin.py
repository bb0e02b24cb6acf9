from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from hallway.common.admin import EventScopedAdmin
from hallway.events.models import Event, EventRole, Room, RoomAvailability, SessionType, Track
from hallway.schedule.models import Schedule


class RoomAvailabilityInline(admin.TabularInline):
    model = RoomAvailability
    extra = 0


@admin.register(Event)
class EventAdmin(EventScopedAdmin):
    event_path = "pk"
    list_display = ["name", "parent", "start_date", "end_date", "time_zone"]
    search_fields = ["name", "slug"]
    readonly_fields = ["uuid"]
    actions = ["release_programme"]

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs if request.user.is_superuser else qs.filter(pk__in=self._ids(request))

    def _owner_id(self, obj):
        return obj.pk

    def has_add_permission(self, request) -> bool:
        # New umbrella events are a site administrator's decision.
        return request.user.is_superuser

    @admin.action(description="Release the work-in-progress schedule as a new version")
    def release_programme(self, request, queryset):
        from hallway.schedule.services import release_schedule

        for event in {e.umbrella for e in queryset}:
            n = Schedule.objects.filter(event=event, version__isnull=False).count()
            try:
                release = release_schedule(event, f"{n + 1}.0", by=request.user)
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
    list_display = ["user", "event", "role"]
    list_filter = ["role"]


@admin.register(Room)
class RoomAdmin(EventScopedAdmin):
    list_display = ["name", "capacity", "floor", "event"]
    readonly_fields = ["uuid"]
    inlines = [RoomAvailabilityInline]


@admin.register(Track)
class TrackAdmin(EventScopedAdmin):
    list_display = ["name", "event", "colour"]
    readonly_fields = ["uuid"]


@admin.register(SessionType)
class SessionTypeAdmin(EventScopedAdmin):
    list_display = ["name", "event", "default_duration", "is_plenary"]
    readonly_fields = ["uuid"]
