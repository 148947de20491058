"""SCDL « Délibérations » 2.1.5 (OpenDataFrance, schema.data.gouv.fr): the open-data file of
an authority's deliberations, one row per deliberation decided in a sitting and published.

Columns, in the schema's order (schemas/deliberations.schema.json, shipped with the package):
COLL_NOM, COLL_SIRET, DELIB_ID, DELIB_DATE, DELIB_MATIERE_CODE, DELIB_MATIERE_NOM, DELIB_OBJET,
BUDGET_ANNEE, BUDGET_NOM, PREF_ID, PREF_DATE, VOTE_EFFECTIF, VOTE_REEL, VOTE_POUR, VOTE_CONTRE,
VOTE_ABSTENTION, DELIB_URL. CSV, comma, UTF-8, header row; missing values are empty.

- DELIB_ID: the act's reference, exactly as ``hemicycle actes_export`` takes it ("2026 DAC 123").
- DELIB_MATIERE_CODE / _NOM: the second level of the act's @CTES classification ("7.5") and its
  label in the classification the act was classified with (``acts.Matiere``).
- PREF_ID / PREF_DATE: once the prefecture acknowledged the act (ARActe): the prefecture's
  identifier in the schema's form ``PREF`` + department on three characters (the IDActe itself,
  "075-217500016-…", does not fit the column's pattern), and the date of reception.
- VOTE_EFFECTIF: members in office of the assembly (seats − vacancies); VOTE_REEL: members who
  took part in the final vote (present + represented − not taking part); VOTE_POUR / _CONTRE /
  _ABSTENTION: the final ballot's totals (for a secret ballot, blank and spoilt papers count as
  abstentions). Inconsistent figures (schema cross-field rules) are left out, with a warning.
- DELIB_OBJET: the object as published (with the passages masked for personal data).
- DELIB_URL: the act's published PDF on the public portal (``publication:act_pdf``), absolute
  with ``HEMICYCLE_BASE_URL``.

The rows are read with three queries in all (``.values_list()`` streamed, no per-row query). Every export is checked with frictionless against
the shipped schema before it is written or served.
"""

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db.models import F, TextField
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse

from hemicycle.acts.models import ActState, Matiere, Nature
from hemicycle.organisation.models import Authority
from hemicycle.sittings.models import AgendaItem, Ballot

from .sources import acknowledged_transmissions, published, published_object

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "deliberations.schema.json"

MATIERE_CODE = re.compile(r"^\d\.\d{1,2}$")
# The first second-level code in the stored JSON list: '["7", "7.5", "7.5.2"]' → "7.5".
CODE_IN_JSON = re.compile(r'"(\d\.\d{1,2})(?:[."])')
# Cross-field rule of the schema: the second-level codes of the @CTES classification.
VALID_MATIERES = frozenset(
    f"{top}.{sub}" for top, last in ((1, 7), (2, 3), (3, 6), (4, 5), (5, 8), (6, 5), (7, 10), (8, 9), (9, 4))
    for sub in range(1, last + 1))
SIRET = re.compile(r"^\d{14}$")
DEPARTMENT = re.compile(r"^\d{2}[0-9AB]$")


class ScdlError(Exception):
    """The export cannot be produced (French message for the user)."""


@cache
def schema_descriptor() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def fields() -> tuple[str, ...]:
    return tuple(f["name"] for f in schema_descriptor()["fields"])


@dataclass
class Export:
    data: bytes = b""
    rows: int = 0
    warnings: list[str] = field(default_factory=list)


def matiere_code_in(codes_json: str) -> str:
    """The classification's second level from an act's stored codes, as JSON text (what the
    export reads, without decoding 60,000 lists): '["7", "7.5", "7.5.2"]' → "7.5"."""
    found = CODE_IN_JSON.search(codes_json or "")
    return found.group(1) if found else ""


def matiere_code(codes) -> str:
    """Same from a list: ["7", "7.5", "7.5.2"] → "7.5"; ["7"] → ""."""
    return matiere_code_in(json.dumps([str(c) for c in codes or []]))


def prefecture_id(id_acte: str, department_code: str) -> str:
    """SCDL PREF_ID of the prefecture that acknowledged the act: "PREF075". The department
    comes from the IDActe ("075-217500016-…"), else from the authority."""
    department = (id_acte or "").split("-")[0]
    if not DEPARTMENT.match(department):
        department = department_code or ""
    return f"PREF{department}" if DEPARTMENT.match(department) else ""


def vote_problems(row: dict) -> list[str]:
    """The schema's cross-field rules on votes (frictionless does not check them)."""
    def n(name):
        value = row.get(name)
        return None if value in ("", None) else int(value)

    problems = []
    effectif, reel = n("VOTE_EFFECTIF"), n("VOTE_REEL")
    if effectif is not None and reel is not None and reel > effectif:
        problems.append(f"{reel} votants pour {effectif} membres en exercice")
    counts = [n("VOTE_POUR"), n("VOTE_CONTRE"), n("VOTE_ABSTENTION")]
    if reel is not None and all(c is not None for c in counts) and sum(counts) > reel:
        problems.append(f"{sum(counts)} voix pour {reel} votants")
    return problems


