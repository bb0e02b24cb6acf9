from django.contrib import admin
from django.db.models import Q

from hallway import permissions
from hallway.manage.admin.base import EventScopedAdmin
from hallway.schedule.models import Schedule, Slot


@admin.register(Schedule)
class ScheduleAdmin(EventScopedAdmin):
    scope = "visible"
    change_perm = "hallway.release_schedule"
    list_display = ["event", "version", "released_at", "released_by"]
    readonly_fields = ["uuid", "event", "version", "released_at", "released_by"]

    def has_add_permission(self, request) -> bool:
        return False  # the WIP exists per event; releases are made by the release action


@admin.register(Slot)
class SlotAdmin(EventScopedAdmin):
    """Slots of the work in progress; released slots are read-only history."""

    event_path = "schedule__event"
    scope = "visible"
    change_perm = "hallway.change_slot"
    list_display = ["__str__", "room", "start", "end", "schedule"]
    list_filter = ["schedule", "room"]
    search_fields = ["session__title", "label"]
    autocomplete_fields = ["session"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_active and request.user.is_superuser:
            return qs
        # A sub-event's organiser sees its own sessions' slots, not its siblings' unreleased
        # plans; the umbrella's organiser sees the whole schedule.
        umbrellas = permissions.umbrella_ids(request.user)
        return qs.filter(
            Q(schedule__event__in=umbrellas)
            | Q(session__event__in=permissions.organised_event_ids(request.user))
        )

    def has_change_permission(self, request, obj=None) -> bool:
        # Released slots are history, for superusers too (who skip the rules' backend).
        if obj is not None and obj.schedule.is_release:
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "schedule":
            field.queryset = field.queryset.filter(version__isnull=True)
        return field
