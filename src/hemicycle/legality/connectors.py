"""Transmission operators (tiers de télétransmission) — formats.md "@CTES", french_stack.md §1.6, §3.7.

A ``Connector`` is what Hémicycle needs from an operator:

- ``post(transmission, acte)`` → the operator's transaction id (``OperatorRefused`` for a "KO",
  ``OperatorUnavailable`` when the network or the operator failed: the caller retries);
- ``find(acte, *, since, exclude)`` → the id of a transaction already created for this act
  (used before any re-post: a worker may have died, or the network failed, after the operator
  accepted the transaction — this is what keeps a transmission from being duplicated);
- ``status(operator_id)`` → ``OperatorStatus`` (code, and the ARActe / anomaly message);
- ``prefecture_documents()``, ``fetch_document(id)``, ``mark_read(id)``: messages from the
  prefecture (courrier simple, demande de pièces, lettre d'observations, déféré);
- ``send_answer(document_id, …)``: the collectivité's answer to one of them;
- ``cancel(operator_id)``.

``S2lowConnector`` speaks the S²LOW HTTP API (the one the shipped prefecture simulator speaks):

    POST /modules/actes/actes_transac_create.php          api=1, nature_code, classif1..5, number,
         decision_date, subject, document_papier, type_acte, type_pj[], acte_pdf_file,
         acte_attachments[]                                → "OK\\n<id>" | "KO\\n<message>"
    GET  /modules/actes/actes_transac_get_status.php?transaction=ID
                                                          → "OK\\n<status>\\n<ARActe XML when 4 /
                                                             anomaly when -1>"
    GET  /modules/actes/api/list_actes.php?status_id=&min_date=&offset=&limit=   (JSON)
    GET  /modules/actes/api/list_document_prefecture.php                         (JSON)
    GET  /modules/actes/actes_transac_get_document.php?id=ID                      (.tar.gz)
    GET  /modules/actes/api/document_prefecture_mark_as_read.php?transaction_id=ID
    POST /modules/actes/actes_transac_reponse_create.php  api=1, id, type_envoie (3 refus, 4 réponse),
         type_acte, acte_pdf_file, acte_attachments[], type_pj[]           → "OK\\n<id>"
    POST /modules/actes/actes_transac_cancel.php          api=1, id        → "OK\\n<id>"

Authentication: HTTP Basic login/password, plus an RGS client certificate when configured.
Every request has a timeout. Answers are ISO-8859-1 text (S²LOW is a PHP application).
"""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
import json
import tarfile
from dataclasses import dataclass, field
from datetime import date

import requests
from lxml import etree

ACTES_NS = "http://www.interieur.gouv.fr/ACTES#v1.1-20040216"

# S²LOW transaction statuses (libriciel/s2low ActesStatusSQL).
STATUS_ERROR = -1
STATUS_CANCELLED = 0
STATUS_POSTED = 1
STATUS_WAITING = 2
STATUS_TRANSMITTED = 3
STATUS_ACKNOWLEDGED = 4
STATUS_VALIDATED = 5
STATUS_DOCUMENT_RECEIVED = 7
STATUS_ACK_SENT = 8
STATUS_DOCUMENT_RECEIVED_NO_AR = 21
STATUS_LABELS = {
    -1: "Erreur", 0: "Annulé", 1: "Posté", 2: "En attente de transmission", 3: "Transmis",
    4: "Acquittement reçu", 5: "Validé", 7: "Document reçu", 8: "Acquittement envoyé",
    17: "En attente d'être postée", 21: "Document reçu (pas d'AR)",
}
# Transaction types (ActesTransaction::$transactionTypes).
TYPE_ACTE, TYPE_COURRIER, TYPE_DEMANDE_PIECES, TYPE_LETTRE_OBSERVATIONS, TYPE_DEFERE, TYPE_ANNULATION = 1, 2, 3, 4, 5, 6
# Answer sub-types (type_envoie / type_reponse).
ANSWER_REFUSAL, ANSWER_RESPONSE = 3, 4

