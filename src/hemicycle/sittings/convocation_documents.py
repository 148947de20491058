"""The documents of a convocation: the letter, the agenda (ordre du jour), the note explicative
de synthèse (L2121-12) and the sitting pack — one PDF with bookmarks holding the agenda, the
note, then every act followed by its annexes.

Everything is rendered with Typst (``sittings/typst/convocation.typ``); texts travel as JSON
in ``sys.inputs`` as for acts (``documents/render.py``), so nothing typed by a user is read as
Typst markup. Acts are rendered by ``documents.render.render_act_pdf`` — for a large sitting in
worker processes (``rendered_acts``), while this process assembles the pack as the acts come
back. The pack is assembled with pypdf: one top-level bookmark per item, and under it the act and
each of its annexes.

``build`` does the whole work for a convocation and reports progress through a callback;
``actions/convocation.run_generation`` stores the result.
"""

import concurrent.futures
import contextlib
import datetime
import hashlib
import io
import json
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import typst
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from hemicycle.core import blobs
from hemicycle.documents.render import RenderError, act_document_data, french_date, render_act_pdf, report_blocks

from .models import AgendaItem, Convocation

TEMPLATE_DIR = Path(__file__).resolve().parent / "typst"
TEMPLATE = TEMPLATE_DIR / "convocation.typ"

AGENDA_MARK = "[ordre du jour]"
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
CIVILITY = {"Mme": "Madame", "M.": "Monsieur"}

# File names of the documents, as members download them and as the manifest lists them.
FILES = {
    "lettre": ("letter_sha256", "lettre-de-convocation.pdf"),
    "ordre-du-jour": ("agenda_sha256", "ordre-du-jour.pdf"),
    "note-de-synthese": ("synthesis_sha256", "note-explicative-de-synthese.pdf"),
    "dossier-de-seance": ("pack_sha256", "dossier-de-seance.pdf"),
}


class DocumentError(Exception):
    """A document of the convocation could not be produced (message in French, for people)."""


# --- Words and dates ----------------------------------------------------------------------

def long_date(day: datetime.date) -> str:
    """``samedi 14 novembre 2026``."""
    return f"{WEEKDAYS[day.weekday()]} {french_date(day)}"


def french_time(value: datetime.time | None) -> str:
    """``18 h 30``, ``9 h``."""
    if value is None:
        return ""
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


def of_assembly(name: str) -> str:
    """« du conseil municipal », « de la commission permanente », « du Conseil de Paris »."""
    name = (name or "").strip()
    lowered = name[:1].lower() + name[1:]
    if name.lower().startswith("conseil de paris"):
        return f"du {name}"
    if name.lower().startswith("conseil"):
        return f"du {lowered}"
    if name.lower().startswith("commission"):
        return f"de la {lowered}"
    return f"de l'assemblée « {name} »"


def sitting_when(sitting) -> str:
    """« le samedi 14 novembre 2026 à 18 h 30 en Salle du conseil »."""
    when = f"le {long_date(sitting.date)}"
    if sitting.start_time:
        when += f" à {french_time(sitting.start_time)}"
    if sitting.place:
        when += f" en {sitting.place}"
    return when


def member_name(member) -> str:
    return f"{member.first_name} {member.last_name}".strip()


def member_addressee(member) -> str:
    return f"{CIVILITY.get(member.civility, member.civility)} {member_name(member)}".strip()


