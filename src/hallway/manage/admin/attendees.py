from django.contrib import admin

from hallway.attendees.models import Attendee
from hallway.manage.admin.base import EventScopedAdmin


@admin.register(Attendee)
class AttendeeAdmin(EventScopedAdmin):
    scope = "umbrella"
    change_perm = "hallway.view_attendees"
    raw_id_fields = ["user"]
    list_display = ["__str__", "event", "created_at"]
    # The tokens are the attendee's keys to their agenda and feed: not shown to organisers.
    exclude = ["token", "feed_token"]
