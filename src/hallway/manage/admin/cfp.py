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
from hallway.manage.admin.base import EventScopedAdmin, ScopedInline


class CfpAdmin(EventScopedAdmin):
    """An event's call for papers is that event's business (hallway.manage_cfp)."""

    change_perm = "hallway.manage_cfp"


class QuestionInline(ScopedInline):
    model = Question


class ScoreCategoryInline(ScopedInline):
    model = ScoreCategory


class DeadlineInline(ScopedInline):
    model = SessionTypeDeadline


@admin.register(CallForPapers)
class CallForPapersAdmin(CfpAdmin):
    list_display = ["event", "opens_at", "closes_at", "anonymised_review"]
    filter_horizontal = ["session_types", "tracks"]
    inlines = [DeadlineInline, ScoreCategoryInline, QuestionInline]


class StateChangeInline(ScopedInline):
    model = StateChange
    can_delete = False
    readonly_fields = ["at", "actor", "from_state", "to_state", "note"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(CfpAdmin):
    list_display = ["title", "event", "session_type", "state", "submitted_at"]
    list_filter = ["state", "event"]
    search_fields = ["title"]
    inlines = [StateChangeInline]
    # States change only through the services, so that every change is logged.
    readonly_fields = ["state", "version", "submitted_at", "uuid"]


@admin.register(Message)
class MessageAdmin(CfpAdmin):
    list_display = ["subject", "to", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "event"]
    readonly_fields = ["state", "attempts", "error", "sent_at"]


@admin.register(ReviewerScope)
class ReviewerScopeAdmin(CfpAdmin):
    list_display = ["user", "event"]
    filter_horizontal = ["tracks"]
