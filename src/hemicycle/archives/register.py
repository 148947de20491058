"""The register of deliberations of a year (L2121-23, R2121-9) and its electronic twin.

The register lists, sitting after sitting in date order, every deliberation with its order
number within the sitting (``AgendaItem.number``, which is also ``FinalDocument.number``), its
text, its vote (for public ballots, the names and votes — L2121-21), then the sitting's closing
sheet (feuillet de clôture: date, numbers and objects of the deliberations, members present and
represented, the president's and the secretaries' names with room for their signatures). At
the end: a table by date and a table by subject (matières of the @CTES classification), with
the page of each deliberation, and the closing page of the volume.

The legal register is still paper (rules.md): the PDF/A-2b pages are numbered "page n / N" to
print and bind. The file is also co-signed electronically (PAdES) by a president and a
secretary through ``hemicycle.documents.signing.sign_pdf`` — each signs in an action of their own
(``sign_register``). The electronic twin lists every act with its reference, number, sitting
and the SHA-256 of its signed PDF (``FinalDocument.current_sha256``), as JSON and CSV blobs.

Typst renders it like the acts and the minutes: a fixed template (``archives/typst/register.typ``)
and the data as JSON in ``sys.inputs``, so nothing a user typed is read as markup.
"""

import csv
import hashlib
import io
import json
import threading
from pathlib import Path

import typst
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.documents.render import RenderError, french_date
from hemicycle.journal.services import record

from .models import RegisterVolume

TEMPLATE_DIR = Path(__file__).resolve().parent / "typst"
TWIN_FORMAT = "hemicycle-registre-jumeau/1"
CSV_COLUMNS = ["reference", "numero", "date_seance", "seance", "assemblee", "objet", "decision", "matieres",
               "etat_document", "sha256_pdf_signe"]

# Electronic signature blocks on the volume's last page: (x1, y1, x2, y2) in PDF points from the
# bottom-left corner of the A4 page (595.28 × 841.89). register.typ draws the same frames.
SIGNATURE_BOXES = {
    "president": (62.0, 110.0, 287.0, 200.0),
    "secretary": (308.0, 110.0, 533.0, 200.0),
}
SIGNATURE_ORDER = ("president", "secretary")


def role_labels() -> dict:
    return {"president": _("Le président"), "secretary": _("Le secrétaire de séance")}


# --- What goes in the register ------------------------------------------------------------------

def register_sittings(authority, year: int):
    """The held sittings of the year of the authority's deliberative assemblies, in date order
    (committees that only examine items keep no register of deliberations)."""
    from hemicycle.sittings.models import Assembly, Sitting

    return (Sitting.objects.filter(authority=authority, date__year=year, state=Sitting.State.CLOSED)
            .exclude(assembly__kind=Assembly.Kind.COMMITTEE)
            .select_related("assembly", "president")
            .order_by("date", "start_time", "pk"))


def register_years(authority) -> list[int]:
    from hemicycle.sittings.models import Assembly, Sitting

    dates = (Sitting.objects.filter(authority=authority, state=Sitting.State.CLOSED)
             .exclude(assembly__kind=Assembly.Kind.COMMITTEE).dates("date", "year"))
    return sorted({d.year for d in dates}, reverse=True)


def _member_name(member) -> str:
    return " ".join(p for p in (member.civility, member.first_name, member.last_name) if p)


def _matieres(acts) -> dict:
    """(classification version id, code) → label, for the acts' codes."""
    from hemicycle.acts.models import Matiere

    wanted = {(a.classification_version_id, c) for a in acts if a.classification_version_id for c in a.matiere_codes}
    if not wanted:
        return {}
    rows = Matiere.objects.filter(version_id__in={v for v, _ in wanted}, code__in={c for _, c in wanted})
    return {(m.version_id, m.code): m.label for m in rows}


def _body(sitting) -> dict:
    """The minutes' body (frozen once adopted), else one built now from the sitting's data."""
    from hemicycle.sittings.minutes import build_body
    from hemicycle.sittings.models import Minutes

    minutes = Minutes.objects.filter(sitting=sitting).first()
    if minutes is not None and minutes.body.get("items"):
        return minutes.body
    return build_body(sitting)


