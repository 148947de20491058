"""Cleaning of an act's content: sanitised report HTML and the operative text's structure."""

import nh3

REPORT_TAGS = {"p", "br", "strong", "em", "u", "s", "ul", "ol", "li", "h3", "h4", "blockquote", "a",
               "table", "thead", "tbody", "tr", "th", "td", "sup", "sub"}
REPORT_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def sanitise_report(html: str) -> str:
    """Keep the formatting a report needs; drop scripts, event handlers, styles, iframes."""
    return nh3.clean(html or "", tags=REPORT_TAGS, attributes=REPORT_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer").strip()


def report_was_altered(original: str, cleaned: str) -> bool:
    """True when sanitising removed something the user may want to know about."""
    def norm(s):
        return "".join((s or "").split())
    # ``rel`` is what sanitise_report itself puts on links: a stored report re-saved unchanged
    # must not be reported as altered.
    attributes = {**REPORT_ATTRIBUTES, "a": REPORT_ATTRIBUTES["a"] | {"rel"}}
    return norm(nh3.clean(original or "", tags=REPORT_TAGS, attributes=attributes,
                          url_schemes={"http", "https", "mailto"}, link_rel=None)) != norm(original)


def clean_lines(items) -> list[str]:
    """Visas / considérants / articles: trimmed plain-text paragraphs, empty ones dropped."""
    return [str(item).replace("\r\n", "\n").strip() for item in (items or []) if str(item).strip()]
