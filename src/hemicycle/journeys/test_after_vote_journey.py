"""Issue 4's "done means" journey, in Chromium: after the sitting the secretariat generates the
final documents (progress bar to completion); the mayor signs them from the parapheur and checks
the signature on the public verification page; the secretariat transmits them from the legality
dashboard to the prefecture simulator; a prefecture agent, on the simulator's operator page,
acknowledges one and returns the other in anomaly (an annex the act relies on was not sent); the
secretariat flags the annex for the prefecture and sends the act again, which is acknowledged;
the agent asks for pieces about the other act, which the secretariat answers with a PDF from
the act's legality page; the acts are published; an anonymous visitor finds them on the public
portal with their executory mention (IDActe), opens the PDF and checks its signature on the
public verification page, downloads the budget's published annex, and downloads the SCDL file
linked from the portal, valid (frictionless) and carrying PREF_ID/PREF_DATE; the secretariat produces the year's
register, which the mayor (president) and the secretary of the sitting co-sign; the SEDA 2.3
package of the sitting is produced and downloaded, its manifest valid against the XSD.

Set up in Python (not this journey's subject): the closed sitting with its two adopted acts
(documents.testing.build_decided_sitting), the mayor's account (the sitting's president, with
the mandate and title she signs in), an account for the secretary of the sitting, an annex of
the budget not flagged for the prefecture, and the shipped prefecture simulator on a free
loopback port with manual progression (statuses move only when its agent acts), the
connector pointed at it. Background tasks (rendering, signing, sending, polling) go through the
real database queue, run by the task worker when the pages wait for it. Screenshots in
test-artifacts/test_after_vote_from_final_acts_to_archives/."""

import csv
import datetime
import hashlib
import io
import json
import re
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from frictionless import Resource, Schema
from lxml import etree

from hemicycle.acts.models import Annex
from hemicycle.archives.models import ArchiveTransfer, RegisterVolume
from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.core.testing import PASSWORD, make_user
from hemicycle.demo.annexes import annex_pdf
from hemicycle.documents.models import FinalDocument
from hemicycle.documents.testing import build_decided_sitting
from hemicycle.legality.models import PrefectureMessage, Transmission
from hemicycle.legality.simulator import Account, Simulator, serve_in_thread
from hemicycle.organisation.models import Mandate
from hemicycle.publication.models import Publication

from .conftest import login

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
OPERATOR_PASSWORD = "mot-de-passe-operateur"
SRC = Path(__file__).resolve().parents[1]
SCDL_SCHEMA = SRC / "opendata" / "schemas" / "deliberations.schema.json"
SEDA_XSD = SRC / "archives" / "schemas" / "seda-2.3-main.xsd"
ANNEX_TITLE = "Maquette budgétaire du budget supplémentaire"
ANOMALY = ("ODT-VERIF-02 : la maquette budgétaire visée à l'article 1 n'est pas jointe à la délibération : "
           "transmettez-la avec l'acte.")
PIECES_REQUEST = "Merci de nous transmettre le plan de financement de l'association Les Amis du Moulin."
State = Transmission.State


# --- Setup (not the journey's subject) ------------------------------------------------------

def cast(world, decided):
    """The mayor (president of the sitting, signatory) and the secretary of the sitting."""
    sitting = decided.sitting
    president, secretary = sitting.president, sitting.secretaries.get()
    mayor = world.users[Role.SIGNATORY]
    mayor.first_name, mayor.last_name = president.first_name, president.last_name
    mayor.title = "Maire de Villeneuve-sur-Test"
    mayor.save()
    president.user = mayor
    president.save()
    Mandate.objects.create(member=president, function="maire", is_president=True,
                           start_date=sitting.date - datetime.timedelta(days=700))
    clerk = make_user(world.authority, "vil-garnier", [Role.MEMBER], first=secretary.first_name,
                      last=secretary.last_name)
    secretary.user = clerk
    secretary.save()
    return mayor, clerk


