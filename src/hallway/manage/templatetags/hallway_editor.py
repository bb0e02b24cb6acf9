"""The schedule editor's "move to" forms: their options are rendered once per page (see
manage/editor.py) and picked here per card, so 200 forms cost no template loop each."""

from __future__ import annotations

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag(takes_context=True)
def room_options(context, card) -> str:
    options = context["room_options"]
    return options.get(card.slot.room_id if card.slot else None, options[None])


@register.simple_tag(takes_context=True)
def day_options(context, card) -> str:
    umbrella, day = context["umbrella"], context["day"]
    if card.slot is not None:
        day = umbrella.day_of(card.slot.start)
    return context["day_options"].get(day, "")


@register.simple_tag(takes_context=True)
def card_time(context, card) -> str:
    if card.slot is None:
        return ""
    return timezone.localtime(card.slot.start, context["umbrella"].tz).strftime("%H:%M")