def _ballot_summary(ballots: list) -> list[dict]:
    out = []
    for b in ballots:
        out.append({
            "method": b.get("method_label", ""), "round": b.get("round", 1), "secret": bool(b.get("secret")),
            "pour": b.get("pour", 0), "contre": b.get("contre", 0), "abstention": b.get("abstention", 0),
            "nppv": b.get("nppv", 0), "outcome": b.get("outcome_label", ""), "elected": b.get("elected", ""),
            "casting": bool(b.get("casting_vote_used")),
            "votes": [{"member": v.get("member", ""), "value": v.get("value_label", ""), "cast_by": v.get("cast_by", "")}
                      for v in b.get("votes") or []],
        })
    return out


def register_content(authority, year: int) -> dict:
    """Everything the register says, as plain JSON-able data (no dates of generation: two
    calls on unchanged facts give the same content, so its digest tells whether to re-render)."""
    from hemicycle.documents.models import FinalDocument

    sittings = list(register_sittings(authority, year))
    out_sittings, missing = [], []
    for s_index, sitting in enumerate(sittings, start=1):
        items = list(sitting.items.filter(number__isnull=False)
                     .select_related("act", "act__classification_version", "motion").order_by("number", "position"))
        finals = {f.item_id: f for f in FinalDocument.objects.filter(item__in=items)}
        labels = _matieres([i.act for i in items if i.act_id])
        body = _body(sitting)
        body_items = {i.get("id"): i for i in body.get("items", []) if isinstance(i, dict)}
        delibs = []
        for item in items:
            act = item.act
            final = finals.get(item.pk)
            matieres = []
            if act is not None:
                for code in act.matiere_codes or []:
                    matieres.append({"code": code, "label": labels.get((act.classification_version_id, code), "")})
            entry = {
                "key": f"d-{s_index}-{item.number}",
                "number": item.number,
                "reference": act.reference if act else (item.motion.number if item.motion_id else ""),
                "object": act.object if act else item.title,
                "kind": item.get_kind_display(),
                "decision": item.get_state_display(),
                "adopted": item.state == item.State.ADOPTED,
                "matieres": matieres,
                "visas": list(act.visas or []) if act else [],
                "considerants": list(act.considerants or []) if act else [],
                "articles": list(act.articles or []) if act else ([item.motion.text] if item.motion_id else []),
                "verb": _("ARRÊTE") if act is not None and act.nature in ("AR", "AI") else _("DÉLIBÈRE"),
                "ballots": _ballot_summary(body_items.get(item.pk, {}).get("ballots") or []),
                "final_state": final.get_state_display() if final else "",
                "signed": bool(final and final.is_signed),
                "sha256": final.current_sha256 if final and final.is_signed else "",
            }
            delibs.append(entry)
            if act is not None and item.state == item.State.ADOPTED and not entry["signed"]:
                missing.append({"sitting": sitting.date.isoformat(), "number": item.number,
                                "reference": act.reference, "object": act.object})
        secretaries = [_member_name(m) for m in sitting.secretaries.order_by("last_name", "first_name")]
        out_sittings.append({
            "key": f"s-{s_index}",
            "slug": sitting.slug,
            "date": sitting.date.isoformat(),
            "date_text": french_date(sitting.date),
            "assembly": sitting.assembly.name,
            "time": f"{sitting.start_time.hour} h {sitting.start_time.minute:02d}" if sitting.start_time else "",
            "place": sitting.place,
            "opened_at": body.get("sitting", {}).get("opened_at", ""),
            "closed_at": body.get("sitting", {}).get("closed_at", ""),
            "president": _member_name(sitting.president) if sitting.president_id else "",
            "secretaries": secretaries,
            "present": [p.get("name", "") for p in body.get("present", [])],
            "represented": [{"name": r.get("name", ""), "holder": r.get("holder", "")} for r in body.get("represented", [])],
            "absent": [a.get("name", "") for a in body.get("absent", [])],
            "members_in_office": body.get("members_in_office"),
            "deliberations": delibs,
        })
    return {
        "authority": authority.name,
        "siren": authority.siren,
        "year": year,
        "assemblies": sorted({s["assembly"] for s in out_sittings}),
        "sittings": out_sittings,
        "missing": missing,
    }


