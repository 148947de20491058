"""The after-the-vote half of the demo commune: the past sitting's acts taken the whole way.

After the past sitting (held and minuted by ``demo/sittings.py``), through the product's own
actions, as the secretariat, the mayor, the administrator and the prefecture would do it:

- the day after the sitting, the secretariat establishes the final documents of the adopted
  acts (``documents.final.prepare_finals`` / ``render_final``, PDF/A-2b);
- the mayor signs them (``documents.signing.sign_finals``: PAdES with an RFC 3161 timestamp);
- the secretariat transmits them to the prefecture (``legality.actions``) through the shipped
  prefecture simulator, started in this process for the duration on a free loopback port and
  sharing its state folder with ``hemicycle prefecture_simulator`` (``make demo`` starts that
  one on port 8010: its operator page then lists the demo's transactions). The first act comes
  back with an AnomalieActe — the prefecture's classification is newer than the commune's
  (ODT-VERIF-01) — so the administrator imports the prefecture's new classification and the
  secretariat sends the act again; the others are acknowledged (ARActe, IDActe); then the
  prefecture asks for pieces about one act (DemandePieceComplementaire), which the secretariat
  answers with the two documents asked for;
- the secretariat masks the name of a private person in one act (the passage the system
  suggests) and publishes the deliberations on the public portal;
- an individual arrêté of the mayor, signed outside any sitting, is notified to the association
  it concerns (the e-mail leaves with the task worker);
- the year's register of deliberations is produced and co-signed by the president and the
  secretary of the sitting; the SEDA 2.3 transfer package of the sitting is produced.

Dates: rendering happens the day after the sitting, on the demo's clock (``DemoClock``).
Everything from the signatures on happens at the real time of loading: a signature's time is
that of its RFC 3161 token, which the timestamping authority gives from the real clock and which
cannot be backdated (the same holds for the convocations' proofs); the transmission, the
acknowledgement (the simulator dates its ARActe of its own day), the publication and the
register follow the signatures, so they are dated today as well.
"""

import contextlib
import datetime
import re
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.test.utils import override_settings
from django.utils import timezone

from hemicycle.accounts.models import User
from hemicycle.acts import actions as act_actions
from hemicycle.acts.matieres import latest_classification
from hemicycle.acts.models import ActState
from hemicycle.circuits import actions as circuit_actions
from hemicycle.circuits.permissions import active_step
from hemicycle.documents import final as final_actions
from hemicycle.documents import signing
from hemicycle.documents.models import FinalDocument
from hemicycle.legality import actions as legality
from hemicycle.legality.actes import transmission_obligation
from hemicycle.legality.models import PrefectureMessage, Transmission
from hemicycle.legality.simulator import Account, Simulator, serve_in_thread
from hemicycle.publication import actions as publication

from .annexes import annex_pdf

DAY = datetime.timedelta(days=1)
MAX_POLLS = 10  # the in-process simulator moves a transaction along at once: two polls suffice
PIECES_TEXT = ("Afin d'exercer le contrôle de légalité de cette délibération, merci de nous transmettre l'avis de "
               "la commission compétente et le plan de financement de l'opération.")
PIECES_ANSWER = ("Veuillez trouver ci-joints l'avis de la commission compétente et le plan de financement de "
                 "l'opération, demandés par votre courrier au sujet de l'acte {ref}.")
# The individual arrêté notified to a partner (the demo's « partenaire » account, an association).
ARRETE_ASSOCIATION = "Jazz au bord de l'eau"
ARRETE = {
    "object": f"Autorisation d'occupation temporaire du parc des Berges accordée à l'association "
              f"« {ARRETE_ASSOCIATION} » pour son festival d'été",
    "visas": ["Vu le code général des collectivités territoriales, et notamment ses articles L2122-21 et L2212-2",
              "Vu le code général de la propriété des personnes publiques, et notamment son article L2122-1",
              f"Vu la demande présentée par l'association « {ARRETE_ASSOCIATION} »"],
    "considerants": ["Considérant que la manifestation contribue à l'animation de la vie locale",
                     "Considérant que l'occupation est compatible avec l'affectation du parc au public"],
    "articles": [f"L'association « {ARRETE_ASSOCIATION} » est autorisée à occuper le parc des Berges du vendredi "
                 "au dimanche de la deuxième semaine de juillet, de 10 h à 23 h, pour l'organisation de son festival.",
                 "L'autorisation est accordée à titre précaire et révocable ; elle est consentie à titre gratuit.",
                 "L'association remettra les lieux en état à l'issue de la manifestation.",
                 "Le directeur général des services est chargé de l'exécution du présent arrêté, qui sera notifié à "
                 "l'association."],
    "matiere_codes": ["3", "3.5"],
}


def simulator_dir():
    """The prefecture simulator's state, shared with ``hemicycle prefecture_simulator``."""
    return settings.DATA_DIR / "prefecture-simulator"