def default_letter_text(sitting, kind: str = Convocation.Kind.CONVOCATION, first_sent_on=None) -> str:
    """The letter as the secretariat finds it before editing. ``[ordre du jour]`` on a line of
    its own is replaced by the list of items when the letter is rendered."""
    assembly = of_assembly(sitting.assembly.name)
    if kind == Convocation.Kind.ADDENDUM:
        since = f"Par une convocation du {french_date(first_sent_on)}, je" if first_sent_on else "Je"
        opening = (f"{since} vous ai convoqué(e) à la séance {assembly} qui se tiendra {sitting_when(sitting)}.\n\n"
                   "J'ai l'honneur de vous adresser un additif à l'ordre du jour de cette séance, "
                   "qui portera également sur les affaires suivantes :")
        closing = "La note explicative de synthèse et les documents de ces affaires sont joints au présent additif."
    else:
        opening = (f"J'ai l'honneur de vous convoquer à la séance {assembly} qui se tiendra "
                   f"{sitting_when(sitting)}.\n\nOrdre du jour :")
        closing = "La note explicative de synthèse et le dossier de séance sont joints à la présente convocation."
    return (f"Madame, Monsieur,\n\n{opening}\n{AGENDA_MARK}\n\n{closing}\n\n"
            "Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées.")


# --- Synthesis note -----------------------------------------------------------------------

def _runs_text(runs) -> str:
    return "".join("\n" if "br" in r else r.get("x", "") for r in runs).strip()


def _blocks_text(blocks, depth=0) -> list[str]:
    out = []
    for b in blocks:
        if b["t"] in ("p", "h"):
            text = _runs_text(b["runs"])
            if text:
                out.append(text)
        elif b["t"] == "list":
            lines = []
            for i, item in enumerate(b["items"], 1):
                bullet = f"{i}." if b["ordered"] else "–"
                lines.append(f"{'  ' * depth}{bullet} " + " ".join(_blocks_text(item, depth + 1)))
            out.append("\n".join(lines))
        elif b["t"] == "quote":
            out.extend(_blocks_text(b["blocks"], depth))
        elif b["t"] == "table":
            rows = [" | ".join(" ".join(_blocks_text(c["blocks"])) for c in row) for row in b["rows"]]
            out.append("\n".join(rows))
    return out


def report_text(html: str) -> str:
    """An act's report (sanitised HTML) as plain text: paragraphs separated by a blank line."""
    return "\n\n".join(_blocks_text(report_blocks(html or "")))


def default_synthesis_text(item: AgendaItem) -> str:
    """The note's text for an item, before editing: the act's report, the vœu's text, or the
    item's own text."""
    if item.kind == AgendaItem.Kind.ACT and item.act_id:
        return report_text(item.act.report)
    if item.kind == AgendaItem.Kind.MOTION and item.motion_id:
        return (item.motion.text or "").strip()
    return (getattr(item, "text", "") or "").strip()


def needs_synthesis(item: AgendaItem) -> bool:
    """Items the note must explain: the affairs put to the vote (acts and vœux)."""
    return item.kind in (AgendaItem.Kind.ACT, AgendaItem.Kind.MOTION)


def paragraphs(text: str) -> list[str]:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


# --- Which items, which numbers -----------------------------------------------------------

def candidate_items(sitting):
    """Items a new convocation (or addendum) would carry: those on no sent convocation yet."""
    return (sitting.items.filter(on_convocation=False).select_related("act", "motion", "rapporteur")
            .prefetch_related("act__annexes").order_by("position", "pk"))


def convocation_items(convocation: Convocation):
    """Items of a convocation: those it was generated with, or — before its first generation —
    the candidates."""
    if convocation.pk and convocation.items.exists():
        return (convocation.items.select_related("act", "motion", "rapporteur")
                .prefetch_related("act__annexes").order_by("position", "pk"))
    return candidate_items(convocation.sitting)


def item_numbers(sitting) -> dict[int, int]:
    """The number of each item in the whole agenda of the sitting (an addendum's items keep
    their place)."""
    ids = sitting.items.order_by("position", "pk").values_list("pk", flat=True)
    return {pk: n for n, pk in enumerate(ids, 1)}