def content_digest(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
                          .encode("utf-8")).hexdigest()


def subject_table(content: dict) -> list[dict]:
    """Deliberations grouped by matière (each act under its most precise code; "Sans
    classification" last), groups sorted by code."""
    groups: dict[str, dict] = {}
    for s in content["sittings"]:
        for d in s["deliberations"]:
            if d["matieres"]:
                m = d["matieres"][-1]
                key, title = m["code"], f"{m['code']} {m['label']}".strip()
            else:
                key, title = "~", _("Sans classification")
            group = groups.setdefault(key, {"code": key, "title": title, "rows": []})
            group["rows"].append({"key": d["key"], "date_text": s["date_text"], "number": d["number"],
                                  "object": d["object"], "reference": d["reference"]})

    def sort_key(code):
        if code == "~":
            return (1, [])
        return (0, [int(p) if p.isdigit() else p for p in code.split(".")])

    return [groups[k] for k in sorted(groups, key=sort_key)]


def register_labels() -> dict:
    return {
        "title": _("Registre des délibérations"),
        "year": _("Année"),
        "page": _("page"),
        "version": _("version"),
        "sitting_of": _("Séance du"),
        "at": _("à"),
        "place": _("Lieu"),
        "president": _("Présidence"),
        "secretaries": _("Secrétaire(s) de séance"),
        "deliberation": _("Délibération n°"),
        "object": _("Objet"),
        "matieres": _("Matières"),
        "article": _("Article"),
        "vote": _("Vote"),
        "pour": _("pour"), "contre": _("contre"), "abstention": _("abstention"), "nppv": _("ne prend pas part au vote"),
        "round": _("tour"),
        "casting": _("voix prépondérante du président"),
        "names": _("Votes nominatifs"),
        "secret": _("scrutin secret"),
        "decision": _("Décision"),
        "signed_pdf": _("Document définitif signé, SHA-256"),
        "not_signed": _("Document définitif non signé"),
        "closing_sheet": _("Feuillet de clôture de la séance du"),
        "closing_list": _("Délibérations prises au cours de la séance"),
        "number": _("N°"),
        "present": _("Membres présents"),
        "represented": _("Membres représentés"),
        "holder": _("pouvoir à"),
        "absent": _("Membres absents"),
        "in_office": _("Membres en exercice"),
        "signature": _("Signature"),
        "sign_president": _("Le président de séance"),
        "sign_secretaries": _("Le(s) secrétaire(s) de séance"),
        "opened": _("Séance ouverte à"),
        "closed": _("levée à"),
        "none": _("néant"),
        "no_deliberation": _("Aucune délibération n'a été prise au cours de cette séance."),
        "table_date": _("Table chronologique des délibérations"),
        "table_subject": _("Table des délibérations par matière"),
        "date": _("Date"),
        "page_short": _("Page"),
        "closing_volume": _("Clôture du registre"),
        "empty": _("Aucune séance close cette année."),
        "electronic": _("Signatures électroniques du registre"),
        "e_president": _("Le président"),
        "e_secretary": _("Le secrétaire de séance"),
        "articles": "L2121-23, R2121-9 CGCT",
    }


def closing_text(content: dict, acts_count: int) -> str:
    return _("Le présent registre de l'année %(year)s contient %(acts)s délibération(s) prise(s) au cours de "
             "%(sittings)s séance(s). Ses pages sont numérotées de 1 à la dernière ; chaque séance se termine par "
             "son feuillet de clôture.") % {"year": content["year"], "acts": acts_count,
                                           "sittings": len(content["sittings"])}


# --- PDF ------------------------------------------------------------------------------------

