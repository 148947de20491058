"""Display helpers of the act pages."""

import re
from html import escape

from django import template
from django.utils.safestring import mark_safe

from ..actions import MENTION
from ..annexes import human_size
from ..content import sanitise_report

register = template.Library()

OPERATIVE_VERBS = {"DE": "Délibère", "AR": "Arrête", "AI": "Arrête"}


@register.filter
def report_html(value) -> str:
    """The report, re-sanitised on display (defence in depth: it was sanitised on save)."""
    return mark_safe(sanitise_report(value or ""))


@register.filter
def comment_html(value) -> str:
    """A comment's plain text: escaped, line breaks kept, @mentions emphasised."""
    text = escape(value or "")
    text = MENTION.sub(lambda m: f'<strong class="hc-mention">@{m.group(1)}</strong>', text)
    text = re.sub(r"\n{2,}", "</p><p>", text).replace("\n", "<br>")
    return mark_safe(f"<p>{text}</p>")


@register.filter
def filesize(value) -> str:
    return human_size(int(value or 0))


@register.filter
def operative_verb(nature) -> str:
    return OPERATIVE_VERBS.get(nature, "Décide")


@register.filter
def paragraphs(value) -> str:
    """A visa, considérant or article: escaped, its own line breaks kept."""
    return mark_safe(escape(value or "").replace("\n", "<br>"))