@dataclass
class AfterVote:
    finals: list = field(default_factory=list)
    transmissions: list = field(default_factory=list)
    anomaly: Transmission | None = None  # the first attempt, in anomaly
    resent: Transmission | None = None  # its second attempt, acknowledged
    request: PrefectureMessage | None = None  # the prefecture's request, answered
    publications: list = field(default_factory=list)
    masking: object = None
    arrete: object = None
    notification: object = None
    register: object = None
    transfer: object = None


# --- The day after the sitting: final documents (on the demo's clock) ---------------------------

def render_finals(cast, clock, cal, sitting) -> list[FinalDocument]:
    """The secretariat establishes the final documents of the adopted acts and renders them
    (here synchronously, where the interface hands them to the task workers)."""
    clock.set(cal.at(cal.past + DAY, 14, 10))
    documents = final_actions.prepare_finals(cast.secretariat, sitting, enqueue=False)
    rendered = []
    for document in documents:
        clock.advance(seconds=25)
        rendered.append(final_actions.render_final(document, actor=cast.secretariat))
    return rendered


# --- Helpers ------------------------------------------------------------------------------------

def _user(authority, username: str) -> User:
    return User.objects.get(authority=authority, username=username)


def _settled(t: Transmission) -> Transmission:
    """Poll the operator until the transmission is acknowledged or in anomaly."""
    for _ in range(MAX_POLLS):
        t = legality.poll(t)
        if t.state in (Transmission.State.ACKNOWLEDGED, Transmission.State.ANOMALY):
            return t
    raise RuntimeError(f"Transmission de {t.act.reference} restée « {t.get_state_display()} » au simulateur.")


def _newer_classification(content: bytes, on: datetime.date) -> bytes:
    """The prefecture's classification file as it sends it after an update: the same matières,
    a newer DateClassification."""
    updated, count = re.subn(rb"(<actes:DateClassification>)[0-9-]+(</actes:DateClassification>)",
                             rb"\g<1>" + on.isoformat().encode() + rb"\g<2>", content, count=1)
    if count != 1:
        raise RuntimeError("Fichier de classification sans DateClassification.")
    return updated


@contextlib.contextmanager
def prefecture(authority, *, classification_date: datetime.date):
    """The shipped prefecture simulator, in a thread on a free loopback port for the duration,
    the authority's connector pointed at it. ``classification_date``: the prefecture's current
    classification. Statuses move at once (no waiting between posted, transmitted, acknowledged)."""
    password = settings.HEMICYCLE_ACTES_OPERATOR_PASSWORD
    account = Account(login=authority.siren, password=password, siren=authority.siren,
                      department=authority.department_code, arrondissement=authority.arrondissement or "0",
                      name=authority.name, classification_date=classification_date.isoformat())
    simulator = Simulator(simulator_dir(), accounts=[account], step_seconds=0)
    if simulator.store.count("siren = ?", (authority.siren,)):
        simulator.store.close()  # left by an earlier database: its numbers would clash with the demo's
        raise RuntimeError(f"Le simulateur de préfecture ({simulator_dir()}) garde les transactions d'une base de "
                           "démonstration précédente : supprimez ce dossier (ou tout le dossier de données) puis "
                           "rechargez la démonstration.")
    server, url = serve_in_thread(simulator)
    try:
        with override_settings(HEMICYCLE_ACTES_OPERATOR_URL=url, HEMICYCLE_ACTES_OPERATOR_LOGIN="",
                               HEMICYCLE_ACTES_CONNECTOR="hemicycle.legality.connectors.S2lowConnector",
                               HEMICYCLE_ACTES_OPERATOR_CA=""):
            yield simulator, url
    finally:
        server.shutdown()
        server.server_close()
        simulator.store.close()


def _prefecture_asks(url: str, t: Transmission, kind: str, text: str) -> None:
    """The prefecture sends a letter about an acknowledged act (the simulator's operator page)."""
    response = requests.post(f"{url}/simulate/{t.operator_id}/{kind}", data={"text": text}, allow_redirects=False,
                             timeout=30)
    if response.status_code != 303:
        raise RuntimeError(f"Simulateur : {response.status_code} {response.text[:200]}")


# --- Today: signatures, prefecture, publication, register, archives -------------------------------