_local = threading.local()


def _compiler() -> typst.Compiler:
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        compiler = typst.Compiler(str(TEMPLATE_DIR / "register.typ"), root=str(TEMPLATE_DIR), ignore_system_fonts=True)
        _local.compiler = compiler
    return compiler


def render_register_pdf(content: dict, *, version: int = 1) -> bytes:
    """PDF/A-2b of the register (numbered pages, signature frames on the last page)."""
    acts_count = sum(len(s["deliberations"]) for s in content["sittings"])
    labels = role_labels()
    data = {
        **content,
        "title": f"{_('Registre des délibérations')} {content['year']}",
        "version": version,
        "labels": register_labels(),
        "subjects": subject_table(content),
        "closing_text": closing_text(content, acts_count),
        "boxes": [{"role": r, "label": labels[r], "x1": b[0], "y1": b[1], "x2": b[2], "y2": b[3]}
                  for r, b in SIGNATURE_BOXES.items()],
    }
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    try:
        return _compiler().compile(format="pdf", sys_inputs={"data": payload}, pdf_standards=["a-2b"])
    except typst.TypstError as exc:
        raise RenderError(f"{exc.message} {exc.diagnostic}".strip()) from exc


# --- Electronic twin ---------------------------------------------------------------------------

def twin_rows(content: dict) -> list[dict]:
    rows = []
    for s in content["sittings"]:
        for d in s["deliberations"]:
            rows.append({
                "reference": d["reference"], "number": d["number"], "sitting": s["slug"],
                "sitting_date": s["date"], "assembly": s["assembly"], "object": d["object"],
                "decision": d["decision"], "matieres": [m["code"] for m in d["matieres"]],
                "final_state": d["final_state"], "sha256": d["sha256"],
            })
    return rows


def build_twin(content: dict, *, version: int, generated_at, register_pdf_sha256: str) -> tuple[bytes, bytes]:
    """The electronic twin as (JSON, CSV) bytes."""
    rows = twin_rows(content)
    twin = {
        "format": TWIN_FORMAT,
        "authority": {"name": content["authority"], "siren": content["siren"]},
        "year": content["year"],
        "version": version,
        "generated_at": generated_at.isoformat(),
        "register_pdf_sha256": register_pdf_sha256,
        "sittings": [{"slug": s["slug"], "date": s["date"], "assembly": s["assembly"],
                      "deliberations": len(s["deliberations"])} for s in content["sittings"]],
        "acts": rows,
    }
    json_bytes = json.dumps(twin, ensure_ascii=False, indent=2).encode("utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([r["reference"], r["number"], r["sitting_date"], r["sitting"], r["assembly"], r["object"],
                         r["decision"], " ".join(r["matieres"]), r["final_state"], r["sha256"]])
    return json_bytes, buffer.getvalue().encode("utf-8")


# --- Actions -------------------------------------------------------------------------------------

def can_manage(user, authority) -> bool:
    return (user is not None and user.is_authenticated and user.authority_id == authority.pk
            and user.has_role(Role.SECRETARIAT, Role.ADMINISTRATOR))


def _history_entry(volume: RegisterVolume) -> dict:
    return {"version": volume.version, "pdf_sha256": volume.pdf_sha256, "signed_sha256": volume.signed_sha256,
            "twin_sha256": volume.twin_sha256, "twin_csv_sha256": volume.twin_csv_sha256,
            "generated_at": volume.generated_at.isoformat() if volume.generated_at else None,
            "signed_at": volume.signed_at.isoformat() if volume.signed_at else None,
            "signatures": volume.signatures}