def _act_pdf_url_maker():
    """reverse('publication:act_pdf') once, then fill slugs in (60,000 reverse() calls cost seconds)."""
    base = settings.HEMICYCLE_BASE_URL.rstrip("/")
    marker_a, marker_s = "AUTHORITYXMARKER", "SLUGXMARKER"
    try:
        pattern = reverse("publication:act_pdf", kwargs={"authority": marker_a, "slug": marker_s})
    except NoReverseMatch:
        return lambda authority_slug, act_slug: ""
    simple = re.compile(r"^[-A-Za-z0-9_]+$")

    def make(authority_slug: str, act_slug: str) -> str:
        if not act_slug:
            return ""
        if simple.match(act_slug) and simple.match(authority_slug):
            return base + pattern.replace(marker_a, authority_slug).replace(marker_s, quote(act_slug))
        try:
            return base + reverse("publication:act_pdf", kwargs={"authority": authority_slug, "slug": act_slug})
        except NoReverseMatch:
            return ""

    return make


def _matiere_labels(authorities: dict) -> tuple[dict, dict]:
    """(version id, code) → label for second-level codes, and authority id → latest version id."""
    from hemicycle.acts.models import ClassificationVersion

    versions = list(ClassificationVersion.objects.filter(authority_id__in=authorities)
                    .order_by("authority_id", "version_date", "pk").values_list("pk", "authority_id"))
    latest = {}
    for pk, authority_id in versions:
        latest[authority_id] = pk
    labels = {}
    rows = Matiere.objects.filter(version_id__in=[pk for pk, _ in versions]).values_list("version_id", "code", "label")
    for version_id, code, text in rows.iterator(chunk_size=5000):
        if MATIERE_CODE.match(code):
            labels[(version_id, code)] = text
    return labels, latest


def deliberation_items(*, authority: Authority | None = None, year: int | None = None):
    """The deciding agenda items of published deliberations, in date order (a queryset)."""
    qs = AgendaItem.objects.filter(
        kind=AgendaItem.Kind.ACT, state__in=[AgendaItem.State.ADOPTED, AgendaItem.State.REJECTED],
        act__nature=Nature.DE, act__state__in=[ActState.ADOPTED, ActState.REJECTED])
    if authority is not None:
        qs = qs.filter(sitting__authority=authority)
    if year is not None:
        qs = qs.filter(sitting__date__year=year)
    return qs.filter(published("act_id"))


def _final_ballots(items) -> dict:
    """item id → (present, represented, pour, contre, abstention, nppv) of its last closed ballot
    on the item itself (not on an amendment). One query for the whole export."""
    ballots = {}
    rows = (Ballot.objects.filter(item__in=items.values("pk"), amendment__isnull=True, state=Ballot.State.CLOSED)
            .order_by("item_id", "round", "pk")
            .values_list("item_id", "present", "represented", "pour", "contre", "abstention", "nppv"))
    for row in rows.iterator(chunk_size=5000):
        ballots[row[0]] = row[1:]  # the last one is the final vote
    return ballots


def _acknowledgements(items) -> dict:
    """act id → (IDActe, date of reception) of its acknowledged transmission (latest attempt)."""
    acks = {}
    rows = (acknowledged_transmissions().filter(act__in=items.values("act_id"))
            .order_by("act_id", "attempt").values_list("act_id", "id_acte", "received_on"))
    for act_id, id_acte, received_on in rows.iterator(chunk_size=5000):
        acks[act_id] = (id_acte, received_on)
    return acks


