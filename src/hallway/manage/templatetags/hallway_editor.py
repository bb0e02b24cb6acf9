"""The schedule editor's cards and their "move to" forms, rendered here in one go: a day page
holds some 240 of them, and a template loop with an include per card was most of the page's
time.  The room and day options are rendered once per page (see manage/editor.py) and picked
per card.  Every text from the database goes through ``format_html``'s escaping; the rest are
numbers and times made here."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from hallway.common.templatetags.hallway import safe_colour

register = template.Library()


def _move_form(context, card, token: str) -> str:
    if not card.movable:
        return ""
    umbrella, day = context["umbrella"], context["day"]
    room = card.slot.room_id if card.slot else None
    options = context["room_options"]
    rooms = options.get(room, options[None])
    if card.slot is not None:
        day = umbrella.day_of(card.slot.start)
    days = context["day_options"].get(day, "")
    time = timezone.localtime(card.slot.start, umbrella.tz).strftime("%H:%M") if card.slot else ""
    hidden = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="session" value="{}"><input type="hidden" name="part" '
        'value="{}"><input type="hidden" name="version" value="{}"><input type="hidden" '
        'name="back" value="{}">',
        token,
        card.session.pk,
        card.part,
        card.version,
        context["day_iso"],
    )
    urls = context["urls"]
    unplace = ""
    if card.slot is not None:
        unplace = format_html(
            '<form method="post" action="{}" class="unplace-form">{}'
            "<button>Back to the list</button></form>",
            urls["unplace"],
            hidden,
        )
    return format_html(
        '<details class="move"><summary>Move…</summary>\n'
        '<form method="post" action="{}" class="move-form">{}\n'
        '<label>Room <select name="room">{}</select></label>\n'
        '<label>Day <select name="day">{}</select></label>\n'
        '<label>Time ({}) <input type="time" name="time" step="300" required value="{}"></label>\n'
        "<button>Move</button></form>\n{}\n</details>",
        urls["move"],
        hidden,
        rooms,
        days,
        umbrella.time_zone,
        time,
        unplace,
    )


def _about(card) -> str:
    session = card.session
    event = session.event.short_name or session.event.name
    return f"{event} · {card.speakers}" if card.speakers else event


def _title(card) -> str:
    part = f" (part {card.part})" if card.session.parts > 1 else ""
    return format_html("<strong>{}</strong>{}", card.session.title, part)


def _replan(context, card, token: str) -> str:
    if not card.cancelled:
        return ""
    if not (context.get("may_propose") and not context.get("frozen")):
        return mark_safe("<em>Cancelled.</em>")  # noqa: S308 - a constant
    return format_html(
        '<em>Cancelled.</em><form method="post" action="{}"><input type="hidden" '
        'name="csrfmiddlewaretoken" value="{}"><input type="hidden" name="scope" '
        'value="replan"><input type="hidden" name="session" value="{}"><input type="hidden" '
        'name="back" value="{}"><button>Re-plan after this cancellation</button></form>',
        context["urls"]["propose"],
        token,
        card.session.pk,
        context["day_iso"],
    )


@register.simple_tag(takes_context=True)
def grid_cards(context, cards) -> str:
    """The cards on the grid, each in its room's column and its rows of time."""
    token, tz = str(context.get("csrf_token", "")), context["umbrella"].tz
    html = []
    for card in cards:
        classes = "card" + (" cancelled" if card.cancelled else "")
        classes += " movable" if card.movable else ""
        colour = safe_colour(card.session.track.colour if card.session.track_id else "")
        start = timezone.localtime(card.slot.start, tz).strftime("%H:%M")
        end = timezone.localtime(card.slot.end, tz).strftime("%H:%M")
        html.append(
            format_html(
                '<article id="{}" class="{}" style="grid-column: {}; grid-row: {} / {}; '
                'border-left-color: {}"{}>\n{}\n<small>{}–{} · {}</small>\n{}\n{}\n</article>',
                card.anchor,
                classes,
                card.column,
                card.row_start,
                card.row_end,
                colour,
                mark_safe(' draggable="true"') if card.movable else "",  # noqa: S308
                _title(card),
                start,
                end,
                _about(card),
                _replan(context, card, token),
                _move_form(context, card, token),
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - each piece made by format_html


@register.simple_tag(takes_context=True)
def waiting_cards(context, cards) -> str:
    """The list of unscheduled session parts."""
    token = str(context.get("csrf_token", ""))
    html = []
    for card in cards:
        html.append(
            format_html(
                '<li><article id="{}" class="card waiting{}"{}>{} <small>{} min · {}</small>\n'
                "{}</article></li>",
                card.anchor,
                " movable" if card.movable else "",
                mark_safe(' draggable="true"') if card.movable else "",  # noqa: S308
                _title(card),
                card.session.duration,
                _about(card),
                _move_form(context, card, token),
            )
        )
    return mark_safe("".join(html) or "<li>Nothing waiting.</li>")  # noqa: S308