def fingerprint(convocation: Convocation, items) -> str:
    """What the documents are made from: a change afterwards makes them stale."""
    sitting = convocation.sitting
    content = {
        "kind": convocation.kind, "urgency": convocation.urgency,
        "letter": convocation.letter_text, "note": convocation.synthesis_note,
        "sitting": [sitting.date.isoformat(), str(sitting.start_time or ""), sitting.place, sitting.public,
                    sitting.assembly.name, sitting.president_id],
        "items": [],
    }
    numbers = item_numbers(sitting)
    for item in items:
        entry = [item.pk, numbers.get(item.pk), item.kind, item.section, item.title, item.rapporteur_id,
                 convocation.synthesis_texts.get(str(item.pk), "")]
        if item.act_id:
            act = item.act
            annexes = sorted((a for a in act.annexes.all() if a.removed_at is None), key=lambda a: (a.position, a.pk))
            entry += [act.pk, act.lock_version, [[a.pk, a.sha256, a.title, a.confidential] for a in annexes]]
        content["items"].append(entry)
    raw = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


# --- Render data --------------------------------------------------------------------------

def _president(sitting) -> tuple[str, str]:
    """(function, name) under which the letter is signed."""
    member = sitting.president
    if member is None:
        return (_("Le Président") if sitting.authority.kind != "commune" else _("Le Maire"), "")
    mandate = member.mandates.filter(is_president=True).order_by("-start_date").first()
    function = mandate.function if mandate else (_("Le Maire") if sitting.authority.kind == "commune" else _("Le Président"))
    return function, member_name(member)


def _agenda_entries(sitting, items) -> list[dict]:
    numbers = item_numbers(sitting)
    entries = []
    for item in items:
        entries.append({
            "number": numbers.get(item.pk, 0),
            "section": item.section or "",
            "title": item.title,
            "reference": item.act.reference if item.act_id else "",
            "rapporteur": member_addressee(item.rapporteur) if item.rapporteur_id else "",
        })
    return entries


def _base(convocation: Convocation, title: str, doc_title: str) -> dict:
    sitting = convocation.sitting
    subtitle = _("Séance du %(date)s") % {"date": french_date(sitting.date)}
    return {
        "authority": sitting.authority.name, "assembly": sitting.assembly.name, "title": title,
        "subtitle": subtitle, "doc_title": doc_title,
        "footer": f"{sitting.assembly.name} — {subtitle}",
        "labels": {"page": _("page"), "subject": _("Objet"), "rapporteur": _("Rapporteur"),
                   "empty": _("Pas de note pour cette affaire.")},
    }


def _is_addendum(convocation) -> bool:
    return convocation.kind == Convocation.Kind.ADDENDUM


def letter_body(convocation: Convocation) -> list[dict]:
    """The letter's text as paragraphs, with the agenda where ``[ordre du jour]`` stands (at the
    end if the mark was removed) and, under urgency, the sentence announcing the vote on it."""
    body: list[dict] = []
    current: list[str] = []

    def flush():
        text = "\n".join(current).strip()
        if text:
            body.append({"t": "p", "x": text})
        current.clear()

    text = (convocation.letter_text or "").replace("\r\n", "\n").replace("\r", "\n")
    for line in text.split("\n"):
        if line.strip().lower() == AGENDA_MARK:
            flush()
            body.append({"t": "agenda"})
        elif not line.strip():
            flush()
        else:
            current.append(line.rstrip())
    flush()
    if not any(b["t"] == "agenda" for b in body):
        body.append({"t": "agenda"})
    if convocation.urgency:
        regime = convocation.sitting.assembly.regime
        sentence = {"t": "p", "x": _(
            "En raison de l'urgence, le délai de convocation est abrégé (article %(article)s) : l'assemblée se "
            "prononcera sur l'urgence dès l'ouverture de la séance.") % {"article": regime.convocation_article}}
        at = next(i for i, b in enumerate(body) if b["t"] == "agenda")
        if at > 0 and body[at - 1]["t"] == "p" and body[at - 1]["x"].rstrip().endswith(":"):
            at -= 1  # before the line announcing the agenda ("Ordre du jour :")
        body.insert(at, sentence)
    return body


