"""B1 — the sitting pack and the convocations of the Paris preset.

Data: the ``paris`` demo preset (``hemicycle.demo.load.load_paris``: 163 members, 800 ready acts,
each with a 5-page PDF annex) is built once into the bench's throwaway SQLite database; then,
through the agenda and convocation actions, the secretariat creates the Conseil de Paris and a
sitting 30 days ahead, puts the 800 acts on its agenda and saves the convocation (letter and
note). That state is copied (SQLite backup API) and restored before every round, so each round
starts from the same database.

Hémicycle (timed): ``start_generation`` — whose task (run inline, ``HEMICYCLE_TASKS=immediate``)
renders the agenda, the letter, the note and the 800 acts (worker processes) and assembles the
sitting pack with its bookmarks, then stores the four PDFs — then ``send_convocation``: legal
checks, one recipient per member, the manifest with every file's SHA-256, its RFC 3161 timestamp
(embedded TSA, key created before the clock), and the e-mail task (one message per member
convened by e-mail, Django's locmem backend).

Reference (timed): the same two calls, the document task's ``build`` replaced by the method of
ODT/DOCX-template systems: one ODT per act (``bench.odt``) plus the letter, the agenda and the
note (``bench.odt_convocation``), converted by LibreOffice headless (100 files per call, 2 calls
in parallel), then the same pack assembly code (``assemble_pack``: pypdf, same bookmarks, the
same annexes read from the blob store), the same storing and the same sending.

Checks (after the clock, on both sides): pack pages = agenda + note + every act + every annex
(annex page counts read from the stored annexes, act spans from the bookmarks); one top-level
bookmark per item with the act and its annex under it; a sample of acts carries its reference;
one recipient per member, every e-mail recipient with ``sent_at`` and ``delivered_at`` and one
message in the outbox; the proof verifies (manifest hash, files, timestamp token). The paper
letters of the members convened on paper are rendered once, after the clock, and checked.
"""

import contextlib
import datetime
import io
import shutil
import sqlite3
import statistics
import time
from pathlib import Path
from unittest import mock

SITTING_DAYS_AHEAD = 30
NOTE_INTRO = ("La présente note explicative de synthèse présente, pour chaque affaire soumise au Conseil de Paris, "
              "l'exposé des motifs du projet de délibération (article L2121-12 du code général des collectivités "
              "territoriales).")


# --- Data ----------------------------------------------------------------------------------------

def ensure_paris(acts: int = 800) -> dict:
    """The Paris preset in the bench's database (built unless already there)."""
    from django.core.management import call_command

    from hemicycle.organisation.models import Authority

    call_command("migrate", verbosity=0)
    if Authority.objects.filter(slug="paris").exists():
        return {"built": False, "seconds": 0.0}
    from hemicycle.demo.load import load_paris

    started = time.perf_counter()
    load_paris(acts=acts)
    return {"built": True, "seconds": round(time.perf_counter() - started, 1)}


