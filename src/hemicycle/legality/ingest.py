"""Messages received from the prefecture (@CTES, ministry → collectivité), formats.md.

Operators that deliver by file (and the S²LOW status endpoint, which returns the ARActe XML) give
Hémicycle either one XML message — ISO-8859-1 declared — or a ``.tar.gz`` holding the ministry's
envelope (``actes:EnveloppeMISILLCL``), one business message and the letters it refers to.

:func:`parse_message` reads it defensively (size limits, no DTD, no entities, no network) into a
:class:`ReceivedMessage`; :func:`ingest` matches it to its :class:`~hemicycle.legality.models.Transmission`
and records it. Matching follows the protocol:

- by ``IDActe`` (``Transmission.id_acte``) for every message that carries one;
- an ``ARActe`` arrives before Hémicycle knows the IDActe: its SIREN, decision date, internal
  number and nature (all inside the IDActe) designate the act;
- an ``AnomalieActe`` carries no IDActe: the act received (``ActeRecu``: NumeroInterne, Date,
  CodeNatureActe) designates it, within the authority named by the file name
  (``DEPT-SIREN----1-3_n.xml``) or by the ministry's envelope (``Destinataire``);
- an ``AnomalieEnveloppe`` (``ANO_EACT--SIREN--YYYYMMDD-serial.xml``) designates the archive
  ``XXX-EACT--SIREN--YYYYMMDD-serial.tar.gz`` (``Transmission.archive_name``), or else the message
  it lists (its name holds the internal number).

Malformed input, or a message that matches no transmission, raises :class:`IngestError` and
changes nothing. Ingesting the same message twice returns the first record and changes nothing.
State changes are made by ``hemicycle.legality.actions.apply_prefecture_message`` when that
function exists; otherwise by :func:`apply_minimum` here.
"""

from __future__ import annotations

import gzip
import importlib
import inspect
import re
from dataclasses import dataclass, field
from datetime import date

from . import actes
from .actes import ACTES_NS, INSEE_NS, ActesError

MAX_XML_BYTES = 10 * 1024 * 1024
MAX_INPUT_BYTES = 100 * 1024 * 1024

# Kinds Hémicycle receives, and the element holding their date.
RECEIVED_KINDS = ("ARActe", "AnomalieActe", "CourrierSimple", "DemandePieceComplementaire", "LettreObservations",
                  "DefereTA", "AnomalieEnveloppe", "ARAnnulation", "ARPieceComplementaire",
                  "ARReponseRejetLettreObservations")
SENT_KINDS = ("Acte", "EnveloppeCLMISILL", "ReponseCourrierSimple", "ARDemandePieceComplementaire",
              "RefusPieceComplementaire", "PieceComplementaire", "ARLettreObservations", "RejetLettreObservations",
              "ReponseLettreObservations", "Annulation", "DemandeClassification")
KIND_LABELS = {
    "ARActe": "Accusé de réception de l'acte",
    "AnomalieActe": "Anomalie sur l'acte",
    "CourrierSimple": "Courrier simple de la préfecture",
    "DemandePieceComplementaire": "Demande de pièces complémentaires",
    "LettreObservations": "Lettre d'observations",
    "DefereTA": "Déféré au tribunal administratif",
    "AnomalieEnveloppe": "Enveloppe rejetée par le ministère",
    "ARAnnulation": "Accusé de réception de l'annulation",
    "ARPieceComplementaire": "Accusé de réception des pièces complémentaires",
    "ARReponseRejetLettreObservations": "Accusé de réception de la réponse à la lettre d'observations",
}
_FILE_SIREN = re.compile(r"^(?:[0-9A-Z]{2}_[0-9A-Z]{2}-)?(?P<department>[0|9][0-9][A|B|0-9])-(?P<siren>\d{9})-")
_ANO_NAME = re.compile(r"^ANO_EACT--(?P<siren>\d{9})--(?P<date>\d{8})-(?P<serial>\d+)\.xml$")
_FORM_NAME = re.compile(r"^(?P<department>[0|9][0-9][A|B|0-9])-(?P<siren>\d{9})-(?P<date>\d{8})-"
                        r"(?P<number>[A-Za-z0-9_]{1,15})-(?P<nature>[A-Z]{2})-")


class IngestError(Exception):
    """The input cannot be ingested; the message says why, in French. Nothing was changed."""