def generate_register(user, authority, year: int) -> tuple[RegisterVolume, bool]:
    """Produce (or bring up to date) the register of ``year``. Returns (volume, changed).

    Unchanged facts: nothing is rendered again. Changed facts on a volume already (partly)
    signed: the previous version is kept in ``history`` (its files stay archived) and the new
    one waits for new signatures."""
    if not can_manage(user, authority):
        raise PermissionDenied(_("Seuls le secrétariat des assemblées et l'administrateur produisent le registre."))
    if year < 1900 or year > timezone.localdate().year:
        raise ValidationError(_("Année invalide : %(year)s.") % {"year": year})
    content = register_content(authority, year)
    if not content["sittings"]:
        raise ValidationError(_("Aucune séance close en %(year)s : il n'y a pas de registre à produire.")
                              % {"year": year})
    digest = content_digest(content)
    with transaction.atomic():
        volume, created = RegisterVolume.objects.select_for_update().get_or_create(authority=authority, year=year)
        if not created and volume.source_sha256 == digest and volume.pdf_sha256 and blobs.exists(volume.pdf_sha256):
            return volume, False
        previous = None
        if not created and volume.pdf_sha256:
            previous = _history_entry(volume)
            volume.history = [*volume.history, previous]
            volume.version += 1
        now = timezone.now()
        pdf = render_register_pdf(content, version=volume.version)
        pdf_sha = blobs.put(pdf)
        twin_json, twin_csv = build_twin(content, version=volume.version, generated_at=now, register_pdf_sha256=pdf_sha)
        volume.source_sha256 = digest
        volume.pdf_sha256 = pdf_sha
        volume.signed_sha256 = ""
        volume.twin_sha256 = blobs.put(twin_json)
        volume.twin_csv_sha256 = blobs.put(twin_csv)
        volume.pages = _page_count(pdf)
        volume.sittings_count = len(content["sittings"])
        volume.acts_count = sum(len(s["deliberations"]) for s in content["sittings"])
        volume.missing = content["missing"]
        volume.signatures = []
        volume.signed_at = None
        volume.state = RegisterVolume.State.DRAFT
        volume.generated_at = now
        volume.generated_by = user
        volume.save()
        record("register.generated" if previous is None else "register.regenerated", actor=user, obj=volume,
               data={"year": year, "version": volume.version, "pdf_sha256": pdf_sha,
                     "twin_sha256": volume.twin_sha256, "acts": volume.acts_count,
                     "missing": len(volume.missing),
                     "previous_pdf_sha256": previous["signed_sha256"] or previous["pdf_sha256"] if previous else ""})
        if not volume.missing:
            _notify_signatories(volume, user)
    return volume, True