DUPLICATE_NUMBER_MESSAGE = "Une transaction avec le même numéro existe déjà dans la base."


class OperatorError(Exception):
    """The operator could not do what was asked."""


class OperatorUnavailable(OperatorError):
    """Network error, timeout or server error: the outcome is unknown, try again later."""


class OperatorRefused(OperatorError):
    """The operator answered "KO": trying again with the same content will not help."""


class DuplicateNumber(OperatorRefused):
    """S²LOW refuses a second transaction with the same number for the same collectivité."""


@dataclass
class ActeSubmission:
    """What is posted to the operator, read back from the frozen @CTES archive of the transmission
    (so a retry posts exactly what was built when the secretariat clicked "Transmettre")."""

    nature_code: int
    number: str
    decision_date: date
    subject: str
    classification: list[str]  # ["7", "5"] = 7.5 (one code per level)
    classification_date: date | None
    act_file: tuple[str, bytes]
    act_type: str  # 5-character piece type, e.g. "99_DE"
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    attachment_types: list[str] = field(default_factory=list)
    document_papier: bool = False

    @classmethod
    def from_archive(cls, archive: bytes) -> ActeSubmission:
        """Read the ``actes:Acte`` message (``…-1-1_0.xml``) and its files from a @CTES ``.tar.gz``."""
        files = {}
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            for member in tar.getmembers():
                if member.isfile():
                    files[member.name.rsplit("/", 1)[-1]] = tar.extractfile(member).read()
        message_name = next((n for n in files if n.endswith("-1-1_0.xml")), None)
        if message_name is None:
            raise ValueError("L'archive ne contient pas de message actes:Acte (…-1-1_0.xml).")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(files[message_name], parser)
        a = f"{{{ACTES_NS}}}"
        classification = []
        for level in range(1, 6):
            el = root.find(f"{a}CodeMatiere{level}")
            if el is not None:
                classification.append(el.get(f"{a}CodeMatiere"))
        cdv = root.findtext(f"{a}ClassificationDateVersion")
        act_name = root.findtext(f"{a}Document/{a}NomFichier")
        annex_names = [el.text for el in root.findall(f"{a}Annexes/{a}Annexe/{a}NomFichier")]
        papier = (root.findtext(f"{a}DocumentPapier") or "").strip().upper()
        return cls(
            nature_code=int(root.get(f"{a}CodeNatureActe")),
            number=root.get(f"{a}NumeroInterne"),
            decision_date=date.fromisoformat(root.get(f"{a}Date")),
            subject=root.findtext(f"{a}Objet") or "",
            classification=classification,
            classification_date=date.fromisoformat(cdv) if cdv else None,
            act_file=(act_name, files[act_name]),
            act_type=piece_type(act_name),
            attachments=[(n, files[n]) for n in annex_names],
            attachment_types=[piece_type(n) for n in annex_names],
            document_papier=papier in ("O", "1"),
        )


def piece_type(file_name: str) -> str:
    """The 5-character piece type prefixing a @CTES file name ("99_DE-075-…pdf" → "99_DE")."""
    prefix = file_name.split("-", 1)[0]
    return prefix if len(prefix) == 5 and "_" in prefix else ""


@dataclass
class OperatorStatus:
    code: int
    message: bytes = b""  # ARActe (status 4) or the anomaly (status -1), when the operator gives one
    detail: str = ""  # the text after the status line when it is not XML

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.code, str(self.code))


@dataclass
class PrefectureDocument:
    """A message from the prefecture waiting at the operator (S²LOW list_document_prefecture)."""

    id: str
    type: int  # 2 courrier simple, 3 demande de pièces, 4 lettre d'observations, 5 déféré
    status: int
    id_acte: str  # unique_id of the act it is about
    number: str = ""
    related_transaction_id: str = ""


