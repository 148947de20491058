"""Final documents of acts (issue 4): what is signed, transmitted, published and archived.

Actions (rights checked, journaled, in one transaction each):

- ``prepare_finals(user, sitting)``: after a closed sitting, one :class:`FinalDocument` per
  adopted act item, numbered with the item's order number in the sitting (R2121-9) and dated
  the day of the sitting; the documents whose inputs changed are rendered in background tasks
  (``documents/tasks.py``), in chunks that several workers render in parallel.
- ``render_final(document)``: renders one document now (no-op when its inputs are unchanged).
- ``finalize_arrete(user, act, *, decision_date)``: the final document of an arrêté (nature
  AR/AI) signed by the executive outside any sitting: numbered by its reference.

The document is rendered by Typst (``typst/final.typ``) as PDF/A-2b. It holds the authority,
the sitting (date, place, convocation), the order number, the reference, the object, the visas,
considérants and articles as amended (the act's current content: adopted amendments are
applied to the act as versions during the sitting), the attendance (members in office,
present, represented, absent, with names), the vote of the item (names and votes for public
ballots, totals only for secret ballots, withdrawn members named as not taking part), the
outcome, and the signatory's first name, name and capacity above the zone reserved for the
visible signature (``SIGNATURE_BOX``).

The attendance and votes are taken from the procès-verbal's body
(``sittings.minutes.build_body``): the quorum, proxies and ballots follow the same rules and
the documents say the same thing as the minutes.

Content addressing: ``source_sha256`` is the SHA-256 of the canonical JSON of everything the
PDF is made from plus the template version; unchanged inputs are never rendered twice. A
document that carries a signature is never rendered again: the attempt is refused and
journaled (``final.change_refused``).
"""

import datetime
import hashlib
import io
import json
import logging
import re
import threading

import pypdf
import typst
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.journal.services import record

from .models import FinalDocument
from .render import TEMPLATE_DIR, RenderError, french_date, operative_verb

logger = logging.getLogger(__name__)

# The visible signature: last page, bottom right, (x1, y1, x2, y2) in PDF points from the
# bottom-left corner of the page. The template keeps this rectangle (and the signatory's
# name above it) free of any text; the signing step puts the PAdES field "Signature1" there.
SIGNATURE_BOX = (330, 60, 560, 140)
SIGNATURE_FIELD = "Signature1"
SIGNATURE_PAGE = -1  # the last page

FINAL_TEMPLATE = TEMPLATE_DIR / "final.typ"
RENDER_VERSION = 1  # bump when the preparation of the data changes the document
TEMPLATE_VERSION = "final-{}:{}:typst-{}".format(
    RENDER_VERSION, hashlib.sha256(FINAL_TEMPLATE.read_bytes()).hexdigest()[:16], typst.__version__)
DATA_LINE = '#let data = json(bytes(sys.inputs.at("data", default: "{}")))'

SIGNED_STATES = (FinalDocument.State.PARTIALLY_SIGNED, FinalDocument.State.SIGNED)
DONE_STATES = (FinalDocument.State.RENDERED, FinalDocument.State.PARTIALLY_SIGNED, FinalDocument.State.SIGNED,
               FinalDocument.State.FAILED)
READ_ROLES = (Role.SECRETARIAT, Role.SIGNATORY, Role.ADMINISTRATOR)
ARRETE_NATURES = ("AR", "AI")
# Documents per background task: several tasks spread over the task workers (``db_worker``),
# and within a task a large chunk is rendered by worker processes (PARALLEL_FROM documents
# and more), kept from one task to the next by the worker (``_render_pool``).
CHUNK_SIZE = 100
PARALLEL_FROM = 24

PLACE_PREFIXES = ("Commune de ", "Commune d'", "Commune d’", "Ville de ", "Ville d'", "Ville d’", "Mairie de ",
                  "Mairie d'")


# --- Rights ------------------------------------------------------------------------------------

def _same_authority(user, authority_id) -> bool:
    return bool(user is not None and user.is_authenticated and user.authority_id == authority_id)


def can_prepare(user, authority_id) -> bool:
    return _same_authority(user, authority_id) and user.has_role(Role.SECRETARIAT)


def can_view_finals(user, authority_id) -> bool:
    """The sitting's final documents page: the secretariat, signatories and administrators."""
    return _same_authority(user, authority_id) and user.has_role(*READ_ROLES)