def _page_count(pdf: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _sittings_of(volume: RegisterVolume):
    return register_sittings(volume.authority, volume.year)


def eligible_roles(user, volume: RegisterVolume) -> set[str]:
    """The capacities in which ``user`` may sign the volume: "president" for the member who
    presided one of its sittings (or a signatory of the authority: the mayor or the president
    of the council), "secretary" for a member who was secretary of one of its sittings."""
    if user is None or not user.is_authenticated or user.authority_id != volume.authority_id:
        return set()
    roles = set()
    member = getattr(user, "member", None)
    sittings = _sittings_of(volume)
    if user.has_role(Role.SIGNATORY) or (member is not None and sittings.filter(president=member).exists()):
        roles.add("president")
    if member is not None and sittings.filter(secretaries=member).exists():
        roles.add("secretary")
    return roles


def pending_roles(volume: RegisterVolume) -> list[str]:
    done = volume.signed_roles()
    return [r for r in SIGNATURE_ORDER if r not in done]


def can_sign(user, volume: RegisterVolume) -> set[str]:
    """Roles ``user`` can sign now (empty when nothing to sign or already signed by them)."""
    if volume.state == RegisterVolume.State.SIGNED or volume.missing or not volume.pdf_sha256:
        return set()
    if any(s.get("user") == getattr(user, "pk", None) for s in volume.signatures):
        return set()
    return eligible_roles(user, volume) & set(pending_roles(volume))


def _notify_signatories(volume: RegisterVolume, actor) -> None:
    from django.urls import reverse

    from hemicycle.accounts.models import User
    from hemicycle.notifications.services import notify

    sittings = _sittings_of(volume)
    member_ids = set(sittings.values_list("president_id", flat=True)) | set(
        sittings.values_list("secretaries__id", flat=True))
    users = list(User.objects.filter(authority=volume.authority, member__id__in=[m for m in member_ids if m]))
    users += list(User.objects.filter(authority=volume.authority, role_assignments__role=Role.SIGNATORY).distinct())
    notify(users, "register", _("Le registre des délibérations %(year)s est prêt à être signé.") % {"year": volume.year},
           url=reverse("archives:register", kwargs={"year": volume.year}), exclude=actor)


def capacity_for(user, role: str) -> str:
    if role == "president":
        return user.title or _("Président de séance")
    return _("Secrétaire de séance")


def apply_signature(pdf: bytes, user, *, capacity: str, field_name: str, box) -> bytes:
    """PAdES signature of the register's last page by ``user`` (documents/signing.py)."""
    from hemicycle.documents.signing import sign_pdf

    return sign_pdf(pdf, user, capacity=capacity, field_name=field_name, page=-1, box=box)


def sign_register(user, volume: RegisterVolume, role: str) -> RegisterVolume:
    """Co-signature of the register (president and secretary): ``user`` signs in ``role``."""
    if role not in SIGNATURE_BOXES:
        raise ValidationError(_("Qualité de signature inconnue."))
    with transaction.atomic():
        volume = RegisterVolume.objects.select_for_update().select_related("authority").get(pk=volume.pk)
        if user.authority_id != volume.authority_id:
            raise PermissionDenied(_("Ce registre n'est pas celui de votre collectivité."))
        if role not in eligible_roles(user, volume):
            raise PermissionDenied(_("Vous ne pouvez pas signer ce registre en qualité de « %(role)s ».")
                                   % {"role": role_labels()[role]})
        if volume.state == RegisterVolume.State.SIGNED:
            raise ValidationError(_("Le registre %(year)s est déjà signé.") % {"year": volume.year})
        if volume.missing:
            raise ValidationError(_("Le registre ne peut pas être signé : %(n)s délibération(s) adoptée(s) n'ont pas "
                                    "encore de document définitif signé. Signez-les puis mettez le registre à jour.")
                                  % {"n": len(volume.missing)})
        if role in volume.signed_roles():
            raise ValidationError(_("Le registre a déjà été signé en qualité de « %(role)s ».")
                                  % {"role": role_labels()[role]})
        if any(s.get("user") == user.pk for s in volume.signatures):
            raise ValidationError(_("Vous avez déjà signé ce registre : la seconde signature revient à une autre "
                                    "personne."))
        source = blobs.get(volume.current_sha256)
        capacity = capacity_for(user, role)
        signed = apply_signature(source, user, capacity=capacity, field_name=f"Registre-{role}",
                                 box=SIGNATURE_BOXES[role])
        sha = blobs.put(signed)
        now = timezone.now()
        volume.signatures = [*volume.signatures, {
            "user": user.pk, "name": user.get_full_name() or user.get_username(), "capacity": capacity,
            "role": role, "field": f"Registre-{role}", "at": now.isoformat(), "input_sha256": volume.current_sha256,
            "sha256": sha}]
        volume.signed_sha256 = sha
        complete = not pending_roles(volume)
        volume.state = RegisterVolume.State.SIGNED if complete else RegisterVolume.State.PARTIALLY_SIGNED
        volume.signed_at = now if complete else None
        volume.save(update_fields=["signatures", "signed_sha256", "state", "signed_at"])
        record("register.signed", actor=user, obj=volume,
               data={"year": volume.year, "version": volume.version, "role": role, "capacity": capacity,
                     "sha256": sha, "complete": complete})
        if complete:
            from django.urls import reverse

            from hemicycle.accounts.models import User
            from hemicycle.notifications.services import notify

            managers = User.objects.filter(authority=volume.authority, role_assignments__role=Role.SECRETARIAT).distinct()
            notify(managers, "register", _("Le registre des délibérations %(year)s est signé.") % {"year": volume.year},
                   url=reverse("archives:register", kwargs={"year": volume.year}), exclude=user)
    return volume
