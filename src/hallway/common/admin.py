"""The organiser area's building block: an admin that shows and changes only the events the
user organises (per event and role, not Django's global model permissions)."""

from __future__ import annotations

from django.contrib import admin

from hallway.common.permissions import managed_event_ids


class EventScopedAdmin(admin.ModelAdmin):
    #: Lookup from this model to the Event that owns it.
    event_path = "event"

    def _ids(self, request) -> set[int]:
        if not hasattr(request, "_hallway_managed"):
            request._hallway_managed = managed_event_ids(request.user)
        return request._hallway_managed

    def _owner_id(self, obj) -> int | None:
        target = obj
        for part in self.event_path.split("__"):
            target = getattr(target, part, None)
            if target is None:
                return None
        return target.pk

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.event_path}__in": self._ids(request)})

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and bool(self._ids(request))

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        if not self.has_module_permission(request):
            return False
        return obj is None or self._owner_id(obj) in self._ids(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if request.user.is_superuser or field is None:
            return field
        model = db_field.related_model
        ids = self._ids(request)
        from hallway.events.models import Event

        if model is Event:
            field.queryset = field.queryset.filter(pk__in=ids)
        elif hasattr(model, "event"):
            field.queryset = field.queryset.filter(event__in=ids)
        elif hasattr(model, "session"):
            field.queryset = field.queryset.filter(session__event__in=ids)
        return field
