"""B3 — the PAdES signature of acts alone (docs/benchmarks.md: ≤ 10 ms per act).

Inputs (outside the clock): Paris-preset acts rendered as PDF/A-2b by Typst (``--acts`` of
them, 2-page deliberations, cycled if more signatures than documents are asked), one signatory
(an unsaved User with a capacity: keys need no database) whose PKCS#12 the embedded CA issues
on first use, the embedded timestamping authority.

Hémicycle (``hemicycle.documents.signing.sign_pdf``): PAdES B-LT (certificates and the CA's CRL
in the document security store), RFC 3161 timestamp of the embedded TSA, visible block,
incremental update. Keys, timestamper, chain validation and container size are set up once per
process (warm-up signature before the clock, as in a running worker).
  - ``ms_per_act``: everything, the embedded TSA's token included;
  - ``ms_per_act_without_timestamp``: same signature without requesting a token;
  - ``timestamp_ms``: one token of the (warm) embedded TSA on its own.

The visible block is drawn with DejaVu Sans embedded as a subset, so a PDF/A act stays PDF/A
(pyHanko's default Courier is not embedded): Hémicycle keeps the font loaded and each signer's
subset built once (``signing._StampFont``); every output sampled is checked for fonts without
an embedded program (``signing.unembedded_fonts``).

Reference (pyHanko used naively, a new signer per document): ``SimpleSigner.load_pkcs12`` of
the same PKCS#12, the project's ``timestamper()`` (a new embedded TSA object), a new
``ValidationContext`` and a ``PdfSigner`` with pyHanko's defaults for everything we tune
(dry-run estimate of the container size, DSS in its own revision, the block's font read and
subset by ``GlyphAccumulatorFactory`` for each document), producing the same kind of signature
(PAdES, B-LT, timestamp, visible block in an embedded font). ``reference_basic_ms_per_act``: the
naive signer without long-term validation data (PAdES B-T), for context.

Hémicycle and the reference run interleaved (rounds); medians are reported, ratio = reference
/ Hémicycle. Every output of a sample is verified (pyHanko validation: intact, valid, trusted,
timestamped) and, when poppler's ``pdfsig`` is installed, one signed file of each method.
"""

import io
import shutil
import statistics
import subprocess
import time
from pathlib import Path

BOX = (330, 60, 560, 140)
CAPACITY = "Maire de Paris"


def _signatory():
    from hemicycle.accounts.models import User
    from hemicycle.organisation.models import Authority

    user = User(pk=990001, username="bench-signataire", first_name="Anne", last_name="Hidalgo-Banc",
                title=CAPACITY, email="")
    user.authority = Authority(name="Ville de Paris")
    return user


def _documents(count: int) -> list[bytes]:
    from bench.dataset import paris_acts
    from hemicycle.documents.render import render_act_pdf

    return [render_act_pdf(data, pdfa=True) for data in paris_acts(count, seed=3)]


def _engineered(pdfs, n, user, *, timestamp=True) -> tuple[float, float, list[bytes]]:
    from hemicycle.documents import keys, signing

    kit = keys.signer_kit(user, CAPACITY)
    outputs = []
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(n):
        outputs.append(signing.sign_with_kit(pdfs[i % len(pdfs)], kit, field_name="Signature1", box=BOX,
                                             timestamp=timestamp).pdf)
    return ((time.perf_counter() - wall) * 1000 / n, (time.process_time() - cpu) * 1000 / n, outputs)


def _naive_one(pdf: bytes, user, *, long_term: bool) -> bytes:
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle
    from pyhanko_certvalidator import ValidationContext

    from hemicycle.documents import keys, signing
    from hemicycle.sittings.timestamping import timestamper

    path = keys.p12_path(user, CAPACITY)
    if not path.exists():  # issued by the embedded CA on first use (the warm-up, in B3)
        keys.ensure_user_p12(user, CAPACITY)
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=keys._p12_password(user))
    context = None
    if long_term:
        context = ValidationContext(trust_roots=signing.trust_roots(), crls=[keys.current_crl()],
                                    allow_fetching=False)
    meta = signers.PdfSignatureMetadata(field_name="Signature1", subfilter=fields.SigSeedSubFilter.PADES,
                                        embed_validation_info=long_term, validation_context=context)
    pdf_signer = signers.PdfSigner(
        meta, signer, timestamper=timestamper(), stamp_style=TextStampStyle(
            stamp_text=signing.STAMP_TEXT, text_box_style=TextBoxStyle(
                font=GlyphAccumulatorFactory(str(signing.STAMP_FONT), font_size=signing.STAMP_FONT_SIZE))),
        new_field_spec=fields.SigFieldSpec("Signature1", on_page=-1, box=BOX))
    params = {"signer": keys.signer_name(user), "capacity": CAPACITY, "ts": time.strftime("%d/%m/%Y")}
    return pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), appearance_text_params=params).getvalue()


def _naive(pdfs, n, user, *, long_term=True) -> tuple[float, float, list[bytes]]:
    outputs = []
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(n):
        outputs.append(_naive_one(pdfs[i % len(pdfs)], user, long_term=long_term))
    return ((time.perf_counter() - wall) * 1000 / n, (time.process_time() - cpu) * 1000 / n, outputs)