def can_read(user, act) -> bool:
    """The final PDF of an act: secretariat, signatories, administrators, and the drafters of
    the act's department (a drafter limited to another department may not)."""
    from hemicycle.acts.permissions import department_scope, holds_role_for_department

    if not _same_authority(user, act.authority_id):
        return False
    if user.has_role(*READ_ROLES):
        return True
    return (user.has_role(Role.DRAFTER) and department_scope(user, Role.DRAFTER) is not None
            and holds_role_for_department(user, Role.DRAFTER, act.department))


def is_locked(document: FinalDocument) -> bool:
    """Signed (or being signed): the document can no longer change."""
    return bool(document.signed_sha256 or document.state in SIGNED_STATES
                or (document.pk and document.signatures.exists()))


def refuse_change(document: FinalDocument, *, actor=None, reason: str, data: dict | None = None):
    """Journal the refused attempt (in its own transaction, so it is kept) and raise."""
    with transaction.atomic():
        record("final.change_refused", actor=actor, obj=document,
               data={"act": document.act.reference, "state": document.state, "reason": reason,
                     "signed_sha256": document.signed_sha256, **(data or {})})
    raise ValidationError(_("Ce document est signé : il ne peut plus être modifié ni régénéré."))


# --- Names and capacities ----------------------------------------------------------------------

def member_name(member) -> str:
    return " ".join(p for p in (member.civility, member.first_name, member.last_name) if p)


def place_name(authority) -> str:
    """``Commune de Villeneuve-sur-Test`` → ``Villeneuve-sur-Test``."""
    name = (authority.name or "").strip()
    for prefix in PLACE_PREFIXES:
        if name.lower().startswith(prefix.lower()):
            return name[len(prefix):].strip()
    return name


def _of(name: str) -> str:
    """French ``de``, elided before a vowel or a mute h: ``d'Autreville``, ``de Paris``."""
    return f"d'{name}" if name[:1].lower() in "aeiouyhàâäéèêëîïôöûüœ" else f"de {name}"


def _president_mandate(member, day: datetime.date):
    return (member.mandates.filter(is_president=True, start_date__lte=day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day)).order_by("-start_date").first())


def executive_member(authority, day: datetime.date):
    """The member presiding the authority on ``day`` (the mayor): mandate ``is_president``."""
    from hemicycle.organisation.models import Mandate

    mandate = (Mandate.objects.filter(member__authority=authority, is_president=True, start_date__lte=day)
               .filter(Q(end_date__isnull=True) | Q(end_date__gte=day)).select_related("member")
               .order_by("-start_date", "pk").first())
    return (mandate.member, mandate) if mandate else (None, None)


def capacity_for(authority, mandate) -> str:
    """``Maire de Villeneuve-sur-Test`` from the mandate's function and the authority."""
    function = (mandate.function or "").strip()
    function = function[:1].upper() + function[1:]
    if authority.kind in ("commune", "paris"):
        place = place_name(authority)
        if place and place.lower() not in function.lower():
            return f"{function} {_of(place)}"
        return function
    if authority.name.lower() in function.lower():
        return function
    return f"{function}, {authority.name}"


def _signatory(member, capacity: str) -> dict:
    return {"member": member.pk, "first_name": member.first_name, "last_name": member.last_name,
            "capacity": capacity, "field_name": SIGNATURE_FIELD, "page": SIGNATURE_PAGE,
            "box": list(SIGNATURE_BOX)}


def sitting_signatory(sitting) -> dict:
    """The sitting's president, under his or her capacity: the executive's (``Maire de …``)
    when the president holds the presiding mandate, else president of the sitting."""
    member = sitting.president
    if member is None:
        member, mandate = executive_member(sitting.authority, sitting.date)
        if member is None:
            raise ValidationError(_("La séance n'a pas de président enregistré : indiquez-le avant de générer "
                                    "les actes définitifs."))
    else:
        mandate = _president_mandate(member, sitting.date)
    if mandate is not None:
        capacity = capacity_for(sitting.authority, mandate)
    else:
        capacity = _("Présidente de séance") if member.civility == "Mme" else _("Président de séance")
    return _signatory(member, capacity)


def arrete_signatory(authority, day: datetime.date) -> dict:
    member, mandate = executive_member(authority, day)
    if member is None:
        raise ValidationError(_("Aucun élu n'exerce la fonction exécutive (mandat « préside l'assemblée ») à cette "
                                "date : enregistrez-le dans l'organisation avant d'établir l'arrêté."))
    return _signatory(member, capacity_for(authority, mandate))


# --- The data of the document ------------------------------------------------------------------