def letter_data(convocation: Convocation, items, members=None, today=None) -> dict:
    """Render data of the letter: one copy addressed to all the members, or one per member of
    ``members`` (paper letters to print)."""
    sitting = convocation.sitting
    addendum = _is_addendum(convocation)
    title = _("Additif à l'ordre du jour") if addendum else _("Convocation")
    data = _base(convocation, title, f"{title} — {sitting.assembly.name} du {french_date(sitting.date)}")
    function, name = _president(sitting)
    assembly_words = of_assembly(sitting.assembly.name)
    if members:
        letters = [{"addressee": [member_addressee(m)]} for m in members]
    else:
        letters = [{"addressee": [_("Mesdames et Messieurs les membres %(of)s") % {"of": assembly_words}]}]
    subject = (_("additif à l'ordre du jour de la séance %(of)s %(when)s") if addendum
               else _("convocation à la séance %(of)s %(when)s")) % {"of": assembly_words, "when": sitting_when(sitting)}
    data.update({
        "kind": "letter", "letters": letters,
        "place_date": _("Le %(date)s") % {"date": french_date(today or timezone.localdate())},
        "subject": subject, "body": letter_body(convocation),
        "items": _agenda_entries(sitting, items), "signature": {"function": function, "name": name},
    })
    return data


def _facts(convocation) -> list[str]:
    sitting = convocation.sitting
    facts = [_("Séance %(of)s %(when)s.") % {"of": of_assembly(sitting.assembly.name), "when": sitting_when(sitting)}]
    if not sitting.public:
        facts.append(_("Séance à huis clos."))
    if convocation.urgency:
        facts.append(_("Convocation en urgence : l'assemblée se prononce sur l'urgence à l'ouverture."))
    return facts


def agenda_data(convocation: Convocation, items) -> dict:
    sitting = convocation.sitting
    heading = _("Additif à l'ordre du jour") if _is_addendum(convocation) else _("Ordre du jour")
    data = _base(convocation, heading, f"{heading} — {sitting.assembly.name} du {french_date(sitting.date)}")
    data.update({"kind": "agenda", "heading": heading, "facts": _facts(convocation),
                 "items": _agenda_entries(sitting, items)})
    return data


def synthesis_data(convocation: Convocation, items) -> dict:
    sitting = convocation.sitting
    heading = _("Note explicative de synthèse")
    data = _base(convocation, heading, f"{heading} — {sitting.assembly.name} du {french_date(sitting.date)}")
    entries = _agenda_entries(sitting, items)
    data.update({
        "kind": "synthesis", "heading": heading, "facts": _facts(convocation),
        "intro": paragraphs(convocation.synthesis_note),
        "items": [{**entry, "paragraphs": paragraphs(convocation.synthesis_texts.get(str(item.pk), ""))}
                  for entry, item in zip(entries, items, strict=True) if needs_synthesis(item)],
    })
    return data


def page_data(convocation: Convocation, heading: str, paras: list[str], entries: list[str] | None = None) -> dict:
    data = _base(convocation, _("Dossier de séance"), heading)
    data.update({"kind": "page", "heading": heading, "paragraphs": paras, "entries": entries or []})
    return data


# --- Typst --------------------------------------------------------------------------------

_local = threading.local()


def _compiler() -> typst.Compiler:
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        compiler = typst.Compiler(str(TEMPLATE), root=str(TEMPLATE_DIR), ignore_system_fonts=True)
        _local.compiler = compiler
    return compiler


def render(data: dict) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        return _compiler().compile(format="pdf", sys_inputs={"data": payload})
    except typst.TypstError as exc:
        raise RenderError(f"{exc.message} {exc.diagnostic}".strip()) from exc


def paper_letters_pdf(convocation: Convocation, members) -> bytes:
    """The letter, one copy per member, to print for those convened on paper."""
    items = list(convocation_items(convocation))
    day = convocation.sent_at.date() if convocation.sent_at else None
    return render(letter_data(convocation, items, members=list(members), today=day))


# --- Rendering the acts ------------------------------------------------------------------

# Below this many acts, rendering them here is quicker than starting worker processes.
PARALLEL_FROM = 24


