"""Words, queries and highlights, in plain Python, the same for PostgreSQL and SQLite.

Text is cut into words here, not by the database: both backends index the same folded words
(case and accents removed, so "Müller", "muller" and "MULLER" meet), and a query reaches the
database only as words made of letters and digits, quoted, never as the attendee typed it.
That is what keeps FTS5's and ``tsquery``'s syntax out of reach of the search box.

The query language is the one web search engines taught everyone (PostgreSQL calls it
``websearch``): words must all match, ``"quoted words"`` match as a phrase, ``-word``
excludes, ``or`` between words offers alternatives, and the last word typed may be the start
of a word (``kube`` finds "Kubernetes").
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WORD = re.compile(r"[^\W_]+")
PIECE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
MAX_QUERY = 200  # characters read from the box; the rest is ignored
MAX_TERMS = 12
MAX_WORD = 64
MIN_PREFIX = 2  # a one-letter prefix would match nearly everything


def fold(text: str) -> str:
    """Lower case without accents: 'Ünïcödé Straße' -> 'unicode strasse'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", bare.casefold())


def words(text: str) -> list[str]:
    """The folded words of ``text``; very long ones are cut (both databases cap a word)."""
    return [w[:MAX_WORD] for w in WORD.findall(fold(text or ""))]


def indexed(*texts: str) -> str:
    """The words of ``texts`` as the index stores them: folded, separated by spaces."""
    return " ".join(w for text in texts for w in words(text))


@dataclasses.dataclass(frozen=True)
class Term:
    """One word, or a phrase of words in a row; ``prefix``: the last word may be cut short."""

    words: tuple[str, ...]
    negated: bool = False
    prefix: bool = False


@dataclasses.dataclass(frozen=True)
class Query:
    """Alternatives (``or``), each a list of terms that must all hold."""

    alternatives: tuple[tuple[Term, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.alternatives)

    def positive_words(self) -> tuple[set[str], set[str]]:
        """(whole words, prefixes) that a match may contain, for highlighting."""
        whole, prefixes = set(), set()
        for group in self.alternatives:
            for term in group:
                if term.negated:
                    continue
                whole.update(term.words[:-1] if term.prefix else term.words)
                if term.prefix:
                    prefixes.add(term.words[-1])
        return whole, prefixes


def clean(raw: str) -> str:
    """What is left of the box's text: printable, at most MAX_QUERY characters."""
    text = "".join(c if c.isprintable() else " " for c in (raw or "")[: MAX_QUERY * 4])
    return " ".join(text.split())[:MAX_QUERY]


def parse(raw: str) -> Query:
    text = clean(raw)
    groups: list[list[Term]] = [[]]
    count = 0
    last = None  # where the term the box ends with went, when it may be a prefix
    for match in PIECE.finditer(text):
        last = None
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare.lower() == "or":
                if groups[-1]:
                    groups.append([])
                continue
            negated = bare[:1] == "-"
            phrase = bare[1:] if negated else bare
        found = tuple(words(phrase))
        if not found or count >= MAX_TERMS:
            continue
        count += 1
        groups[-1].append(Term(found, negated=bool(negated)))
        # Only the box's last word, typed bare (not quoted) and long enough, is a prefix.
        if bare is not None and not negated and len(found[-1]) >= MIN_PREFIX:
            last = (len(groups) - 1, len(groups[-1]) - 1)
    if last is not None:
        group, index = last
        groups[group][index] = dataclasses.replace(groups[group][index], prefix=True)
    # A group of exclusions alone would match nearly everything: it is dropped.
    return Query(tuple(tuple(g) for g in groups if any(not t.negated for t in g)))


# --- the two query languages: only words of letters and digits ever reach them -------------


def _pg_word(word: str, prefix: bool) -> str:
    return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'" + (":*" if prefix else "")


def to_tsquery(query: Query) -> str:
    """PostgreSQL's ``to_tsquery`` syntax (read with the 'simple' configuration)."""

    def term(t: Term) -> str:
        parts = [_pg_word(w, t.prefix and i == len(t.words) - 1) for i, w in enumerate(t.words)]
        body = " <-> ".join(parts)
        body = f"({body})" if len(parts) > 1 else body
        return f"!{body}" if t.negated else body

    return " | ".join("(" + " & ".join(term(t) for t in g) + ")" for g in query.alternatives)


def _fts_word(word: str, prefix: bool) -> str:
    return '"' + word.replace('"', '""') + '"' + ("*" if prefix else "")


def to_fts5(query: Query) -> str:
    """SQLite FTS5's MATCH syntax: every word a quoted string, NOT after the positive terms."""

    def term(t: Term) -> str:
        parts = [_fts_word(w, t.prefix and i == len(t.words) - 1) for i, w in enumerate(t.words)]
        return " + ".join(parts)  # FTS5's phrase: words in a row

    groups = []
    for group in query.alternatives:
        positive = " AND ".join(term(t) for t in group if not t.negated)
        negative = "".join(f" NOT {term(t)}" for t in group if t.negated)
        groups.append(f"(({positive}){negative})")
    return " OR ".join(groups)


# --- highlights ---------------------------------------------------------------------------

SNIPPET = 240  # characters of an abstract around the first match


def _folded(token: str) -> str:
    return token.lower() if token.isascii() else fold(token)


def highlight(text: str, query: Query, *, snippet: bool = False) -> SafeString:
    """``text`` escaped, with the words the query matched in ``<mark>``; with ``snippet``, only
    a window around the first match (or the beginning), cut at word boundaries."""
    text = text or ""
    whole, prefixes = query.positive_words()
    starts = tuple(prefixes)

    def matched(token: str) -> bool:
        folded = _folded(token)
        return folded in whole or bool(starts and folded.startswith(starts))

    start, end = 0, len(text)
    if snippet and len(text) > SNIPPET:
        first = next((m.start() for m in WORD.finditer(text) if matched(m.group())), 0)
        start = max(0, first - SNIPPET // 4)
        start = text.rfind(" ", 0, start) + 1 if start else 0
        end = text.find(" ", start + SNIPPET)
        end = len(text) if end == -1 else end
    out, position = [], start
    for hit in WORD.finditer(text, start, end):
        if matched(hit.group()):
            out += [escape(text[position : hit.start()]), "<mark>", escape(hit.group()), "</mark>"]
            position = hit.end()
    out.append(escape(text[position:end]))
    html = "".join(out)
    if start > 0:
        html = "…" + html
    if end < len(text):
        html += "…"
    return mark_safe(html)  # noqa: S308 - every piece of the text went through escape()
