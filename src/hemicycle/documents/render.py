"""Rendering of an act to PDF with Typst.

The Typst template (``documents/typst/act.typ``) is fixed; the act's content travels as JSON in
``sys.inputs`` and the template prints it as text. User text is therefore never parsed as
Typst markup: a visa containing ``#panic()`` or ``]`` is printed as typed.

``render_act_pdf`` takes a saved :class:`~hemicycle.acts.models.Act` or a plain dict (unsaved
form content, benchmark data) with these keys, all optional except ``object``::

    object, nature ("DE", "AR", …), reference, authority_name, department, rapporteur,
    report (sanitised HTML), visas, considerants, articles (lists of str),
    target_sitting_date (date or "YYYY-MM-DD")
"""

import datetime
import json
import re
import threading
from pathlib import Path

import lxml.html
import typst
from django.utils.translation import gettext as _

TEMPLATE_DIR = Path(__file__).resolve().parent / "typst"
ACT_TEMPLATE = TEMPLATE_DIR / "act.typ"
DATA_LINE = '#let data = json(bytes(sys.inputs.at("data", default: "{}")))'

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")

# Control characters other than tab and newline have no place in a printed act.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


class RenderError(Exception):
    """The document could not be produced (the message is for the logs, not for users)."""


# --- Content preparation ------------------------------------------------------------------

def _text(value) -> str:
    return _CONTROL.sub("", str(value or "")).replace("\r\n", "\n").replace("\r", "\n").strip()


def french_date(value) -> str:
    """``2026-11-14`` → ``14 novembre 2026`` (``1er`` for the first day), as acts write dates."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return ""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def nature_title(nature: str) -> str:
    return {
        "DE": _("Projet de délibération"),
        "AR": _("Projet d'arrêté"),
        "AI": _("Projet d'arrêté individuel"),
        "CC": _("Projet de convention"),
        "BF": _("Projet de délibération budgétaire"),
        "AU": _("Projet d'acte"),
    }.get(nature, _("Projet d'acte"))


def operative_verb(nature: str) -> str:
    """The word that opens the articles: the assembly deliberates, the executive decrees."""
    if nature in ("AR", "AI"):
        return _("ARRÊTE")
    if nature in ("CC", "AU"):
        return _("DÉCIDE")
    return _("DÉLIBÈRE")


INLINE_FLAGS = {"strong": "b", "b": "b", "em": "i", "i": "i", "u": "u", "s": "s", "sup": "sup", "sub": "sub"}
BLOCK_TAGS = {"p", "h3", "h4", "ul", "ol", "blockquote", "table", "div", "li"}


class _Runs:
    """Collects inline text as runs with their style, collapsing HTML white space."""

    def __init__(self):
        self.runs: list[dict] = []

    def add(self, text, style: dict):
        if not text:
            return
        text = _SPACES.sub(" ", _CONTROL.sub("", text))
        last = self.runs[-1] if self.runs else None
        if last is not None and "br" not in last and {k: v for k, v in last.items() if k != "x"} == style:
            last["x"] += text
        else:
            self.runs.append({"x": text, **style})

    def br(self):
        self.runs.append({"br": 1})

    def element(self, el, style: dict):
        tag = el.tag if isinstance(el.tag, str) else None
        if tag == "br":
            self.br()
        elif tag is not None:
            inner = dict(style)
            if tag in INLINE_FLAGS:
                inner[INLINE_FLAGS[tag]] = 1
            elif tag == "a" and el.get("href"):
                inner["a"] = el.get("href")
            self.add(el.text, inner)
            for child in el:
                self.element(child, inner)
        self.add(el.tail, style)

    def finish(self) -> list[dict]:
        runs = self.runs
        self.runs = []
        # Trim spaces at the edges of the paragraph and around line breaks.
        for i, r in enumerate(runs):
            if "br" in r:
                continue
            if i == 0 or "br" in runs[i - 1]:
                r["x"] = r["x"].lstrip()
            if i == len(runs) - 1 or "br" in runs[i + 1]:
                r["x"] = r["x"].rstrip()
        runs = [r for r in runs if "br" in r or r["x"]]
        while runs and "br" in runs[-1]:
            runs.pop()
        while runs and "br" in runs[0]:
            runs.pop(0)
        return runs


def _blocks(el) -> list[dict]:
    """Block structure of an element's children; loose inline content becomes paragraphs."""
    blocks: list[dict] = []
    inline = _Runs()

    def flush():
        runs = inline.finish()
        if runs:
            blocks.append({"t": "p", "runs": runs})

    inline.add(el.text, {})
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else None
        if tag not in BLOCK_TAGS:
            if tag is None:  # comment or processing instruction: only its tail counts
                inline.add(child.tail, {})
            else:
                inline.element(child, {})
            continue
        flush()
        if tag == "p":
            para = _Runs()
            para.add(child.text, {})
            for sub in child:
                para.element(sub, {})
            runs = para.finish()
            if runs:
                blocks.append({"t": "p", "runs": runs})
        elif tag in ("h3", "h4"):
            head = _Runs()
            head.add(child.text_content(), {})
            runs = head.finish()
            if runs:
                blocks.append({"t": "h", "level": int(tag[1]), "runs": runs})
        elif tag in ("ul", "ol"):
            items = [_blocks(li) for li in child if isinstance(li.tag, str)]
            items = [item for item in items if item]
            if items:
                blocks.append({"t": "list", "ordered": tag == "ol", "items": items})
        elif tag == "blockquote":
            inner = _blocks(child)
            if inner:
                blocks.append({"t": "quote", "blocks": inner})
        elif tag == "table":
            table = _table(child)
            if table:
                blocks.append(table)
        else:  # div, stray li: their content
            blocks.extend(_blocks(child))
        inline.add(child.tail, {})
    flush()
    return blocks