def render_processes() -> int:
    """Worker processes rendering the acts of a large pack: ``HEMICYCLE_RENDER_PROCESSES``
    (setting or environment variable), else one per CPU."""
    value = getattr(settings, "HEMICYCLE_RENDER_PROCESSES", None) or os.environ.get("HEMICYCLE_RENDER_PROCESSES")
    try:
        count = int(value) if value else (os.cpu_count() or 1)
    except ValueError:
        count = os.cpu_count() or 1
    return max(1, count)


@contextlib.contextmanager
def rendered_acts(acts_data: list[dict], processes: int | None = None) -> Iterator[Iterator[bytes]]:
    """The PDFs of the acts, in order, as an iterator (a failed act raises ``RenderError`` when
    its turn comes).

    Below ``PARALLEL_FROM`` acts (or with one process) they are rendered here, one by one as
    they are asked for. Beyond, a pool of worker processes renders them in the background
    while the caller consumes them; the pool is stopped, and its pending work cancelled,
    when the block ends — also on an error."""
    processes = render_processes() if processes is None else processes
    if processes <= 1 or len(acts_data) < PARALLEL_FROM:
        yield (render_act_pdf(data) for data in acts_data)
        return
    from . import render_workers

    pool = concurrent.futures.ProcessPoolExecutor(
        min(processes, len(acts_data)), mp_context=multiprocessing.get_context("spawn"),
        initializer=render_workers.init, initargs=(translation.get_language() or settings.LANGUAGE_CODE,))
    try:
        yield pool.map(render_workers.render_act, acts_data, chunksize=4)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)


# --- The sitting pack ---------------------------------------------------------------------

