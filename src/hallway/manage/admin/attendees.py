from django.contrib import admin

from hallway.attendees.models import Attendee
from hallway.manage.admin.base import EventScopedAdmin


@admin.register(Attendee)
class AttendeeAdmin(EventScopedAdmin):
    scope = "umbrella"
    change_perm = "hallway.view_attendees"
    raw_id_fields = ["user"]
    list_display = ["__str__", "event", "created_at"]
    readonly_fields = ["token"]
