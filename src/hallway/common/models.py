"""Base classes every hallway model shares: timestamps and a stable public identity."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PublicIdentity(TimeStamped):
    """A UUID and a slug that never change once set, so published URLs and feeds stay valid.

    The slug is derived from the name on first save only; renaming a session later keeps its URL.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=120, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self.slug_source(), self.slug_scope().exclude(pk=self.pk))
        super().save(*args, **kwargs)

    def slug_source(self) -> str:
        raise NotImplementedError

    def slug_scope(self) -> models.QuerySet:
        """The rows among which the slug must be unique."""
        return type(self)._default_manager.all()


class Window(models.Model):
    """A span of time in which someone or something is available (a room open, a speaker free).

    Subclasses add the owner and a check constraint ``end > start`` named after themselves.
    """

    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        abstract = True
        ordering = ["start"]

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError("The availability window ends before it starts.")


def unique_slug(
    text: str, taken: models.QuerySet, max_length: int = 100, empty: str = "item"
) -> str:
    """A slug for ``text`` that no row of ``taken`` has (see :func:`allocate_slug`)."""
    base = _slug_base(text, max_length, empty)
    existing = set(taken.filter(slug__startswith=base).values_list("slug", flat=True))
    return allocate_slug(text, existing, max_length, empty)


def allocate_slug(text: str, taken: set[str], max_length: int = 100, empty: str = "item") -> str:
    """A slug for ``text`` not in ``taken`` (which it joins): for bulk creation in memory.

    The one rule for every slug hallway makes: Django's ``slugify`` of the text, cut to
    ``max_length``, ``empty`` when nothing is left, and ``-2``, ``-3``... appended until free.
    """
    base = _slug_base(text, max_length, empty)
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    taken.add(slug)
    return slug


def _slug_base(text: str, max_length: int, empty: str) -> str:
    return slugify(text)[:max_length].strip("-") or empty
