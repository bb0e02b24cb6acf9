"""The organiser area's building block: an admin that shows and changes only what the user's
roles allow, per event (``hallway.permissions``), not Django's global model permissions.

Three things are scoped, all from the same rules:

- the changelist and every object page (``get_queryset``: an object outside it is "not found");
- what may be changed, added or deleted (``change_perm`` asked with the object, again just
  before saving, so a forged form cannot save what the page would not offer);
- every choice the pages offer: foreign-key selects and autocompletes show only what the user
  may see in that model's own admin, list filters only values present in the user's objects,
  and users are entered by id, never listed (a select would enumerate every username).
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from hallway import permissions
from hallway.audit.services import changed, record
from hallway.manage.zones import ZonedModelFormMixin

#: Log names of models whose own name is not the conference's word for them.
NOUNS = {"eventrole": "role", "sessionspeaker": "session_speaker"}
#: Timestamps change on every save; they say nothing an entry's time does not.
UNLOGGED_FIELDS = {"created_at", "updated_at"}


class _LogEncoder(DjangoJSONEncoder):
    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)  # a file field, a custom value: its text is what a reader needs


def _fields(obj: models.Model) -> dict:
    """Every concrete field of ``obj`` as plain JSON values (foreign keys by id), so values
    read before and after a save compare equal when they are."""
    values = {
        f.name: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.name not in UNLOGGED_FIELDS
    }
    return json.loads(json.dumps(values, cls=_LogEncoder))


def _stored(obj: models.Model) -> dict | None:
    if obj.pk is None:
        return None
    old = type(obj)._default_manager.filter(pk=obj.pk).first()
    return _fields(old) if old is not None else None


def log_change(request, obj: models.Model, before: dict | None, verb: str | None = None) -> None:
    """Write one audit entry for an admin save or delete of ``obj``, in the admin's
    transaction: an addition with every field, a change with only the changed fields (and
    nothing when nothing changed), a deletion with the fields it had."""
    event = permissions.event_of(obj)
    if event is None:
        return
    noun = NOUNS.get(obj._meta.model_name, obj._meta.model_name)
    if verb == "deleted":
        entry_before, entry_after = before, None
        if noun == "role":
            verb = "removed"
    elif before is None:
        verb, entry_before, entry_after = "added", None, _fields(obj)
    else:
        diff = changed(before, _fields(obj))
        if not diff:
            return
        verb = "changed"
        entry_before = {k: old for k, (old, _) in diff.items()}
        entry_after = {k: new for k, (_, new) in diff.items()}
    record(
        event,
        f"{noun}.{verb}",
        by=request.user,
        obj=obj,
        before=entry_before,
        after=entry_after,
        note="In the admin.",
    )


def _is_superuser(request) -> bool:
    return request.user.is_active and request.user.is_superuser


class ScopedChoicesMixin:
    """Foreign-key choices limited to what the user may see (for admins and their inlines)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            # A link typed without a scheme is https:// (Django 6's default, chosen now).
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        if model is get_user_model() and "widget" not in kwargs:
            # Any user field, on every admin: a select would list every username.
            kwargs["widget"] = widgets.ForeignKeyRawIdWidget(
                db_field.remote_field, self.admin_site, using=kwargs.get("using")
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is None or _is_superuser(request):
            return field
        if model is get_user_model():
            # The widget is a raw id entry (above); its lookup popup is the user admin, which
            # organisers cannot open, so no page lists usernames.
            field.queryset = field.queryset.filter(is_active=True)
            return field
        remote = self.admin_site._registry.get(model)
        if isinstance(remote, EventScopedAdmin):
            field.queryset = remote.choices_queryset(request, db_field, field.queryset)
        else:
            # A model outside the organiser area offers nothing rather than everything.
            field.queryset = field.queryset.none()
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # The same rule for many-to-many choices (a call's accepted tracks and types).
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is None or _is_superuser(request):
            return field
        remote = self.admin_site._registry.get(db_field.related_model)
        if isinstance(remote, EventScopedAdmin):
            field.queryset = remote.choices_queryset(request, db_field, field.queryset)
        else:
            field.queryset = field.queryset.none()
        return field


class EventScopedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    #: Lookup from this model to the Event that owns it.
    event_path = "event"
    #: "organised": events whose content the user changes; "visible": also the umbrellas of
    #: the user's sub-events (shared rooms, releases, the WIP schedule); "umbrella": only
    #: the umbrellas the user manages whole (exhibitors, attendees).
    scope = "organised"
    #: The hallway.permissions rule for changing (and deleting) one object of this admin.
    change_perm = "hallway.change_event"
    #: The rule for adding one (asked without an object; the object is asked on save).
    add_perm: str | None = None

    def scoped_event_ids(self, request) -> set[int]:
        cache = request.__dict__.setdefault("_hallway_scope", {})
        if self.scope not in cache:
            pick = {
                "organised": permissions.organised_event_ids,
                "visible": permissions.visible_event_ids,
                "umbrella": permissions.umbrella_ids,
            }[self.scope]
            cache[self.scope] = pick(request.user)
        return cache[self.scope]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if _is_superuser(request):
            return qs
        return qs.filter(**{f"{self.event_path}__in": self.scoped_event_ids(request)})

    def choices_queryset(self, request, db_field, queryset):
        """What a foreign key to this model may offer: what the user sees here."""
        return queryset.filter(pk__in=self.get_queryset(request).values("pk"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if (
            field is not None
            and not _is_superuser(request)
            and db_field.name == "event"
            and self.scope != "organised"
        ):
            # Rooms, speakers, exhibitors belong to an umbrella: offer the umbrellas the user
            # works in (the rules decide on save whether it may change the object there).
            field.queryset = db_field.related_model._default_manager.filter(
                parent=None, pk__in=permissions.visible_event_ids(request.user)
            )
        return field

    def get_list_filter(self, request):
        # A plain related-field filter lists every row of the related table (every event's
        # name); the related-only filter lists those present in the user's own objects.
        related = {f.name for f in self.model._meta.get_fields() if f.is_relation and f.many_to_one}
        return [
            (f, admin.RelatedOnlyFieldListFilter) if isinstance(f, str) and f in related else f
            for f in super().get_list_filter(request)
        ]

    def has_module_permission(self, request) -> bool:
        return request.user.is_staff and request.user.has_perm("hallway.view_organiser_area")

    def _visible(self, request, obj) -> bool:
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request) and self._visible(request, obj)

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request) and request.user.has_perm(
            self.add_perm or self.change_perm
        )

    def has_change_permission(self, request, obj=None) -> bool:
        if not self.has_module_permission(request):
            return False
        if obj is None:
            return request.user.has_perm(self.change_perm)
        return self._visible(request, obj) and request.user.has_perm(self.change_perm, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # Asked of the object as it will be saved: the form's choices are scoped, but a
        # forged POST must not move an object into an event the user does not manage.
        if not request.user.has_perm(self.change_perm, obj):
            raise PermissionDenied("You may not change this in that event.")
        before = _stored(obj) if change else None
        super().save_model(request, obj, form, change)
        log_change(request, obj, before)

    def delete_model(self, request, obj):
        log_change(request, obj, _fields(obj), "deleted")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk "delete selected" action asks only the model-level permission.
        if not all(self.has_delete_permission(request, obj) for obj in queryset):
            raise PermissionDenied("Some of the selected objects may not be deleted by you.")
        for obj in queryset:
            log_change(request, obj, _fields(obj), "deleted")
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        # Inline rows (a room's availability, a session's speakers) are logged like objects.
        before = {
            f.instance.pk: _stored(f.instance)
            for f in formset.forms
            if f.instance.pk is not None and f.has_changed()
        }
        # A deleted row loses its id when deleted: log it first (same transaction).
        for doomed in formset.deleted_forms:
            if doomed.instance.pk is not None:
                log_change(request, doomed.instance, _stored(doomed.instance), "deleted")
        super().save_formset(request, form, formset, change)
        for obj, _names in getattr(formset, "changed_objects", []):
            log_change(request, obj, before.get(obj.pk))
        for obj in getattr(formset, "new_objects", []):
            log_change(request, obj, None)


class ScopedInline(ScopedChoicesMixin, admin.TabularInline):
    """An inline whose choices are scoped like its admin's, and whose rows may be changed by
    whoever may change the object they belong to.  (Django's inlines ask the global model
    permissions, which organisers do not hold: the speakers and windows of a session or room
    were hidden from every organiser who was not a superuser.)"""

    extra = 0

    def _parent_may(self, request, obj) -> bool:
        parent = self.admin_site._registry.get(self.parent_model)
        if parent is None:
            return False
        if obj is None:
            return parent.has_add_permission(request) or parent.has_change_permission(request)
        return parent.has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None) -> bool:
        parent = self.admin_site._registry.get(self.parent_model)
        return parent is not None and parent.has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._parent_may(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._parent_may(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._parent_may(request, obj)


class WindowAdminForm(ZonedModelFormMixin, forms.ModelForm):
    """An availability window or opening hours: start and end in the event's zone."""

    #: The owner's event, set by the inline from the object being edited.
    parent_event = None
    owner = ""

    def zone_event(self, data):
        owner = getattr(self.instance, f"{self.owner}_id", None) and getattr(
            self.instance, self.owner
        )
        return getattr(owner, "event", None) or self.parent_event


class ZonedWindowInline(ScopedInline):
    """Windows of a room, speaker or exhibitor, typed and shown in its event's zone (the
    admin's own fields read them in the server's zone, UTC: 16:30 became 08:30 Pacific)."""

    form = WindowAdminForm
    owner = ""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        event = getattr(obj, "event", None)
        formset.form = type(
            formset.form.__name__, (formset.form,), {"parent_event": event, "owner": self.owner}
        )
        return formset