def labels() -> dict:
    return {
        "republic": _("RÉPUBLIQUE FRANÇAISE"), "page": _("page"), "object": _("Objet"),
        "rapporteur": _("Rapporteur"), "article": _("Article"), "convocation": _("Date de la convocation"),
        "secretaries": _("Secrétaire(s) de séance"), "in_office": _("Membres en exercice"),
        "present": _("Présents"), "represented": _("Représentés"), "absent": _("Absents"),
        "present_names": _("Étaient présents"), "represented_names": _("Étaient représentés"),
        "absent_names": _("Étaient absents"), "amendments": _("Amendements"), "vote": _("Vote"),
        "ballot": _("Scrutin"), "present_at_vote": _("Présents au vote :"),
        "represented_at_vote": _("représentés :"), "pour": _("Pour"), "contre": _("Contre"),
        "abstention": _("Abstentions"), "nppv": _("Ne prenant pas part au vote"),
        "exprimes": _("Suffrages exprimés"), "elected": _("Désigné(e)"),
        "secret_note": _("Scrutin secret : seuls les totaux sont consignés."),
        "casting": _("Partage égal des voix : la voix du président de séance a été prépondérante."),
        "withdrawn": _("N'ont pas pris part au débat ni au vote (intérêt à l'affaire, L2131-11)"),
        "outcome": _("Résultat"),
    }


def _movements(entry: dict, words: dict) -> str:
    parts = [f"{words[m['kind']]} {m['at']}" for m in entry.get("movements") or [] if m.get("at")]
    if entry.get("proxy_to"):
        parts.append(_("pouvoir à %(name)s après son départ") % {"name": entry["proxy_to"]})
    return f"{entry['name']} ({', '.join(parts)})" if parts else entry["name"]


def _attendance(body: dict, body_item: dict | None) -> dict:
    words = {"arrive": _("arrivé(e) à"), "leave": _("parti(e) à")}
    present = [_movements(p, words) for p in body.get("present", [])]
    represented = [_("%(name)s (pouvoir à %(holder)s)") % {"name": r["name"], "holder": r["holder"]}
                   for r in body.get("represented", [])]
    absent = [f"{a['name']} ({_('excusé(e)')})" if a.get("excused") else a["name"] for a in body.get("absent", [])]
    item_line = ""
    quorum = (body_item or {}).get("quorum")
    if quorum and body.get("sitting", {}).get("second_convocation"):
        item_line = _("Pour cette affaire : %(present)s membres présents ; quorum non requis (seconde convocation, "
                      "%(article)s).") % {"present": quorum["present"], "article": quorum["article"]}
    elif quorum:
        item_line = _("Pour cette affaire : %(present)s membres présents, quorum de %(required)s (%(article)s) "
                      "%(met)s.") % {
            "present": quorum["present"], "required": quorum["required"], "article": quorum["article"],
            "met": _("atteint") if quorum["met"] else _("non atteint")}
    return {"in_office": body.get("members_in_office", 0), "present_count": len(present),
            "represented_count": len(represented), "absent_count": len(absent),
            "present": present, "represented": represented, "absent": absent, "item_line": item_line}


def _name_groups() -> tuple:
    return (("pour", _("Ont voté pour")), ("contre", _("Ont voté contre")), ("abstention", _("Se sont abstenus")),
            ("nppv", _("N'ont pas pris part au vote")))


def _ballot(b: dict) -> dict:
    """A ballot of the item as printed: totals always; names only for public ballots."""
    names = []
    public = bool(b.get("public")) and not b.get("secret")
    if public:
        by_value: dict[str, list[str]] = {}
        for v in b.get("votes") or []:
            name = v["member"]
            if v.get("cast_by"):
                name = _("%(name)s (par %(holder)s)") % {"name": name, "holder": v["cast_by"]}
            by_value.setdefault(v["value"], []).append(name)
        for n in b.get("non_voters") or []:
            by_value.setdefault("nppv", []).append(n)
        for value, label in _name_groups():
            if by_value.get(value):
                names.append({"label": label, "count": len(by_value[value]), "names": by_value[value]})
    return {
        "method_label": b.get("method_label", ""), "present": b.get("present", 0),
        "represented": b.get("represented", 0), "pour": b.get("pour", 0), "contre": b.get("contre", 0),
        "abstention": b.get("abstention", 0), "nppv": b.get("nppv", 0), "exprimes": b.get("exprimes", 0),
        "secret": bool(b.get("secret")), "casting_vote_used": bool(b.get("casting_vote_used")),
        "elected": b.get("elected") or "", "outcome_label": b.get("outcome_label", ""), "names": names,
    }


def _text(value) -> str:
    from .render import _text as clean

    return clean(value)


def _lines(values) -> list[str]:
    return [t for t in map(_text, values or []) if t]