def prepare_sitting(days_ahead: int = SITTING_DAYS_AHEAD) -> int:
    """The Conseil de Paris, a sitting with every ready act of the authority on its agenda, its
    president, and its convocation saved (not generated). Returns the convocation's pk."""
    from django.utils import timezone

    from hemicycle.accounts.models import User
    from hemicycle.acts.models import Act, ActState
    from hemicycle.organisation.models import Authority, Member
    from hemicycle.sittings.actions import agenda, live
    from hemicycle.sittings.actions import convocation as convocation_actions
    from hemicycle.sittings.convocation_documents import default_letter_text

    from hemicycle.sittings.models import Convocation

    authority = Authority.objects.get(slug="paris")
    prepared = (Convocation.objects.filter(sitting__authority=authority, state=Convocation.State.DRAFT,
                                           sitting__assembly__name="Conseil de Paris").order_by("pk").first())
    if prepared is not None:  # the data folder of a previous run (HEMICYCLE_BENCH_DATA), restored at its end
        return prepared.pk
    admin = User.objects.get(username="paris-admin")
    secretariat = User.objects.get(username="paris-secretariat")
    assembly = agenda.save_assembly(admin, authority, kind="council", name="Conseil de Paris",
                                    seats=authority.seats)
    sitting = agenda.save_sitting(secretariat, authority, assembly=assembly,
                                  date=timezone.localdate() + datetime.timedelta(days=days_ahead),
                                  start_time=datetime.time(9, 0), place="Hôtel de Ville, salle du Conseil")
    acts = list(Act.objects.filter(authority=authority, state=ActState.READY).order_by("pk"))
    agenda.add_acts(secretariat, sitting, acts)
    mayor = Member.objects.filter(authority=authority, mandates__is_president=True).first()
    if mayor is not None:
        live.set_officers(secretariat, sitting, president=mayor, secretaries=[])
    sitting.refresh_from_db()
    convocation = convocation_actions.save_convocation(secretariat, sitting, letter_text=default_letter_text(sitting),
                                                       synthesis_note=NOTE_INTRO)
    return convocation.pk


class Snapshot:
    """A copy of the bench's SQLite database, restored before every round (backup API: consistent
    with WAL, no file juggling)."""

    def __init__(self, path: Path):
        self.path = path

    @staticmethod
    def _live_db() -> str:
        from django.conf import settings

        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.sqlite3":
            raise SystemExit("B1 s'exécute sur la base SQLite jetable du banc (DATABASE_URL ne doit pas être défini).")
        return str(db["NAME"])

    def save(self) -> None:
        from django.db import connections

        connections.close_all()
        with sqlite3.connect(self._live_db()) as src, sqlite3.connect(self.path) as dst:
            src.backup(dst)

    def restore(self) -> None:
        from django.db import connections

        connections.close_all()
        with sqlite3.connect(self.path) as src, sqlite3.connect(self._live_db()) as dst:
            src.backup(dst)


# --- The two methods -------------------------------------------------------------------------

def _secretariat():
    from hemicycle.accounts.models import User

    return User.objects.get(username="paris-secretariat")


def generate_and_send(convocation_pk: int, commit=contextlib.nullcontext) -> dict:
    """What the secretariat does, timed: generate the documents, then send. Returns the seconds.
    ``commit``: a context in which the on-commit tasks run (tests pass pytest-django's)."""
    from django.core import mail

    from hemicycle.sittings.actions import convocation as actions
    from hemicycle.sittings.models import Convocation

    user = _secretariat()
    mail.outbox = []
    convocation = Convocation.objects.select_related("sitting").get(pk=convocation_pk)
    started = time.perf_counter()
    with commit():
        actions.start_generation(user, convocation)  # the generation task runs inline on commit
    generated = time.perf_counter()
    convocation.refresh_from_db()
    if convocation.state != Convocation.State.READY:
        raise RuntimeError(f"génération : {convocation.state} {convocation.error}")
    with commit():
        actions.send_convocation(user, convocation)  # the e-mail task runs inline on commit
    sent = time.perf_counter()
    return {"documents_seconds": generated - started, "sending_seconds": sent - generated,
            "seconds": sent - started}


