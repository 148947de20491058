"""SEDA 2.3 archive transfers (formats.md, "SEDA 2.3 — archive transfers").

``build_package(authority, sitting=…)`` or ``build_package(authority, year=…)`` returns a
:class:`Package`: an ``ArchiveTransfer`` message (namespace ``fr:gouv:culture:archivesdefrance:seda:v2.3``),
valid against ``archives/schemas/seda-2.3-main.xsd``, and the files it references. The zip
(``Package.zip_bytes()``) holds ``manifest.xml`` and every file under ``content/``, each declared
in the manifest with its SHA-512 digest, size, format (MIME type and PRONOM identifier) and name.

Archive units: [year →] sitting → act → documents. The documents of an act are its signed final
PDF (PAdES: the signatures are inside the PDF; SigningInformation describes them), its annexes,
the @CTES archive that was acknowledged and the prefecture's acknowledgement (ARActe XML). A
sitting also carries its minutes (procès-verbal, PDF/A-2b rendered from the stored body); a
year, the register of deliberations and its electronic twin.

Deliberations are kept permanently (rules.md, "Archives"): the package's default management
metadata say so with an AppraisalRule whose FinalAction is ``Keep``, and deliberations are
communicable to anyone at once (L2121-26 CGCT; code du patrimoine L213-1), hence the access rule.

Settings (all optional; defaults in brackets):

- ``HEMICYCLE_SEDA_ARCHIVAL_AGENCY``: identifier of the archives service ["FRAD" + the
  authority's department code, e.g. FRAD075 — the departmental archives];
- ``HEMICYCLE_SEDA_TRANSFERRING_AGENCY``: identifier of the transferring service [the authority's SIREN];
- ``HEMICYCLE_SEDA_ARCHIVAL_AGREEMENT``: the service agreement [HEMICYCLE-DELIBERATIONS];
- ``HEMICYCLE_SEDA_APPRAISAL_RULE``: the appraisal rule of the archives service's referential [APP0000,
  permanent keeping];
- ``HEMICYCLE_SEDA_ACCESS_RULE``: the access rule [AR038, immediately communicable].
"""

import datetime
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from hemicycle.core import blobs
from hemicycle.documents.render import french_date

NS = "fr:gouv:culture:archivesdefrance:seda:v2.3"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
MAIN_XSD = SCHEMA_DIR / "seda-2.3-main.xsd"
MANIFEST_NAME = "manifest.xml"
CONTENT_DIR = "content"
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# PRONOM identifiers of the formats Hémicycle produces or receives.
FORMATS = {
    "pdfa2b": ("application/pdf", "fmt/477", "Acrobat PDF/A - Portable Document Format 2b"),
    "pdf": ("application/pdf", "fmt/276", "Acrobat PDF 1.7 - Portable Document Format"),
    "xml": ("text/xml", "fmt/101", "Extensible Markup Language 1.0"),
    "gzip": ("application/gzip", "x-fmt/266", "GZIP Format"),
    "json": ("application/json", "fmt/817", "JSON Data Interchange Format"),
    "csv": ("text/csv", "x-fmt/18", "Comma Separated Values"),
}
PDF_VERSIONS = {"1.4": "fmt/18", "1.5": "fmt/19", "1.6": "fmt/20", "1.7": "fmt/276", "2.0": "fmt/1129"}


def setting(name: str, default: str) -> str:
    return getattr(settings, name, "") or default


def archival_agency(authority) -> str:
    return setting("HEMICYCLE_SEDA_ARCHIVAL_AGENCY", f"FRAD{authority.department_code}")


def transferring_agency(authority) -> str:
    return setting("HEMICYCLE_SEDA_TRANSFERRING_AGENCY", authority.siren)


# --- Formats --------------------------------------------------------------------------------------

def identify(data: bytes, mime: str = "", name: str = "") -> tuple[str, str, str]:
    """(MIME type, PRONOM id or "", literal) of a file, from its content first."""
    if data.startswith(b"%PDF-"):
        head = data[:4096]
        tail = data[-65536:] if len(data) > 65536 else data
        xmp = data if len(data) < 2_000_000 else head + tail
        if b"<pdfaid:part>2</pdfaid:part>" in xmp and b"<pdfaid:conformance>B</pdfaid:conformance>" in xmp:
            return FORMATS["pdfa2b"]
        version = data[5:8].decode("ascii", "replace")
        return ("application/pdf", PDF_VERSIONS.get(version, ""), f"Portable Document Format {version}")
    if data.startswith(b"\x1f\x8b"):
        return FORMATS["gzip"]
    stripped = data.lstrip()
    if stripped.startswith(b"<?xml") or name.lower().endswith(".xml"):
        return FORMATS["xml"]
    if name.lower().endswith(".json"):
        return FORMATS["json"]
    if name.lower().endswith(".csv"):
        return FORMATS["csv"]
    return (mime or "application/octet-stream", "", "")


