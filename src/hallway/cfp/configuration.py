"""How organisers set up one event's call for papers beyond its settings: the questions
speakers answer, the score categories reviewers fill in, per-session-type deadlines, and the
team (reviewers and track organisers, each optionally limited to some tracks).  Plain
functions, each one transaction that writes its change to the event's audit log (``by`` is
who acted); the pages in ``views_setup`` only parse input and call them.

A team member is added by the email address of an existing account.  hallway does not send
invitations to people without one: an account is made by the person (sign-up verifies the
address), so nobody is given review rights on an address that nobody has proved to own.  The
error says so and gives the sign-up address to pass on.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from hallway.audit.services import changed, record, snapshot
from hallway.cfp.models import (
    CallForPapers,
    Question,
    Review,
    ReviewerScope,
    ReviewScore,
    ScoreCategory,
    SessionTypeDeadline,
)
from hallway.events.models import Event, EventRole, SessionType, Track

#: What the log keeps of a question, a score category and a deadline.
QUESTION_FIELDS = ("text", "help_text", "kind", "target", "required", "choices", "position")
CATEGORY_FIELDS = ("name", "weight", "max_score", "position")
DEADLINE_FIELDS = ("session_type", "closes_at")


def _log_change(event: Event, noun: str, obj, before: dict | None, fields, *, by) -> None:
    """One entry for a created or changed object (nothing when a save changed nothing); the
    values are read back as stored, so a time typed in the event's zone is logged in UTC."""
    after = snapshot(type(obj)._default_manager.get(pk=obj.pk), fields)
    if before is None:
        record(event, f"{noun}.created", by=by, obj=obj, after=after)
        return
    diff = changed(before, after)
    if diff:
        record(
            event,
            f"{noun}.changed",
            by=by,
            obj=obj,
            before={k: old for k, (old, _) in diff.items()},
            after={k: new for k, (_, new) in diff.items()},
        )


#: The roles the team page hands out (organisers are appointed in the organiser area).
TEAM_ROLES = {
    EventRole.REVIEWER: "Reviewer",
    EventRole.TRACK_ORGANISER: "Track organiser",
}


# --- questions -------------------------------------------------------------------------------


def save_question(question: Question, *, by=None) -> Question:
    """Save a question the page's form has filled in (new, or changed: the log compares it
    with the row as stored)."""
    with transaction.atomic():
        stored = Question.objects.filter(pk=question.pk).first() if question.pk else None
        before = snapshot(stored, QUESTION_FIELDS) if stored else None
        question.save()
        _log_change(question.cfp.event, "question", question, before, QUESTION_FIELDS, by=by)
    return question


def delete_question(question: Question, *, by=None) -> None:
    """Delete a question nobody has answered yet (answers are kept with their question)."""
    with transaction.atomic():
        if question.answers.exists():
            raise ValidationError("This question has answers already; it cannot be deleted.")
        record(
            question.cfp.event,
            "question.deleted",
            by=by,
            obj=question,
            before=snapshot(question, QUESTION_FIELDS),
        )
        question.delete()


# --- score categories ------------------------------------------------------------------------


def rescore(cfp: CallForPapers) -> int:
    """Work out every review's stored weighted mean again from its scores, after the
    categories changed (a weight, a maximum, one added or deleted); returns how many changed.
    A review is scored over the categories it has a score for."""
    categories = {c.pk: c for c in cfp.categories.all()}
    by_review: dict[int, list[tuple[int, int]]] = {}
    for review_id, category_id, value in ReviewScore.objects.filter(
        review__submission__event_id=cfp.event_id
    ).values_list("review_id", "category_id", "value"):
        by_review.setdefault(review_id, []).append((category_id, value))
    changed = []
    for review in Review.objects.filter(submission__event_id=cfp.event_id).only("id", "score"):
        scored = [(categories[c], v) for c, v in by_review.get(review.pk, []) if c in categories]
        weight = sum(c.weight for c, _ in scored)
        score = (
            round(100 * sum(v / c.max_score * c.weight for c, v in scored) / weight, 2)
            if weight
            else 0.0
        )
        if score != review.score:
            review.score = score
            changed.append(review)
    Review.objects.bulk_update(changed, ["score"], batch_size=500)
    return len(changed)