def budget_annex(world, act) -> bytes:
    """The budget's maquette, attached while drafting and left out of the prefecture's pieces."""
    pdf = annex_pdf(ANNEX_TITLE, act.object, pages=2)
    Annex.objects.create(act=act, title=ANNEX_TITLE, original_name="maquette-budgetaire.pdf",
                         mime_type="application/pdf", size=len(pdf), sha256=blobs.put(pdf), position=1,
                         sent_to_prefecture=False, published=True, uploaded_by=world.users[Role.DRAFTER])
    return pdf


@pytest.fixture
def prefecture(world, settings, tmp_path):
    """The shipped simulator on a free loopback port; statuses move only when its agent acts."""
    authority = world.authority
    simulator = Simulator(tmp_path / "prefecture", step_seconds=None, accounts=[
        Account(login=authority.siren, password=OPERATOR_PASSWORD, siren=authority.siren,
                department=authority.department_code, name=authority.name)])
    server, url = serve_in_thread(simulator)
    settings.HEMICYCLE_ACTES_OPERATOR_URL = url
    settings.HEMICYCLE_ACTES_OPERATOR_LOGIN = ""
    settings.HEMICYCLE_ACTES_OPERATOR_PASSWORD = OPERATOR_PASSWORD
    settings.HEMICYCLE_ACTES_OPERATOR_TIMEOUT = 10
    settings.HEMICYCLE_ACTES_CONNECTOR = "hemicycle.legality.connectors.S2lowConnector"
    simulator.url = url
    yield simulator
    server.shutdown()
    server.server_close()
    simulator.store.close()


def run_worker():
    """`hemicycle db_worker --batch`: what the background worker does, once."""
    Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id="journey4", excluded_queue_names=[]).run()


def tick(page, box_id: str) -> None:
    """Tick a DSFR checkbox (its label is drawn over the real input)."""
    page.locator(f"#{box_id}").check(force=True)
    assert page.locator(f"#{box_id}").is_checked()


def nav(page, label: str) -> None:
    page.locator("#main-nav").get_by_role("link", name=label, exact=True).click()


def poll_operator(sec) -> None:
    """The dashboard's button queues a poll of the operator; the worker runs it; the page is read again."""
    sec.goto("/legalite/")
    sec.get_by_role("button", name="Interroger l'opérateur maintenant").click()
    sec.get_by_text("L'opérateur de transmission va être interrogé").wait_for()
    run_worker()
    sec.reload()


def agent_row(agent, simulator, transaction_id: int):
    agent.goto(simulator.url + "/")
    return agent.locator(f"#t{transaction_id}")


def agent_acknowledges(agent, simulator, transaction_id: int) -> None:
    """The prefecture agent moves a transaction along until the ministry's acknowledgement."""
    for _ in range(3):
        row = agent_row(agent, simulator, transaction_id)
        if "Acquittement reçu" in row.inner_text():
            break
        with agent.expect_navigation():
            row.get_by_role("button", name="Étape suivante").click()
    assert "Acquittement reçu" in agent_row(agent, simulator, transaction_id).inner_text()


def pdfsig(pdf: bytes, tmp_path) -> str:
    """poppler's own verification of every signature of a PDF."""
    exe = shutil.which("pdfsig")
    if exe is None:
        pytest.fail("pdfsig introuvable : installez poppler-utils (scripts/ensure-test-tools.sh le fait).")
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    proc = subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def scdl_rows(data: bytes) -> list[dict]:
    report = Resource(source=data, format="csv", encoding="utf-8",
                      schema=Schema.from_descriptor(json.loads(SCDL_SCHEMA.read_text()))).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


# --- The journey --------------------------------------------------------------------------------

