"""Who may do what in the call for papers, as ``rules`` predicates.

Every cfp view asks one of the permissions below (``user.has_perm("cfp.edit_submission",
submission)``).  An organiser of an umbrella organises all its sub-events; an organiser of a
sub-event only that one.  A track organiser of an event sees its dashboard and sees and
decides the submissions of their tracks (``ReviewerScope``: with none, no track), nothing
else: settings, the team, the outbox and the hand-off stay with the event's organisers, so
the emails their decisions write wait in the outbox for those.  (To be merged with
``hallway/permissions.py`` by the lead.)
"""

from __future__ import annotations

import rules

from hallway.events.models import Event, EventRole


def _event_of(obj) -> Event | None:
    if isinstance(obj, Event):
        return obj
    return getattr(obj, "event", None)


def _roles(user) -> dict[str, set[int]]:
    """The user's roles by event id, read once per user object (a request)."""
    cached = getattr(user, "_hallway_cfp_roles", None)
    if cached is None:
        cached = {
            EventRole.ORGANISER: set(),
            EventRole.REVIEWER: set(),
            EventRole.TRACK_ORGANISER: set(),
        }
        for event_id, role in EventRole.objects.filter(user=user).values_list("event_id", "role"):
            cached.setdefault(role, set()).add(event_id)
        user._hallway_cfp_roles = cached
    return cached


@rules.predicate
def is_event_organiser(user, obj) -> bool:
    """Organiser of the object's event, directly or through its umbrella."""
    event = _event_of(obj)
    if event is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    mine = _roles(user)[EventRole.ORGANISER]
    return event.pk in mine or (event.parent_id is not None and event.parent_id in mine)


@rules.predicate
def is_reviewer_of_event(user, obj) -> bool:
    """Reviewer of the object's event (a sub-event's reviewers are its own: an umbrella's
    reviewers do not review the co-located events)."""
    event = _event_of(obj)
    if event is None or not user.is_authenticated or not user.is_active:
        return False
    return event.pk in _roles(user)[EventRole.REVIEWER]


def track_ids(user, event) -> set[int]:
    """The tracks ``user``'s team roles in ``event`` are limited to (read once a request)."""
    from hallway.cfp.models import ReviewerScope

    cached = user.__dict__.setdefault("_hallway_cfp_tracks", {})
    if event.pk not in cached:
        cached[event.pk] = set(
            ReviewerScope.objects.filter(event=event, user=user).values_list("tracks", flat=True)
        ) - {None}
    return cached[event.pk]


@rules.predicate
def is_track_organiser_of_event(user, obj) -> bool:
    """Organises some tracks of the object's event (not through the umbrella: a track belongs
    to one event's call)."""
    event = _event_of(obj)
    if event is None or not user.is_authenticated or not user.is_active:
        return False
    return event.pk in _roles(user)[EventRole.TRACK_ORGANISER]


@rules.predicate
def is_track_organiser_of_submission(user, submission) -> bool:
    """Organises the track of ``submission`` in its event."""
    if not is_track_organiser_of_event(user, submission):
        return False
    return submission.track_id is not None and submission.track_id in track_ids(
        user, submission.event
    )


@rules.predicate
def is_speaker_of_submission(user, submission) -> bool:
    if submission is None or not user.is_authenticated or not user.is_active:
        return False
    return submission.speaker_links.filter(user=user).exists()


@rules.predicate
def is_signed_in(user) -> bool:
    return user.is_authenticated and user.is_active


rules.add_perm("cfp.submit", is_signed_in)
rules.add_perm(
    "cfp.view_submission",
    is_speaker_of_submission | is_event_organiser | is_track_organiser_of_submission,
)
#: The review dashboard of an event (a track organiser's shows their tracks only).
rules.add_perm("cfp.view_dashboard", is_event_organiser | is_track_organiser_of_event)
#: See every review of a submission and accept, reject or waitlist it.
rules.add_perm("cfp.decide", is_event_organiser | is_track_organiser_of_submission)
rules.add_perm("cfp.edit_submission", is_speaker_of_submission)
rules.add_perm("cfp.manage_cfp", is_event_organiser)


@rules.predicate
def in_review_phase(user, obj) -> bool:
    event = _event_of(obj)
    cfp = getattr(event, "cfp", None) if event is not None else None
    return cfp is not None and cfp.phase == "review"


@rules.predicate
def may_review_this(user, submission) -> bool:
    """Submitted, in the reviewer's tracks, and neither theirs nor a co-speaker's."""
    from hallway.cfp.services.reviewing import reviewable

    return reviewable(submission.event, user).filter(pk=submission.pk).exists()


rules.add_perm("cfp.review", is_reviewer_of_event)
rules.add_perm("cfp.review_submission", is_reviewer_of_event & in_review_phase & may_review_this)
rules.add_perm("cfp.answer_decision", is_speaker_of_submission)