def safe_name(text: str, *, limit: int = 80) -> str:
    """A file or folder name that any file system and zip reader accept."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return (text or "fichier")[:limit]


# --- The package ----------------------------------------------------------------------------------

@dataclass
class PackageFile:
    path: str  # inside the zip, under content/
    data: bytes
    owner: str  # what it belongs to, for people (and fixity reports)
    mime: str = ""
    sha256: str = ""
    sha512: str = ""
    format_id: str = ""
    format_literal: str = ""
    filename: str = ""

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Package:
    message_identifier: str
    manifest: bytes
    files: list[PackageFile] = field(default_factory=list)
    acts: int = 0
    warnings: list[str] = field(default_factory=list)

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in [(MANIFEST_NAME, self.manifest), *((f.path, f.data) for f in self.files)]:
                info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        return buffer.getvalue()


class _Builder:
    """Accumulates data objects and archive units, then writes the manifest."""

    def __init__(self, authority, *, now):
        self.authority = authority
        self.now = now
        self.files: list[PackageFile] = []
        self.paths: set[str] = set()
        self.warnings: list[str] = []
        self.acts = 0
        self.unit_seq = 0

    # Elements
    @staticmethod
    def el(parent, tag: str, text=None, **attrs):
        node = etree.SubElement(parent, f"{{{NS}}}{tag}", {k: str(v) for k, v in attrs.items()})
        if text is not None:
            node.text = str(text)
        return node

    def add_file(self, folder: str, name: str, data: bytes, owner: str, mime: str = "") -> PackageFile:
        base = safe_name(name)
        path = f"{CONTENT_DIR}/{folder}/{base}"
        n = 1
        while path in self.paths:
            n += 1
            stem, dot, ext = base.rpartition(".")
            path = f"{CONTENT_DIR}/{folder}/{stem}-{n}.{ext}" if dot else f"{CONTENT_DIR}/{folder}/{base}-{n}"
        self.paths.add(path)
        mime_found, fmt, literal = identify(data, mime, name)
        f = PackageFile(path=path, data=data, owner=owner, mime=mime_found, format_id=fmt, format_literal=literal,
                        sha256=hashlib.sha256(data).hexdigest(), sha512=hashlib.sha512(data).hexdigest(),
                        filename=name)
        self.files.append(f)
        return f

    def unit_id(self) -> str:
        self.unit_seq += 1
        return f"AU-{self.unit_seq}"

    # Units are kept as plain dicts until the manifest is written.
    def unit(self, *, level: str, title: str, identifier: str = "", description: str = "", document_type: str = "",
             keywords=(), start=None, end=None, files=(), signing=None, children=()) -> dict:
        return {"id": self.unit_id(), "level": level, "title": title, "identifier": identifier,
                "description": description, "document_type": document_type, "keywords": list(keywords),
                "start": start, "end": end, "files": list(files), "signing": signing, "children": list(children)}

    # --- Content of the authority's archives ------------------------------------------------------
    def document(self, folder: str, name: str, data: bytes, owner: str, title: str, *, document_type: str,
                 date=None, mime: str = "", signing=None) -> dict:
        f = self.add_file(folder, name, data, owner, mime)
        return self.unit(level="Item", title=title, document_type=document_type, start=date, end=date, files=[f],
                         signing=signing)

    def act_unit(self, final, item, sitting_folder: str) -> dict:
        act = final.act
        folder = f"{sitting_folder}/{safe_name(act.reference)}"
        decision = final.decision_date
        docs = []
        signing = [{"name": s.signer_name, "capacity": s.capacity, "at": s.signed_at}
                   for s in final.signatures.all().order_by("position")]
        docs.append(self.document(
            folder, f"{safe_name(act.reference)}.pdf", blobs.get(final.current_sha256),
            f"Acte {act.reference} : document définitif signé", _("%(ref)s — acte signé") % {"ref": act.reference},
            document_type=_("Délibération") if act.nature == "DE" else act.get_nature_display(), date=decision,
            signing=signing or None))
        for annex in act.annexes.filter(removed_at__isnull=True).order_by("position", "pk"):
            docs.append(self.document(
                f"{folder}/annexes", annex.original_name or f"annexe-{annex.pk}", blobs.get(annex.sha256),
                f"Acte {act.reference} : annexe « {annex.title} »", _("Annexe : %(t)s") % {"t": annex.title},
                document_type=_("Annexe"), date=decision, mime=annex.mime_type))
        transmission = self._acknowledged(act)
        if transmission is not None:
            if transmission.archive_sha256:
                docs.append(self.document(
                    f"{folder}/ctes", transmission.archive_name or "archive-actes.tar.gz",
                    blobs.get(transmission.archive_sha256),
                    f"Acte {act.reference} : archive @CTES transmise (envoi {transmission.attempt})",
                    _("Archive transmise au contrôle de légalité"), document_type=_("Archive @CTES"),
                    date=timezone.localtime(transmission.created_at).date()))
            for message in transmission.messages.filter(kind="ARActe", direction="in").exclude(xml_sha256=""):
                docs.append(self.document(
                    f"{folder}/ctes", f"ARActe-{transmission.id_acte or transmission.pk}.xml",
                    blobs.get(message.xml_sha256), f"Acte {act.reference} : accusé de réception de la préfecture",
                    _("Accusé de réception de la préfecture (%(id)s)") % {"id": transmission.id_acte},
                    document_type=_("Accusé de réception"), date=message.date or transmission.received_on))
        else:
            self.warnings.append(_("%(ref)s : pas d'accusé de réception de la préfecture.") % {"ref": act.reference})
        keywords = self._keywords(act)
        description = _("Délibération n° %(n)s de la séance du %(date)s.") % {
            "n": final.number or (item.number if item else ""), "date": french_date(decision)}
        if transmission is not None and transmission.received_on:
            description += " " + _("Reçue en préfecture le %(date)s (IDActe %(id)s).") % {
                "date": french_date(transmission.received_on), "id": transmission.id_acte}
        self.acts += 1
        return self.unit(level="File", title=act.object, identifier=act.reference, description=description,
                         document_type=act.get_nature_display(), keywords=keywords, start=decision, end=decision,
                         children=docs)

    @staticmethod
    def _acknowledged(act):
        from hemicycle.legality.models import Transmission

        return (Transmission.objects.filter(act=act, state=Transmission.State.ACKNOWLEDGED)
                .order_by("-attempt").first())

    @staticmethod
    def _keywords(act) -> list[dict]:
        from hemicycle.acts.models import Matiere

        codes = list(act.matiere_codes or [])
        labels = {}
        if codes and act.classification_version_id:
            labels = dict(Matiere.objects.filter(version_id=act.classification_version_id, code__in=codes)
                          .values_list("code", "label"))
        return [{"content": labels.get(c) or c, "reference": c} for c in codes]

    def sitting_unit(self, sitting, *, parent_folder: str = "") -> dict:
        from hemicycle.documents.models import FinalDocument
        from hemicycle.sittings.models import Minutes

        folder = f"{parent_folder}/{safe_name(sitting.slug)}" if parent_folder else safe_name(sitting.slug)
        children = []
        minutes = Minutes.objects.filter(sitting=sitting).select_related("adopted_at_item__sitting").first()
        if minutes is not None and minutes.body.get("items"):
            adopted = minutes.current_state == Minutes.State.ADOPTED
            title = _("Procès-verbal de la séance") if adopted else _("Procès-verbal de la séance (projet non adopté)")
            children.append(self.document(folder, f"proces-verbal-{sitting.slug}.pdf", minutes_pdf(minutes),
                                          f"Séance du {sitting.date:%d/%m/%Y} : procès-verbal", title,
                                          document_type=_("Procès-verbal"), date=sitting.date))
            if not adopted:
                self.warnings.append(_("Séance du %(date)s : procès-verbal non adopté.")
                                     % {"date": french_date(sitting.date)})
        else:
            self.warnings.append(_("Séance du %(date)s : pas de procès-verbal établi.") % {"date": french_date(sitting.date)})
        finals = (FinalDocument.objects.filter(item__sitting=sitting)
                  .select_related("act", "act__authority", "item").order_by("number", "item__position", "pk"))
        for final in finals:
            if not final.is_signed:
                self.warnings.append(_("%(ref)s : document définitif non signé, non versé.") % {"ref": final.act.reference})
                continue
            children.append(self.act_unit(final, final.item, folder))
        president = sitting.president
        description = _("%(assembly)s, séance du %(date)s") % {"assembly": sitting.assembly.name,
                                                                "date": french_date(sitting.date)}
        if sitting.place:
            description += f", {sitting.place}"
        if president is not None:
            description += ". " + _("Présidence : %(name)s") % {
                "name": " ".join(p for p in (president.civility, president.first_name, president.last_name) if p)}
        return self.unit(level="RecordGrp", title=_("%(assembly)s — séance du %(date)s") % {
            "assembly": sitting.assembly.name, "date": french_date(sitting.date)},
            identifier=sitting.slug, description=description + ".", document_type=_("Séance"),
            start=sitting.date, end=sitting.date, children=children)

    def register_unit(self, volume) -> dict:
        folder = f"registre-{volume.year}"
        docs = [self.document(folder, f"registre-deliberations-{volume.year}.pdf", blobs.get(volume.current_sha256),
                              f"Registre {volume.year} : PDF", _("Registre des délibérations %(y)s") % {"y": volume.year},
                              document_type=_("Registre des délibérations"), date=volume.generated_at.date(),
                              signing=[{"name": s.get("name", ""), "capacity": s.get("capacity", ""),
                                        "at": datetime.datetime.fromisoformat(s["at"])}
                                       for s in volume.signatures if s.get("at")] or None)]
        if volume.twin_sha256:
            docs.append(self.document(folder, f"registre-{volume.year}-jumeau.json", blobs.get(volume.twin_sha256),
                                      f"Registre {volume.year} : jumeau électronique (JSON)",
                                      _("Jumeau électronique du registre (JSON)"), document_type=_("Jumeau électronique"),
                                      date=volume.generated_at.date()))
        if volume.twin_csv_sha256:
            docs.append(self.document(folder, f"registre-{volume.year}-jumeau.csv", blobs.get(volume.twin_csv_sha256),
                                      f"Registre {volume.year} : jumeau électronique (CSV)",
                                      _("Jumeau électronique du registre (CSV)"), document_type=_("Jumeau électronique"),
                                      date=volume.generated_at.date()))
        if volume.state != volume.State.SIGNED:
            self.warnings.append(_("Le registre %(y)s n'est pas encore signé.") % {"y": volume.year})
        return self.unit(level="File", title=_("Registre des délibérations %(y)s") % {"y": volume.year},
                         identifier=f"registre-{volume.year}-v{volume.version}", document_type=_("Registre"),
                         start=datetime.date(volume.year, 1, 1), end=datetime.date(volume.year, 12, 31), children=docs)

    # --- Manifest -----------------------------------------------------------------------------------
    def manifest(self, message_identifier: str, units: list[dict], *, comment: str, start_date) -> bytes:
        root = etree.Element(f"{{{NS}}}ArchiveTransfer", nsmap={None: NS, "xlink": "http://www.w3.org/1999/xlink"})
        self.el(root, "Comment", comment)
        self.el(root, "Date", self.now.isoformat(timespec="seconds"))
        self.el(root, "MessageIdentifier", message_identifier)
        self.el(root, "ArchivalAgreement", setting("HEMICYCLE_SEDA_ARCHIVAL_AGREEMENT", "HEMICYCLE-DELIBERATIONS"))
        codes = self.el(root, "CodeListVersions")
        for tag, value in [("ReplyCodeListVersion", "ReplyCodeListVersion0"),
                           ("MessageDigestAlgorithmCodeListVersion", "DigestAlgorithmCodeListVersion0"),
                           ("MimeTypeCodeListVersion", "MimeTypeCodeListVersion0"),
                           ("EncodingCodeListVersion", "EncodingCodeListVersion0"),
                           ("FileFormatCodeListVersion", "PRONOM"),
                           ("DataObjectVersionCodeListVersion", "DataObjectVersionCodeListVersion0"),
                           ("AppraisalRuleCodeListVersion", "AppraisalRuleCodeListVersion0"),
                           ("AccessRuleCodeListVersion", "AccessRuleCodeListVersion0")]:
            self.el(codes, tag, value)
        package = self.el(root, "DataObjectPackage")
        group_of = {}
        for n, f in enumerate(self.files, start=1):
            group = self.el(package, "DataObjectGroup", id=f"GRP-{n}")
            group_of[id(f)] = f"GRP-{n}"
            bdo = self.el(group, "BinaryDataObject", id=f"BDO-{n}")
            self.el(bdo, "DataObjectVersion", "BinaryMaster_1")
            self.el(bdo, "Uri", f.path)
            self.el(bdo, "MessageDigest", f.sha512, algorithm="SHA-512")
            self.el(bdo, "Size", f.size)
            fmt = self.el(bdo, "FormatIdentification")
            if f.format_literal:
                self.el(fmt, "FormatLitteral", f.format_literal)
            self.el(fmt, "MimeType", f.mime or "application/octet-stream")
            if f.format_id:
                self.el(fmt, "FormatId", f.format_id)
            info = self.el(bdo, "FileInfo")
            self.el(info, "Filename", f.filename or f.path.rsplit("/", 1)[-1])
        descriptive = self.el(package, "DescriptiveMetadata")
        for u in units:
            self._write_unit(descriptive, u, group_of)
        management = self.el(package, "ManagementMetadata")
        self.el(management, "AcquisitionInformation", "Versement")
        self.el(management, "LegalStatus", "Public Archive")
        self.el(management, "OriginatingAgencyIdentifier", self.authority.siren)
        self.el(management, "SubmissionAgencyIdentifier", transferring_agency(self.authority))
        appraisal = self.el(management, "AppraisalRule")
        self.el(appraisal, "Rule", setting("HEMICYCLE_SEDA_APPRAISAL_RULE", "APP0000"))
        self.el(appraisal, "StartDate", start_date.isoformat())
        self.el(appraisal, "FinalAction", "Keep")
        access = self.el(management, "AccessRule")
        self.el(access, "Rule", setting("HEMICYCLE_SEDA_ACCESS_RULE", "AR038"))
        self.el(access, "StartDate", start_date.isoformat())
        agency = self.el(root, "ArchivalAgency")
        self.el(agency, "Identifier", archival_agency(self.authority))
        transferring = self.el(root, "TransferringAgency")
        self.el(transferring, "Identifier", transferring_agency(self.authority))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def _write_unit(self, parent, u: dict, group_of: dict) -> None:
        node = self.el(parent, "ArchiveUnit", id=u["id"])
        content = self.el(node, "Content")
        self.el(content, "DescriptionLevel", u["level"])
        self.el(content, "Title", u["title"] or "—")
        if u["identifier"]:
            self.el(content, "OriginatingAgencyArchiveUnitIdentifier", u["identifier"])
        if u["description"]:
            self.el(content, "Description", u["description"])
        if u["document_type"]:
            self.el(content, "DocumentType", u["document_type"])
        self.el(content, "Language", "fr")
        self.el(content, "DescriptionLanguage", "fr")
        for k in u["keywords"]:
            kw = self.el(content, "Keyword")
            self.el(kw, "KeywordContent", k["content"])
            self.el(kw, "KeywordReference", k["reference"])
            self.el(kw, "KeywordType", "subject")
        agency = self.el(content, "OriginatingAgency")
        self.el(agency, "Identifier", self.authority.siren)
        if u["start"]:
            self.el(content, "StartDate", u["start"].isoformat())
        if u["end"]:
            self.el(content, "EndDate", u["end"].isoformat())
        if u["signing"]:
            signing = self.el(content, "SigningInformation")
            self.el(signing, "SigningRole", "SignedDocument")
            for s in u["signing"]:
                description = self.el(signing, "SignatureDescription")
                signer = self.el(description, "Signer")
                self.el(signer, "FullName", s["name"] or "—")
                self.el(signer, "SigningTime", s["at"].isoformat(timespec="seconds"))
                if s["capacity"]:
                    self.el(signer, "Function", s["capacity"])
                self.el(description, "SigningType", "PAdES")
        for child in u["children"]:
            self._write_unit(node, child, group_of)
        for f in u["files"]:
            ref = self.el(node, "DataObjectReference")
            self.el(ref, "DataObjectGroupReferenceId", group_of[id(f)])


def minutes_pdf(minutes) -> bytes:
    """The procès-verbal as PDF/A-2b, from its stored body (same template and data as
    sittings.minutes.render_minutes_pdf, which makes a plain PDF)."""
    import json

    import typst

    from hemicycle.documents.minutes_signing import signed_minutes_pdf
    from hemicycle.documents.render import RenderError
    from hemicycle.sittings import minutes as m

    signed = signed_minutes_pdf(minutes)  # signed by the president and the secretaries: that one is archived
    if signed is not None:
        return signed
    item = minutes.adopted_at_item
    data = {**(minutes.body or {}), "adopted": minutes.current_state == minutes.State.ADOPTED,
            "adopted_on": french_date(item.sitting.date) if item is not None else "", "labels": m.minutes_labels()}
    data.setdefault("sitting", {})
    data.setdefault("items", [])
    compiler = typst.Compiler(str(m.TEMPLATE_DIR / "minutes.typ"), root=str(m.TEMPLATE_DIR), ignore_system_fonts=True)
    try:
        return compiler.compile(format="pdf", sys_inputs={"data": json.dumps(data, ensure_ascii=False, default=str)},
                                pdf_standards=["a-2b"])
    except typst.TypstError as exc:
        raise RenderError(f"{exc.message} {exc.diagnostic}".strip()) from exc


def message_identifier(authority, scope: str, now) -> str:
    return f"HEMICYCLE-{authority.siren}-{safe_name(scope, limit=60)}-{now:%Y%m%d%H%M%S%f}"


def build_package(authority, *, sitting=None, year: int | None = None, now=None) -> Package:
    """The SEDA package of one sitting, or of every sitting of a year (with the register)."""
    from .models import RegisterVolume
    from .register import register_sittings

    if (sitting is None) == (year is None):
        raise ValueError("build_package: sitting or year, not both")
    now = now or timezone.localtime()
    builder = _Builder(authority, now=now)
    if sitting is not None:
        units = [builder.sitting_unit(sitting)]
        scope = f"seance-{sitting.slug}"
        comment = _("Versement des délibérations de la séance du %(date)s — %(name)s") % {
            "date": french_date(sitting.date), "name": authority.name}
        start = sitting.date
    else:
        children = []
        volume = RegisterVolume.objects.filter(authority=authority, year=year).exclude(pdf_sha256="").first()
        if volume is not None:
            children.append(builder.register_unit(volume))
        else:
            builder.warnings.append(_("Le registre %(y)s n'a pas encore été produit.") % {"y": year})
        for s in register_sittings(authority, year):
            children.append(builder.sitting_unit(s, parent_folder=str(year)))
        units = [builder.unit(level="Series", title=_("Délibérations de l'année %(y)s") % {"y": year},
                              identifier=f"deliberations-{year}", document_type=_("Délibérations"),
                              start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31), children=children)]
        scope = f"annee-{year}"
        comment = _("Versement des délibérations de l'année %(y)s — %(name)s") % {"y": year, "name": authority.name}
        start = datetime.date(year, 1, 1)
    identifier = message_identifier(authority, scope, now)
    manifest = builder.manifest(identifier, units, comment=comment, start_date=start)
    return Package(message_identifier=identifier, manifest=manifest, files=builder.files, acts=builder.acts,
                   warnings=builder.warnings)


# --- Validation ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    """The SEDA 2.3 schema from the package's own copy (xml.xsd and xlink.xsd are local)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(MAIN_XSD), parser))