def _timestamp_ms(n: int = 50) -> float:
    import hashlib

    from hemicycle.documents import signing

    stamper = signing.signing_timestamper()
    digest = hashlib.sha256(b"B3").digest()

    async def run():
        for _ in range(n):
            await stamper.async_timestamp(digest, "sha256")

    started = time.perf_counter()
    signing._run(run)
    return (time.perf_counter() - started) * 1000 / n


def _check(outputs: list[bytes], label: str, problems: list[str], *, sample: int = 10, long_term: bool = True,
           work: Path | None = None) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    from hemicycle.documents import signing

    step = max(1, len(outputs) // sample)
    for i in range(0, len(outputs), step):
        reports = signing.verify_pdf(outputs[i])
        if len(reports) != 1 or not reports[0].ok or not reports[0].timestamped:
            problems.append(f"{label} n° {i} : signature non valide ({[r.problems for r in reports]})")
        if long_term and "/DSS" not in PdfFileReader(io.BytesIO(outputs[i])).root:
            problems.append(f"{label} n° {i} : pas de données de validation (DSS)")
        missing, _ = signing.unembedded_fonts(outputs[i])
        if missing:
            problems.append(f"{label} n° {i} : polices non incorporées (PDF/A) : {', '.join(missing)}")
    exe = shutil.which("pdfsig")
    if exe and work is not None and outputs:
        path = work / f"b3-{label}.pdf"
        path.write_bytes(outputs[-1])
        out = subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=60).stdout
        if "Signature is Valid." not in out:
            problems.append(f"{label} : pdfsig ne valide pas la signature")


def bench_b3(*, acts: int = 200, reference_acts: int = 30, rounds: int = 3, work: Path) -> dict:
    import logging

    from hemicycle.documents import signing

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # the reference's "FFTM NOT subset"
    documents = min(acts, 40)
    print(f"B3 : {acts} signatures (Hémicycle), {reference_acts} (pyHanko naïf), {documents} actes PDF/A distincts",
          flush=True)
    user = _signatory()
    pdfs = _documents(documents)
    started = time.perf_counter()
    signing.sign_pdf(pdfs[0], user, capacity=CAPACITY, field_name="Signature1", box=BOX)  # keys, chains, TSA
    first_signature = time.perf_counter() - started
    signing.sign_with_kit(pdfs[0], signing.keys.signer_kit(user, CAPACITY), field_name="Signature1", box=BOX,
                          timestamp=False)
    _naive_one(pdfs[0], user, long_term=True)  # imports, as fair to the reference

    ours, ours_cpu, ours_nots, ours_nots_cpu, ref, ref_cpu = [], [], [], [], [], []
    problems: list[str] = []
    for r in range(rounds):
        order = ("ours", "ref") if r % 2 == 0 else ("ref", "ours")
        for which in order:
            if which == "ours":
                ms, cpu, outputs = _engineered(pdfs, acts, user)
                ours.append(ms)
                ours_cpu.append(cpu)
                print(f"  tour {r + 1} Hémicycle        : {ms:7.2f} ms/acte (CPU {cpu:.2f})", flush=True)
                if r == 0:
                    _check(outputs, "hemicycle", problems, work=work)
                ms, cpu, _ = _engineered(pdfs, acts, user, timestamp=False)
                ours_nots.append(ms)
                ours_nots_cpu.append(cpu)
                print(f"  tour {r + 1} sans horodatage  : {ms:7.2f} ms/acte (CPU {cpu:.2f})", flush=True)
            else:
                ms, cpu, outputs = _naive(pdfs, reference_acts, user)
                ref.append(ms)
                ref_cpu.append(cpu)
                print(f"  tour {r + 1} pyHanko naïf     : {ms:7.2f} ms/acte (CPU {cpu:.2f})", flush=True)
                if r == 0:
                    _check(outputs, "reference", problems, sample=5, work=work)
    basic, _, basic_outputs = _naive(pdfs, max(5, reference_acts // 3), user, long_term=False)
    _check(basic_outputs, "reference-basic", problems, sample=3, long_term=False)
    timestamp_ms = _timestamp_ms()
    median = statistics.median(ours)
    return {
        "acts": acts,
        "ms_per_act": round(median, 2),
        "cpu_ms_per_act": round(statistics.median(ours_cpu), 2),
        "ms_per_act_without_timestamp": round(statistics.median(ours_nots), 2),
        "cpu_ms_per_act_without_timestamp": round(statistics.median(ours_nots_cpu), 2),
        "timestamp_ms": round(timestamp_ms, 2),
        "tsa": "embedded",
        "profile": "PAdES B-LT, horodatage RFC 3161, bloc visible (police incorporée, PDF/A), mise à jour incrémentale",
        "reference_acts": reference_acts,
        "reference_ms_per_act": round(statistics.median(ref), 2),
        "reference_cpu_ms_per_act": round(statistics.median(ref_cpu), 2),
        "reference_basic_ms_per_act": round(basic, 2),
        "ratio": round(statistics.median(ref) / median, 1),
        "first_signature_seconds": round(first_signature, 3),
        "rounds": rounds,
        "target_ms_per_act": 10,
        "check": "ok" if not problems else "ÉCHEC",
        "problems": problems[:10],
        "reference": "pyHanko naïf : SimpleSigner.load_pkcs12 + timestamper() + ValidationContext + PdfSigner par "
                     "document, taille du conteneur estimée par signature d'essai, DSS dans sa propre révision, "
                     "police du bloc lue et sous-ensemblée par GlyphAccumulatorFactory",
    }
