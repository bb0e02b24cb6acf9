"""The call for papers: one per event (umbrella or sub-event), its questions, submissions and
their speakers, co-speaker invitations, answers, the audit log of state changes and the mail
hallway sends speakers.

Models hold fields and constraints only; what happens to a submission is in ``services.py``.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models

from hallway.common.models import TimeStamped
from hallway.events.models import Event, SessionType, Track


class CallForPapers(TimeStamped):
    """What an event asks speakers for, and until when."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="cfp")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    text = models.TextField(blank=True, help_text="Markdown: what the event is looking for.")
    session_types = models.ManyToManyField(
        SessionType, blank=True, related_name="+", help_text="Empty: every type of the event."
    )
    tracks = models.ManyToManyField(
        Track, blank=True, related_name="+", help_text="Empty: every track of the event."
    )
    max_submissions_per_speaker = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: no limit."
    )
    anonymised_review = models.BooleanField(
        default=False, help_text="Reviewers do not see speakers' names and biographies."
    )

    CALL, REVIEW, SELECTION, CLOSED = "call", "review", "selection", "closed"
    PHASES = [
        (CALL, "Call: submissions come in, nobody reviews yet"),
        (REVIEW, "Review: reviewers score, without seeing each other's scores"),
        (SELECTION, "Selection: organisers see every review and decide"),
        (CLOSED, "Closed: decisions made"),
    ]
    phase = models.CharField(max_length=10, choices=PHASES, default=CALL)

    class Meta:
        verbose_name = "call for papers"
        verbose_name_plural = "calls for papers"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="cfp_window_order"
            )
        ]

    def __str__(self) -> str:
        return f"Call for papers of {self.event}"


class SessionTypeDeadline(models.Model):
    """A later (or earlier) deadline for one session type, e.g. lightning talks."""

    cfp = models.ForeignKey(CallForPapers, on_delete=models.CASCADE, related_name="deadlines")
    session_type = models.ForeignKey(SessionType, on_delete=models.CASCADE, related_name="+")
    closes_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cfp", "session_type"], name="cfp_type_deadline")
        ]

    def __str__(self) -> str:
        return f"{self.session_type}: {self.closes_at:%Y-%m-%d %H:%M}"


class Question(models.Model):
    """A question of the event's own, asked once per submission or once per speaker."""

    TEXT, LONG_TEXT, NUMBER, CHOICE, MULTIPLE = "text", "long_text", "number", "choice", "multiple"
    BOOLEAN, URL, FILE = "boolean", "url", "file"
    KINDS = [
        (TEXT, "Text"),
        (LONG_TEXT, "Long text"),
        (NUMBER, "Number"),
        (CHOICE, "Single choice"),
        (MULTIPLE, "Multiple choice"),
        (BOOLEAN, "Yes / no"),
        (URL, "Web address"),
        (FILE, "File"),
    ]
    SUBMISSION, SPEAKER = "submission", "speaker"
    TARGETS = [(SUBMISSION, "Each submission"), (SPEAKER, "Each speaker")]

    cfp = models.ForeignKey(CallForPapers, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    help_text = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=12, choices=KINDS, default=TEXT)
    target = models.CharField(max_length=12, choices=TARGETS, default=SUBMISSION)
    required = models.BooleanField(default=False)
    choices = models.JSONField(
        default=list, blank=True, help_text="The options of a choice question, a list of text."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class SpeakerProfile(TimeStamped):
    """How a person presents themselves to every event they submit to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="speaker_profile"
    )
    name = models.CharField(max_length=200)
    pronouns = models.CharField(max_length=40, blank=True)
    bio = models.TextField(blank=True, help_text="Markdown.")
    links = models.JSONField(default=list, blank=True, help_text="A list of http(s) URLs.")
    #: Re-encoded by hallway (JPEG, at most 800 px a side, no metadata) under a random name.
    photo = models.FileField(upload_to="speakers/", blank=True)

    def __str__(self) -> str:
        return self.name


class Submission(TimeStamped):
    """A proposal for a session, from draft to confirmed (or not)."""

    DRAFT, SUBMITTED = "draft", "submitted"
    ACCEPTED, REJECTED, WAITLISTED = "accepted", "rejected", "waitlisted"
    CONFIRMED, DECLINED = "confirmed", "declined"
    WITHDRAWN, CANCELLED = "withdrawn", "cancelled"
    STATES = [
        (DRAFT, "Draft"),
        (SUBMITTED, "Submitted"),
        (ACCEPTED, "Accepted"),
        (REJECTED, "Rejected"),
        (WAITLISTED, "Waitlisted"),
        (CONFIRMED, "Confirmed"),
        (DECLINED, "Declined"),
        (WITHDRAWN, "Withdrawn"),
        (CANCELLED, "Cancelled"),
    ]
    #: States in which speakers may still change the content (until the deadline).
    EDITABLE = (DRAFT, SUBMITTED)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="submissions")
    state = models.CharField(max_length=12, choices=STATES, default=DRAFT, db_index=True)
    title = models.CharField(max_length=250)
    abstract = models.TextField(help_text="Markdown: what the programme will show.")
    description = models.TextField(blank=True, help_text="Markdown: for the reviewers.")
    session_type = models.ForeignKey(SessionType, on_delete=models.PROTECT, related_name="+")
    track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=16, default="en")
    notes = models.TextField(blank=True, help_text="For the organisers only.")
    speakers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="SubmissionSpeaker", related_name="submissions"
    )
    #: Raised on every save of the content; a form carrying an older one is stale.
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    #: The programme's session, once the speakers confirmed.
    session = models.OneToOneField(
        "program.Session",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submission",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["event", "state"])]

    def __str__(self) -> str:
        return self.title


class SubmissionSpeaker(models.Model):
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="speaker_links"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submission_links"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "user"], name="submission_speaker_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} presents {self.submission}"


def _token() -> str:
    return secrets.token_urlsafe(32)


class CoSpeakerInvitation(TimeStamped):
    """An invitation by email to present a submission together; accepted with one's own
    account through the link."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.email} invited to {self.submission}"


class Answer(models.Model):
    """An answer to a question: about a submission, or about a speaker for one event."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value = models.TextField(blank=True)
    file = models.FileField(upload_to="cfp/answers/%Y/", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "submission"],
                condition=models.Q(submission__isnull=False),
                name="answer_once_per_submission",
            ),
            models.UniqueConstraint(
                fields=["question", "user"],
                condition=models.Q(submission__isnull=True),
                name="answer_once_per_speaker",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.value[:40]}"


class StateChange(models.Model):
    """The audit log: every transition of a submission, who made it and when."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="state_changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.submission}: {self.from_state or '—'} → {self.to_state}"


