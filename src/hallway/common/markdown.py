"""Markdown from untrusted authors (abstracts, bios) rendered to safe HTML.

Markdown is converted first and the HTML then goes through nh3 (the Ammonia sanitiser) with a
small allow-list, so a submission can never inject script, styles or event handlers.
"""

from __future__ import annotations

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

_ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str) -> SafeString:
    """Render Markdown to HTML that is safe to embed in a page."""
    html = md.markdown(text or "", extensions=["tables", "fenced_code", "sane_lists"])
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 output is sanitised HTML


def plain_text(text: str) -> str:
    """Markdown reduced to plain text, for exports and meta descriptions."""
    return nh3.clean(md.markdown(text or ""), tags=set()).strip()