def _pdf_reader(data: bytes) -> PdfReader | None:
    """A reader for an annex that is a usable PDF, or None (not a PDF, damaged, protected)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        if len(reader.pages) == 0:
            return None
        return reader
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        return None


class _Pack:
    def __init__(self):
        self.writer = PdfWriter()

    def add(self, source, title: str, parent=None):
        reader = source if isinstance(source, PdfReader) else PdfReader(io.BytesIO(source))
        start = len(self.writer.pages)
        self.writer.append(reader, import_outline=False)
        return self.writer.add_outline_item(title=title, page_number=start, parent=parent)

    def finish(self, title: str) -> tuple[bytes, int]:
        self.writer.add_metadata({"/Title": title, "/Producer": "Hémicycle"})
        self.writer.page_mode = "/UseOutlines"
        out = io.BytesIO()
        self.writer.write(out)
        return out.getvalue(), len(self.writer.pages)


@dataclass
class Documents:
    letter: bytes = b""
    agenda: bytes = b""
    synthesis: bytes = b""
    pack: bytes = b""
    pack_pages: int = 0
    items: list = field(default_factory=list)
    fingerprint: str = ""


def _rendered(what: str, data: dict) -> bytes:
    try:
        return render(data)
    except RenderError as exc:
        raise DocumentError(_("%(what)s n'a pas pu être produit(e).") % {"what": what}) from exc


def assemble_pack(convocation: Convocation, items, agenda_pdf: bytes, synthesis_pdf: bytes,
                  act_pdfs: Iterator[bytes], step: Callable[[], None] = lambda: None) -> tuple[bytes, int]:
    """The sitting pack: the agenda, the note, then for each item (in agenda order) its act — the
    next PDF of ``act_pdfs`` — followed by its PDF annexes, or a plain page for an item without
    an act. One top-level bookmark per item, the act and each annex under it. Returns the PDF
    and its page count; ``step`` is called after each item."""
    sitting = convocation.sitting
    numbers = item_numbers(sitting)
    pack = _Pack()
    pack.add(agenda_pdf, _("Additif à l'ordre du jour") if _is_addendum(convocation) else _("Ordre du jour"))
    pack.add(synthesis_pdf, _("Note explicative de synthèse"))
    for item in items:
        number = numbers.get(item.pk, 0)
        label = f"{number}. {item.title}"
        if item.act_id:
            act = item.act
            try:
                act_pdf = next(act_pdfs)
            except RenderError as exc:
                raise DocumentError(_("Le document de l'affaire n° %(n)s « %(title)s » n'a pas pu être produit.")
                                    % {"n": number, "title": item.title}) from exc
            start = len(pack.writer.pages)
            top = pack.add(act_pdf, label)
            act_title = _("Projet %(reference)s") % {"reference": act.reference} if act.reference else _("Projet")
            pack.writer.add_outline_item(title=act_title, page_number=start, parent=top)
            left_out = []
            # The annexes were prefetched with the items (``convocation_items``): no query per act.
            for annex in sorted((a for a in act.annexes.all() if a.removed_at is None), key=lambda a: (a.position, a.pk)):
                try:
                    content = blobs.get(annex.sha256)
                except (FileNotFoundError, blobs.BlobIntegrityError):
                    left_out.append(_("%(title)s (%(name)s) — fichier introuvable ou altéré sur le stockage")
                                    % {"title": annex.title, "name": annex.original_name})
                    continue
                reader = _pdf_reader(content) if annex.mime_type == "application/pdf" or content[:5] == b"%PDF-" else None
                if reader is None:
                    left_out.append(_("%(title)s (%(name)s)") % {"title": annex.title, "name": annex.original_name})
                    continue
                pack.add(reader, _("Annexe : %(title)s") % {"title": annex.title}, parent=top)
            if left_out:
                page = _rendered(_("La page des annexes"), page_data(
                    convocation, _("Annexes de l'affaire n° %(n)s consultables séparément") % {"n": number},
                    [item.title, _("Ces annexes ne sont pas des documents PDF : elles ne sont pas reproduites dans "
                                   "le dossier de séance. Elles sont consultables auprès du secrétariat des "
                                   "assemblées et sur le portail des élus.")],
                    left_out))
                pack.add(page, _("Autres annexes"), parent=top)
        else:
            text = convocation.synthesis_texts.get(str(item.pk), "") or default_synthesis_text(item)
            page = _rendered(_("La page de l'affaire n° %(n)s") % {"n": number},
                             page_data(convocation, label, [item.get_kind_display()] + paragraphs(text)))
            pack.add(page, label)
        step()
    return pack.finish(_("Dossier de séance — %(assembly)s du %(date)s") % {"assembly": sitting.assembly.name,
                                                                          "date": french_date(sitting.date)})


def pack_items(convocation: Convocation) -> list:
    """The items of the convocation with what the documents need (acts with their department,
    rapporteur and annexes) in a fixed number of queries."""
    return list(convocation_items(convocation).select_related("act__authority", "act__department",
                                                               "act__rapporteur"))


def build(convocation: Convocation, progress: Callable[[int], None] = lambda p: None) -> Documents:
    """Render every document of ``convocation`` and assemble the sitting pack.

    ``progress`` receives a percentage (0–99) as the work goes (each value once); the caller
    reports 100 once the result is stored. The acts are rendered by ``rendered_acts`` (worker
    processes for a large sitting) while the agenda, the letter and the note are rendered here;
    the acts are appended to the pack in agenda order as they come back."""
    items = pack_items(convocation)
    if not items:
        raise DocumentError(_("La convocation ne porte sur aucune affaire : l'ordre du jour est vide."))
    docs = Documents(items=items, fingerprint=fingerprint(convocation, items))
    total = 4 + len(items)
    done = 0
    reported = -1

    def step():
        nonlocal done, reported
        done += 1
        percent = min(99, int(done * 100 / total))
        if percent != reported:
            reported = percent
            progress(percent)

    acts_data = [act_document_data(item.act) for item in items if item.act_id]
    with rendered_acts(acts_data) as act_pdfs:
        docs.agenda = _rendered(_("L'ordre du jour"), agenda_data(convocation, items))
        step()
        docs.letter = _rendered(_("La lettre de convocation"), letter_data(convocation, items))
        step()
        docs.synthesis = _rendered(_("La note explicative de synthèse"), synthesis_data(convocation, items))
        step()
        docs.pack, docs.pack_pages = assemble_pack(convocation, items, docs.agenda, docs.synthesis, act_pdfs, step)
    step()
    return docs
