"""Importing the prefecture's classification of acts (matières), @CTES flow 7-2.

The prefecture answers a DemandeClassification with a ``RetourClassification``: its version
date (``DateClassification``) and a tree of ``Matiere1`` … ``Matiere5`` elements carrying
``CodeMatiere`` and ``Libelle`` attributes. Codes are stored dotted from the root ("7",
"7.5", "7.5.1"), with their level (1 to 5), in a ``ClassificationVersion`` of the authority.

The file comes from outside: it is parsed without entity resolution, without network access,
without DTD and with a size limit; anything suspicious or malformed is refused with a French
message and nothing is written. Importing a version date already imported changes nothing.
"""

import re
from dataclasses import dataclass
from datetime import date
from importlib import resources

from django.db import IntegrityError, transaction
from lxml import etree

from hemicycle.core import blobs
from hemicycle.journal.services import record

from .models import ClassificationVersion, Matiere

ACTES_NS = "http://www.interieur.gouv.fr/ACTES#v1.1-20040216"
MAX_CLASSIFICATION_BYTES = 5 * 1024 * 1024
MAX_LEVELS = 5
_MATIERE_TAG = re.compile(r"^Matiere(\d)$")
_CODE = re.compile(r"^[0-9A-Za-z]{1,5}$")
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DTD_REFUSED = ("Le fichier contient une déclaration DTD (DOCTYPE / ENTITY) : elle est refusée par sécurité. "
                "Une classification de la préfecture n'en contient pas ; rien n'a été importé.")


class ClassificationError(Exception):
    """The file cannot be imported; the message says why, in French."""


@dataclass
class ParsedClassification:
    version_date: date
    matieres: list  # [(code, label, level)] in document order


@dataclass
class ImportResult:
    version: ClassificationVersion
    created: bool
    count: int

    @property
    def message(self) -> str:
        when = self.version.version_date.strftime("%d/%m/%Y")
        if self.created:
            return f"Classification du {when} importée : {self.count} matières."
        return f"La classification du {when} est déjà importée : rien n'a été modifié."


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _attr(element, name: str) -> str:
    value = element.get(f"{{{ACTES_NS}}}{name}")
    if value is None:
        value = element.get(name)
    return " ".join((value or "").split())


def parse_classification(content: bytes) -> ParsedClassification:
    """Read a RetourClassification; raise ClassificationError on anything unexpected."""
    if len(content) > MAX_CLASSIFICATION_BYTES:
        raise ClassificationError(
            f"Le fichier dépasse {MAX_CLASSIFICATION_BYTES // (1024 * 1024)} Mo : ce n'est pas une classification.")
    if not content.strip():
        raise ClassificationError("Le fichier est vide.")
    # No prefecture file declares a DTD: refuse any before parsing (entity bombs, external entities);
    # NUL bytes are dropped for the scan so that UTF-16 documents are caught too.
    if _DTD.search(content.replace(b"\x00", b"")):
        raise ClassificationError(_DTD_REFUSED)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             dtd_validation=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise ClassificationError(
            f"Le fichier n'est pas un XML bien formé : erreur ligne {exc.lineno} ({exc.msg}). "
            "Rien n'a été importé.") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise ClassificationError(_DTD_REFUSED)
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise ClassificationError("Le fichier contient des références d'entités : il est refusé par sécurité.")
    if _local(root.tag) != "RetourClassification" or etree.QName(root).namespace not in (ACTES_NS, None):
        raise ClassificationError(
            "Ce fichier n'est pas une classification @CTES : l'élément racine doit être "
            "actes:RetourClassification.")
    date_el = next((el for el in root if _local(el.tag) == "DateClassification"), None)
    if date_el is None or not (date_el.text or "").strip():
        raise ClassificationError("La date de la classification (DateClassification) est absente.")
    try:
        version_date = date.fromisoformat(date_el.text.strip())
    except ValueError as exc:
        raise ClassificationError(
            f"La date de la classification « {date_el.text.strip()} » n'est pas au format AAAA-MM-JJ.") from exc
    container = next((el for el in root if _local(el.tag) == "Matieres"), None)
    if container is None:
        raise ClassificationError("Le fichier ne contient aucune matière (élément Matieres absent).")
    matieres: list[tuple[str, str, int]] = []
    seen: set[str] = set()

    def walk(parent, prefix: str, level: int) -> None:
        for element in parent:
            match = _MATIERE_TAG.match(_local(element.tag))
            if match is None:
                continue
            declared = int(match.group(1))
            if declared != level or level > MAX_LEVELS:
                raise ClassificationError(
                    f"Élément {_local(element.tag)} mal placé (ligne {element.sourceline}) : "
                    f"un élément Matiere{level} est attendu à ce niveau.")
            code_part = _attr(element, "CodeMatiere")
            label = _attr(element, "Libelle")  # real files have blank labels (e.g. 6.1.10): kept blank
            if not _CODE.match(code_part):
                raise ClassificationError(
                    f"Code de matière « {code_part} » invalide (ligne {element.sourceline}).")
            code = f"{prefix}.{code_part}" if prefix else code_part
            if code in seen:
                raise ClassificationError(f"La matière {code} figure deux fois (ligne {element.sourceline}).")
            seen.add(code)
            matieres.append((code, label[:300], level))
            walk(element, code, level + 1)

    walk(container, "", 1)
    if not matieres:
        raise ClassificationError("Le fichier ne contient aucune matière.")
    return ParsedClassification(version_date, matieres)


