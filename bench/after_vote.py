"""B2 — after the sitting: the 800 acts of the Paris sitting final, signed, ready for the
prefecture, published in open data and archived (docs/benchmarks.md, target ≤ 20 s in all).

Data (outside the clock): the ``paris`` demo preset and B1's sitting (``bench.pack``:
``ensure_paris`` + ``prepare_sitting``: the Conseil de Paris with every act on its agenda), then
that sitting **as it stands after being held**, written directly in the database the way the
product's own test helper does (``sittings/samples_minutes.build_held_sitting``): dated
yesterday, opened and closed; the roll call of the 163 members (a few excused, absent, or
represented by a proxy); the first ``--acts`` items adopted and numbered, each with its final
ballot — by political group (names recorded), by show of hands, by roll call (names) or by
secret ballot, members not taking part, now and then a member withdrawn for an interest — and
the acts « adoptés »; the remaining items postponed. The mayor gets a signatory account (capacity
« Maire de Paris »); the secretariat a real e-mail address (the @CTES schema refuses the demo's
``….localhost``). That state is copied (SQLite backup API) and restored before every round.

Before the clock the process is in the state of a running task worker: the worker processes that
render final documents are started and have rendered one document each, the mayor's signing key,
the timestamping authority and the schemas (@CTES, SEDA, SCDL) are loaded.

Hémicycle (timed, step by step, the product's code path as users trigger it):

1. ``finals``: ``documents.final.prepare_finals`` (the secretariat) — its background tasks (run
   inline, ``HEMICYCLE_TASKS=immediate``) render the 800 final documents as PDF/A-2b with Typst in
   the worker processes (``final.run_jobs``), each stored as soon as it comes back;
2. ``signatures``: ``documents.signing.sign_finals`` (the mayor's « Signer tout »): PAdES B-LT,
   RFC 3161 timestamp (embedded TSA), visible block; Signature rows, journal;
3. ``actes``: for each act what ``hemicycle actes_export`` does — ``legality.actes.acte_data_for``,
   ``build_archive`` (envelope, message, signed act, annex in a .tar.gz), every XML file of the
   archive checked with ``validate_message`` (official XSD) — the archive written to a folder;
4. ``publication``: ``publication.actions.publish_many`` (the SCDL file lists published acts only);
5. ``scdl``: ``opendata.scdl.export`` — the SCDL « Délibérations » CSV, checked with frictionless;
6. ``seda``: ``archives.actions.export_package`` — the SEDA 2.3 package of the sitting, manifest
   validated against the XSD, zip stored and recorded.

Reference (timed, same steps, same code): the same chain, with two substitutions — the
documents are made the way ODT/DOCX-template systems make them (one ODT per final document from
the same render data, ``bench/odt_final.py``, converted to PDF/A-2b by LibreOffice headless, 100
files per call, 2 calls in parallel, then stored by the same ``run_jobs`` loop), and each
signature uses pyHanko naively (B3's ``_naive_one``: a new signer, timestamper and validation
context per document, container size estimated by a dry-run signature) inside the same
``sign_final`` action.

Checks (after the clock, every round, both sides): one final document per adopted act, signed;
page counts (stored and re-read with pypdf on a sample), PDF/A-2b identification of every
rendered PDF; a sample of signed PDFs validated by poppler's ``pdfsig`` and by ``verify_pdf``;
every @CTES XML file XSD-valid and a sample of archives re-read (``read_archive``: the act file
is the signed PDF); the SCDL file valid (frictionless) with one row per act; the SEDA package
re-opened (``check_package``: manifest XSD-valid, every file with its SHA-512 and size) with one
archive unit per act.
"""

import contextlib
import csv
import datetime
import hashlib
import io
import logging
import os
import random
import shutil
import statistics
import subprocess
import time
from pathlib import Path
from unittest import mock

STEPS = ("finals", "signatures", "actes", "publication", "scdl", "seda")
SIGNATORY_USERNAME = "paris-maire"
SECRETARIAT_EMAIL = "secretariat-conseil@paris.example.fr"
ITEM_MINUTES = 0.75  # 45 s per item in the held sitting (800 items ≈ 10 h)


# --- Data: the held sitting ------------------------------------------------------------------

def _secretariat():
    from hemicycle.accounts.models import User

    return User.objects.get(username="paris-secretariat")


