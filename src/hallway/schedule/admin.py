from django.contrib import admin

from hallway.common.admin import EventScopedAdmin
from hallway.schedule.models import Schedule, Slot


@admin.register(Schedule)
class ScheduleAdmin(EventScopedAdmin):
    list_display = ["event", "version", "released_at", "released_by"]
    readonly_fields = ["uuid", "event", "version", "released_at", "released_by"]

    def has_add_permission(self, request) -> bool:
        return False  # the WIP exists per event; releases are made by the release action


@admin.register(Slot)
class SlotAdmin(EventScopedAdmin):
    """Slots of the work in progress; released slots are read-only history."""

    event_path = "schedule__event"
    list_display = ["__str__", "room", "start", "end", "schedule"]
    list_filter = ["schedule", "room"]
    search_fields = ["session__title", "label"]
    autocomplete_fields = ["session"]

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.schedule.is_release:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "schedule":
            field.queryset = field.queryset.filter(version__isnull=True)
        return field