class Connector(ABC):
    """Interface of a transmission operator; see the module docstring."""

    name = "connector"

    @abstractmethod
    def post(self, transmission, acte: ActeSubmission) -> str:
        """Implemented by each operator connector."""

    @abstractmethod
    def find(self, acte: ActeSubmission, *, since: date, exclude=()) -> str | None:
        """Implemented by each operator connector."""

    @abstractmethod
    def status(self, operator_id: str) -> OperatorStatus:
        """Implemented by each operator connector."""

    @abstractmethod
    def prefecture_documents(self) -> list[PrefectureDocument]:
        """Implemented by each operator connector."""

    @abstractmethod
    def fetch_document(self, document_id: str) -> bytes:
        """Implemented by each operator connector."""

    @abstractmethod
    def mark_read(self, document_id: str) -> None:
        """Implemented by each operator connector."""

    @abstractmethod
    def send_answer(self, document_id: str, *, response: bool, letter: tuple[str, bytes],
                    attachments=(), act_type: str = "", attachment_types=()) -> str:
        """Implemented by each operator connector."""

    @abstractmethod
    def cancel(self, operator_id: str) -> str:
        """Implemented by each operator connector."""


def _text(response: requests.Response) -> str:
    # S²LOW answers in ISO-8859-1 (a PHP application); the simulator does the same.
    return response.content.decode(response.encoding or "iso-8859-1", errors="replace")