def libreoffice_build(office, work: Path):
    """A ``build`` for the convocation task with LibreOffice making the PDFs (the reference)."""
    from bench.odt import act_odt
    from bench.odt_convocation import agenda_odt, letter_odt, synthesis_odt
    from hemicycle.documents.render import act_document_data
    from hemicycle.sittings import convocation_documents as cd

    def build(convocation, progress=lambda percent: None):
        items = cd.pack_items(convocation)
        docs = cd.Documents(items=items, fingerprint=cd.fingerprint(convocation, items))
        odt_dir, pdf_dir = work / "b1-odt", work / "b1-pdf"
        for folder in (odt_dir, pdf_dir):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        sources = {"agenda": agenda_odt(cd.agenda_data(convocation, items)),
                   "letter": letter_odt(cd.letter_data(convocation, items)),
                   "note": synthesis_odt(cd.synthesis_data(convocation, items))}
        act_names = []
        for item in items:
            if item.act_id:
                act_names.append(f"act-{len(act_names):04d}")
                sources[act_names[-1]] = act_odt(act_document_data(item.act))
        files = []
        for name, content in sources.items():
            files.append(odt_dir / f"{name}.odt")
            files[-1].write_bytes(content)
        office.convert_files(files, pdf_dir)
        docs.agenda = (pdf_dir / "agenda.pdf").read_bytes()
        docs.letter = (pdf_dir / "letter.pdf").read_bytes()
        docs.synthesis = (pdf_dir / "note.pdf").read_bytes()
        act_pdfs = ((pdf_dir / f"{name}.pdf").read_bytes() for name in act_names)
        docs.pack, docs.pack_pages = cd.assemble_pack(convocation, items, docs.agenda, docs.synthesis, act_pdfs)
        return docs

    return build


def reference_generate_and_send(convocation_pk: int, office, work: Path, commit=contextlib.nullcontext) -> dict:
    with mock.patch("hemicycle.sittings.actions.convocation.build", libreoffice_build(office, work)):
        return generate_and_send(convocation_pk, commit)


# --- Checks ----------------------------------------------------------------------------------