def _table(el) -> dict | None:
    """A table flattened to rows of cells (colspan kept, rowspan dropped), padded to one width."""
    rows = []
    for tr in el.iter("tr"):
        cells = []
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            try:
                span = max(1, min(int(cell.get("colspan", "1")), 20))
            except ValueError:
                span = 1
            cells.append({"span": span, "h": cell.tag == "th", "blocks": _blocks(cell)})
        if cells:
            rows.append(cells)
    if not rows:
        return None
    cols = max(sum(c["span"] for c in row) for row in rows)
    for row in rows:
        missing = cols - sum(c["span"] for c in row)
        row.extend({"span": 1, "h": False, "blocks": []} for _ in range(missing))
    return {"t": "table", "cols": cols, "rows": rows}


def report_blocks(html: str) -> list[dict]:
    """Sanitised report HTML → paragraphs, headings, lists, quotes and tables for the template."""
    if not html or not html.strip():
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return _blocks(root)


def act_document_data(act) -> dict:
    """The render input of a saved act."""
    return {
        "object": act.object,
        "nature": act.nature,
        "reference": act.reference,
        "authority_name": act.authority.name,
        "department": str(act.department) if act.department_id else "",
        "rapporteur": _member_name(act.rapporteur) if act.rapporteur_id else "",
        "report": act.report,
        "visas": list(act.visas or []),
        "considerants": list(act.considerants or []),
        "articles": list(act.articles or []),
        "target_sitting_date": act.target_sitting_date,
    }


def _member_name(member) -> str:
    return f"{member.civility} {member.first_name} {member.last_name}".strip()


def prepare_act(data: dict) -> dict:
    """The JSON the template reads: texts cleaned, report as blocks, French labels and dates."""
    nature = str(data.get("nature") or "DE")
    sitting = french_date(data.get("target_sitting_date"))
    return {
        "authority": _text(data.get("authority_name")),
        "department": _text(data.get("department")),
        "title": nature_title(nature),
        "verb": operative_verb(nature),
        "reference": _text(data.get("reference")) or _("Sans référence"),
        "sitting": _("Séance du %(date)s") % {"date": sitting} if sitting else "",
        "object": _text(data.get("object")),
        "rapporteur": _text(data.get("rapporteur")),
        "preamble": _text(data.get("preamble")),
        "report": report_blocks(data.get("report") or ""),
        "visas": [t for t in map(_text, data.get("visas") or []) if t],
        "considerants": [t for t in map(_text, data.get("considerants") or []) if t],
        "articles": [t for t in map(_text, data.get("articles") or []) if t],
        "labels": {"object": _("Objet"), "rapporteur": _("Rapporteur"), "report": _("Exposé des motifs"),
                   "article": _("Article"), "page": _("page")},
    }


def _as_data(act_or_data) -> dict:
    return act_or_data if isinstance(act_or_data, dict) else act_document_data(act_or_data)


def _data_json(act_or_data) -> str:
    return json.dumps(prepare_act(_as_data(act_or_data)), ensure_ascii=False, separators=(",", ":"))


# --- Typst ---------------------------------------------------------------------------------

def act_typst_source(data) -> str:
    """A self-contained Typst source of the act (the template with its data embedded).

    The data is embedded as a Typst string literal holding JSON, so nothing the user typed is
    ever read as markup. Useful to reproduce a document with the ``typst`` command line."""
    payload = json.dumps(prepare_act(_as_data(data)), ensure_ascii=True, separators=(",", ":"))
    literal = '"' + payload.replace("\\", "\\\\").replace('"', '\\"') + '"'
    template = ACT_TEMPLATE.read_text(encoding="utf-8")
    if DATA_LINE not in template:  # pragma: no cover - guards template edits
        raise RenderError("act.typ no longer starts with the data line")
    return template.replace(DATA_LINE, f"#let data = json(bytes({literal}))", 1)


_local = threading.local()


def _compiler() -> typst.Compiler:
    """One compiler per thread: fonts and the parsed template are loaded once and reused."""
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        compiler = typst.Compiler(str(ACT_TEMPLATE), root=str(TEMPLATE_DIR), ignore_system_fonts=True)
        _local.compiler = compiler
    return compiler


def render_act_pdf(act_or_data, *, pdfa: bool = False) -> bytes:
    """PDF of the act (saved Act or render dict); ``pdfa=True`` makes it PDF/A-2b."""
    payload = _data_json(act_or_data)
    try:
        return _compiler().compile(format="pdf", sys_inputs={"data": payload},
                                   pdf_standards=["a-2b"] if pdfa else [])
    except typst.TypstError as exc:
        raise RenderError(f"{exc.message} {exc.diagnostic}".strip()) from exc