@transaction.atomic
def import_classification(authority, content: bytes, *, actor=None) -> ImportResult:
    """Store a classification for the authority, unless its version date is already there.

    Rights are checked by the caller (organisation.actions for the web page; the management
    command is run by the operator)."""
    parsed = parse_classification(content)
    existing = ClassificationVersion.objects.filter(authority=authority, version_date=parsed.version_date).first()
    if existing is not None:
        return ImportResult(existing, False, existing.matieres.count())
    digest = blobs.put(content)
    try:
        with transaction.atomic():
            version = ClassificationVersion.objects.create(authority=authority, version_date=parsed.version_date,
                                                           source_sha256=digest)
    except IntegrityError:  # imported at the same moment by someone else
        version = ClassificationVersion.objects.get(authority=authority, version_date=parsed.version_date)
        return ImportResult(version, False, version.matieres.count())
    Matiere.objects.bulk_create(
        [Matiere(version=version, code=code, label=label, level=level) for code, label, level in parsed.matieres])
    record("classification.imported", actor=actor, authority=authority, obj=version,
           data={"version_date": parsed.version_date.isoformat(), "matieres": len(parsed.matieres),
                 "sha256": digest})
    return ImportResult(version, True, len(parsed.matieres))


def default_classification_bytes() -> bytes:
    """The real classification file shipped with Hémicycle (a prefecture's RetourClassification)."""
    return (resources.files("hemicycle.acts") / "data" / "classification-example.xml").read_bytes()


def load_default_classification(authority) -> ImportResult:
    """Give an authority the packaged example classification (demo, first installation)."""
    return import_classification(authority, default_classification_bytes())


def _code_key(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in code.split("."))


def classification_tree(version: ClassificationVersion | None) -> list[dict]:
    """The matières of a version as nested nodes {code, label, level, children}, in natural order."""
    if version is None:
        return []
    rows = sorted(version.matieres.values_list("code", "label", "level"), key=lambda r: _code_key(r[0]))
    roots, nodes = [], {}
    for code, label, level in rows:
        node = {"code": code, "label": label, "level": level, "children": []}
        nodes[code] = node
        parent = nodes.get(code.rpartition(".")[0]) if "." in code else None
        (parent["children"] if parent else roots).append(node)
    return roots