@dataclass
class ReceivedMessage:
    kind: str  # "ARActe", "AnomalieActe", …
    flow: str  # "1-2", "1-3", … ("ANO" for an envelope anomaly)
    id_acte: str = ""
    date: date | None = None  # reception date, letter date, anomaly date, filing date
    reason: str = ""  # anomaly detail
    text: str = ""  # pieces requested, observations, nature of the illegality
    files: list = field(default_factory=list)  # [(name, bytes)] delivered with the message
    xml: bytes = b""  # the business message as received
    name: str = ""  # its file name when known
    nature: str = ""  # anomaly code ("002")
    documents: list = field(default_factory=list)  # file names the message refers to
    siren: str = ""  # the collectivité, when the message or its envelope says
    number: str = ""  # NumeroInterne of the act received (ARActe, AnomalieActe)
    decision_date: date | None = None
    nature_acte: str = ""  # "DE"… of the act received
    classification_date: date | None = None  # ClassificationDateVersionEnCours
    archive_key: tuple | None = None  # (siren, YYYYMMDD, serial) of a rejected envelope
    envelope_forms: list = field(default_factory=list)  # messages listed by a rejected envelope

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


# --- Parsing ------------------------------------------------------------------------------------------

def _q(name: str) -> str:
    return f"{{{ACTES_NS}}}{name}"


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _attr(element, name: str) -> str:
    value = element.get(_q(name))
    if value is None:
        value = element.get(name)
    return (value or "").strip()


def _date(value: str, what: str) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError as exc:
        raise IngestError(f"{what} « {value} » n'est pas une date AAAA-MM-JJ.") from exc


def _text(element, name: str) -> str:
    child = element.find(_q(name))
    return " ".join((child.text or "").split()) if child is not None and child.text else ""


def _parse(data: bytes, name: str = ""):
    if len(data) > MAX_XML_BYTES:
        raise IngestError(f"Le message XML dépasse {MAX_XML_BYTES // (1024 * 1024)} Mo : refusé.")
    try:
        return actes.parse_xml(data)
    except ActesError as exc:
        where = f" « {name} »" if name else ""
        raise IngestError(f"Le fichier{where} n'est pas un message @CTES lisible : {exc}") from exc


def _id_acte(element, required: bool = True) -> str:
    value = _attr(element, "IDActe")
    if not value and not required:
        return ""
    if not actes.ID_ACTE.match(value):
        raise IngestError(f"IDActe « {value} » absent ou invalide (attendu : DEPT-SIREN-AAAAMMJJ-NUMERO-NATURE).")
    return value


def _acte_recu(message: ReceivedMessage, root) -> None:
    recu = root.find(_q("ActeRecu"))
    if recu is None:
        raise IngestError(f"Le message {message.kind} ne contient pas l'acte reçu (ActeRecu).")
    message.number = _attr(recu, "NumeroInterne")
    if _attr(recu, "Date"):
        message.decision_date = _date(_attr(recu, "Date"), "La date de l'acte")
    code = _attr(recu, "CodeNatureActe")
    message.nature_acte = actes.NATURE_BY_CODE.get(int(code), "") if code.isdigit() else ""
    current = _text(root, "ClassificationDateVersionEnCours")
    if current:
        message.classification_date = _date(current, "La date de classification")


def _documents(root) -> list[str]:
    return [" ".join((el.text or "").split()) for el in root.iter(_q("NomFichier")) if (el.text or "").strip()]