def complete(cast, past, people) -> AfterVote:
    """The past sitting's acts signed, transmitted, acknowledged, published, in the register and
    in a SEDA package; an individual arrêté signed and notified. At the real time of loading."""
    authority, sec, admin = cast.authority, cast.secretariat, cast.admin
    mayor = _user(authority, "maire")
    done = AfterVote()

    # The mayor signs the final documents from the parapheur ("Signer tout").
    finals = list(FinalDocument.objects.filter(item__sitting=past).select_related("act", "item")
                  .order_by("number"))
    result = signing.sign_finals(mayor, [d.pk for d in finals])
    if result.failed:
        raise RuntimeError(f"Signature des actes de la démonstration : {result.failed}")
    done.finals = list(FinalDocument.objects.filter(pk__in=[d.pk for d in finals]).order_by("number"))

    # An individual arrêté of the mayor, outside any sitting: drafted, approved, signed.
    done.arrete = _individual_arrete(authority, people, sec, mayor)

    # The legality control.
    acts = [d.act for d in done.finals]
    if transmission_obligation(done.arrete).required:
        acts.append(done.arrete)
    current = latest_classification(authority)
    prefecture_date = max(timezone.localdate() - 10 * DAY, current.version_date + DAY)
    with prefecture(authority, classification_date=prefecture_date) as (_sim, url):
        first = _settled(legality.transmit(sec, acts[0]))
        if first.state != Transmission.State.ANOMALY:
            raise RuntimeError(f"L'acte {acts[0].reference} devait revenir en anomalie.")
        done.anomaly = first
        # The correction: the administrator imports the prefecture's new classification, and the
        # act goes again with it.
        from hemicycle.acts.classification import default_classification_bytes
        from hemicycle.organisation.actions import import_classification_file

        source = (current.source_sha256 and _blob(current.source_sha256)) or default_classification_bytes()
        import_classification_file(admin, authority, _newer_classification(source, prefecture_date))
        done.resent = _settled(legality.resend(sec, first))
        done.transmissions = [done.resent]
        for act in acts[1:]:
            done.transmissions.append(_settled(legality.transmit(sec, act)))
        refused = [t.act.reference for t in done.transmissions if t.state != Transmission.State.ACKNOWLEDGED]
        if refused:
            raise RuntimeError(f"Actes non acquittés par le simulateur : {refused}")

        # The prefecture asks for pieces about one act; the secretariat answers from the act page.
        asked = next((t for t in done.transmissions if t.act.department.code == "DVD"), done.transmissions[-1])
        _prefecture_asks(url, asked, "demande_pieces", PIECES_TEXT)
        legality.poll_authority(authority)
        request = asked.messages.get(direction=PrefectureMessage.Direction.IN, kind="DemandePieceComplementaire")
        subtitle = f"Acte {asked.act.reference} — {asked.act.object[:80]}"
        legality.answer_request(sec, request, text=PIECES_ANSWER.format(ref=asked.act.reference), files=[
            ("avis-de-la-commission.pdf", annex_pdf("Avis de la commission compétente", subtitle, pages=1)),
            ("plan-de-financement.pdf", annex_pdf("Plan de financement", subtitle, pages=2))])
        request.refresh_from_db()
        done.request = request

    # Publication: a private person's name masked in one act, then the deliberations online.
    for document in done.finals:
        found = publication.suggestions(document.act)
        if found and done.masking is None:
            s = found[0]
            done.masking = publication.add_masking(sec, document.act, text=s.text, field=s.field, kind=s.kind)
        done.publications.append(publication.publish(sec, document.act))
    if done.masking is None:
        raise RuntimeError("Aucune donnée personnelle à occulter dans les actes de la séance passée.")

    # The individual arrêté is not published: it is notified to the association.
    partner = _user(authority, "partenaire")
    done.notification = publication.notify_partner(
        sec, done.arrete, name=f"{partner.get_full_name()} — {ARRETE_ASSOCIATION}", email=partner.email)

    # The register of the year, co-signed by the president and the secretary of the sitting.
    from hemicycle.archives.actions import export_package
    from hemicycle.archives.register import generate_register, sign_register

    volume, _changed = generate_register(sec, authority, past.date.year)
    volume = sign_register(mayor, volume, "president")
    secretary = past.secretaries.order_by("pk").first()
    done.register = sign_register(secretary.user, volume, "secretary")

    # The SEDA 2.3 package of the sitting, for the archives service.
    done.transfer, _warnings = export_package(sec, authority, sitting=past)
    return done


def _blob(sha256: str) -> bytes:
    from hemicycle.core import blobs

    return blobs.get(sha256)


def _individual_arrete(authority, people, sec, mayor):
    """An individual arrêté (nature AI) drafted by the culture department, through the « Arrêtés
    du maire » circuit, established and signed by the mayor today."""
    drafter = people["drafters"]["DAC"]
    act = act_actions.create_act(drafter, department=people["departments"]["DAC"], nature="AI",
                                 target_sitting_type="none", **ARRETE)
    circuit_actions.submit_act(drafter, act)
    for _ in range(5):
        act.refresh_from_db()
        if act.state != ActState.IN_CIRCUIT:
            break
        for approver in list(active_step(act).approvers.all()):
            act.refresh_from_db()
            if act.state == ActState.IN_CIRCUIT:
                circuit_actions.approve(approver, act, "Vu, avis favorable.")
    act.refresh_from_db()
    if act.state != ActState.READY:
        raise RuntimeError(f"L'arrêté de la démonstration n'a pas terminé son circuit ({act.state}).")
    document = final_actions.finalize_arrete(sec, act, decision_date=timezone.localdate())
    signing.sign_final(mayor, document)
    act.refresh_from_db()
    return act