def save_category(
    cfp: CallForPapers,
    *,
    name: str,
    weight: int,
    max_score: int,
    position: int = 0,
    category: ScoreCategory | None = None,
    by=None,
) -> ScoreCategory:
    """Add a score category or change one; the reviews' weighted means follow."""
    before = None
    with transaction.atomic():
        if category is not None:
            category = ScoreCategory.objects.select_for_update().get(pk=category.pk, cfp=cfp)
            before = snapshot(category, CATEGORY_FIELDS)
            above = ReviewScore.objects.filter(category=category, value__gt=max_score).count()
            if above:
                raise ValidationError(
                    {
                        "max_score": f"{above} score(s) given already are above {max_score}; "
                        "the maximum cannot go below them."
                    }
                )
        else:
            category = ScoreCategory(cfp=cfp)
        if cfp.categories.filter(name__iexact=name.strip()).exclude(pk=category.pk).exists():
            raise ValidationError({"name": f"There is a category “{name}” already."})
        category.name, category.weight = name.strip(), weight
        category.max_score, category.position = max_score, position
        category.full_clean()
        category.save()
        rescore(cfp)
        _log_change(cfp.event, "score_category", category, before, CATEGORY_FIELDS, by=by)
    return category


def delete_category(category: ScoreCategory, *, by=None) -> None:
    """Delete a category with its scores; the reviews are scored over the others."""
    with transaction.atomic():
        cfp = category.cfp
        record(
            cfp.event,
            "score_category.deleted",
            by=by,
            obj=category,
            before=snapshot(category, CATEGORY_FIELDS),
        )
        category.delete()
        rescore(cfp)


# --- deadlines per session type --------------------------------------------------------------


def save_deadline(
    cfp: CallForPapers,
    *,
    session_type: SessionType,
    closes_at: dt.datetime,
    deadline: SessionTypeDeadline | None = None,
    by=None,
) -> SessionTypeDeadline:
    from hallway.cfp.services.calls import local_time, offered_session_types

    if not offered_session_types(cfp).filter(pk=session_type.pk).exists():
        raise ValidationError({"session_type": f"{cfp.event} does not ask for {session_type}."})
    if closes_at <= cfp.opens_at:
        raise ValidationError(
            {"closes_at": f"The call opens on {local_time(cfp.opens_at, cfp.event)}: close after."}
        )
    taken = SessionTypeDeadline.objects.filter(cfp=cfp, session_type=session_type)
    if deadline is not None:
        taken = taken.exclude(pk=deadline.pk)
    if taken.exists():
        raise ValidationError({"session_type": f"{session_type} has its own deadline already."})
    with transaction.atomic():
        before = snapshot(deadline, DEADLINE_FIELDS) if deadline is not None else None
        deadline = deadline or SessionTypeDeadline(cfp=cfp)
        deadline.session_type, deadline.closes_at = session_type, closes_at
        deadline.save()
        _log_change(cfp.event, "deadline", deadline, before, DEADLINE_FIELDS, by=by)
    return deadline


def delete_deadline(deadline: SessionTypeDeadline, *, by=None) -> None:
    """The session type closes with the call again."""
    with transaction.atomic():
        record(
            deadline.cfp.event,
            "deadline.deleted",
            by=by,
            obj=deadline,
            before=snapshot(deadline, DEADLINE_FIELDS),
        )
        deadline.delete()


# --- the team --------------------------------------------------------------------------------