def parse_xml_message(data: bytes, name: str = "") -> ReceivedMessage:
    """Read one business message from the ministry. Raises IngestError."""
    root = _parse(data, name)
    if etree_namespace(root) != ACTES_NS:
        raise IngestError("Ce fichier n'est pas un message @CTES : l'élément racine n'est pas dans l'espace de noms "
                          "ACTES du ministère de l'Intérieur.")
    kind = _local(root.tag)
    if kind == "RetourClassification" or kind == "ReponseClassificationSansChangement":
        raise IngestError("Ce fichier est une classification des actes : importez-la avec "
                          "« hemicycle import_classification » (ou depuis la page Classification).")
    if kind in SENT_KINDS:
        raise IngestError(f"Ce message (actes:{kind}) est un envoi de la collectivité, pas un message de la "
                          "préfecture.")
    if kind not in RECEIVED_KINDS:
        raise IngestError(f"Message @CTES « {kind} » non pris en charge.")
    message = ReceivedMessage(kind=kind, flow=actes.FLOWS[kind], xml=data, name=name, documents=_documents(root))
    if kind == "ARActe":
        message.id_acte = _id_acte(root)
        message.date = _date(_attr(root, "DateReception"), "La date de réception")
        _acte_recu(message, root)
        message.text = f"Acte reçu en préfecture le {message.date:%d/%m/%Y}, IDActe {message.id_acte}."
    elif kind == "AnomalieActe":
        message.date = _date(_text(root, "Date"), "La date de l'anomalie")
        message.nature = _text(root, "Nature")
        message.reason = _text(root, "Detail") or f"Anomalie de nature {message.nature}"
        _acte_recu(message, root)
    elif kind == "AnomalieEnveloppe":
        message.date = _date(_text(root, "Date"), "La date de l'anomalie")
        message.nature = _text(root, "Nature")
        message.reason = _text(root, "Detail") or f"Enveloppe rejetée (nature {message.nature})"
        received = root.find(_q("EnveloppeRecue"))
        if received is None:
            raise IngestError("L'anomalie d'enveloppe ne contient pas l'enveloppe reçue (EnveloppeRecue).")
        idcl = received.find(f"{_q('Emetteur')}/{_q('IDCL')}")
        if idcl is not None:
            message.siren = (idcl.get(f"{{{INSEE_NS}}}SIREN") or "").strip()
        message.envelope_forms = _documents(received.find(_q("FormulairesEnvoyes"))
                                            if received.find(_q("FormulairesEnvoyes")) is not None else received)
        match = _ANO_NAME.match(name or "")
        if match:
            message.archive_key = (match["siren"], match["date"], match["serial"])
            message.siren = message.siren or match["siren"]
    elif kind == "DefereTA":
        message.id_acte = _id_acte(root)
        message.date = _date(_text(root, "DateDepot"), "La date de dépôt")
        message.text = _text(root, "NatureIllegalite")
    elif kind == "ARAnnulation":
        message.id_acte = _id_acte(root)
        message.date = _date(_attr(root, "DateReception"), "La date de réception")
    elif kind in ("ARPieceComplementaire", "ARReponseRejetLettreObservations"):
        info = root.find(_q("InfosCourrierPref"))
        if info is None:
            raise IngestError(f"Le message {kind} ne contient pas InfosCourrierPref.")
        message.id_acte = _id_acte(info)
        message.date = _date(_attr(root, "DateReception"), "La date de réception")
    else:  # CourrierSimple, DemandePieceComplementaire, LettreObservations (DonneesCourrierPref)
        message.id_acte = _id_acte(root)
        message.date = _date(_attr(root, "DateCourrierPref"), "La date du courrier")
        if kind == "DemandePieceComplementaire":
            message.text = _text(root, "DescriptionPieces")
        elif kind == "LettreObservations":
            message.text = _text(root, "Motif")
    if message.id_acte:
        parts = actes.parse_id_acte(message.id_acte)
        if parts is None:
            raise IngestError(f"IDActe « {message.id_acte} » invalide (date impossible).")
        message.siren = message.siren or parts["siren"]
    if not message.siren:
        match = _FILE_SIREN.match(name or "")
        if match:
            message.siren = match["siren"]
    return message


def etree_namespace(root) -> str:
    return root.tag[1:].partition("}")[0] if isinstance(root.tag, str) and root.tag.startswith("{") else ""


def parse_message(data: bytes, name: str = "") -> ReceivedMessage:
    """Read what the prefecture sent: one XML message, or a ``.tar.gz`` holding the ministry's
    envelope, one business message and its files. Raises IngestError (French message)."""
    if not data or not data.strip():
        raise IngestError("Le fichier est vide.")
    if len(data) > MAX_INPUT_BYTES:
        raise IngestError(f"Le fichier dépasse {MAX_INPUT_BYTES // (1024 * 1024)} Mo : refusé.")
    if data[:2] == b"\x1f\x8b":
        return _parse_archive(data, name)
    if name.endswith((".tar.gz", ".tgz")):
        raise IngestError("Le fichier porte l'extension .tar.gz mais n'est pas une archive gzip : illisible.")
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] != b"<":
        raise IngestError("Le fichier n'est ni un message XML @CTES ni une archive .tar.gz.")
    return parse_xml_message(data, name)