def validate_manifest(xml: bytes) -> list[str]:
    """XSD errors of a manifest, as French lines (empty: valid)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        document = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        return [f"XML mal formé : {exc}"]
    validator = schema()
    if validator.validate(document):
        return []
    return [f"Ligne {e.line} : {e.message}" for e in validator.error_log]


def read_package(data: bytes) -> tuple[bytes, dict[str, bytes]]:
    """(manifest, {path: bytes}) of a package zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return files.pop(MANIFEST_NAME), files


def check_package(data: bytes) -> list[str]:
    """Re-open a package: the manifest is XSD-valid and every BinaryDataObject's file is in the
    zip with the declared SHA-512 and size (and nothing else is)."""
    manifest, files = read_package(data)
    problems = validate_manifest(manifest)
    root = etree.fromstring(manifest, etree.XMLParser(resolve_entities=False, no_network=True))
    seen = set()
    for bdo in root.iter(f"{{{NS}}}BinaryDataObject"):
        uri = bdo.findtext(f"{{{NS}}}Uri")
        digest = bdo.find(f"{{{NS}}}MessageDigest")
        size = bdo.findtext(f"{{{NS}}}Size")
        seen.add(uri)
        if uri not in files:
            problems.append(f"Fichier absent du paquet : {uri}")
            continue
        content = files[uri]
        if digest is None or digest.get("algorithm") != "SHA-512" or digest.text != hashlib.sha512(content).hexdigest():
            problems.append(f"Empreinte SHA-512 incorrecte : {uri}")
        if size != str(len(content)):
            problems.append(f"Taille incorrecte : {uri}")
    for extra in sorted(set(files) - seen):
        problems.append(f"Fichier non déclaré dans le bordereau : {extra}")
    return problems