def _pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def check_convocation(convocation_pk: int, *, text_sample: int = 5) -> dict:
    """The sent convocation's documents, recipients and proof (see the module's docstring)."""
    from django.core import mail
    from pypdf import PdfReader

    from hemicycle.core import blobs
    from hemicycle.sittings.actions.convocation import verify_proof
    from hemicycle.sittings.convocation_documents import item_numbers, pack_items
    from hemicycle.sittings.models import Convocation, ConvocationRecipient

    problems = []
    convocation = Convocation.objects.select_related("sitting__assembly").get(pk=convocation_pk)
    items = pack_items(convocation)
    numbers = item_numbers(convocation.sitting)
    pack = PdfReader(io.BytesIO(blobs.get(convocation.pack_sha256)))
    total = len(pack.pages)
    if total != convocation.pack_pages:
        problems.append(f"pack : {total} pages, {convocation.pack_pages} enregistrées")
    agenda_pages = _pages(blobs.get(convocation.agenda_sha256))
    note_pages = _pages(blobs.get(convocation.synthesis_sha256))

    outline = pack.outline
    top = [(i, entry) for i, entry in enumerate(outline) if not isinstance(entry, list)]
    expected = ["Ordre du jour", "Note explicative de synthèse"] + [f"{numbers[it.pk]}. {it.title}" for it in items]
    if [entry.title for _, entry in top] != expected:
        problems.append(f"signets : {len(top)} au premier niveau pour {len(expected)} attendus, ou titres différents")
    start = pack.get_destination_page_number
    if len(top) >= 2 and (start(top[0][1]) != 0 or start(top[1][1]) != agenda_pages):
        problems.append("l'ordre du jour ou la note n'est pas à sa place")
    parts = {"agenda": agenda_pages, "note": note_pages, "acts": 0, "annexes": 0}
    position = agenda_pages + note_pages
    sample_every = max(1, len(items) // max(1, text_sample))
    for n, item in enumerate(items):
        if n + 2 >= len(top):
            break
        index, entry = top[n + 2]
        children = outline[index + 1] if index + 1 < len(outline) and isinstance(outline[index + 1], list) else []
        annexes = sorted((a for a in item.act.annexes.all() if a.removed_at is None), key=lambda a: (a.position, a.pk))
        titles = [child.title for child in children]
        wanted = [f"Projet {item.act.reference}"] + [f"Annexe : {a.title}" for a in annexes]
        if titles != wanted:
            problems.append(f"point {numbers[item.pk]} : signets {titles}")
            continue
        if start(entry) != position or start(children[0]) != position:
            problems.append(f"point {numbers[item.pk]} : commence page {start(entry) + 1}, attendu {position + 1}")
            continue
        act_end = start(children[1]) if len(children) > 1 else (
            start(top[n + 3][1]) if n + 3 < len(top) else total)
        act_pages = act_end - position
        if act_pages < 1:
            problems.append(f"point {numbers[item.pk]} : acte sans page")
        parts["acts"] += act_pages
        position = act_end
        for k, annex in enumerate(annexes):
            annex_pages = _pages(blobs.get(annex.sha256))
            if start(children[k + 1]) != position:
                problems.append(f"point {numbers[item.pk]} : annexe mal placée")
            parts["annexes"] += annex_pages
            position += annex_pages
        if n % sample_every == 0:
            text = "".join((pack.pages[start(entry)].extract_text() or "").split())
            if "".join(item.act.reference.split()) not in text:
                problems.append(f"point {numbers[item.pk]} : référence {item.act.reference} absente de sa page")
    if sum(parts.values()) != total:
        problems.append(f"pages : {total} dans le dossier, {sum(parts.values())} dans les parties {parts}")

    recipients = list(convocation.recipients.select_related("member"))
    members = convocation.sitting.assembly.members().count()
    emails = [r for r in recipients if r.channel == ConvocationRecipient.Channel.EMAIL]
    paper = [r for r in recipients if r.channel == ConvocationRecipient.Channel.PAPER]
    if len(recipients) != members:
        problems.append(f"{len(recipients)} destinataires pour {members} élus")
    not_sent = [r for r in emails if r.sent_at is None or r.delivered_at is None]
    if not_sent:
        problems.append(f"{len(not_sent)} courriel(s) sans sent_at/delivered_at")
    outbox = len(getattr(mail, "outbox", []))
    if outbox != len(emails):
        problems.append(f"{outbox} message(s) envoyés pour {len(emails)} destinataires par courriel")
    proof = verify_proof(convocation)
    if not proof.valid:
        problems.append("preuve invalide : " + ("empreinte " if not proof.manifest_ok else "")
                        + ("fichiers " if not proof.files_ok else "")
                        + ("jeton d'horodatage" if not (proof.timestamp and proof.timestamp.valid) else ""))
    return {"pages": total, "parts": parts, "bookmarks": len(top), "items": len(items),
            "recipients": len(recipients), "emails_sent": len(emails) - len(not_sent), "paper": len(paper),
            "outbox": outbox, "timestamp_valid": bool(proof.timestamp and proof.timestamp.valid),
            "proof_valid": proof.valid, "problems": problems}


def check_paper_letters(convocation_pk: int) -> dict:
    """The letters to print for the members convened on paper (one copy each), after the clock."""
    from hemicycle.sittings.convocation_documents import paper_letters_pdf
    from hemicycle.sittings.models import Convocation, ConvocationRecipient

    convocation = Convocation.objects.get(pk=convocation_pk)
    members = [r.member for r in convocation.recipients.filter(channel=ConvocationRecipient.Channel.PAPER)
               .select_related("member")]
    if not members:
        return {"letters": 0, "pages": 0, "seconds": 0.0, "problems": []}
    started = time.perf_counter()
    pdf = paper_letters_pdf(convocation, members)
    seconds = time.perf_counter() - started
    pages = _pages(pdf)
    return {"letters": len(members), "pages": pages, "seconds": round(seconds, 3),
            "problems": [] if pages >= len(members) else [f"{pages} pages pour {len(members)} lettres"]}


# --- B1 --------------------------------------------------------------------------------------

def bench_b1(*, rounds: int, reference: bool, office, work: Path, acts: int = 800) -> dict:
    from hemicycle.sittings import timestamping
    from hemicycle.sittings.convocation_documents import render_processes

    print(f"B1 : dossier de séance et convocations, jeu Paris ({acts} actes)", flush=True)
    setup_started = time.perf_counter()
    data = ensure_paris(acts)
    print(f"  données Paris : {'construites' if data['built'] else 'réutilisées'} en {data['seconds']:.1f} s",
          flush=True)
    convocation_pk = prepare_sitting()
    # A running worker has its timestamping key, and the libraries of the timestamp and of the
    # documents loaded: so does this process before the clock starts.
    timestamping.verify(timestamping.timestamp(b"B1"), b"B1")
    from hemicycle.sittings.convocation_documents import render

    render({"kind": "page", "authority": "", "assembly": "", "title": "", "subtitle": "", "doc_title": "",
            "footer": "", "heading": "", "paragraphs": [], "entries": [],
            "labels": {"page": "page", "subject": "", "rapporteur": "", "empty": ""}})
    snapshot = Snapshot(work / "b1-snapshot.sqlite3")
    snapshot.save()
    setup_seconds = time.perf_counter() - setup_started

    ours, theirs, checks, ref_checks, paper = [], [], [], [], None
    for r in range(rounds):
        order = ("hemicycle", "ref") if r % 2 == 0 else ("ref", "hemicycle")
        for which in order:
            if which == "ref" and office is None:
                continue
            snapshot.restore()
            if which == "hemicycle":
                timing = generate_and_send(convocation_pk)
                ours.append(timing)
                checks.append(check_convocation(convocation_pk))
                if paper is None:
                    paper = check_paper_letters(convocation_pk)
                label = "Hémicycle  "
            else:
                timing = reference_generate_and_send(convocation_pk, office, work)
                theirs.append(timing)
                ref_checks.append(check_convocation(convocation_pk))
                label = "LibreOffice"
            print(f"  tour {r + 1} {label} : {timing['seconds']:7.2f} s (documents {timing['documents_seconds']:.2f} s,"
                  f" envoi {timing['sending_seconds']:.2f} s)", flush=True)
    snapshot.restore()

    def median(rows, key):
        return round(statistics.median(row[key] for row in rows), 3)

    last = checks[-1]
    problems = [p for c in checks for p in c["problems"]] + (paper["problems"] if paper else [])
    result = {
        "acts": last["items"],
        "seconds": median(ours, "seconds"),
        "documents_seconds": median(ours, "documents_seconds"),
        "sending_seconds": median(ours, "sending_seconds"),
        "render_processes": render_processes(),
        "rounds": rounds,
        "pack_pages": last["pages"],
        "pack_parts": last["parts"],
        "bookmarks": last["bookmarks"],
        "recipients": last["recipients"],
        "emails_sent": last["emails_sent"],
        "paper_recipients": last["paper"],
        "paper_letters_pages": paper["pages"] if paper else 0,
        "timestamp_valid": all(c["timestamp_valid"] for c in checks),
        "check": "ok" if not problems else "ÉCHEC",
        "problems": problems[:10],
        "setup_seconds": round(setup_seconds, 1),
        "data_built_seconds": data["seconds"],
    }
    if theirs:
        ref_problems = [p for c in ref_checks for p in c["problems"]]
        result.update({
            "reference_seconds": median(theirs, "seconds"),
            "reference_documents_seconds": median(theirs, "documents_seconds"),
            "reference_sending_seconds": median(theirs, "sending_seconds"),
            "ratio": round(statistics.median(t["seconds"] for t in theirs)
                           / statistics.median(o["seconds"] for o in ours), 2),
            "documents_ratio": round(statistics.median(t["documents_seconds"] for t in theirs)
                                     / statistics.median(o["documents_seconds"] for o in ours), 2),
            "reference_pack_pages": ref_checks[-1]["pages"],
            "reference_check": "ok" if not ref_problems else "ÉCHEC",
            "reference_problems": ref_problems[:10],
        })
    return result
