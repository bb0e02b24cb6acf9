"""The call for papers in the organiser area: settings and questions per event, each
organiser seeing only the events they organise."""

from django.contrib import admin

from hallway.cfp.models import (
    CallForPapers,
    Message,
    Question,
    ReviewerScope,
    ScoreCategory,
    SessionTypeDeadline,
    StateChange,
    Submission,
)
from hallway.common.admin import EventScopedAdmin


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0


class ScoreCategoryInline(admin.TabularInline):
    model = ScoreCategory
    extra = 0


class DeadlineInline(admin.TabularInline):
    model = SessionTypeDeadline
    extra = 0


@admin.register(CallForPapers)
class CallForPapersAdmin(EventScopedAdmin):
    list_display = ["event", "opens_at", "closes_at", "anonymised_review"]
    filter_horizontal = ["session_types", "tracks"]
    inlines = [DeadlineInline, ScoreCategoryInline, QuestionInline]


class StateChangeInline(admin.TabularInline):
    model = StateChange
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "from_state", "to_state", "note"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(EventScopedAdmin):
    list_display = ["title", "event", "session_type", "state", "submitted_at"]
    list_filter = ["state", "event"]
    search_fields = ["title"]
    inlines = [StateChangeInline]
    # States change only through the services, so that every change is logged.
    readonly_fields = ["state", "version", "submitted_at", "uuid"]


@admin.register(Message)
class MessageAdmin(EventScopedAdmin):
    list_display = ["subject", "to", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "event"]
    readonly_fields = ["state", "attempts", "error", "sent_at"]


@admin.register(ReviewerScope)
class ReviewerScopeAdmin(EventScopedAdmin):
    list_display = ["user", "event"]
    filter_horizontal = ["tracks"]