def _common(act, signatory: dict, decision_date: datetime.date) -> dict:
    authority = act.authority
    return {
        "authority": authority.name,
        "department": act.department.name if act.department_id else "",
        "reference": act.reference,
        "decision_date": decision_date.isoformat(),
        "object": _text(act.object),
        "visas": _lines(act.visas),
        "considerants": _lines(act.considerants),
        "articles": _lines(act.articles),
        "verb": operative_verb(act.nature),
        "signatories": [{k: signatory[k] for k in ("first_name", "last_name", "capacity")}],
        "signature": {"field_name": SIGNATURE_FIELD, "page": SIGNATURE_PAGE, "box": list(SIGNATURE_BOX)},
        "place_date": _("Fait à %(place)s, le %(date)s") % {"place": place_name(authority),
                                                          "date": french_date(decision_date)},
        "labels": labels(),
    }


def deliberation_data(act, item: dict, body: dict, signatory: dict, *, number: int,
                      decision_date: datetime.date) -> dict:
    """The render data of an act adopted in a sitting: ``item`` is its entry in the minutes'
    body (``build_body``), ``body`` the whole body (attendance, sitting)."""
    s = body["sitting"]
    title = _("Délibération n° %(number)s") % {"number": number}
    assembly = body.get("assembly", "")
    publicity = _("Séance publique") if s.get("public") else _("Séance à huis clos")
    summary = _("%(publicity)s du %(date)s") % {"publicity": publicity, "date": s.get("date_text", "")}
    if s.get("opened_at"):
        summary += _(", ouverte à %(time)s") % {"time": s["opened_at"]}
    if s.get("place"):
        summary += f", {s['place']}"
    if body.get("president"):
        summary += _(", sous la présidence de %(name)s") % {"name": body["president"]}
    summary += "."
    closed = [b for b in item.get("ballots", []) if b.get("closed", True)]
    outcome = closed[-1].get("outcome_label") if closed else ""
    data = _common(act, signatory, decision_date)
    data.update({
        "kind": "deliberation",
        "title": title,
        "doc_title": f"{title} — {act.reference} — {_text(act.object)}"[:300],
        "number": number,
        "assembly": assembly,
        "date_line": _("Séance du %(date)s") % {"date": s.get("date_text", "")},
        "register_title": _("Extrait du registre des délibérations"),
        "footer": f"{act.reference} — {title} — {assembly}",
        "sitting": {
            "date": s.get("date"), "date_text": s.get("date_text", ""), "place": s.get("place", ""),
            "opened_at": s.get("opened_at", ""), "convocation": s.get("convocation_sent_on", ""),
            "president": body.get("president", ""), "secretaries": ", ".join(body.get("secretaries") or []),
            "summary": summary,
        },
        "attendance": _attendance(body, item),
        "rapporteur": item.get("rapporteur", ""),
        "preamble": "",
        "amendments": [
            (_("n° %(number)s") % {"number": a["number"]}) + (f" ({a['group']})" if a.get("group") else "")
            + f" : {a.get('state_label', '')}" for a in item.get("amendments", [])
        ],
        "ballots": [_ballot(b) for b in closed],
        "withdrawn": [f"{w['member']} ({w['kind_label']})" if w.get("kind_label") else w["member"]
                      for w in item.get("withdrawals", [])],
        "outcome": outcome or item.get("state_label", ""),
        "closing": _("Fait et délibéré en séance les jour, mois et an susdits."),
    })
    return data


def arrete_data(act, signatory: dict, *, decision_date: datetime.date) -> dict:
    """The render data of an arrêté signed outside any sitting (numbered by its reference)."""
    title = _("Arrêté individuel") if act.nature == "AI" else _("Arrêté")
    data = _common(act, signatory, decision_date)
    data.update({
        "kind": "arrete",
        "title": title,
        "doc_title": f"{title} {act.reference} — {_text(act.object)}"[:300],
        "number": None,
        "assembly": "",
        "date_line": _("Du %(date)s") % {"date": french_date(decision_date)},
        "register_title": "",
        "footer": f"{title} {act.reference}",
        "sitting": None,
        "attendance": None,
        "rapporteur": "",
        "preamble": f"{signatory['capacity']},",
        "amendments": [],
        "ballots": [],
        "withdrawn": [],
        "outcome": "",
        "closing": "",
    })
    return data


def canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def source_hash(data: dict) -> str:
    """SHA-256 of everything the PDF is made from: the data and the template version."""
    return hashlib.sha256(TEMPLATE_VERSION.encode("ascii") + b"\n" + canonical(data)).hexdigest()


# --- Rendering ---------------------------------------------------------------------------------