def _methods(n: int) -> str:
    """60 % by political group, 25 % show of hands, 10 % roll call, 5 % secret ballot."""
    from hemicycle.sittings.models import Ballot

    k = n % 20
    if k < 12:
        return Ballot.Method.BY_GROUP
    if k < 17:
        return Ballot.Method.SHOW_OF_HANDS
    if k < 19:
        return Ballot.Method.ROLL_CALL
    return Ballot.Method.SECRET


def hold_sitting(convocation_pk: int, acts: int, *, seed: int = 2) -> int:
    """B1's sitting as it stands after being held (see the module's docstring); returns its pk."""
    from django.db import transaction
    from django.utils import timezone

    from hemicycle.acts.actions import set_state
    from hemicycle.acts.models import ActState
    from hemicycle.sittings.models import (
        AgendaItem, Attendance, AttendanceEvent, Ballot, Convocation, Proxy, Sitting, Vote, Withdrawal,
    )

    sitting = Convocation.objects.select_related("sitting__assembly").get(pk=convocation_pk).sitting
    started = sitting.items.exclude(state=AgendaItem.State.PENDING).exists()
    if sitting.state not in (Sitting.State.PLANNED, Sitting.State.CONVENED) or started:
        raise SystemExit(f"B2 : la séance de B1 n'est plus en préparation ({sitting.get_state_display()}) : dossier de "
                         "données d'un banc interrompu ; supprimez-le (HEMICYCLE_BENCH_DATA) et relancez.")
    rng = random.Random(seed)
    secretariat = _secretariat()
    members = list(sitting.assembly.members().select_related("group").order_by("pk"))
    mayor = sitting.president or members[0]
    day = timezone.localdate() - datetime.timedelta(days=1)
    tz = timezone.get_current_timezone()
    opened = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=tz)

    others = [m for m in members if m.pk != mayor.pk]
    rng.shuffle(others)
    excused, represented, absent = others[:4], others[4:10], others[10:13]
    present = [mayor] + others[13:]
    holders = dict(zip([m.pk for m in represented], present[1:1 + len(represented)], strict=True))
    secretary = present[-1]
    items = list(sitting.items.filter(kind=AgendaItem.Kind.ACT, act__isnull=False).select_related("act")
                 .order_by("position", "pk"))
    adopted, postponed = items[:acts], items[acts:]
    if len(adopted) < acts:
        raise SystemExit(f"B2 : {len(adopted)} actes à l'ordre du jour pour {acts} demandés.")
    closed = opened + datetime.timedelta(minutes=ITEM_MINUTES * len(adopted) + 10)

    with transaction.atomic():
        Sitting.objects.filter(pk=sitting.pk).update(date=day, start_time=datetime.time(9, 0),
                                                     state=Sitting.State.CLOSED, opened_at=opened, closed_at=closed)
        sitting.refresh_from_db()
        sitting.secretaries.set([secretary])
        rows, events = [], []
        for m in members:
            status = (Attendance.Status.EXCUSED if m in excused
                      else Attendance.Status.ABSENT if m in represented or m in absent else Attendance.Status.PRESENT)
            arrived = opened - datetime.timedelta(minutes=10) if status == Attendance.Status.PRESENT else None
            rows.append(Attendance(sitting=sitting, member=m, status=status, arrived_at=arrived))
            if arrived:
                events.append(AttendanceEvent(sitting=sitting, member=m, kind="arrive", at=arrived))
        Attendance.objects.bulk_create(rows)
        AttendanceEvent.objects.bulk_create(events)
        for mandator in represented:
            proxy = Proxy.objects.create(authority=sitting.authority, mandator=mandator,
                                         holder=holders[mandator.pk], given_by=secretariat)
            proxy.sittings.add(sitting)

        groups = sorted({m.group.short_name for m in members if m.group_id})
        ballots, votes, withdrawals = [], [], []
        for n, item in enumerate(adopted):
            start = opened + datetime.timedelta(minutes=ITEM_MINUTES * n)
            item.state, item.number, item.on_convocation = AgendaItem.State.ADOPTED, n + 1, True
            item.debate_started_at, item.debate_ended_at = start, start + datetime.timedelta(seconds=40)
            withdrawn = set()
            if n % 40 == 39:  # a member with an interest in the matter leaves the room (L2131-11)
                member = present[1 + n % (len(present) - 1)]
                withdrawn.add(member.pk)
                withdrawals.append(Withdrawal(item=item, member=member, kind=Withdrawal.Kind.LEFT_ROOM,
                                              reason="Intérêt à l'affaire (L2131-11)"))
            positions = {g: ("pour" if g == "PEC" else rng.choice(["pour", "pour", "contre", "abstention"]))
                         for g in groups}
            in_room = [m for m in present if m.pk not in withdrawn]
            voting = [(m, m) for m in in_room] + [(m, holders[m.pk]) for m in represented
                                                    if holders[m.pk].pk not in withdrawn]
            not_taking_part = {m.pk for m, _ in rng.sample(voting[1:], rng.randrange(0, 3))}
            values = {m.pk: "nppv" if m.pk in not_taking_part else positions.get(
                m.group.short_name if m.group_id else "", "pour") for m, _ in voting}
            method = _methods(n)
            tally = {v: sum(1 for x in values.values() if x == v) for v in ("pour", "contre", "abstention", "nppv")}
            ballot = Ballot(item=item, method=method, state=Ballot.State.CLOSED, opened_at=start + datetime.timedelta(
                seconds=30), closed_at=start + datetime.timedelta(seconds=38), present=len(in_room),
                represented=len(voting) - len(in_room), outcome="adopted", **tally)
            if method == Ballot.Method.ROLL_CALL:
                asked = [m.pk for m in in_room[-45:]]  # a quarter of the members present (L2121-21)
                ballot.public_requests, ballot.requesters = len(asked), {"public": asked, "secret": []}
            elif method == Ballot.Method.SECRET:
                asked = [m.pk for m in in_room[-55:]]  # a third of the members present
                ballot.secret_requests, ballot.requesters = len(asked), {"public": [], "secret": asked}
            elif method == Ballot.Method.BY_GROUP:
                ballot.results = {"groups": positions, "exceptions": {}}
            ballots.append(ballot)
            if method in (Ballot.Method.BY_GROUP, Ballot.Method.ROLL_CALL):
                votes.append([Vote(member=m, cast_by=caster, value=values[m.pk]) for m, caster in voting])
            else:
                votes.append([])
        AgendaItem.objects.bulk_update(adopted, ["state", "number", "on_convocation", "debate_started_at",
                                                 "debate_ended_at"])
        Withdrawal.objects.bulk_create(withdrawals)
        Ballot.objects.bulk_create(ballots)
        for ballot, rows in zip(ballots, votes, strict=True):
            for vote in rows:
                vote.ballot = ballot
        Vote.objects.bulk_create([v for rows in votes for v in rows], batch_size=5000)
        for item in adopted:
            set_state(item.act, ActState.ADOPTED, actor=secretariat,
                      reason=f"Séance du {day:%d/%m/%Y}, point n° {item.number}")
        for item in postponed:
            item.state = AgendaItem.State.POSTPONED
            set_state(item.act, ActState.READY, actor=secretariat, reason="Reporté")
        AgendaItem.objects.bulk_update(postponed, ["state"])
    return sitting.pk