def deliberation_rows(*, authority: Authority | None = None, year: int | None = None,
                      warnings: list | None = None):
    """Yield one dict per deliberation (keys: the schema's fields, values: strings).

    Three queries whatever the number of deliberations: the items with their act and sitting,
    the final ballots, the acknowledgements (plus the authorities and the classification)."""
    warnings = warnings if warnings is not None else []
    authority_qs = Authority.objects.all() if authority is None else Authority.objects.filter(pk=authority.pk)
    authorities = {a["pk"]: a for a in authority_qs.values("pk", "name", "slug", "siret", "department_code", "seats")}
    labels, latest = _matiere_labels(authorities)
    url_for = _act_pdf_url_maker()
    items = deliberation_items(authority=authority, year=year)
    ballots = _final_ballots(items)
    acks = _acknowledgements(items)
    shown = published_object("act_id")
    rows = (items.annotate(codes_text=Cast("act__matiere_codes", TextField()),
                           shown_object=shown if shown is not None else F("act__object"))
            .order_by("sitting__date", "sitting_id", "number", "position", "pk")
            .values_list("pk", "act_id", "act__reference", "act__slug", "act__object", "codes_text",
                         "act__classification_version_id", "act__budget_year", "act__budget_name", "act__authority_id",
                         "shown_object", "sitting__date", "sitting__assembly__seats", "sitting__assembly__vacancies"))
    seen = set()
    for (item_id, act_id, reference, act_slug, act_object, codes_text, version_id, budget_year, budget_name,
         authority_id, shown_object, date, seats, vacancies) in rows.iterator(chunk_size=2000):
        if act_id in seen:
            continue
        seen.add(act_id)
        org = authorities[authority_id]
        if not SIRET.match(org["siret"] or ""):
            warnings.append(f"{reference} : SIRET de la collectivité « {org['name']} » manquant ou invalide, "
                            "délibération non exportée.")
            continue
        code = matiere_code_in(codes_text)
        label = labels.get((version_id or latest.get(authority_id), code)) or labels.get((latest.get(authority_id), code))
        if code not in VALID_MATIERES or not label:
            warnings.append(f"{reference} : classification (matière de second niveau) absente ou inconnue, "
                            "délibération non exportée.")
            continue
        row = {
            "COLL_NOM": org["name"], "COLL_SIRET": org["siret"], "DELIB_ID": reference,
            "DELIB_DATE": date.isoformat(), "DELIB_MATIERE_CODE": code, "DELIB_MATIERE_NOM": label,
            "DELIB_OBJET": " ".join((shown_object or act_object or "").split()),
            "BUDGET_ANNEE": str(budget_year) if budget_year else "", "BUDGET_NOM": budget_name or "",
            "PREF_ID": "", "PREF_DATE": "",
            "VOTE_EFFECTIF": "", "VOTE_REEL": "", "VOTE_POUR": "", "VOTE_CONTRE": "", "VOTE_ABSTENTION": "",
            "DELIB_URL": url_for(org["slug"], act_slug),
        }
        ack = acks.get(act_id)
        if ack is not None:
            id_acte, received_on = ack
            if received_on < date:
                warnings.append(f"{reference} : date de réception en préfecture antérieure à la délibération, "
                                "PREF_ID et PREF_DATE laissés vides.")
            else:
                row["PREF_ID"] = prefecture_id(id_acte, org["department_code"])
                row["PREF_DATE"] = received_on.isoformat() if row["PREF_ID"] else ""
        in_office = (seats or org["seats"] or 0) - (vacancies or 0)
        if in_office > 0:
            row["VOTE_EFFECTIF"] = str(in_office)
        ballot = ballots.get(item_id)
        if ballot is not None:
            present, represented, pour, contre, abstention, nppv = ballot
            row.update(VOTE_REEL=str(max(present + represented - nppv, 0)), VOTE_POUR=str(pour),
                       VOTE_CONTRE=str(contre), VOTE_ABSTENTION=str(abstention))
            problems = vote_problems(row)
            if problems:
                warnings.append(f"{reference} : décompte incohérent ({' ; '.join(problems)}), "
                                "résultats du vote laissés vides.")
                row.update(VOTE_REEL="", VOTE_POUR="", VOTE_CONTRE="", VOTE_ABSTENTION="")
        yield row


def write_csv(rows, stream) -> int:
    """Write the header and the rows to a text stream; return the number of rows."""
    names = fields()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(names)
    count = 0
    for row in rows:
        writer.writerow([row[name] for name in names])
        count += 1
    return count


def validate_csv(data: bytes) -> list[str]:
    """Check an SCDL deliberations CSV with frictionless against the shipped schema.
    Returns the errors as French lines (empty: valid)."""
    from frictionless import Resource, Schema

    resource = Resource(source=data, format="csv", encoding="utf-8",
                        schema=Schema.from_descriptor(schema_descriptor()))
    report = resource.validate()
    if report.valid:
        return []
    errors = []
    for row_number, field_name, note in report.flatten(["rowNumber", "fieldName", "note"]):
        where = f"ligne {row_number}" if row_number else "fichier"
        errors.append(f"Erreur SCDL ({where}{', ' + field_name if field_name else ''}) : {note}")
    return errors


def export(*, authority: Authority | None = None, year: int | None = None, reuse_validation: bool = False) -> Export:
    """The validated CSV bytes. Raises ScdlError when frictionless finds the output invalid.

    ``reuse_validation`` (the public URL): a file identical to one already validated (same
    SHA-256) is not validated again — frictionless takes seconds on tens of thousands of rows."""
    result = Export()
    stream = io.StringIO()
    result.rows = write_csv(deliberation_rows(authority=authority, year=year, warnings=result.warnings), stream)
    result.data = stream.getvalue().encode("utf-8")
    key = f"opendata:scdl-valid:{hashlib.sha256(result.data).hexdigest()}"
    if reuse_validation and django_cache.get(key):
        return result
    errors = validate_csv(result.data)
    if errors:
        raise ScdlError("Le fichier SCDL produit n'est pas valide :\n" + "\n".join(errors[:20]))
    django_cache.set(key, True, timeout=7 * 24 * 3600)
    return result