class Message(TimeStamped):
    """An email hallway sends a speaker, kept after sending so the speaker and organisers can
    read what went out; a failed send keeps its error and is tried again."""

    OUTBOX, QUEUED, SENT, FAILED, DISCARDED = "outbox", "queued", "sent", "failed", "discarded"
    STATES = [
        (OUTBOX, "In the outbox, for an organiser to read and send"),
        (QUEUED, "Being sent"),
        (SENT, "Sent"),
        (FAILED, "Failed"),
        (DISCARDED, "Discarded"),
    ]

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="cfp_messages")
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cfp_messages",
    )
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=STATES, default=QUEUED, db_index=True)
    #: Which template it was written from (``MailTemplate.KINDS``); empty for older rows.
    #: The reminder service reads it to leave alone whom it reminded lately.
    kind = models.CharField(max_length=12, blank=True, db_index=True)
    #: Extra mail headers (an attendee's change email carries List-Unsubscribe, RFC 8058).
    headers = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    #: When a failed message is due to be tried again (``hallway worker`` does); empty once
    #: hallway gave up (after ``HALLWAY_MAIL_MAX_ATTEMPTS`` or a permanent refusal): then it
    #: waits, with its error, for an organiser to send it again from the outbox.  On a
    #: queued message it is the sender's claim: until then it is being sent; after it, the
    #: sender died mid-send and the worker queues the message again.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class ReviewerScope(models.Model):
    """The tracks one person's team roles in an event are limited to: as a reviewer (no
    scope: every track) and as a track organiser (no scope: no track)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reviewer_scopes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tracks = models.ManyToManyField(Track, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="reviewer_scope_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} reviews {self.event} (some tracks)"


class ScoreCategory(models.Model):
    """One thing reviewers score (relevance, clarity, speaker), with its weight."""

    cfp = models.ForeignKey(CallForPapers, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=80)
    weight = models.PositiveSmallIntegerField(default=1)
    max_score = models.PositiveSmallIntegerField(default=5)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "score categories"
        constraints = [
            models.CheckConstraint(condition=models.Q(max_score__gte=1), name="category_max"),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="category_weight"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (×{self.weight}, 0–{self.max_score})"


class Review(TimeStamped):
    """One reviewer's scores of one submission.  ``score`` is their weighted mean on a 0–100
    scale, stored so that dashboards aggregate it in SQL."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cfp_reviews"
    )
    score = models.FloatField()
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "reviewer"], name="review_once"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100), name="review_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.submission}: {self.score:.0f}"


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    category = models.ForeignKey(ScoreCategory, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "category"], name="review_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.category.name}: {self.value}"


class MailTemplate(TimeStamped):
    """An event's own wording of one kind of email; placeholders in braces are checked when
    it is saved (see ``services.PLACEHOLDERS``)."""

    RECEIVED, INVITATION, ACCEPTANCE, REJECTION = (
        "received",
        "invitation",
        "acceptance",
        "rejection",
    )
    WAITLIST, REMINDER, OFFER, FREE = "waitlist", "reminder", "offer", "free"
    KINDS = [
        (RECEIVED, "Submission received"),
        (INVITATION, "Co-speaker invitation"),
        (ACCEPTANCE, "Acceptance"),
        (REJECTION, "Rejection"),
        (WAITLIST, "Waiting list"),
        (REMINDER, "Confirmation reminder"),
        (OFFER, "Offer to another event"),
        (FREE, "Free message"),
    ]

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="mail_templates")
    kind = models.CharField(max_length=12, choices=KINDS)
    subject = models.CharField(max_length=300)
    body = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "kind"], name="mail_template_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.event})"


class Offer(TimeStamped):
    """A rejected submission offered to another event of the same umbrella."""

    PENDING, ACCEPTED, REFUSED = "pending", "accepted", "refused"
    STATES = [(PENDING, "Waiting for the speakers"), (ACCEPTED, "Accepted"), (REFUSED, "Refused")]

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="offers")
    from_event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    to_event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=8, choices=STATES, default=PENDING)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.submission} offered to {self.to_event}"
