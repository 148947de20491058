"""A readable text form of an act's content, and the differences between two of them.

Versions store a content snapshot (``Act.content_snapshot``); people compare the text they
read — object, visas, considérants, articles, report — not JSON. Changed lines are compared
word by word so that a corrected figure in a long article stands out.
"""

import difflib
import re
from html import escape
from html.parser import HTMLParser

from django.utils.safestring import mark_safe

from .models import Nature, SittingType

BLOCK_TAGS = {"p", "div", "li", "h3", "h4", "blockquote", "tr", "ul", "ol", "table", "br"}


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []

    def _flush(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self._flush()
        if tag == "li":
            self.current.append("• ")
        elif tag in ("td", "th"):
            self.current.append(" | ")

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_data(self, data):
        self.current.append(data)

    def close(self):
        super().close()
        self._flush()


def html_to_lines(html: str) -> list[str]:
    """The report's sanitised HTML as paragraphs of plain text."""
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    return parser.lines


def _names(snapshot: dict) -> dict:
    """Labels for the ids a snapshot holds (department, rapporteur, committees)."""
    from hemicycle.organisation.models import Committee, Department, Member

    out = {"department": "", "rapporteur": "", "committees": ""}
    if snapshot.get("department_id"):
        dept = Department.objects.filter(pk=snapshot["department_id"]).first()
        out["department"] = str(dept) if dept else f"#{snapshot['department_id']}"
    if snapshot.get("rapporteur_id"):
        member = Member.objects.filter(pk=snapshot["rapporteur_id"]).first()
        out["rapporteur"] = str(member) if member else f"#{snapshot['rapporteur_id']}"
    if snapshot.get("committee_ids"):
        out["committees"] = ", ".join(Committee.objects.filter(pk__in=snapshot["committee_ids"])
                                      .values_list("name", flat=True))
    return out


def content_lines(snapshot: dict) -> list[str]:
    """The act's content as lines of text, in the order of the act itself."""
    names = _names(snapshot)
    nature = dict(Nature.choices).get(snapshot.get("nature"), snapshot.get("nature") or "")
    sitting = dict(SittingType.choices).get(snapshot.get("target_sitting_type"), "")
    lines = [f"Objet : {snapshot.get('object') or ''}", f"Nature : {nature}"]
    if snapshot.get("matiere_codes"):
        lines.append("Classification : " + " > ".join(snapshot["matiere_codes"]))
    lines.append(f"Direction : {names['department']}")
    if names["rapporteur"]:
        lines.append(f"Rapporteur : {names['rapporteur']}")
    if names["committees"]:
        lines.append(f"Commissions : {names['committees']}")
    lines.append(f"Séance visée : {sitting}" + (f" du {snapshot['target_sitting_date']}"
                                                  if snapshot.get("target_sitting_date") else ""))
    if snapshot.get("budget_year") or snapshot.get("budget_name") or snapshot.get("amount"):
        lines.append(f"Budget : {snapshot.get('budget_year') or ''} {snapshot.get('budget_name') or ''}".rstrip()
                     + (f" — montant {snapshot['amount']} €" if snapshot.get("amount") else ""))
    flags = [label for key, label in (("confidential", "confidentiel"),
                                      ("personal_data", "contient des données personnelles")) if snapshot.get(key)]
    if flags:
        lines.append("Indicateurs : " + ", ".join(flags))
    lines.append("")
    lines.append("Exposé des motifs")
    lines.extend(html_to_lines(snapshot.get("report") or ""))
    lines.append("")
    lines.append("Visas")
    lines.extend(snapshot.get("visas") or [])
    lines.append("")
    lines.append("Considérants")
    lines.extend(snapshot.get("considerants") or [])
    lines.append("")
    lines.append("Articles")
    lines.extend(f"Article {i} : {text}" for i, text in enumerate(snapshot.get("articles") or [], start=1))
    # Multi-line items (an article with several paragraphs) become several diff lines.
    return [part for line in lines for part in (line.split("\n") if line else [""])]


_TOKEN = re.compile(r"\s+|[^\s\w]|\w+")


def _inline_diff(old: str, new: str) -> str:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return "".join(out)


def diff_rows(old_lines: list[str], new_lines: list[str]) -> list[dict]:
    """Rows {kind: equal|insert|delete|change, html} — html is escaped, with <ins>/<del>."""
    rows = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows.extend({"kind": "equal", "html": mark_safe(escape(line))} for line in old_lines[i1:i2])
        elif op == "delete":
            rows.extend({"kind": "delete", "html": mark_safe(f"<del>{escape(line)}</del>")} for line in old_lines[i1:i2])
        elif op == "insert":
            rows.extend({"kind": "insert", "html": mark_safe(f"<ins>{escape(line)}</ins>")} for line in new_lines[j1:j2])
        else:
            old_part, new_part = old_lines[i1:i2], new_lines[j1:j2]
            for k in range(max(len(old_part), len(new_part))):
                if k < len(old_part) and k < len(new_part):
                    rows.append({"kind": "change", "html": mark_safe(_inline_diff(old_part[k], new_part[k]))})
                elif k < len(old_part):
                    rows.append({"kind": "delete", "html": mark_safe(f"<del>{escape(old_part[k])}</del>")})
                else:
                    rows.append({"kind": "insert", "html": mark_safe(f"<ins>{escape(new_part[k])}</ins>")})
    return rows


def diff_snapshots(old: dict, new: dict) -> list[dict]:
    return diff_rows(content_lines(old), content_lines(new))


def has_changes(rows: list[dict]) -> bool:
    return any(row["kind"] != "equal" for row in rows)