def signatory(sitting_pk: int):
    """The mayor's signatory account (capacity as the documents print it), and the secretariat's
    real e-mail address (the @CTES referent)."""
    from hemicycle.accounts.models import RoleAssignment, User
    from hemicycle.core.roles import Role
    from hemicycle.documents.final import sitting_signatory
    from hemicycle.sittings.models import Sitting

    User.objects.filter(username="paris-secretariat", email__endswith=".localhost").update(email=SECRETARIAT_EMAIL)
    user = User.objects.filter(username=SIGNATORY_USERNAME).first()
    if user is None:
        sitting = Sitting.objects.select_related("authority", "president").get(pk=sitting_pk)
        who = sitting_signatory(sitting)
        user = User.objects.create_user(username=SIGNATORY_USERNAME, password=None, authority=sitting.authority,
                                        first_name=who["first_name"], last_name=who["last_name"],
                                        title=who["capacity"], email="cabinet-maire@paris.example.fr")
        RoleAssignment.objects.create(user=user, role=Role.SIGNATORY)
    return user


# --- The chain ---------------------------------------------------------------------------------

def _reset(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)


def run_chain(sitting_pk: int, work: Path, *, office=None, commit=contextlib.nullcontext) -> dict:
    """The six steps, timed one by one. ``office``: a LibreOffice (PDF/A) for the reference method
    (LibreOffice rendering and naive signing), None for Hémicycle. ``commit``: a context in which
    the on-commit tasks run (tests pass pytest-django's)."""
    from django.utils import timezone

    from hemicycle.acts.models import Act
    from hemicycle.archives.actions import export_package
    from hemicycle.documents.final import prepare_finals
    from hemicycle.documents.models import FinalDocument
    from hemicycle.documents.signing import sign_finals
    from hemicycle.legality.actes import acte_data_for, build_archive, trigramme, validate_message
    from hemicycle.opendata import scdl
    from hemicycle.publication.actions import publish_many
    from hemicycle.sittings.models import Sitting

    secretariat = _secretariat()
    mayor = signatory(sitting_pk)
    sitting = Sitting.objects.select_related("authority").get(pk=sitting_pk)
    authority = sitting.authority
    seconds, out = {}, {}
    render_patch = libreoffice_finals(office, work) if office is not None else contextlib.nullcontext()
    sign_patch = (mock.patch("hemicycle.documents.signing.sign_pdf_detailed", naive_sign_pdf_detailed)
                  if office is not None else contextlib.nullcontext())

    def step(name):
        seconds[name] = time.perf_counter()

    def done(name):
        seconds[name] = time.perf_counter() - seconds[name]

    started = time.perf_counter()
    step("finals")
    with render_patch, commit():
        documents = prepare_finals(secretariat, sitting)  # the rendering tasks run on commit
    done("finals")
    ids = [d.pk for d in documents]

    step("signatures")
    with sign_patch:
        signed = sign_finals(mayor, ids)
    done("signatures")
    out["signature_failures"] = {str(k): v for k, v in list(signed.failed.items())[:5]}

    step("actes")
    acts = list(Act.objects.filter(final__pk__in=ids).select_related("authority", "department")
                .order_by("final__number"))
    folder = work / "b2-actes"
    _reset(folder)
    today, tri = timezone.localdate(), trigramme()
    archives, actes_errors = [], []
    for serial, act in enumerate(acts, start=1):
        try:
            archive = build_archive(acte_data_for(act), serial, sent_on=today, trigramme=tri)
        except Exception as exc:  # noqa: BLE001 - reported by the checks
            actes_errors.append(f"{act.reference} : {exc}")
            continue
        errors = [e for name, content in archive.files.items() if name.endswith(".xml")
                  for e in validate_message(content)]
        actes_errors.extend(f"{act.reference} : {e}" for e in errors)
        (folder / archive.name).write_bytes(archive.data)
        archives.append((act.pk, archive.name, sum(1 for n in archive.files if n.endswith(".xml")), not errors))
    done("actes")
    out.update(archives=archives, actes_errors=actes_errors, actes_folder=folder)

    step("publication")
    publications, refused = publish_many(secretariat, acts)
    done("publication")
    out["publication_refused"] = [f"{a.reference} : {m}" for a, m in refused[:5]]
    out["published"] = len(publications)

    step("scdl")
    export = scdl.export(authority=authority)
    done("scdl")
    out["scdl"] = export

    step("seda")
    transfer, warnings = export_package(secretariat, authority, sitting=sitting)
    done("seda")
    out.update(transfer_pk=transfer.pk, seda_warnings=warnings)

    total = time.perf_counter() - started
    return {"seconds": total, "steps": seconds, "documents": ids, "out": out}