class S2lowConnector(Connector):
    name = "s2low"
    CREATE = "/modules/actes/actes_transac_create.php"
    STATUS = "/modules/actes/actes_transac_get_status.php"
    LIST = "/modules/actes/api/list_actes.php"
    DOCUMENTS = "/modules/actes/api/list_document_prefecture.php"
    DOCUMENT = "/modules/actes/actes_transac_get_document.php"
    MARK_READ = "/modules/actes/api/document_prefecture_mark_as_read.php"
    ANSWER = "/modules/actes/actes_transac_reponse_create.php"
    CANCEL = "/modules/actes/actes_transac_cancel.php"
    # Statuses in which a transaction still counts as "the" transmission of an act.
    LIVE_STATUSES = (STATUS_POSTED, STATUS_WAITING, STATUS_TRANSMITTED, STATUS_ACKNOWLEDGED, STATUS_VALIDATED, 17)

    def __init__(self, base_url: str, *, login: str = "", password: str = "", cert: str = "", key: str = "",
                 verify: bool | str = True, timeout: float = 30.0, connect_timeout: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        if login:
            self.session.auth = (login, password)
        if cert:
            self.session.cert = (cert, key) if key else cert
        self.session.verify = verify
        self.timeout = (connect_timeout, timeout)

    # --- transport -------------------------------------------------------------------------
    def _request(self, method: str, path: str, **kwargs) -> requests.Response:
        try:
            response = self.session.request(method, self.base_url + path, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise OperatorUnavailable(f"Opérateur injoignable ({type(exc).__name__}) : {exc}") from exc
        if response.status_code >= 500:
            raise OperatorUnavailable(f"Erreur de l'opérateur (HTTP {response.status_code}).")
        if response.status_code in (401, 403):
            raise OperatorRefused("L'opérateur refuse l'authentification (identifiant, mot de passe ou certificat).")
        if response.status_code >= 400:
            raise OperatorRefused(f"L'opérateur a refusé la requête (HTTP {response.status_code}).")
        return response

    def _ok_lines(self, response: requests.Response) -> list[str]:
        lines = _text(response).split("\n")
        if lines[0].strip() == "OK":
            return lines
        message = "\n".join(lines[1:]).strip() or lines[0].strip() or "réponse vide"
        if lines[0].strip() == "KO":
            if DUPLICATE_NUMBER_MESSAGE in message:
                raise DuplicateNumber(message)
            raise OperatorRefused(message)
        raise OperatorUnavailable(f"Réponse inattendue de l'opérateur : {message[:200]}")

    def _json(self, path: str, params: dict | None = None):
        response = self._request("GET", path, params=params)
        text = _text(response).strip()
        if text.startswith("KO"):
            self._ok_lines(response)  # raises OperatorRefused
        for candidate in (text, text.split("\n", 1)[0]):  # S²LOW may add lines after the JSON
            try:
                return json.loads(candidate)
            except ValueError:
                continue
        raise OperatorUnavailable("Réponse illisible de l'opérateur (JSON attendu).")

    # --- acts ------------------------------------------------------------------------------
    def post(self, transmission, acte: ActeSubmission) -> str:
        data = [("api", "1"), ("nature_code", str(acte.nature_code)), ("number", acte.number),
                ("decision_date", acte.decision_date.isoformat()), ("subject", acte.subject),
                ("document_papier", "1" if acte.document_papier else "0"), ("en_attente", "0")]
        for i, code in enumerate(acte.classification[:5], start=1):
            data.append((f"classif{i}", code))
        if acte.classification_date:
            # Not part of S²LOW's API (it keeps the collectivité's classification itself); the
            # simulator uses it to answer like the ministry when the version is outdated.
            data.append(("classification_date", acte.classification_date.isoformat()))
        if acte.act_type:
            data.append(("type_acte", acte.act_type))
        for code in acte.attachment_types:
            data.append(("type_pj[]", code))
        files = [("acte_pdf_file", (acte.act_file[0], acte.act_file[1], _mime(acte.act_file[0])))]
        for name, content in acte.attachments:
            files.append(("acte_attachments[]", (name, content, _mime(name))))
        body = [(k, v.encode("iso-8859-1", errors="replace")) for k, v in data]
        lines = self._ok_lines(self._request("POST", self.CREATE, data=body, files=files))
        operator_id = lines[1].strip() if len(lines) > 1 else ""
        if not operator_id:
            raise OperatorUnavailable("L'opérateur a accepté la transaction sans en donner l'identifiant.")
        return operator_id

    def find(self, acte: ActeSubmission, *, since: date, exclude=()) -> str | None:
        """A live transaction of this act (same number, nature and decision date) created since
        ``since`` and not already known (``exclude``), or None."""
        exclude = {str(x) for x in exclude if x}
        for status_id in self.LIVE_STATUSES:
            offset = 0
            while True:
                page = self._json(self.LIST, {"status_id": status_id, "min_date": since.isoformat(),
                                              "offset": offset, "limit": 100})
                transactions = page.get("transactions", []) if isinstance(page, dict) else []
                for t in transactions:
                    if (str(t.get("number")) == acte.number and int(t.get("type", 1)) == TYPE_ACTE
                            and str(t.get("nature_code", acte.nature_code)) == str(acte.nature_code)
                            and str(t.get("decision_date", acte.decision_date.isoformat()))[:10]
                            == acte.decision_date.isoformat()
                            and str(t.get("id")) not in exclude):
                        return str(t["id"])
                if len(transactions) < 100:
                    break
                offset += 100
        return None

    def status(self, operator_id: str) -> OperatorStatus:
        response = self._request("GET", self.STATUS, params={"transaction": operator_id})
        raw = response.content
        head, _, rest = raw.partition(b"\n")
        if head.strip() != b"OK":
            self._ok_lines(response)
        code_line, _, payload = rest.partition(b"\n")
        try:
            code = int(code_line.strip())
        except ValueError as exc:
            raise OperatorUnavailable(f"Statut illisible : {code_line[:50]!r}") from exc
        payload = payload.strip()
        if payload.startswith(b"<"):
            return OperatorStatus(code, message=payload)
        return OperatorStatus(code, detail=payload.decode("iso-8859-1", errors="replace"))

    def cancel(self, operator_id: str) -> str:
        lines = self._ok_lines(self._request("POST", self.CANCEL, data={"api": "1", "id": operator_id}))
        return lines[1].strip() if len(lines) > 1 else ""

    # --- documents from the prefecture ------------------------------------------------------
    def prefecture_documents(self) -> list[PrefectureDocument]:
        rows = self._json(self.DOCUMENTS)
        if isinstance(rows, dict):
            rows = list(rows.values())
        return [PrefectureDocument(id=str(r["id"]), type=int(r["type"]), status=int(r.get("last_status_id") or 0),
                                   id_acte=str(r.get("unique_id") or ""), number=str(r.get("number") or ""),
                                   related_transaction_id=str(r.get("related_transaction_id") or ""))
                for r in rows]

    def fetch_document(self, document_id: str) -> bytes:
        response = self._request("GET", self.DOCUMENT, params={"id": document_id})
        if response.content.startswith(b"KO"):
            self._ok_lines(response)
        return response.content

    def mark_read(self, document_id: str) -> None:
        self._request("GET", self.MARK_READ, params={"transaction_id": document_id})

    def send_answer(self, document_id: str, *, response: bool, letter: tuple[str, bytes], attachments=(),
                    act_type: str = "", attachment_types=()) -> str:
        data = [("api", "1"), ("id", str(document_id)),
                ("type_envoie", str(ANSWER_RESPONSE if response else ANSWER_REFUSAL))]
        if act_type:
            data.append(("type_acte", act_type))
        for code in attachment_types:
            data.append(("type_pj[]", code))
        files = [("acte_pdf_file", (letter[0], letter[1], _mime(letter[0])))]
        for name, content in attachments:
            files.append(("acte_attachments[]", (name, content, _mime(name))))
        lines = self._ok_lines(self._request("POST", self.ANSWER, data=data, files=files))
        return lines[1].strip() if len(lines) > 1 else ""


def _mime(name: str) -> str:
    lower = name.lower()
    if lower.endswith(".pdf"):
        return "application/pdf"
    if lower.endswith(".xml"):
        return "application/xml"
    if lower.endswith(".png"):
        return "image/png"
    if lower.endswith((".jpg", ".jpeg")):
        return "image/jpeg"
    return "application/octet-stream"


def get_connector(authority) -> Connector:
    """The operator connector of an authority, from the settings:

    HEMICYCLE_ACTES_OPERATOR_URL (default: the shipped simulator, http://127.0.0.1:8010),
    HEMICYCLE_ACTES_OPERATOR_LOGIN (default: the authority's SIREN), HEMICYCLE_ACTES_OPERATOR_PASSWORD,
    HEMICYCLE_ACTES_OPERATOR_CERT / _KEY (RGS client certificate, PEM), HEMICYCLE_ACTES_OPERATOR_CA
    (CA bundle, or "false" to skip verification), HEMICYCLE_ACTES_OPERATOR_TIMEOUT (seconds).
    HEMICYCLE_ACTES_CONNECTOR may name another Connector class (dotted path)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    cls = import_string(getattr(settings, "HEMICYCLE_ACTES_CONNECTOR", "hemicycle.legality.connectors.S2lowConnector"))
    ca = getattr(settings, "HEMICYCLE_ACTES_OPERATOR_CA", "")
    verify: bool | str = True if not ca else (False if ca.lower() in ("false", "0", "no") else ca)
    return cls(getattr(settings, "HEMICYCLE_ACTES_OPERATOR_URL", "http://127.0.0.1:8010"),
               login=getattr(settings, "HEMICYCLE_ACTES_OPERATOR_LOGIN", "") or authority.siren,
               password=getattr(settings, "HEMICYCLE_ACTES_OPERATOR_PASSWORD", ""),
               cert=getattr(settings, "HEMICYCLE_ACTES_OPERATOR_CERT", ""),
               key=getattr(settings, "HEMICYCLE_ACTES_OPERATOR_KEY", ""),
               verify=verify, timeout=float(getattr(settings, "HEMICYCLE_ACTES_OPERATOR_TIMEOUT", 30)))
