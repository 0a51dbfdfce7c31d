"""Fill `{{ field }}` merge fields — and nothing else — in one pass.

This is deliberately not a template language. A message template can name fields; it cannot
loop, call or include anything, and the values put in are never read again, so a lead whose
name is "{{ unsubscribe_link }}" or "<script>" is printed as exactly that text. The HTML
version of an email is built from the finished plain text, with everything escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape

from reactivate.messaging.fields import FIELDS, MergeContext

MERGE_FIELD = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
URL = re.compile(r"https?://(?:(?!&quot;|&#x27;|&lt;|&gt;)[^\s<>\"'])+")


@dataclass
class Rendered:
    text: str
    fallbacks: set[str] = field(default_factory=set)
    unknown: set[str] = field(default_factory=set)


def fields_used(template: str) -> set[str]:
    return {m.group(1) for m in MERGE_FIELD.finditer(template)}


def render(template: str, context: MergeContext) -> Rendered:
    fallbacks: set[str] = set()
    unknown: set[str] = set()

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name not in FIELDS:
            unknown.add(name)
            return match.group(0)
        value, fell_back = context.value(name)
        if fell_back:
            fallbacks.add(name)
        return value

    text = MERGE_FIELD.sub(fill, template)
    # A fallback may be empty (no booking link, no address): tidy what it leaves behind.
    text = re.sub(r"[ \t]+([,.!?])", r"\1", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    return Rendered(text=text.strip(), fallbacks=fallbacks, unknown=unknown)


def to_html(text: str) -> str:
    """A simple HTML version of a finished plain-text email: paragraphs and links, escaped."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    out = []
    for paragraph in paragraphs:
        escaped = escape(paragraph)
        linked = URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        out.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)