def test_after_vote_from_final_acts_to_archives(world, settings, prefecture, new_page, shots, tmp_path):
    settings.TASKS = DATABASE_TASKS
    decided = build_decided_sitting(world)
    sitting = decided.sitting
    budget, subsidy = decided.adopted
    mayor, clerk = cast(world, decided)
    maquette = budget_annex(world, budget)
    secretariat = world.users[Role.SECRETARIAT]
    authority = world.authority

    # 1. The secretariat generates the final documents of the closed sitting.
    sec = new_page()
    login(sec, secretariat.username, PASSWORD)
    nav(sec, "Séances")
    sec.locator(f"a[href='/seances/{sitting.slug}/']").first.click()
    sec.wait_for_url(f"**/seances/{sitting.slug}/")
    sec.get_by_role("link", name="Actes définitifs de la séance").click()
    sec.wait_for_url(f"**/seances/{sitting.slug}/actes-definitifs/")
    sec.get_by_role("button", name="Générer les actes définitifs").click()
    sec.get_by_text("Génération lancée pour 2 acte(s)").wait_for()
    label = sec.locator("#finals-progress-label")
    assert "Génération des actes définitifs : 0 sur 2 (0 %)" in label.inner_text()
    shots(sec, "generation-en-cours")
    run_worker()  # the page polls the progress and reloads itself once the documents are there
    sec.get_by_text("Actes définitifs générés : 2 sur 2").wait_for()
    sec.get_by_text("Documents prêts à signer").wait_for()
    assert sec.locator("#finals-progress progress").get_attribute("value") == "100"
    for act, number in ((budget, 1), (subsidy, 2)):
        row = sec.locator(f"#final-{act.slug}")
        assert row.locator("td").first.inner_text() == str(number)
        assert "Généré, à signer" in row.text_content(), row.text_content()
    assert set(FinalDocument.objects.filter(item__sitting=sitting).values_list("state", flat=True)) == {
        FinalDocument.State.RENDERED}
    shots(sec, "actes-definitifs")

    # 2. The mayor signs both from the parapheur, then checks one on the verification page.
    signer = new_page()
    login(signer, mayor.username, PASSWORD)
    nav(signer, "Parapheur")
    signer.wait_for_url("**/signatures/parapheur/")
    assert signer.get_by_text("Vous signez en qualité de : Maire de Villeneuve-sur-Test").is_visible()
    for act in (budget, subsidy):
        document = FinalDocument.objects.get(act=act)
        assert signer.locator(f"#doc-{document.pk}").is_checked()
    shots(signer, "parapheur")
    signer.get_by_role("button", name="Signer la sélection").click()
    signer.get_by_text("La signature de 2 actes est lancée").wait_for()
    assert "Signature en cours : 2 actes restent à signer." in signer.locator("#signing-now").inner_text()
    run_worker()  # the page follows the batch and reloads itself once it is done
    signer.get_by_text("2 actes signés.").wait_for()
    signer.get_by_text("Aucun acte n'attend votre signature.").wait_for()
    assert signer.locator("#signing-now").count() == 0
    finals = {d.act_id: d for d in FinalDocument.objects.filter(act__in=[budget, subsidy])}
    assert {d.state for d in finals.values()} == {FinalDocument.State.SIGNED}
    signed_budget = signer.request.get(f"/actes/{budget.slug}/definitif.pdf")
    assert signed_budget.status == 200 and signed_budget.body() == blobs.get(finals[budget.pk].signed_sha256)
    signer.get_by_role("link", name="Vérifier un document signé").click()
    signer.wait_for_url("**/signatures/verifier/")
    signer.locator("#verify-pdf").set_input_files(
        {"name": f"{budget.slug}.pdf", "mimeType": "application/pdf", "buffer": signed_budget.body()})
    signer.get_by_role("button", name="Vérifier", exact=True).click()
    result = signer.locator("#verify-result")
    result.wait_for()
    assert result.get_by_role("heading", name="Signature 1 : valide").is_visible()
    text = result.inner_text()
    assert "Anne Lefèvre" in text and "Maire de Villeneuve-sur-Test" in text and "intacte" in text, text
    assert "couvre tout le fichier" in text and "jeton d'horodatage RFC 3161, valide" in text, text
    shots(signer, "verification-signature")

    # 3. The secretariat transmits both acts from the legality dashboard.
    nav(sec, "Contrôle de légalité")
    sec.wait_for_url("**/legalite/")
    sec.get_by_role("heading", name="À transmettre (2)").wait_for()
    for act in (budget, subsidy):
        if not sec.locator(f"#act-{act.pk}").is_checked():
            tick(sec, f"act-{act.pk}")
    shots(sec, "a-transmettre")
    sec.get_by_role("button", name="Transmettre la sélection").click()
    sec.get_by_text("2 acte(s) mis en transmission").wait_for()
    run_worker()  # posts both to the operator
    sec.reload()
    sec.get_by_role("heading", name="En cours (2)").wait_for()
    sent = {t.act_id: t for t in Transmission.objects.filter(act__in=[budget, subsidy])}
    assert {t.state for t in sent.values()} == {State.POSTED}, [t.last_error for t in sent.values()]
    assert all(t.operator_id for t in sent.values())

    # 4. At the prefecture: the subsidy is acknowledged; the budget comes back in anomaly.
    agent = new_page()
    row = agent_row(agent, prefecture, int(sent[budget.pk].operator_id))
    assert budget.object in row.inner_text() and "Posté" in row.inner_text()
    row.get_by_label("Texte : Anomalie").fill(ANOMALY)
    with agent.expect_navigation():
        row.get_by_role("button", name="Anomalie").click()
    assert "Erreur" in agent_row(agent, prefecture, int(sent[budget.pk].operator_id)).inner_text()
    agent_acknowledges(agent, prefecture, int(sent[subsidy.pk].operator_id))
    shots(agent, "simulateur-prefecture")

    poll_operator(sec)
    sec.get_by_role("heading", name="En anomalie (1)").wait_for()
    assert ANOMALY in sec.locator("#anomalies").inner_text()
    acknowledged = Transmission.objects.get(pk=sent[subsidy.pk].pk)
    assert acknowledged.state == State.ACKNOWLEDGED and acknowledged.id_acte
    assert acknowledged.id_acte in sec.locator("#acquittes").inner_text()
    shots(sec, "anomalie-et-acquittement")

    # 5. The correction: the maquette goes to the prefecture with the act, sent again.
    sec.locator("#anomalies").get_by_role("link", name=budget.reference).click()
    sec.wait_for_url(f"**/legalite/actes/{budget.slug}/")
    assert ANOMALY in sec.locator("#legalite").inner_text()
    sec.get_by_role("link", name="Retour à l'acte").click()
    sec.wait_for_url(f"**/actes/{budget.slug}/")
    annex = Annex.objects.get(act=budget)
    assert not sec.locator(f"#a{annex.pk}-pref").is_checked()
    tick(sec, f"a{annex.pk}-pref")
    sec.locator("#annexes").get_by_role("button", name="Enregistrer les indicateurs").click()
    sec.get_by_text(f"Indicateurs de l'annexe « {ANNEX_TITLE} » enregistrés.").wait_for()
    annex.refresh_from_db()
    assert annex.sent_to_prefecture and sec.locator(f"#a{annex.pk}-pref").is_checked()
    shots(sec, "annexe-transmise")
    panel = sec.locator("#legalite")  # the act page's legality panel
    assert ANOMALY in panel.inner_text()
    panel.get_by_role("button", name="Renvoyer").click()
    sec.get_by_text(f"L'acte {budget.reference} est renvoyé (envoi n° 2).").wait_for()
    run_worker()  # posts the second attempt
    resent = Transmission.objects.get(act=budget, attempt=2)
    assert resent.state == State.POSTED and resent.operator_id
    with tarfile.open(fileobj=io.BytesIO(bytes(prefecture.store.get(int(resent.operator_id))["archive"]))) as tar:
        received = [tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()]
    assert maquette in received  # what the prefecture received carries the maquette now
    agent_acknowledges(agent, prefecture, int(resent.operator_id))
    poll_operator(sec)
    sec.get_by_role("heading", name="En anomalie (0)").wait_for()
    resent.refresh_from_db()
    assert resent.state == State.ACKNOWLEDGED and resent.id_acte
    assert resent.id_acte in sec.locator("#acquittes").inner_text()

    # 6. The prefecture asks for pieces about the subsidy; the secretariat answers with a PDF.
    row = agent_row(agent, prefecture, int(acknowledged.operator_id))
    row.get_by_label("Texte : Demande de pièces complémentaires").fill(PIECES_REQUEST)
    with agent.expect_navigation():
        row.get_by_role("button", name="Demande de pièces complémentaires").click()
    poll_operator(sec)
    requests = sec.locator("#demandes")
    requests.get_by_role("heading", name="Demandes de la préfecture en attente (1)").wait_for()
    requests.get_by_role("link", name="Répondre").click()
    sec.wait_for_url(f"**/legalite/actes/{subsidy.slug}/**")
    assert PIECES_REQUEST in sec.locator("#legalite").inner_text()
    request = PrefectureMessage.objects.get(transmission__act=subsidy, kind="DemandePieceComplementaire")
    form = sec.locator(f"#answer-{request.pk}")
    form.get_by_label("Courrier d'accompagnement (facultatif)").fill(
        "Veuillez trouver ci-joint le plan de financement demandé.")
    plan = annex_pdf("Plan de financement", subsidy.object, pages=1)
    form.locator("input[type=file]").set_input_files(
        {"name": "plan-de-financement.pdf", "mimeType": "application/pdf", "buffer": plan})
    shots(sec, "reponse-prefecture")
    form.get_by_role("button", name="Envoyer la réponse").click()
    sec.get_by_text("La réponse est envoyée à la préfecture.").wait_for()
    request.refresh_from_db()
    assert request.answered_by_id is not None
    assert Transmission.objects.get(pk=acknowledged.pk).state == State.ACKNOWLEDGED
    panel = sec.locator("#legalite")
    assert "Répondu" in panel.locator(f"#message-{request.pk}").inner_text()
    assert "Pièces complémentaires envoyées" in panel.inner_text()
    assert "Délai de déféré jusqu'au" in panel.inner_text()  # the window runs again from the pieces
    shots(sec, "reponse-envoyee")
    answer_id = int(request.answered_by.operator_id)
    answered = prefecture.store.get(answer_id)
    with tarfile.open(fileobj=io.BytesIO(bytes(answered["archive"]))) as tar:
        assert plan in [tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()]
    assert f"réponse n° {answer_id}" in agent_row(agent, prefecture, answered["related_id"]).inner_text()
    shots(agent, "simulateur-reponse")

    # 7. Publication of both deliberations.
    nav(sec, "Publication")
    sec.wait_for_url("**/publication/")
    for act in (budget, subsidy):
        tick(sec, f"act-{act.pk}")
    sec.get_by_role("button", name="Publier la sélection").click()
    sec.get_by_text("2 acte(s) publié(s) sur le portail.").wait_for()
    assert Publication.objects.filter(act__in=[budget, subsidy], withdrawn_at__isnull=True).count() == 2

    # 8. An anonymous visitor on the public portal, then the open data file.
    visitor = new_page()
    visitor.goto(f"/publications/{authority.slug}/")
    visitor.get_by_role("link", name=re.compile(re.escape(subsidy.reference))).first.click()
    visitor.wait_for_url(f"**/publications/{authority.slug}/actes/{subsidy.slug}/")
    executory = visitor.locator("#executory").inner_text()
    assert "Exécutoire" in executory and f"IDActe {acknowledged.id_acte}" in executory, executory
    assert "Anne Lefèvre, Maire de Villeneuve-sur-Test" in visitor.locator("#author").inner_text()
    shots(visitor, "portail-acte")
    pdf_link = visitor.get_by_role("link", name="Consulter l'acte (PDF)")
    pdf = visitor.request.get(pdf_link.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body() == blobs.get(FinalDocument.objects.get(act=subsidy).signed_sha256)
    # The published original carries the signature: the visitor checks it on the public page.
    visitor.get_by_role("link", name="sa signature peut être vérifiée").click()
    visitor.wait_for_url("**/signatures/verifier/")
    visitor.locator("#verify-pdf").set_input_files(
        {"name": f"{subsidy.slug}.pdf", "mimeType": "application/pdf", "buffer": pdf.body()})
    visitor.get_by_role("button", name="Vérifier", exact=True).click()
    visitor.locator("#verify-result").get_by_role("heading", name="Signature 1 : valide").wait_for()
    assert "Anne Lefèvre" in visitor.locator("#verify-result").inner_text()
    # The budget, with its maquette (an annex flagged "publiée") to download.
    visitor.goto(f"/publications/{authority.slug}/")
    visitor.get_by_role("link", name=re.compile(re.escape(budget.reference))).first.click()
    visitor.wait_for_url(f"**/publications/{authority.slug}/actes/{budget.slug}/")
    assert f"IDActe {resent.id_acte}" in visitor.locator("#executory").inner_text()
    annex_link = visitor.locator("#annexes").get_by_role("link", name=ANNEX_TITLE)
    annex_file = visitor.request.get(annex_link.get_attribute("href"))
    assert annex_file.status == 200 and annex_file.body() == maquette
    shots(visitor, "portail-budget")
    # The open data file, linked from the portal's home page.
    visitor.goto(f"/publications/{authority.slug}/")
    scdl_link = visitor.get_by_role("link", name="Délibérations en données ouvertes (SCDL, CSV)")
    assert scdl_link.get_attribute("href") == f"/donnees/{authority.slug}/deliberations.csv"
    scdl = visitor.request.get(scdl_link.get_attribute("href"))
    assert scdl.status == 200 and scdl.headers["content-type"].startswith("text/csv")
    rows = {r["DELIB_ID"]: r for r in scdl_rows(scdl.body())}
    for act, t in ((budget, resent), (subsidy, acknowledged)):
        assert act.reference in rows, list(rows)
        # PREF_ID names the prefecture that acknowledged the act (SCDL: PREF + department), PREF_DATE the date.
        assert rows[act.reference]["PREF_ID"] == f"PREF{authority.department_code}"
        assert rows[act.reference]["PREF_DATE"] == t.received_on.isoformat()
        assert rows[act.reference]["DELIB_URL"].endswith(f"/publications/{authority.slug}/actes/{act.slug}/pdf/")

    # The act's own page tells the whole story: signed, acknowledged on the second attempt, published, executory.
    sec.goto(f"/actes/{budget.slug}/")
    assert "Exécutoire : publié le" in sec.locator("#publication").inner_text()
    assert f"IDActe {resent.id_acte}" in sec.locator("#publication").inner_text()
    legality = sec.locator("#legalite").inner_text()
    assert resent.id_acte in legality and "envoi n° 2" in legality, legality
    shots(sec, "acte-executoire")

    # 9. The year's register: produced by the secretariat, co-signed by the president and the secretary.
    year = sitting.date.year
    nav(sec, "Archives")
    sec.wait_for_url("**/archives/")
    sec.locator("#registers tr", has_text=str(year)).get_by_role("button", name="Produire").click()
    sec.wait_for_url(f"**/archives/registre/{year}/")
    sec.get_by_text(f"Registre {year} produit").wait_for()
    assert sec.locator("#register-missing").count() == 0
    shots(sec, "registre-produit")
    for user, page, capacity in ((mayor, signer, "Le président"), (clerk, None, "Le secrétaire de séance")):
        if page is None:
            page = new_page()
            login(page, user.username, PASSWORD)
        nav(page, "Notifications")
        page.wait_for_url("**/notifications/**")
        card = page.locator("li", has_text=f"Le registre des délibérations {year} est prêt à être signé.").first
        card.get_by_role("button", name="Ouvrir").click()
        page.wait_for_url(f"**/archives/registre/{year}/")
        page.get_by_role("button", name=f"Signer en qualité de « {capacity} »").click()
        page.wait_for_url(f"**/archives/registre/{year}/")
    page.get_by_text("Registre signé : les deux signatures sont apposées.").wait_for()
    signatures = page.locator("#register-signatures").inner_text()
    assert "Anne Lefèvre" in signatures and "Bruno Garnier" in signatures, signatures
    shots(page, "registre-signe")
    volume = RegisterVolume.objects.get(authority=authority, year=year)
    assert volume.state == RegisterVolume.State.SIGNED
    register_pdf = page.request.get(f"/archives/registre/{year}/registre.pdf")
    assert register_pdf.status == 200 and register_pdf.body() == blobs.get(volume.current_sha256)
    report = pdfsig(register_pdf.body(), tmp_path)
    assert report.count("Signature #") == 2 and report.count("Signature Validation: Signature is Valid.") == 2, report
    twin = page.request.get(f"/archives/registre/{year}/jumeau.json")  # lists the SHA-256 of every signed act
    assert twin.status == 200
    for act in (budget, subsidy):
        assert FinalDocument.objects.get(act=act).signed_sha256 in twin.text(), act.reference

    # 10. The SEDA 2.3 package of the sitting, produced and downloaded.
    sec.goto("/archives/")
    sec.get_by_role("link", name="Versements SEDA").click()
    sec.wait_for_url("**/archives/versements/")
    sec.locator("#id_sitting").select_option(str(sitting.pk))
    sec.get_by_role("button", name="Produire le paquet de la séance").click()
    sec.get_by_text(re.compile(r"Paquet .+ produit : \d+ fichier\(s\), 2 acte\(s\)\.")).wait_for()
    shots(sec, "versement-seda")
    with sec.expect_download() as download:
        sec.locator("#transfers").get_by_role("link", name="Paquet .zip").first.click()
    package = Path(download.value.path()).read_bytes()
    transfer = ArchiveTransfer.objects.get(authority=authority, sitting=sitting)
    assert package == blobs.get(transfer.zip_sha256)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        names = archive.namelist()
        manifest = archive.read("manifest.xml")
        contents = {name: archive.read(name) for name in names}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    xsd = etree.XMLSchema(etree.parse(str(SEDA_XSD), parser))
    document = etree.fromstring(manifest, parser)
    assert xsd.validate(document), [f"{e.line}: {e.message}" for e in xsd.error_log]
    # Every file the manifest describes is in the zip with its SHA-512, and nothing else.
    ns = {"s": "fr:gouv:culture:archivesdefrance:seda:v2.3"}
    digests = sorted(d.text for d in document.iterfind(".//s:BinaryDataObject/s:MessageDigest", ns))
    files = {name: data for name, data in contents.items() if name != "manifest.xml"}
    assert digests == sorted(hashlib.sha512(data).hexdigest() for data in files.values())
    # Sitting → acts → documents: the signed acts, the maquette, the @CTES archives and the ARActe.
    for act in (budget, subsidy):
        assert blobs.get(FinalDocument.objects.get(act=act).signed_sha256) in files.values(), act.reference
        assert any(n.endswith(f"ARActe-{t.id_acte}.xml") for n in files for t in (resent, acknowledged)
                   if t.act_id == act.pk), names
    assert maquette in files.values()
    assert blobs.get(resent.archive_sha256) in files.values()  # the attempt acknowledged, not the anomaly
    assert blobs.get(sent[budget.pk].archive_sha256) not in files.values()