# --- Reference: LibreOffice rendering, naive signing -------------------------------------------

PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


def pdfa_office(soffice: str, work: Path, lanes: int = 2, batch: int = 100):
    """B0's LibreOffice runner (profiles created before the clock), exporting PDF/A-2b."""
    from bench.run import LibreOffice

    class PdfA(LibreOffice):
        convert_to = PDFA_FILTER

    return PdfA(soffice, work, lanes=lanes, batch=batch)


def libreoffice_finals(office, work: Path):
    """Patches of documents/final.py for the reference: the whole sitting in one task (so that
    LibreOffice gets 100 files per call, as in B0 and B1), each document's render data written as
    an ODT and converted by LibreOffice; the same ``run_jobs`` loop stores the PDFs."""
    from bench.odt_final import final_odt
    from hemicycle.documents import final

    def rendered(todo, processes):
        odt_dir, pdf_dir = work / "b2-odt", work / "b2-pdf"
        _reset(odt_dir)
        _reset(pdf_dir)
        files = []
        for k, job in enumerate(todo):
            files.append(odt_dir / f"{k:04d}.odt")
            files[-1].write_bytes(final_odt(job[2]))
        office.convert_files(files, pdf_dir)
        for k, job in enumerate(todo):
            path = pdf_dir / f"{k:04d}.pdf"
            yield job, (path.read_bytes() if path.exists() else RuntimeError(f"LibreOffice : {path.name} absent"))

    def enqueue(jobs):
        final.run_jobs(jobs)

    stack = contextlib.ExitStack()
    stack.enter_context(mock.patch.object(final, "_rendered", rendered))
    stack.enter_context(mock.patch.object(final, "enqueue_jobs", enqueue))
    return stack