def _parse_archive(data: bytes, name: str) -> ReceivedMessage:
    try:
        files = actes.unpack(data, max_bytes=MAX_INPUT_BYTES, max_members=100)
    except ActesError as exc:
        raise IngestError(str(exc)) from exc
    except (gzip.BadGzipFile, EOFError) as exc:  # pragma: no cover - unpack converts these
        raise IngestError(f"Archive .tar.gz illisible : {exc}") from exc
    envelope_siren = ""
    messages, envelopes, unreadable = [], set(), []
    for member, content in files.items():
        if not member.lower().endswith(".xml"):
            continue
        try:
            root = _parse(content, member)
        except IngestError as exc:  # an XML annex may be anything; a broken message is reported below
            unreadable.append(str(exc))
            continue
        kind = _local(root.tag) if etree_namespace(root) == ACTES_NS else ""
        if kind in ("EnveloppeMISILLCL", "EnveloppeCLMISILL"):
            envelopes.add(member)
        if kind == "EnveloppeMISILLCL":
            recipient = root.find(_q("Destinataire"))
            if recipient is not None:
                envelope_siren = (recipient.get(f"{{{INSEE_NS}}}SIREN") or "").strip()
        elif kind and kind not in ("EnveloppeCLMISILL",):
            messages.append(member)
    if not messages:
        raise IngestError(unreadable[0] if unreadable else "L'archive ne contient aucun message @CTES de la préfecture.")
    if len(messages) > 1:
        raise IngestError(f"L'archive contient {len(messages)} messages @CTES ({', '.join(messages)}) : "
                          "déposez-les un par un.")
    message = parse_xml_message(files[messages[0]], messages[0])
    message.siren = message.siren or envelope_siren
    message.files = [(n, c) for n, c in files.items() if n != messages[0] and n not in envelopes]
    return message


# --- Matching and recording (Django) ------------------------------------------------------------------

def _same_act(transmission, number: str, decision_date, nature: str) -> bool:
    act = transmission.act
    if number and actes.numero_interne(act.reference) != number:
        return False
    if nature and act.nature != nature:
        return False
    if decision_date is not None:
        final = getattr(act, "final", None) if _has_final(act) else None
        if final is not None and final.decision_date != decision_date:
            return False
    return True


def _has_final(act) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        act.final  # noqa: B018 - loaded by select_related
    except ObjectDoesNotExist:
        return False
    return True


def _by_act(siren: str, number: str, decision_date, nature: str):
    """The transmission, not yet acknowledged (no IDActe yet), of the act with this internal number."""
    from .models import Transmission

    candidates = (Transmission.objects.exclude(state=Transmission.State.CANCELLED).filter(id_acte="")
                  .select_related("act", "act__final"))
    if siren:
        candidates = candidates.filter(authority__siren=siren)
    if nature:
        candidates = candidates.filter(act__nature=nature)
    matches = [t for t in candidates.order_by("-attempt", "-pk") if _same_act(t, number, decision_date, nature)]
    acts = {t.act_id for t in matches}
    if len(acts) > 1:
        raise IngestError(f"Le message désigne l'acte n° {number} mais plusieurs collectivités ont un acte ainsi "
                          "numéroté : déposez le fichier sous son nom d'origine (il contient le SIREN).")
    return matches[0] if matches else None


def find_transmission(received: ReceivedMessage):
    """The Transmission a received message is about, or None."""
    from .models import Transmission

    if received.id_acte:
        found = (Transmission.objects.filter(id_acte=received.id_acte).select_related("act")
                 .order_by("-attempt", "-pk").first())
        if found is not None or received.kind != "ARActe":
            return found
        parts = actes.parse_id_acte(received.id_acte)
        return _by_act(parts["siren"], parts["number"], parts["date"], parts["nature"])
    if received.kind == "AnomalieActe":
        if not received.number:
            return None
        return _by_act(received.siren, received.number, received.decision_date, received.nature_acte)
    if received.kind == "AnomalieEnveloppe":
        if received.archive_key:
            siren, day, serial = received.archive_key
            found = (Transmission.objects.filter(archive_name__endswith=f"-EACT--{siren}--{day}-{serial}.tar.gz")
                     .select_related("act").order_by("-attempt", "-pk").first())
            if found is not None:
                return found
        for form in received.envelope_forms:
            match = _FORM_NAME.match(form)
            if match:
                from datetime import datetime

                try:
                    when = datetime.strptime(match["date"], "%Y%m%d").date()
                except ValueError:
                    when = None
                found = _by_act(match["siren"], match["number"], when, match["nature"])
                if found is not None:
                    return found
    return None


def _describe(received: ReceivedMessage) -> str:
    parts = [received.id_acte] if received.id_acte else []
    if received.number:
        parts.append(f"acte n° {received.number}")
    if received.archive_key:
        parts.append("enveloppe EACT--{}--{}-{}".format(*received.archive_key))
    if received.siren:
        parts.append(f"SIREN {received.siren}")
    return ", ".join(parts) or "aucun identifiant"