def account_for(email: str):
    """The account whose (verified, or its own) address is ``email``, or a ValidationError
    saying how to get one."""
    email = email.strip()
    users = get_user_model().objects.filter(is_active=True)
    verified = EmailAddress.objects.filter(email__iexact=email, verified=True).values("user_id")
    user = users.filter(Q(pk__in=verified) | Q(email__iexact=email)).order_by("pk").first()
    if user is None:
        from hallway.cfp.services.calls import absolute_url

        raise ValidationError(
            {
                "email": f"No account uses {email}. Ask them to sign up at "
                f"{absolute_url(reverse('account_signup'))} and add them once they have."
            }
        )
    return user


def _member(member: EventRole, tracks) -> dict:
    """A team member as the log keeps it (like ``manage.roles``), with their tracks."""
    return {
        "user": member.user_id,
        "username": member.user.get_username(),
        "role": member.role,
        "tracks": sorted(t.name for t in tracks),
    }


def _tracks_of(event: Event, user) -> list[Track]:
    scope = ReviewerScope.objects.filter(event=event, user=user).first()
    return list(scope.tracks.all()) if scope else []


def _scope(event: Event, user, tracks) -> None:
    """Limit ``user``'s roles in ``event`` to ``tracks`` (none: no limit)."""
    tracks = list(tracks)
    foreign = [t for t in tracks if t.event_id not in (event.pk, event.umbrella.pk)]
    if foreign:
        raise ValidationError({"tracks": f"{foreign[0]} is not a track of {event}."})
    scope = ReviewerScope.objects.filter(event=event, user=user).first()
    if not tracks:
        if scope is not None:
            scope.delete()
        return
    if scope is None:
        scope = ReviewerScope.objects.create(event=event, user=user)
    scope.tracks.set(tracks)


def add_to_team(event: Event, *, email: str, role: str, tracks=(), by=None) -> EventRole:
    """Give the account of ``email`` a reviewer's or a track organiser's role in ``event``,
    limited to ``tracks`` (a track organiser needs at least one)."""
    if role not in TEAM_ROLES:
        raise ValidationError({"role": "Choose reviewer or track organiser."})
    if role == EventRole.TRACK_ORGANISER and not tracks:
        raise ValidationError({"tracks": "A track organiser organises at least one track."})
    user = account_for(email)
    with transaction.atomic():
        if EventRole.objects.filter(event=event, user=user, role=role).exists():
            raise ValidationError(
                {"email": f"{email} is a {TEAM_ROLES[role].lower()} of {event} already."}
            )
        made = EventRole.objects.create(event=event, user=user, role=role)
        _scope(event, user, tracks)
        record(event, "role.added", by=by, obj=made, after=_member(made, tracks))
    return made


def change_tracks(member: EventRole, tracks, *, by=None) -> EventRole:
    """Change which tracks a team member (and so each of their roles here) is limited to."""
    if member.role == EventRole.TRACK_ORGANISER and not tracks:
        raise ValidationError({"tracks": "A track organiser organises at least one track."})
    with transaction.atomic():
        before = _member(member, _tracks_of(member.event, member.user))
        _scope(member.event, member.user, tracks)
        after = _member(member, tracks)
        if before != after:
            record(member.event, "role.tracks", by=by, obj=member, before=before, after=after)
    return member


def remove_from_team(member: EventRole, *, by=None) -> None:
    with transaction.atomic():
        before = _member(member, _tracks_of(member.event, member.user))
        record(member.event, "role.removed", by=by, obj=member, before=before)
        member.delete()
        others = EventRole.objects.filter(
            event=member.event, user=member.user, role__in=list(TEAM_ROLES)
        )
        if not others.exists():
            ReviewerScope.objects.filter(event=member.event, user=member.user).delete()


def team(event: Event) -> list[tuple[EventRole, list[Track]]]:
    """The event's reviewers and track organisers with the tracks each is limited to."""
    scopes = {
        s.user_id: list(s.tracks.all())
        for s in ReviewerScope.objects.filter(event=event).prefetch_related("tracks")
    }
    members = (
        EventRole.objects.filter(event=event, role__in=list(TEAM_ROLES))
        .select_related("user__speaker_profile")
        .order_by("role", "user__email")
    )
    return [(m, scopes.get(m.user_id, [])) for m in members]