def naive_sign_pdf_detailed(pdf: bytes, user, *, capacity: str, field_name: str, page: int = -1, box=None,
                            reason: str = ""):
    """``signing.sign_pdf_detailed`` replaced by B3's naive pyHanko signature (a new signer per
    document). B3's recipe signs field Signature1 in its box as « Maire de Paris »: the zone and
    capacity of the Paris final documents, which is checked."""
    from django.utils import timezone

    from bench import b3_signing
    from hemicycle.documents import keys, signing

    if (capacity, field_name, page, tuple(box or ())) != (b3_signing.CAPACITY, "Signature1", -1, b3_signing.BOX):
        raise ValueError(f"signature naïve : zone ou qualité inattendue ({capacity}, {field_name}, {page}, {box})")
    output = b3_signing._naive_one(pdf, user, long_term=True)
    return signing.SignedPdf(pdf=output, signed_at=timezone.now(), timestamped=True,
                             kit=keys.signer_kit(user, capacity))


# --- Warm-up (a running task worker) -----------------------------------------------------------

def _warm_worker(data: dict) -> int:
    from hemicycle.documents import final_workers

    final_workers.render(data)
    time.sleep(0.2)
    return os.getpid()


def warm_up(sitting_pk: int, processes: int) -> dict:
    """Worker processes started, each having rendered a document; keys, TSA, schemas loaded."""
    from hemicycle.archives import seda
    from hemicycle.documents import final, signing
    from hemicycle.documents.models import FinalDocument
    from hemicycle.legality import actes
    from hemicycle.opendata import scdl
    from hemicycle.sittings.models import AgendaItem, Sitting

    sitting = Sitting.objects.select_related("authority", "assembly", "president").get(pk=sitting_pk)
    item = sitting.items.filter(state=AgendaItem.State.ADOPTED).select_related("act").order_by("position").first()
    body = final.sitting_body(sitting)
    document = FinalDocument(act=item.act, item=item, number=item.number, decision_date=sitting.date)
    data, _signatory = final.document_data(document, body=body)
    started = time.perf_counter()
    pdf = final.render_final_pdf(data)  # small sittings render in this process
    pool_seconds = 0.0
    if processes > 1:
        pool = final._render_pool(processes)
        pids = set()
        while len(pids) < processes:
            pids |= set(pool.map(_warm_worker, [data] * processes))
        pool_seconds = time.perf_counter() - started
    mayor = signatory(sitting_pk)
    signing.sign_pdf(pdf, mayor, capacity=mayor.title, field_name=final.SIGNATURE_FIELD, box=final.SIGNATURE_BOX)
    actes.schema()
    seda.schema()
    scdl.validate_csv((",".join(scdl.fields()) + "\r\n").encode())
    return {"pool_start_seconds": round(pool_seconds, 2), "sample_pdf": pdf}


# --- Checks ------------------------------------------------------------------------------------

def _pdfsig_valid(pdf: bytes, path: Path) -> bool | None:
    """poppler's verdict on the signature (None when pdfsig is not installed)."""
    exe = shutil.which("pdfsig")
    if exe is None:
        return None
    path.write_bytes(pdf)
    out = subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=60).stdout
    return "Signature is Valid." in out


