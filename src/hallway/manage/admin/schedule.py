from django import forms
from django.contrib import admin
from django.db.models import Q

from hallway import permissions
from hallway.manage.admin.base import EventScopedAdmin
from hallway.manage.zones import ZonedModelFormMixin
from hallway.schedule.editing import stamp_changes
from hallway.schedule.models import Schedule, Slot

ADMIN = "the admin"


@admin.register(Schedule)
class ScheduleAdmin(EventScopedAdmin):
    scope = "visible"
    change_perm = "hallway.release_schedule"
    list_display = ["event", "version", "released_at", "released_by"]
    readonly_fields = ["uuid", "event", "version", "released_at", "released_by"]

    def has_add_permission(self, request) -> bool:
        return False  # the WIP exists per event; releases are made by the release action


class SlotAdminForm(ZonedModelFormMixin, forms.ModelForm):
    """Start and end in the schedule's event zone, not the server's (UTC)."""

    def zone_event(self, data):
        if data is not None and data.get("schedule") is not None:
            return data["schedule"].event
        return self.instance.schedule.event if self.instance.schedule_id else None


def _local(moment, slot: Slot) -> str:
    tz = slot.schedule.event.umbrella.tz
    return moment.astimezone(tz).strftime("%a %d %b %H:%M %Z")


@admin.register(Slot)
class SlotAdmin(EventScopedAdmin):
    """Slots of the work in progress; released slots are read-only history."""

    event_path = "schedule__event"
    scope = "visible"
    change_perm = "hallway.change_slot"
    form = SlotAdminForm
    list_display = ["__str__", "room", "local_start", "local_end", "schedule"]
    list_select_related = ["schedule__event__parent", "room", "session"]

    @admin.display(description="Start (event's time zone)", ordering="start")
    def local_start(self, slot: Slot) -> str:
        return _local(slot.start, slot)

    @admin.display(description="End (event's time zone)", ordering="end")
    def local_end(self, slot: Slot) -> str:
        return _local(slot.end, slot)

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

    # A slot changed here is a change an editor page open elsewhere must hear of.
    def save_model(self, request, obj, form, change):
        was = Slot.objects.filter(pk=obj.pk).values_list("session_id", flat=True).first()
        super().save_model(request, obj, form, change)
        if not obj.schedule.is_release:
            stamp_changes(obj.schedule.event, [was, obj.session_id], by=request.user, source=ADMIN)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        if not obj.schedule.is_release:
            stamp_changes(obj.schedule.event, [obj.session_id], by=request.user, source=ADMIN)

    def delete_queryset(self, request, queryset):
        doomed = [(s.schedule, s.session_id) for s in queryset.select_related("schedule__event")]
        super().delete_queryset(request, queryset)
        for schedule, session_id in doomed:
            if not schedule.is_release:
                stamp_changes(schedule.event, [session_id], by=request.user, source=ADMIN)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "schedule":
            field.queryset = field.queryset.filter(version__isnull=True)
        return field