_local = threading.local()


def _compiler() -> typst.Compiler:
    """One compiler per thread (fonts and template parsed once)."""
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        compiler = typst.Compiler(str(FINAL_TEMPLATE), root=str(TEMPLATE_DIR), ignore_system_fonts=True)
        _local.compiler = compiler
    return compiler


def render_final_pdf(data: dict) -> bytes:
    """PDF/A-2b of a final document from its render data (pure: usable in worker processes)."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    try:
        return _compiler().compile(format="pdf", sys_inputs={"data": payload}, pdf_standards=["a-2b"])
    except typst.TypstError as exc:
        raise RenderError(f"{exc.message} {exc.diagnostic}".strip()) from exc


def final_typst_source(data: dict) -> str:
    """A self-contained Typst source (to reproduce a document with the ``typst`` command)."""
    payload = json.dumps(data, ensure_ascii=True, separators=(",", ":"), default=str)
    literal = '"' + payload.replace("\\", "\\\\").replace('"', '\\"') + '"'
    template = FINAL_TEMPLATE.read_text(encoding="utf-8")
    return template.replace(DATA_LINE, f"#let data = json(bytes({literal}))", 1)


_PAGE_COUNT = re.compile(rb"<</Type/Pages/Count (\d+)/Kids\[")


def pdf_pages(pdf: bytes) -> int:
    """Pages of a rendered PDF: Typst writes one page tree, read without parsing the file
    (~3 ms saved per document); any other PDF is parsed."""
    counts = _PAGE_COUNT.findall(pdf[:4096])
    if len(counts) == 1:
        return int(counts[0])
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


# --- Sitting context (computed once for all the acts of a sitting) ---------------------------

def _adopted_items(sitting):
    from hemicycle.sittings.models import AgendaItem

    return list(sitting.items.filter(state=AgendaItem.State.ADOPTED, act__isnull=False)
                .select_related("act", "act__authority", "act__department").order_by("position", "pk"))


def sitting_body(sitting) -> dict:
    """The factual part of the procès-verbal (attendance, quorum, ballots and votes per item)."""
    from hemicycle.sittings.minutes import build_body

    body = build_body(sitting)
    body.pop("generated_at", None)
    return body


def document_data(document: FinalDocument, *, body: dict | None = None) -> tuple[dict, dict]:
    """(render data, signatory) of a document from the current state of its act and sitting."""
    act = document.act
    if document.item_id is None:
        signatory = arrete_signatory(act.authority, document.decision_date)
        return arrete_data(act, signatory, decision_date=document.decision_date), signatory
    item = document.item
    sitting = item.sitting
    body = body if body is not None else sitting_body(sitting)
    signatory = sitting_signatory(sitting)
    body_item = next((i for i in body["items"] if i["id"] == item.pk), None)
    if body_item is None:  # pragma: no cover - build_body lists every item of the sitting
        raise ValidationError(_("Le point de l'ordre du jour de cet acte est introuvable."))
    data = deliberation_data(act, body_item, body, signatory, number=document.number,
                             decision_date=document.decision_date)
    return data, signatory


# --- Actions -----------------------------------------------------------------------------------

def _require_secretariat(user, authority_id) -> None:
    if not can_prepare(user, authority_id):
        raise PermissionDenied(_("Seul le secrétariat des assemblées de la collectivité établit les actes définitifs."))


def _unchanged(document: FinalDocument, sha: str) -> bool:
    return (document.state == FinalDocument.State.RENDERED and document.source_sha256 == sha
            and bool(document.pdf_sha256))


def prepare_finals(user, sitting, *, enqueue: bool = True) -> list[FinalDocument]:
    """One final document per act adopted in the closed ``sitting``; those whose inputs changed
    (or new ones) are set to render and handed to background tasks after commit (``enqueue``).
    Signed documents are left as they are; if their act changed since, the attempt is journaled."""
    from hemicycle.sittings.models import Sitting

    _require_secretariat(user, sitting.authority_id)
    sitting = Sitting.objects.select_related("authority", "assembly", "president").get(pk=sitting.pk)
    if sitting.state != Sitting.State.CLOSED:
        raise ValidationError(_("Les actes définitifs s'établissent après la séance : elle doit être close."))
    items = _adopted_items(sitting)
    if not items:
        raise ValidationError(_("Aucun acte n'a été adopté au cours de cette séance."))
    unnumbered = [i.title for i in items if not i.number]
    if unnumbered:
        raise ValidationError(_("Ces affaires adoptées n'ont pas de numéro d'ordre : %(items)s.")
                              % {"items": " ; ".join(unnumbered)})
    body = sitting_body(sitting)
    body_items = {i["id"]: i for i in body["items"]}
    signatory = sitting_signatory(sitting)
    documents, jobs, refused, unchanged = [], [], [], 0
    with transaction.atomic():
        Sitting.objects.select_for_update().filter(pk=sitting.pk).first()
        existing = {d.act_id: d for d in FinalDocument.objects.select_for_update().filter(
            act_id__in=[i.act_id for i in items])}
        for item in items:
            act = item.act
            data = deliberation_data(act, body_items[item.pk], body, signatory, number=item.number,
                                     decision_date=sitting.date)
            sha = source_hash(data)
            document = existing.get(act.pk)
            if document is None:
                document = FinalDocument.objects.create(
                    authority=sitting.authority, act=act, item=item, number=item.number,
                    decision_date=sitting.date, state=FinalDocument.State.PENDING, source_sha256=sha,
                    signatories=[signatory])
            elif is_locked(document):
                if document.source_sha256 != sha:
                    refused.append(document)
                    record("final.change_refused", actor=user, obj=document,
                           data={"act": act.reference, "state": document.state, "reason": "inputs_changed",
                                 "source_sha256": document.source_sha256, "new_source_sha256": sha})
                documents.append(document)
                continue
            elif _unchanged(document, sha) and document.item_id == item.pk:
                unchanged += 1
                documents.append(document)
                continue
            else:
                document.item, document.number, document.decision_date = item, item.number, sitting.date
                document.state, document.source_sha256, document.error = FinalDocument.State.PENDING, sha, ""
                document.signatories = [signatory]
                document.save(update_fields=["item", "number", "decision_date", "state", "source_sha256", "error",
                                             "signatories"])
            document.act = act
            documents.append(document)
            jobs.append([document.pk, sha, data])
        record("final.prepared", actor=user, obj=sitting,
               data={"documents": len(documents), "to_render": len(jobs), "unchanged": unchanged,
                     "refused": [d.act.reference for d in refused]})
        if jobs and enqueue:
            transaction.on_commit(lambda: enqueue_jobs(jobs))
    return documents


def enqueue_jobs(jobs: list) -> None:
    from .tasks import render_final_documents

    for start in range(0, len(jobs), CHUNK_SIZE):
        render_final_documents.enqueue(jobs[start:start + CHUNK_SIZE])


_pool_lock = threading.Lock()
_pool_state: dict = {}


def _render_pool(processes: int):
    """Worker processes rendering PDFs, started on first need and kept for the next tasks
    of this process (starting them costs more than rendering a few acts)."""
    import concurrent.futures
    import multiprocessing

    from django.conf import settings
    from django.utils import translation

    from . import final_workers

    with _pool_lock:
        pool = _pool_state.get("pool")
        if pool is None or _pool_state.get("processes") != processes:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
            pool = concurrent.futures.ProcessPoolExecutor(
                processes, mp_context=multiprocessing.get_context("spawn"), initializer=final_workers.init,
                initargs=(translation.get_language() or settings.LANGUAGE_CODE,))
            _pool_state.update(pool=pool, processes=processes)
        return pool


def _drop_pool() -> None:
    with _pool_lock:
        pool = _pool_state.pop("pool", None)
        _pool_state.pop("processes", None)
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


def _rendered(todo: list, processes: int):
    """(job, pdf bytes or exception) for each job, in order; in worker processes when many."""
    if processes <= 1 or len(todo) < PARALLEL_FROM:
        for job in todo:
            try:
                yield job, render_final_pdf(job[2])
            except Exception as exc:  # noqa: BLE001 - reported per document
                yield job, exc
        return
    from concurrent.futures.process import BrokenProcessPool

    from . import final_workers

    pool = _render_pool(min(processes, len(todo)))
    futures = [pool.submit(final_workers.render, job[2]) for job in todo]
    for job, future in zip(todo, futures, strict=True):
        try:
            yield job, future.result()
        except BrokenProcessPool as exc:  # a worker died: start afresh next time
            _drop_pool()
            yield job, exc
        except Exception as exc:  # noqa: BLE001
            yield job, exc


def run_jobs(jobs: list, *, processes: int | None = None) -> dict:
    """The background work: render each ``[document id, source sha256, data]`` still waiting
    with that same source, store it as soon as it is rendered (the progress moves); documents
    changed or rendered since are skipped, a failure marks its document only."""
    from hemicycle.sittings.convocation_documents import render_processes

    counts = {"rendered": 0, "skipped": 0, "failed": 0}
    current = {row["pk"]: row for row in FinalDocument.objects.filter(pk__in=[j[0] for j in jobs])
               .values("pk", "state", "source_sha256")}
    todo = []
    for job in jobs:
        row = current.get(job[0])
        if row is None or row["state"] != FinalDocument.State.PENDING or row["source_sha256"] != job[1]:
            counts["skipped"] += 1
        else:
            todo.append(job)
    processes = render_processes() if processes is None else processes
    for (document_id, sha, _data), result in _rendered(todo, processes):
        if isinstance(result, Exception):  # one broken act must not stop the others
            logger.error("Rendu du document définitif %s : %r", document_id, result)
            _store_failure(document_id, sha, result)
            counts["failed"] += 1
        else:
            counts["rendered" if _store(document_id, sha, result, expect_pending=True) else "skipped"] += 1
    return counts


def _store(document_id: int, sha: str, pdf: bytes, *, actor=None, expect_pending: bool = False,
           signatories=None) -> FinalDocument | None:
    from hemicycle.sittings.models import Sitting

    pdf_sha = blobs.put(pdf)
    pages = pdf_pages(pdf)
    sitting_id = FinalDocument.objects.filter(pk=document_id).values_list("item__sitting_id", flat=True).first()
    with transaction.atomic():
        if sitting_id is not None:  # serialises the last-document check between parallel workers
            # (the sitting before the document, in the same order as prepare_finals: no deadlock)
            Sitting.objects.select_for_update().filter(pk=sitting_id).first()
        document = (FinalDocument.objects.select_for_update(of=("self",)).select_related("act", "item__sitting")
                    .filter(pk=document_id).first())
        if document is None or is_locked(document):
            return None
        if expect_pending and (document.state != FinalDocument.State.PENDING or document.source_sha256 != sha):
            return None
        sitting = document.item.sitting if document.item_id else None
        document.source_sha256, document.pdf_sha256, document.pages = sha, pdf_sha, pages
        document.state, document.error, document.rendered_at = FinalDocument.State.RENDERED, "", timezone.now()
        fields = ["source_sha256", "pdf_sha256", "pages", "state", "error", "rendered_at"]
        if signatories is not None:
            document.signatories = signatories
            fields.append("signatories")
        document.save(update_fields=fields)
        record("final.rendered", actor=actor, obj=document,
               data={"act": document.act.reference, "number": document.number, "source_sha256": sha,
                     "pdf_sha256": pdf_sha, "pages": pages})
        if sitting is not None:
            if expect_pending and not FinalDocument.objects.filter(
                    item__sitting=sitting, state=FinalDocument.State.PENDING).exists():
                _sitting_ready(sitting)  # the last document of a background run
        else:
            _notify_signatories(document.authority_id,
                                _("Acte définitif à signer : %(ref)s") % {"ref": document.act.reference},
                                act=document.act, url=reverse("acts:detail", kwargs={"slug": document.act.slug}))
    return document


def _store_failure(document_id: int, sha: str, exc: Exception) -> None:
    message = _("La génération du document a échoué (détails dans le journal du serveur). Relancez la génération ; "
                "si l'erreur persiste, signalez-la à l'administrateur.")
    with transaction.atomic():
        document = (FinalDocument.objects.select_for_update(of=("self",)).select_related("act")
                    .filter(pk=document_id).first())
        if document is None or is_locked(document) or document.source_sha256 != sha:
            return
        document.state, document.error = FinalDocument.State.FAILED, message
        document.save(update_fields=["state", "error"])
        record("final.render_failed", obj=document,
               data={"act": document.act.reference, "source_sha256": sha, "error": str(exc)[:500]})


def _sitting_ready(sitting) -> None:
    counts = sitting_progress(sitting)
    record("final.sitting_rendered", obj=sitting, data={"documents": counts["total"], "failed": counts["failed"]})
    _notify_signatories(sitting.authority_id,
                        _("Actes définitifs de la séance du %(date)s prêts à signer (%(n)s)")
                        % {"date": french_date(sitting.date), "n": counts["rendered"]},
                        url=reverse("documents:sitting_finals", kwargs={"slug": sitting.slug}))


def _notify_signatories(authority_id, message: str, *, act=None, url: str = "") -> None:
    from hemicycle.accounts.models import User
    from hemicycle.notifications.models import Notification
    from hemicycle.notifications.services import notify

    users = User.objects.filter(authority_id=authority_id, is_active=True,
                                role_assignments__role=Role.SIGNATORY).distinct()
    notify(users, Notification.Kind.SITTING, message, act=act, url=url)


def render_final(document: FinalDocument, *, actor=None) -> FinalDocument:
    """Render ``document`` now from the current state of its act and sitting. No-op when the
    inputs are unchanged; refused (and journaled) once the document carries a signature."""
    document = (FinalDocument.objects.select_related("act__authority", "act__department", "item__sitting__authority",
                                                     "item__sitting__president").get(pk=document.pk))
    if is_locked(document):
        refuse_change(document, actor=actor, reason="render_signed")
    data, signatory = document_data(document)
    sha = source_hash(data)
    if _unchanged(document, sha):
        return document
    try:
        pdf = render_final_pdf(data)
    except RenderError as exc:
        _store_failure_now(document, sha, exc)
        raise
    stored = _store(document.pk, sha, pdf, actor=actor, signatories=[signatory])
    if stored is None:  # signed meanwhile
        refuse_change(FinalDocument.objects.get(pk=document.pk), actor=actor, reason="render_signed")
    return stored


def _store_failure_now(document: FinalDocument, sha: str, exc: Exception) -> None:
    with transaction.atomic():
        FinalDocument.objects.filter(pk=document.pk).update(source_sha256=sha)
    _store_failure(document.pk, sha, exc)


def finalize_arrete(user, act, *, decision_date: datetime.date) -> FinalDocument:
    """The final document of an arrêté (AR/AI) signed by the executive outside a sitting: the
    act must have completed its circuit (ready); it becomes decided (« adopté ») on that date."""
    from hemicycle.acts.actions import set_state
    from hemicycle.acts.models import Act, ActState

    _require_secretariat(user, act.authority_id)
    if act.nature not in ARRETE_NATURES:
        raise ValidationError(_("Seuls les arrêtés (actes réglementaires ou individuels) sont signés hors séance ; "
                                "une délibération reçoit son document définitif après la séance."))
    if not isinstance(decision_date, datetime.date):
        raise ValidationError(_("Indiquez la date de l'arrêté."))
    if decision_date > timezone.localdate():
        raise ValidationError(_("La date de l'arrêté ne peut pas être dans le futur."))
    signatory = arrete_signatory(act.authority, decision_date)
    existing = FinalDocument.objects.select_related("act").filter(act=act).first()
    if existing is not None and is_locked(existing):
        refuse_change(existing, actor=user, reason="finalize_signed")
    with transaction.atomic():
        act = Act.objects.select_for_update(of=("self",)).select_related("authority", "department").get(pk=act.pk)
        if act.state not in (ActState.READY, ActState.ADOPTED):
            raise ValidationError(_("L'arrêté doit avoir terminé son circuit de validation (état « Prêt ») "
                                    "avant d'être établi."))
        if act.agenda_items.exists():
            raise ValidationError(_("Cet acte est inscrit à l'ordre du jour d'une séance : il n'est pas signé hors "
                                    "séance."))
        document = FinalDocument.objects.select_for_update().filter(act=act).first()
        if document is not None and is_locked(document):  # signed in the meantime
            raise ValidationError(_("Ce document est signé : il ne peut plus être modifié ni régénéré."))
        if document is None:
            document = FinalDocument.objects.create(authority=act.authority, act=act, item=None, number=None,
                                                    decision_date=decision_date, signatories=[signatory])
        elif document.decision_date != decision_date:
            document.decision_date = decision_date
            document.save(update_fields=["decision_date"])
        if act.state == ActState.READY:
            set_state(act, ActState.ADOPTED, actor=user,
                      reason=_("Arrêté pris le %(date)s") % {"date": french_date(decision_date)})
        record("final.arrete_finalized", actor=user, obj=document,
               data={"act": act.reference, "decision_date": decision_date.isoformat(),
                     "signatory": f"{signatory['first_name']} {signatory['last_name']}",
                     "capacity": signatory["capacity"]})
    return render_final(document, actor=user)


# --- Progress ----------------------------------------------------------------------------------

def sitting_progress(sitting) -> dict:
    """Counts of the sitting's final documents by state, and the percentage rendered."""
    rows = FinalDocument.objects.filter(item__sitting=sitting).values("state").annotate(n=Count("pk"))
    by_state = {r["state"]: r["n"] for r in rows}
    total = sum(by_state.values())
    pending = by_state.get(FinalDocument.State.PENDING, 0)
    failed = by_state.get(FinalDocument.State.FAILED, 0)
    done = total - pending
    return {
        "total": total, "pending": pending, "failed": failed, "done": done,
        "rendered": done - failed,
        "signed": by_state.get(FinalDocument.State.SIGNED, 0),
        "running": pending > 0,
        "percent": int(100 * done / total) if total else 0,
    }