def apply_minimum(transmission, received: ReceivedMessage) -> None:
    """State changes when legality.actions.apply_prefecture_message does not exist."""
    State = type(transmission).State
    fields = ["state", "updated_at"]
    if received.kind == "ARActe":
        transmission.state = State.ACKNOWLEDGED
        transmission.id_acte = received.id_acte
        transmission.received_on = received.date
        fields += ["id_acte", "received_on"]
    elif received.kind in ("AnomalieActe", "AnomalieEnveloppe"):
        transmission.state = State.ANOMALY
        transmission.anomaly_reason = received.reason
        fields.append("anomaly_reason")
    elif received.kind in ("CourrierSimple", "DemandePieceComplementaire", "LettreObservations"):
        transmission.state = State.REQUEST_PENDING
    elif received.kind == "ARAnnulation":
        transmission.state = State.CANCELLED
    else:
        return
    transmission.save(update_fields=fields)


def _applier():
    try:
        module = importlib.import_module("hemicycle.legality.actions")
    except ModuleNotFoundError as exc:
        if exc.name == "hemicycle.legality.actions":
            return None
        raise
    return getattr(module, "apply_prefecture_message", None)


def ingest(data: bytes, *, actor=None, filename: str = ""):
    """Record a message received from the prefecture and apply it to its transmission.

    Returns the PrefectureMessage. Raises IngestError — and changes nothing — when the input is
    malformed or matches no transmission. ``legality.actions.apply_prefecture_message(transmission,
    received)`` may record the PrefectureMessage itself and return it (a message it returns that
    existed before means "already received": nothing more is done); otherwise ingest records it,
    with the XML and the attached files in the blob store. Journal: "legality.message_received"."""
    import hashlib

    from django.db import transaction

    from hemicycle.core import blobs
    from hemicycle.journal.services import record

    from .models import PrefectureMessage

    received = parse_message(data, filename)
    digest = hashlib.sha256(received.xml).hexdigest()
    with transaction.atomic():
        transmission = find_transmission(received)
        if transmission is None:
            raise IngestError(f"{received.label} : aucune transmission ne correspond ({_describe(received)}). "
                              "Rien n'a été enregistré.")
        transmission = type(transmission).objects.select_for_update().get(pk=transmission.pk)
        existing = transmission.messages.filter(direction=PrefectureMessage.Direction.IN, kind=received.kind,
                                                xml_sha256=digest).first()
        if existing is not None:
            existing.duplicate = True
            return existing
        before = set(transmission.messages.values_list("pk", flat=True))
        apply = _applier()
        result = None
        if apply is not None:
            accepts_actor = "actor" in inspect.signature(apply).parameters
            result = apply(transmission, received, actor=actor) if accepts_actor else apply(transmission, received)
        else:
            apply_minimum(transmission, received)
        if isinstance(result, PrefectureMessage):  # TRANSMIT's action records the message itself
            message = result
            if message.pk in before:  # it judged the message already received: nothing changed
                message.duplicate = True
                return message
        else:
            message = (transmission.messages.filter(direction=PrefectureMessage.Direction.IN, xml_sha256=digest)
                       .exclude(pk__in=before).first())
        if message is None:
            blobs.put(received.xml)
            stored = [{"name": n, "sha256": blobs.put(c)} for n, c in received.files]
            message = PrefectureMessage.objects.create(
                transmission=transmission, direction=PrefectureMessage.Direction.IN, flow=received.flow,
                kind=received.kind, date=received.date, text=received.reason or received.text,
                xml_sha256=digest, files=stored)
        transmission.refresh_from_db()
        record("legality.message_received", actor=actor, obj=transmission,
               data={"kind": received.kind, "flow": received.flow, "id_acte": received.id_acte,
                     "date": received.date.isoformat() if received.date else None, "message": message.pk,
                     "state": transmission.state, "file": filename})
    return message


def summary(message) -> str:
    """One French line saying what an ingested message did (for the command)."""
    transmission = message.transmission
    label = KIND_LABELS.get(message.kind, message.kind)
    if getattr(message, "duplicate", False):
        return (f"{label} déjà reçu pour l'acte {transmission.act.reference} (envoi n° {transmission.attempt}) : "
                "rien n'a été modifié.")
    when = f" du {message.date:%d/%m/%Y}" if message.date else ""
    state = transmission.get_state_display()
    extra = f", IDActe {transmission.id_acte}" if transmission.id_acte else ""
    return (f"{label}{when} enregistré pour l'acte {transmission.act.reference} (envoi n° {transmission.attempt}"
            f"{extra}) : transmission « {state} ».")
