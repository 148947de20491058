"""Fixity audit: re-read every stored file the records point to and check its digest.

Files live in the content-addressed blob store under their SHA-256 (core/blobs.py), and
``blobs.get`` re-computes the digest on every read. ``check()`` walks every reference held by
final documents, signatures, annexes, transmissions and prefecture messages, registers and SEDA
packages (and published copies, partner notifications, convocation documents), reads each distinct file once, and reports every difference — file missing, or
altered (its content no longer matches its name) — with everything it belongs to.

``hemicycle fixity_check`` prints the report (exit code 1 when anything is wrong); the weekly
task ``hemicycle.archives.tasks.fixity_check`` journals the result as "fixity.checked".
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.files.storage import default_storage

from hemicycle.core import blobs

MISSING = "missing"
ALTERED = "altered"


@dataclass
class Problem:
    sha256: str
    kind: str  # MISSING or ALTERED
    owners: list[str]

    def describe(self) -> str:
        what = "ABSENT" if self.kind == MISSING else "ALTÉRÉ"
        return f"{what} {self.sha256} — " + " ; ".join(self.owners)


@dataclass
class Report:
    checked: int = 0
    references: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict:
        return {"checked": self.checked, "references": self.references,
                "missing": sum(1 for p in self.problems if p.kind == MISSING),
                "altered": sum(1 for p in self.problems if p.kind == ALTERED)}


def references(authority=None):
    """Yield (sha256, owner description) for every stored file referenced by a record."""
    from hemicycle.acts.models import Annex
    from hemicycle.documents.models import FinalDocument, Signature
    from hemicycle.legality.models import PrefectureMessage, Transmission

    from .models import ArchiveTransfer, RegisterVolume

    def scoped(qs, path="authority"):
        return qs.filter(**{path: authority}) if authority is not None else qs

    for f in scoped(FinalDocument.objects.select_related("act", "authority")):
        ref = f"{f.authority.slug} : acte {f.act.reference}"
        if f.pdf_sha256:
            yield f.pdf_sha256, f"{ref}, document définitif (PDF généré)"
        if f.signed_sha256:
            yield f.signed_sha256, f"{ref}, document définitif (PDF signé)"
    for s in scoped(Signature.objects.select_related("document__act", "document__authority"), "document__authority"):
        ref = f"{s.document.authority.slug} : acte {s.document.act.reference}"
        if s.output_sha256:
            yield s.output_sha256, f"{ref}, signature n° {s.position} de {s.signer_name}"
    for a in scoped(Annex.objects.select_related("act", "act__authority"), "act__authority"):
        yield a.sha256, f"{a.act.authority.slug} : acte {a.act.reference}, annexe « {a.title} »"
    for t in scoped(Transmission.objects.select_related("act", "authority")):
        if t.archive_sha256:
            yield t.archive_sha256, f"{t.authority.slug} : acte {t.act.reference}, archive @CTES (envoi {t.attempt})"
    for m in scoped(PrefectureMessage.objects.select_related("transmission__act", "transmission__authority"),
                    "transmission__authority"):
        ref = f"{m.transmission.authority.slug} : acte {m.transmission.act.reference}, message {m.kind}"
        if m.xml_sha256:
            yield m.xml_sha256, ref
        for f in m.files or []:
            if isinstance(f, dict) and f.get("sha256"):
                yield f["sha256"], f"{ref}, pièce « {f.get('name', '')} »"
    yield from _other_references(scoped)
    for v in scoped(RegisterVolume.objects.select_related("authority")):
        ref = f"{v.authority.slug} : registre {v.year}"
        versions = [*v.history, {"version": v.version, "pdf_sha256": v.pdf_sha256, "signed_sha256": v.signed_sha256,
                                 "twin_sha256": v.twin_sha256, "twin_csv_sha256": v.twin_csv_sha256,
                                 "signatures": v.signatures}]
        for h in versions:
            label = f"{ref} (version {h.get('version')})"
            for key, what in (("pdf_sha256", "PDF"), ("twin_sha256", "jumeau JSON"), ("twin_csv_sha256", "jumeau CSV")):
                if h.get(key):
                    yield h[key], f"{label}, {what}"
            for s in h.get("signatures") or []:
                if s.get("sha256"):
                    yield s["sha256"], f"{label}, PDF signé par {s.get('name', '')} ({s.get('role', '')})"
    for t in scoped(ArchiveTransfer.objects.select_related("authority")):
        ref = f"{t.authority.slug} : versement SEDA {t.message_identifier}"
        yield t.zip_sha256, f"{ref}, paquet zip"
        yield t.manifest_sha256, f"{ref}, bordereau"
        for f in t.files or []:
            if f.get("sha256"):
                yield f["sha256"], f"{ref}, {f.get('path', '')}"


def _other_references(scoped):
    """Published copies, partner notifications and convocation documents: files of record too."""
    from hemicycle.publication.models import PartnerNotification, Publication
    from hemicycle.sittings.models import Convocation

    for p in scoped(Publication.objects.select_related("act", "authority")):
        if p.pdf_sha256:
            copy = "copie masquée publiée" if p.masked else "PDF publié"
            yield p.pdf_sha256, f"{p.authority.slug} : acte {p.act.reference}, {copy}"
    for n in scoped(PartnerNotification.objects.select_related("act", "authority")):
        if n.pdf_sha256:
            yield n.pdf_sha256, f"{n.authority.slug} : acte {n.act.reference}, notification à {n.name}"
    for c in scoped(Convocation.objects.select_related("sitting__authority", "sitting__assembly"), "sitting__authority"):
        ref = f"{c.sitting.authority.slug} : {c.sitting}, {c.get_kind_display().lower()}"
        for field_name, what in (("letter_sha256", "lettre"), ("agenda_sha256", "ordre du jour"),
                                 ("synthesis_sha256", "note de synthèse"), ("pack_sha256", "dossier de séance")):
            sha = getattr(c, field_name, "")
            if sha:
                yield sha, f"{ref}, {what}"


def _read(sha256: str) -> str | None:
    """None when the file is intact, else MISSING or ALTERED."""
    if not blobs.exists(sha256):
        return MISSING
    try:
        blobs.get(sha256)
    except blobs.BlobIntegrityError:
        return ALTERED
    except FileNotFoundError:
        return MISSING
    return None


def check(authority=None) -> Report:
    owners: dict[str, list[str]] = defaultdict(list)
    report = Report()
    for sha, owner in references(authority):
        report.references += 1
        if owner not in owners[sha]:
            owners[sha].append(owner)
    for sha in sorted(owners):
        report.checked += 1
        kind = _read(sha) if _looks_like_sha256(sha) else ALTERED
        if kind is not None:
            report.problems.append(Problem(sha256=sha, kind=kind, owners=owners[sha]))
    return report


def _looks_like_sha256(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def record_result(report: Report, *, actor=None) -> None:
    """Write "fixity.checked" to the journal, with the differences found."""
    from django.db import transaction

    from hemicycle.journal.services import record

    with transaction.atomic():
        record("fixity.checked", actor=actor, object_type="archives.fixity", object_label="Contrôle d'intégrité",
               data={**report.counts(), "problems": [{"sha256": p.sha256, "kind": p.kind, "owners": p.owners[:10]}
                                                     for p in report.problems[:200]]})


def storage_path(sha256: str) -> str:
    """Where a blob lives in the storage (for operators and tests)."""
    return default_storage.path(blobs.blob_path(sha256))