def check_round(sitting_pk: int, result: dict, work: Path, *, acts: int, sample: int = 8) -> dict:
    """What the round produced is right (see the module's docstring); figures and problems."""
    from pypdf import PdfReader

    from hemicycle.archives import seda
    from hemicycle.archives.models import ArchiveTransfer
    from hemicycle.core import blobs
    from hemicycle.documents import signing
    from hemicycle.documents.models import FinalDocument
    from hemicycle.legality.actes import read_archive

    problems = []
    out = result["out"]
    documents = list(FinalDocument.objects.filter(item__sitting_id=sitting_pk).select_related("act")
                     .prefetch_related("signatures").order_by("number"))
    if len(documents) != acts:
        problems.append(f"{len(documents)} documents définitifs pour {acts} actes adoptés")
    unsigned = [d.act.reference for d in documents if d.state != FinalDocument.State.SIGNED or not d.signed_sha256
                or len(d.signatures.all()) != 1]
    if unsigned:
        problems.append(f"{len(unsigned)} document(s) non signés : {', '.join(unsigned[:3])} "
                        f"{out['signature_failures']}")
    pages, not_pdfa, mismatched = 0, 0, []
    step = max(1, len(documents) // sample)
    for n, d in enumerate(documents):
        pages += d.pages or 0
        if not d.pdf_sha256 or (d.pages or 0) < 1:
            problems.append(f"{d.act.reference} : document sans page")
            continue
        pdf = blobs.get(d.pdf_sha256)
        if seda.identify(pdf)[1] != "fmt/477":
            not_pdfa += 1
        if n % step == 0 and len(PdfReader(io.BytesIO(pdf)).pages) != d.pages:
            mismatched.append(d.act.reference)
    if not_pdfa:
        problems.append(f"{not_pdfa} document(s) non identifiés PDF/A-2b")
    if mismatched:
        problems.append(f"nombre de pages enregistré différent du PDF : {', '.join(mismatched[:3])}")

    checked = 0
    for n, d in enumerate(documents[::step][:sample]):
        if not d.signed_sha256:
            continue
        signed = blobs.get(d.signed_sha256)
        reports = signing.verify_pdf(signed)
        if len(reports) != 1 or not reports[0].ok or not reports[0].timestamped:
            problems.append(f"{d.act.reference} : signature non valide ({[r.problems for r in reports]})")
        verdict = _pdfsig_valid(signed, work / f"b2-pdfsig-{n}.pdf")
        if verdict is False:
            problems.append(f"{d.act.reference} : pdfsig ne valide pas la signature")
        checked += verdict is True

    archives = out["archives"]
    if out["actes_errors"]:
        problems.append(f"@CTES : {len(out['actes_errors'])} erreur(s), dont {out['actes_errors'][0]}")
    if len(archives) != acts or not all(ok for *_, ok in archives):
        problems.append(f"@CTES : {sum(1 for *_, ok in archives if ok)} archive(s) valides pour {acts} actes")
    signed_by_act = {d.act_id: d.signed_sha256 for d in documents}
    for act_id, name, _xml, _ok in archives[::step][:sample]:
        submitted = read_archive((out["actes_folder"] / name).read_bytes(), name)
        act_file = submitted.files.get(submitted.document_name)
        if act_file is None or hashlib.sha256(act_file).hexdigest() != signed_by_act.get(act_id):
            problems.append(f"@CTES {name} : l'acte transmis n'est pas le PDF signé")

    if out["publication_refused"]:
        problems.append(f"publication refusée : {out['publication_refused'][0]}")
    export = out["scdl"]
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8"))))
    references = {d.act.reference for d in documents}
    if export.rows != acts or {r["DELIB_ID"] for r in rows} != references:
        problems.append(f"SCDL : {export.rows} ligne(s) pour {acts} délibérations ({export.warnings[:2]})")

    transfer = ArchiveTransfer.objects.get(pk=out["transfer_pk"])
    package = blobs.get(transfer.zip_sha256)
    package_problems = seda.check_package(package)
    if package_problems:
        problems.append(f"SEDA : {package_problems[0]} ({len(package_problems)} problème(s))")
    if transfer.acts_count != acts:
        problems.append(f"SEDA : {transfer.acts_count} acte(s) versés pour {acts}")
    return {
        "documents": len(documents), "pages": pages, "pdfa": len(documents) - not_pdfa,
        "signatures_checked": checked, "actes_archives": len(archives),
        "actes_xml_valid": sum(x for _, _, x, ok in archives if ok), "published": out["published"],
        "scdl_rows": export.rows, "scdl_bytes": len(export.data), "seda_files": len(transfer.files),
        "seda_bytes": transfer.zip_size, "seda_acts": transfer.acts_count,
        "seda_warnings": len(out["seda_warnings"]), "problems": problems,
    }


# --- B2 ----------------------------------------------------------------------------------------

def prepare(acts: int) -> dict:
    """Paris preset, B1's sitting, held (outside the clock)."""
    from bench.pack import ensure_paris, prepare_sitting

    data = ensure_paris(acts)
    convocation_pk = prepare_sitting()
    started = time.perf_counter()
    sitting_pk = hold_sitting(convocation_pk, acts)
    signatory(sitting_pk)
    return {"data": data, "sitting_pk": sitting_pk, "held_seconds": round(time.perf_counter() - started, 1)}


def bench_b2(*, acts: int = 800, rounds: int = 3, office=None, work: Path) -> dict:
    from bench.pack import Snapshot
    from hemicycle.documents import final
    from hemicycle.sittings.convocation_documents import render_processes

    print(f"B2 : après la séance, {acts} actes (définitifs, signatures, @CTES, publication, SCDL, SEDA)", flush=True)
    # pyHanko's naive signer subsets LibreOffice's embedded fonts: fontTools warns once per document.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    setup_started = time.perf_counter()
    before = Snapshot(work / "b2-before.sqlite3")
    from bench.pack import ensure_paris

    data = ensure_paris(acts)
    before.save()  # B1's state, put back at the end (a kept HEMICYCLE_BENCH_DATA stays usable)
    world = prepare(acts)
    print(f"  données Paris : {'construites' if data['built'] else 'réutilisées'} en {data['seconds']:.1f} s ; "
          f"séance tenue écrite en {world['held_seconds']:.1f} s", flush=True)
    sitting_pk = world["sitting_pk"]
    processes = render_processes()
    warm = warm_up(sitting_pk, processes)
    held = Snapshot(work / "b2-held.sqlite3")
    held.save()
    setup_seconds = time.perf_counter() - setup_started

    ours, theirs, checks, ref_checks = [], [], [], []
    try:
        for r in range(rounds):
            order = ("hemicycle", "ref") if r % 2 == 0 else ("ref", "hemicycle")
            for which in order:
                if which == "ref" and office is None:
                    continue
                held.restore()
                result = run_chain(sitting_pk, work, office=office if which == "ref" else None)
                check = check_round(sitting_pk, result, work, acts=acts)
                (ours if which == "hemicycle" else theirs).append(result)
                (checks if which == "hemicycle" else ref_checks).append(check)
                label = "Hémicycle  " if which == "hemicycle" else "référence  "
                detail = ", ".join(f"{k} {result['steps'][k]:.2f}" for k in STEPS)
                print(f"  tour {r + 1} {label}: {result['seconds']:7.2f} s ({detail})"
                      + ("" if not check["problems"] else f" — {len(check['problems'])} problème(s)"), flush=True)
    finally:
        final._drop_pool()
        before.restore()

    def medians(results):
        return {k: round(statistics.median(r["steps"][k] for r in results), 3) for k in STEPS}

    last = checks[-1]
    problems = [p for c in checks for p in c["problems"]]
    seconds = statistics.median(r["seconds"] for r in ours)
    result = {
        "acts": acts,
        "seconds": round(seconds, 3),
        "steps": medians(ours),
        "target_seconds": 20,
        "render_processes": processes,
        "pool_start_seconds": warm["pool_start_seconds"],
        "rounds": rounds,
        "pages": last["pages"],
        "pdfa_documents": last["pdfa"],
        "signatures_checked_pdfsig": last["signatures_checked"],
        "actes_archives": last["actes_archives"],
        "actes_xml_valid": last["actes_xml_valid"],
        "published": last["published"],
        "scdl_rows": last["scdl_rows"],
        "scdl_valid": all(c["scdl_rows"] == acts for c in checks) and not problems,
        "seda_files": last["seda_files"],
        "seda_bytes": last["seda_bytes"],
        "seda_acts": last["seda_acts"],
        "seda_warnings": last["seda_warnings"],
        "check": "ok" if not problems else "ÉCHEC",
        "problems": problems[:10],
        "setup_seconds": round(setup_seconds, 1),
        "held_sitting_seconds": world["held_seconds"],
        "data_built_seconds": data["seconds"],
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    if theirs:
        ref_problems = [p for c in ref_checks for p in c["problems"]]
        reference = statistics.median(r["seconds"] for r in theirs)
        result.update({
            "reference_seconds": round(reference, 3),
            "reference_steps": medians(theirs),
            "ratio": round(reference / seconds, 2),
            "reference_pages": ref_checks[-1]["pages"],
            "reference_pdfa_documents": ref_checks[-1]["pdfa"],
            "reference_check": "ok" if not ref_problems else "ÉCHEC",
            "reference_problems": ref_problems[:10],
        })
    return result
