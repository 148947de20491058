"""A prefecture simulator speaking the S²LOW HTTP API on loopback (stdlib ``http.server``).

It plays both the transmission operator and the ministry/prefecture behind it:

- ``actes_transac_create.php`` checks the fields like S²LOW does (answer ``KO\\n<message>``),
  refuses a second live transaction with the same number ("Une transaction avec le même numéro
  existe déjà dans la base."), rebuilds the @CTES archive (``actes:Acte`` message + envelope
  ``EACT--…``) from the posted fields and files with ``hemicycle.legality.actes`` and validates
  the message against ``actesv1_1.xsd``;
- the transaction then goes posted (1) → waiting (2) → transmitted (3) → acknowledged (4, an
  ``ARActe`` with ``IDActe`` DEPT-SIREN-YYYYMMDD-NUMERO-NATURE and ``DateReception``) one step
  every ``step_seconds`` — or to error (-1, an ``AnomalieActe``) when the message is not valid,
  when the object contains "[anomalie]", when the classification date is older than the
  collectivité's current one, or when the operator page asks for it;
- the operator page (``GET /``) lists the transactions with buttons that send, on demand, a
  CourrierSimple, DemandePieceComplementaire, LettreObservations or DefereTA
  (``POST /simulate/<id>/<kind>``), which the collectivité fetches with
  ``api/list_document_prefecture.php`` and ``actes_transac_get_document.php`` and answers with
  ``actes_transac_reponse_create.php``.

No Django: ``Simulator(data_dir, accounts=…)`` and ``serve(simulator, host, port)``;
``hemicycle prefecture_simulator --port 8010`` wires it to Hémicycle's authorities.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from . import messages
from .store import Store, add_history

logger = logging.getLogger("hemicycle.legality.simulator")

NUMBER_RE = re.compile(r"^([A-Z0-9][A-Z0-9_]{0,13})?[A-Z0-9]$")
PIECE_TYPE_RE = re.compile(r"^[A-Z0-9_]{5}$")
STATUS_LABELS = {-1: "Erreur", 0: "Annulé", 1: "Posté", 2: "En attente de transmission", 3: "Transmis",
                 4: "Acquittement reçu", 7: "Document reçu", 8: "Acquittement envoyé",
                 21: "Document reçu (pas d'AR)"}
TYPE_LABELS = {1: "Acte", 2: "Courrier simple", 3: "Demande de pièces complémentaires",
               4: "Lettre d'observations", 5: "Déféré au TA", 6: "Annulation"}
MAX_BODY = 150 * 1024 * 1024
DROP = object()  # "cut the connection without answering" (fault injection)


@dataclass
class Account:
    """A collectivité's account at the operator (S²LOW keeps SIREN and department per authority)."""

    login: str
    password: str
    siren: str
    department: str
    arrondissement: str = "0"
    nature: str = "31"
    name: str = ""
    email: str = ""  # return address in the rebuilt envelope
    classification_date: str = ""  # the collectivité's current classification at the prefecture

    def __post_init__(self):
        self.email = self.email or f"actes-{self.siren}@simulateur.test"


@dataclass
class Request:
    method: str
    path: str
    query: dict
    form: dict  # name → [str]
    files: dict  # name → [(filename, bytes)]
    login: str = ""
    password: str = ""

    def value(self, name: str, default: str = "") -> str:
        values = self.form.get(name) or self.query.get(name) or [default]
        return values[0]


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=ISO-8859-1"
    headers: tuple = ()


def text(*lines: str, status: int = 200) -> Response:
    return Response(status, "\n".join(lines).encode("iso-8859-1", errors="replace"))


def ko(message: str) -> Response:
    return text("KO", message)


def as_json(value) -> Response:
    return Response(200, json.dumps(value, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")


class Simulator:
    def __init__(self, data_dir: Path | str, *, accounts=(), account_resolver=None, step_seconds: float | None = 2.0,
                 clock=time.time, today=None):
        self.data_dir = Path(data_dir)
        self.store = Store(self.data_dir / "simulator.sqlite3")
        self.accounts = {a.login: a for a in accounts}
        self.account_resolver = account_resolver  # login → Account | None, for logins not in ``accounts``
        self.step_seconds = step_seconds  # None: statuses move only from the operator page
        self.clock = clock
        self.today = today or date.today
        self.faults: dict[str, int] = {}  # tests: {"drop_after_accept": 1, "error_500": 2}
        self.requests: list[tuple[str, str]] = []  # (method, path) of every API call (tests)
        self._lock = threading.RLock()

    # --- faults (tests) -------------------------------------------------------------------
    def inject(self, fault: str, count: int = 1) -> None:
        self.faults[fault] = self.faults.get(fault, 0) + count

    def _take_fault(self, fault: str) -> bool:
        with self._lock:
            if self.faults.get(fault, 0) > 0:
                self.faults[fault] -= 1
                return True
        return False

    # --- authentication -------------------------------------------------------------------
    def account(self, login: str, password: str) -> Account | None:
        """The account of a login, when the password matches."""
        account = self.accounts.get(login)
        if account is None and self.account_resolver is not None:
            account = self.account_resolver(login)
        if account is None or account.password != password:
            return None
        return account

    # --- dispatch -------------------------------------------------------------------------
    def handle(self, request: Request):
        path = request.path.rstrip("/") or "/"
        if path == "/" and request.method == "GET":
            return self.operator_page()
        if path.startswith("/simulate/") and request.method == "POST":
            return self.operator_action(request, path)
        if path.startswith("/archive/"):
            return self.archive_download(path)
        routes = {
            "/api/test-connexion.php": self.test_connection,
            "/modules/actes/actes_transac_create.php": self.create,
            "/modules/actes/actes_transac_get_status.php": self.get_status,
            "/modules/actes/api/list_actes.php": self.list_actes,
            "/modules/actes/api/list_document_prefecture.php": self.list_documents,
            "/modules/actes/actes_transac_get_document.php": self.get_document,
            "/modules/actes/api/document_prefecture_mark_as_read.php": self.mark_read,
            "/modules/actes/actes_transac_reponse_create.php": self.create_answer,
            "/modules/actes/actes_transac_cancel.php": self.cancel,
        }
        view = routes.get(path)
        if view is None:
            return Response(404, b"Not found")
        self.requests.append((request.method, path))
        if self._take_fault("error_500"):
            return Response(500, b"Erreur interne (simulee)")
        account = self.account(request.login, request.password)
        if account is None:
            return Response(401, b"KO\nAuthentification requise", headers=(("WWW-Authenticate", 'Basic realm="S2LOW"'),))
        with self._lock:
            return view(request, account)

    def test_connection(self, request, account):
        return text("OK", account.siren)

    # --- acts -----------------------------------------------------------------------------
    def create(self, request: Request, account: Account):
        if request.method != "POST":
            return ko("Méthode POST attendue.")
        check = self._check_fields(request)
        if isinstance(check, Response):
            return check
        fields = check
        live = self.store.count("siren = ? AND type = 1 AND number = ? AND status NOT IN (-1, 0)",
                                (account.siren, fields["number"]))
        if live:
            return ko("Une transaction avec le même numéro existe déjà dans la base.")
        try:
            rebuilt = self._rebuild(account, fields)
        except messages.actes.ActesError as exc:  # the data cannot make a message: S²LOW answers KO
            return ko(f"Impossible de constituer le message @CTES : {exc}")
        anomaly, anomaly_nature = "", ""
        if rebuilt["errors"]:
            anomaly, anomaly_nature = ("ODT-VERIF-03 : message non conforme au schéma actesv1_1.xsd : "
                                       + " ; ".join(rebuilt["errors"])[:1500]), "001"
        elif "[anomalie]" in fields["subject"].lower():
            anomaly, anomaly_nature = "ODT-VERIF-02 : anomalie demandée par l'objet de l'acte (simulateur).", "003"
        elif (account.classification_date and fields["classification_date"]
              and fields["classification_date"] < account.classification_date):
            anomaly, anomaly_nature = ("ODT-VERIF-01 : Votre acte a été transmis avec une date de classification "
                                       "qui n'est pas à jour"), "002"
        now = self.clock()
        tid = self.store.insert(
            siren=account.siren, department=account.department, type=1, number=fields["number"], nature_code=fields["nature_code"],
            subject=fields["subject"], decision_date=fields["decision_date"].isoformat(),
            classification=".".join(fields["classification"]), status=1, status_at=now,
            history=add_history({}, 1, now, "Posté"), created_at=now, submission_date=self.today().isoformat(),
            anomaly=anomaly, anomaly_nature=anomaly_nature, message=rebuilt["message"],
            archive_name=rebuilt["archive_name"], archive=rebuilt["archive"],
            files=json.dumps(rebuilt["files"], ensure_ascii=False))
        if self._take_fault("drop_after_accept"):
            return DROP  # the transaction exists, the client never hears of it
        return text("OK", str(tid))

    def _check_fields(self, request: Request):
        """The checks S²LOW makes before accepting a transaction (ActesTransaction::save)."""
        if request.value("api") != "1":
            return ko("Paramètre api=1 attendu.")
        try:
            nature_code = int(request.value("nature_code"))
        except ValueError:
            return ko("Nature de l'acte invalide.")
        if nature_code not in messages.NATURE_ABBREV:
            return ko("Nature de l'acte invalide.")
        number = request.value("number")
        if not NUMBER_RE.match(number) or len(number) > 15:
            return ko("Le numéro de l'acte ne peut contenir que des chiffres, des lettres en majuscules et _ "
                      "(15 caractères au plus).")
        subject = request.value("subject").strip()
        if not subject or len(subject) > 499 or "\n" in subject:
            return ko("L'objet est obligatoire, sur une ligne, 499 caractères au plus.")
        try:
            decision_date = date.fromisoformat(request.value("decision_date"))
        except ValueError:
            return ko("La date de décision est invalide (AAAA-MM-JJ).")
        if decision_date > self.today():
            return ko("La date de décision ne peut pas être dans le futur.")
        classification = []
        for level in range(1, 6):
            code = request.value(f"classif{level}").strip()
            if not code:
                break
            if not code.isdigit():
                return ko(f"Classification de niveau {level} invalide.")
            classification.append(code)
        if len(classification) < 2:
            return ko("Les deux premiers niveaux de classification sont obligatoires.")
        act_files = request.files.get("acte_pdf_file") or []
        if len(act_files) != 1 or not act_files[0][1]:
            return ko("Le fichier de l'acte est obligatoire.")
        act_name, act_bytes = act_files[0]
        is_xml = act_bytes.lstrip().startswith(b"<?xml")
        if not act_bytes.startswith(b"%PDF") and not (is_xml and nature_code == 5 and classification[:2] == ["7", "1"]):
            return ko("Le fichier de l'acte doit être au format PDF (XML seulement pour les documents budgétaires, "
                      "classification 7.1).")
        type_acte = request.value("type_acte").strip()
        if type_acte and not PIECE_TYPE_RE.match(type_acte):
            return ko("Le code de la PJ doit faire 5 caractères.")
        attachments = request.files.get("acte_attachments[]") or []
        type_pj = request.form.get("type_pj[]") or []
        if type_pj and len(type_pj) != len(attachments):
            return ko("Il faut un type de pièce par annexe.")
        for code in type_pj:
            if not PIECE_TYPE_RE.match(code):
                return ko("Le code de la PJ doit faire 5 caractères.")
        cdv = request.value("classification_date").strip()
        try:
            classification_date = date.fromisoformat(cdv).isoformat() if cdv else ""
        except ValueError:
            return ko("Date de classification invalide.")
        return {"nature_code": nature_code, "number": number, "subject": subject, "decision_date": decision_date,
                "classification": classification, "classification_date": classification_date,
                "act_file": (act_name, act_bytes), "type_acte": type_acte or f"99_{messages.NATURE_ABBREV[nature_code]}",
                "attachments": attachments, "type_pj": type_pj or ["99_AU"] * len(attachments),
                "document_papier": request.value("document_papier") == "1"}

    def _rebuild(self, account: Account, fields: dict) -> dict:
        """Rebuild the @CTES archive from the posted fields with ACTES' builders; validate it."""
        from . import rebuild

        return rebuild.rebuild_archive(account, fields, serial=self.store.count("siren = ?", (account.siren,)) + 1)

    def _advance(self, row: dict, *, force: bool = False) -> dict:
        """Move an act transaction along posted → waiting → transmitted → acknowledged/error."""
        if row["type"] != 1 or row["status"] not in (1, 2, 3):
            return row
        now = self.clock()
        while row["status"] in (1, 2, 3):
            if not force:
                if self.step_seconds is None or now - row["status_at"] < self.step_seconds:
                    break
            at = row["status_at"] + (self.step_seconds or 0) if not force else now
            status = row["status"] + 1 if row["status"] < 3 else (-1 if row["anomaly"] else 4)
            values = {"status": status, "status_at": at if not force else now}
            if status == 4:
                unique = messages.id_acte(row["department"], row["siren"], date.fromisoformat(row["decision_date"]),
                                          row["number"], row["nature_code"])
                values["unique_id"] = unique
                values["answer"] = messages.ar_acte(row["message"], id_acte_value=unique, received=self.today())
                label = f"Reçu par le MI le {self.today():%d/%m/%Y}"
            elif status == -1:
                values["answer"] = messages.anomalie_acte(row["message"], nature=row["anomaly_nature"] or "001",
                                                          detail=row["anomaly"], on=self.today())
                label = row["anomaly"]
            else:
                label = STATUS_LABELS[status]
            values["history"] = add_history(row, status, now, label)
            self.store.update(row["id"], **values)
            row.update(values)
            if force:
                break
        return row

    def _own(self, account: Account, tid) -> dict | None:
        row = self.store.get(tid)
        if row is None or row["siren"] != account.siren:
            return None
        return row

    def get_status(self, request: Request, account: Account):
        row = self._own(account, request.value("transaction"))
        if row is None:
            return ko("La transaction demandée n'existe pas.")
        row = self._advance(row)
        lines = ["OK", str(row["status"])]
        if row["status"] in (4, -1) and row["answer"]:
            return Response(200, "\n".join(lines).encode() + b"\n" + bytes(row["answer"]))
        if row["status"] == 0:
            lines.append("Transaction annulée")
        return text(*lines)

    def list_actes(self, request: Request, account: Account):
        try:
            status_id = int(request.value("status_id"))
        except ValueError:
            return ko("Le paramètre status_id est obligatoire.")
        for row in self.store.select("siren = ? AND type = 1 AND status IN (1, 2, 3)", (account.siren,)):
            self._advance(row)
        where, params = "siren = ? AND status = ?", [account.siren, status_id]
        if request.value("min_date"):
            where += " AND submission_date >= ?"
            params.append(request.value("min_date"))
        if request.value("max_date"):
            where += " AND submission_date <= ?"
            params.append(request.value("max_date"))
        offset, limit = int(request.value("offset", "0") or 0), min(int(request.value("limit", "100") or 100), 1000)
        rows = self.store.select(where, params)[offset:offset + limit]
        return as_json({"status_id": status_id, "authority_id": account.siren, "offset": offset, "limit": limit,
                        "transactions": [self._summary(r) for r in rows]})

    @staticmethod
    def _summary(row: dict) -> dict:
        return {"id": row["id"], "type": row["type"], "number": row["number"], "subject": row["subject"],
                "nature_code": row["nature_code"],
                "nature_descr": {1: "Délibérations", 2: "Actes réglementaires", 3: "Actes individuels",
                                 4: "Contrats, conventions et avenants", 5: "Documents budgétaires et financiers",
                                 6: "Autres"}.get(row["nature_code"] or 0, ""),
                "decision_date": row["decision_date"], "classification": row["classification"],
                "last_status_id": row["status"], "unique_id": row["unique_id"],
                "submission_date": row["submission_date"], "related_transaction_id": row["related_id"]}

    def cancel(self, request: Request, account: Account):
        row = self._own(account, request.value("id"))
        if row is None or row["type"] != 1:
            return ko("La transaction demandée n'existe pas.")
        row = self._advance(row)
        if row["status"] in (0, -1):
            return ko("La transaction ne peut pas être annulée dans son état actuel.")
        now = self.clock()
        cancel_id = self.store.insert(
            siren=account.siren, type=6, related_id=row["id"], number=row["number"], nature_code=row["nature_code"],
            decision_date=row["decision_date"], status=4, status_at=now, history=add_history({}, 4, now, "Annulation"),
            created_at=now, submission_date=self.today().isoformat(), unique_id=row["unique_id"],
            answer=(messages.ar_annulation(id_acte_value=row["unique_id"], received=self.today())
                    if row["unique_id"] else None))
        self.store.update(row["id"], status=0, status_at=now, history=add_history(row, 0, now, "Annulé"))
        return text("OK", str(cancel_id))

    # --- documents of the prefecture ------------------------------------------------------
    def send_prefecture_document(self, act_id: int, kind: str, body: str = "") -> int:
        """The prefecture sends a courrier about an acknowledged act (operator page, tests)."""
        row = self.store.get(act_id)
        if row is None or row["type"] != 1:
            raise ValueError("Transaction inconnue.")
        row = self._advance(row)
        if row["status"] != 4:
            raise ValueError("La préfecture n'écrit qu'au sujet d'un acte acquitté.")
        _, _, doc_type = messages.PREFECTURE_KINDS[kind]
        body = body.strip() or messages.DEFAULT_TEXTS[kind]
        now = self.clock()
        serial = self.store.count() + 1
        letter = messages.letter_pdf(messages.KIND_LABELS[kind], f"Acte {row['unique_id']} — {row['subject']}\n{body}")
        archive_name, archive, message, names = messages.prefecture_archive(
            kind, siren=row["siren"], department=row["department"], id_acte_value=row["unique_id"],
            on=self.today(), text=body, letter=letter, serial=serial)
        status = 21 if doc_type in (2, 5) else 7
        return self.store.insert(
            siren=row["siren"], type=doc_type, related_id=row["id"], number=row["number"],
            nature_code=row["nature_code"], subject=row["subject"], decision_date=row["decision_date"],
            status=status, status_at=now, history=add_history({}, status, now, STATUS_LABELS[status]),
            created_at=now, submission_date=self.today().isoformat(), unique_id=row["unique_id"], text=body,
            department=row["department"], message=message, archive_name=archive_name, archive=archive,
            files=json.dumps(names))

    def list_documents(self, request: Request, account: Account):
        rows = self.store.select("siren = ? AND type IN (2, 3, 4, 5) AND related_id IS NOT NULL AND "
                                 "type_reponse IS NULL AND read = 0", (account.siren,))
        return as_json([{"id": r["id"], "type": r["type"], "last_status_id": r["status"], "unique_id": r["unique_id"],
                         "number": r["number"], "related_transaction_id": r["related_id"],
                         "date": datetime.fromtimestamp(r["created_at"]).strftime("%Y-%m-%d %H:%M:%S")}
                        for r in rows])

    def get_document(self, request: Request, account: Account):
        row = self._own(account, request.value("id"))
        if row is None or row["type"] not in (2, 3, 4, 5) or row["type_reponse"] is not None:
            return ko("Document inconnu.")
        return Response(200, bytes(row["archive"]), "application/x-gzip",
                        headers=(("Content-Disposition", f'attachment; filename="{row["archive_name"]}"'),))

    def mark_read(self, request: Request, account: Account):
        row = self._own(account, request.value("transaction_id"))
        if row is None:
            return ko("Document inconnu.")
        self.store.update(row["id"], read=1)
        return as_json({"result": "ok"})

    def create_answer(self, request: Request, account: Account):
        doc = self._own(account, request.value("id"))
        if doc is None or doc["type"] not in (2, 3, 4) or doc["type_reponse"] is not None:
            return ko("La transaction demandée n'existe pas ou n'attend pas de réponse.")
        if doc["answered_by"]:
            return ko("Une réponse a déjà été envoyée pour ce document.")
        try:
            type_envoie = int(request.value("type_envoie"))
        except ValueError:
            return ko("type_envoie invalide.")
        if (doc["type"], type_envoie) not in messages.ANSWER_KINDS:
            return ko("Ce type de réponse n'est pas possible pour ce document.")
        letter = request.files.get("acte_pdf_file") or []
        if len(letter) != 1 or not letter[0][1].startswith(b"%PDF"):
            return ko("Le fichier PDF de la réponse est obligatoire.")
        attachments = request.files.get("acte_attachments[]") or []
        for name, content in attachments:
            if not (content.startswith(b"%PDF") or content[:4] in (b"\x89PNG",) or content[:3] == b"\xff\xd8\xff"):
                return ko(f"Le fichier {name} doit être un PDF, PNG ou JPEG.")
        now = self.clock()
        serial = self.store.count() + 1
        posted = [letter[0], *attachments]
        names = messages.answer_file_names(doc["type"], type_envoie, doc["unique_id"], serial + 1,
                                           [n.rsplit(".", 1)[-1].lower() if "." in n else "pdf" for n, _ in posted])
        flow, message = messages.answer_message(doc["type"], type_envoie, id_acte_value=doc["unique_id"],
                                                courrier_date=date.fromtimestamp(doc["created_at"]),
                                                file_names=names)
        from . import rebuild

        errors = rebuild.validate(message)
        if errors:
            return ko("Réponse non conforme : " + " ; ".join(errors)[:500])
        kind = messages.ANSWER_KINDS[(doc["type"], type_envoie)]
        message_name = messages.actes.prefecture_file_name(doc["unique_id"], kind, serial)
        files = {message_name: message, **dict(zip(names, [c for _, c in posted], strict=True))}
        archive_name = f"SIM-{message_name[:-4]}.tar.gz"
        answer_id = self.store.insert(
            siren=account.siren, type=doc["type"], related_id=doc["id"], type_reponse=type_envoie,
            number=doc["number"], nature_code=doc["nature_code"], decision_date=doc["decision_date"], status=3,
            status_at=now, history=add_history({}, 3, now, "Transmis"), created_at=now,
            submission_date=self.today().isoformat(), unique_id=doc["unique_id"], message=message,
            department=doc["department"], archive_name=archive_name,
            archive=messages.actes.pack(files, self.today()), files=json.dumps(list(files)))
        self.store.update(doc["id"], answered_by=answer_id, status=8,
                          history=add_history(doc, 8, now, "Réponse de la collectivité reçue"))
        return text("OK", str(answer_id))

    # --- operator page --------------------------------------------------------------------
    def operator_action(self, request: Request, path: str):
        parts = path.strip("/").split("/")
        if len(parts) != 3:
            return Response(404, b"Not found")
        _, tid, kind = parts
        row = self.store.get(tid)
        if row is None:
            return Response(404, b"Transaction inconnue")
        with self._lock:
            try:
                if kind == "advance":
                    self._advance(row, force=True)
                elif kind == "anomalie":
                    if row["type"] != 1 or row["status"] not in (1, 2, 3):
                        raise ValueError("Seul un acte pas encore acquitté peut être mis en anomalie.")
                    reason = request.value("text").strip() or "ODT-VERIF-02 : anomalie déclarée par la préfecture (simulateur)."
                    self.store.update(row["id"], anomaly=reason, anomaly_nature="003")
                    row.update(anomaly=reason, anomaly_nature="003", status=3)
                    self.store.update(row["id"], status=3)
                    self._advance(row, force=True)
                elif kind in messages.PREFECTURE_KINDS:
                    self.send_prefecture_document(row["id"], kind, request.value("text"))
                else:
                    return Response(404, b"Action inconnue")
            except ValueError as exc:
                return Response(400, str(exc).encode("utf-8"), "text/plain; charset=utf-8")
        return Response(303, b"", headers=(("Location", "/"),))

    def archive_download(self, path: str):
        row = self.store.get(path.rsplit("/", 1)[-1])
        if row is None or not row["archive"]:
            return Response(404, b"Not found")
        return Response(200, bytes(row["archive"]), "application/x-gzip",
                        headers=(("Content-Disposition", f'attachment; filename="{row["archive_name"]}"'),))

    def operator_page(self):
        for row in self.store.select("type = 1 AND status IN (1, 2, 3)"):
            self._advance(row)
        rows = self.store.select(order="id DESC")
        e = html.escape
        out = ["<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>Simulateur de préfecture</title>",
               "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
               "td,th{border:1px solid #ccc;padding:.3em;vertical-align:top;font-size:.9em}"
               "form{display:inline}button{margin:.1em}</style></head><body>",
               "<h1>Simulateur de préfecture (@CTES, API S²LOW)</h1>",
               f"<p>Progression automatique : {'une étape toutes les %s s' % self.step_seconds if self.step_seconds is not None else 'manuelle'}. "
               "Un objet contenant « [anomalie] » provoque une AnomalieActe.</p>",
               "<table><thead><tr><th>N°</th><th>SIREN</th><th>Type</th><th>Numéro</th><th>Objet</th><th>État</th>"
               "<th>IDActe</th><th>Actions</th></tr></thead><tbody>"]
        for r in rows:
            actions = []
            if r["type"] == 1 and r["status"] in (1, 2, 3):
                actions.append(self._button(r["id"], "advance", "Étape suivante"))
                actions.append(self._button(r["id"], "anomalie", "Anomalie", with_text=True))
            if r["type"] == 1 and r["status"] == 4:
                for kind, label in messages.KIND_LABELS.items():
                    actions.append(self._button(r["id"], kind, label, with_text=True))
            if r["archive"]:
                actions.append(f"<a href='/archive/{r['id']}'>archive</a>")
            kind = TYPE_LABELS.get(r["type"], str(r["type"]))
            if r["type_reponse"]:
                kind = f"Réponse ({kind})"
            status = STATUS_LABELS.get(r["status"], str(r["status"]))
            if r["status"] == -1 and r["anomaly"]:
                status += f" — {e(r['anomaly'])}"
            if r["answered_by"]:
                status += f" — réponse n° {r['answered_by']}"
            out.append(f"<tr id='t{r['id']}'><td>{r['id']}</td><td>{e(r['siren'])}</td><td>{e(kind)}</td>"
                       f"<td>{e(r['number'])}</td><td>{e(r['subject'] or r['text'])}</td><td>{status}</td>"
                       f"<td>{e(r['unique_id'])}</td><td>{' '.join(actions)}</td></tr>")
        out.append("</tbody></table></body></html>")
        return Response(200, "".join(out).encode("utf-8"), "text/html; charset=utf-8")

    @staticmethod
    def _button(tid: int, kind: str, label: str, *, with_text: bool = False) -> str:
        field = (f"<input name='text' placeholder='Texte (facultatif)' aria-label='Texte : {html.escape(label)}'>"
                 if with_text else "")
        return (f"<form method='post' action='/simulate/{tid}/{kind}'>{field}"
                f"<button type='submit' name='go' value='{kind}'>{html.escape(label)}</button></form>")


# --- HTTP ------------------------------------------------------------------------------------

def _parse_body(content_type: str, body: bytes) -> tuple[dict, dict]:
    form: dict = {}
    files: dict = {}
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1") + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            filename = part.get_filename()
            payload = part.get_payload(decode=True) or b""
            if filename is not None:
                files.setdefault(name, []).append((filename, payload))
            else:
                charset = part.get_content_charset() or "iso-8859-1"
                form.setdefault(name, []).append(payload.decode(charset, errors="replace"))
    elif content_type.startswith("application/x-www-form-urlencoded"):
        try:
            decoded = body.decode("utf-8")
        except UnicodeDecodeError:
            decoded = body.decode("iso-8859-1")
        form = parse_qs(decoded, keep_blank_values=True, encoding="utf-8")
    return form, files


class Handler(BaseHTTPRequestHandler):
    simulator: Simulator = None  # set by make_server
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        logger.info("%s %s", self.address_string(), fmt % args)

    def _request(self, method: str) -> Request:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("too large")
        body = self.rfile.read(length) if length else b""
        form, files = _parse_body(self.headers.get("Content-Type", ""), body)
        login = password = ""
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                login, _, password = base64.b64decode(auth[6:]).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                pass
        return Request(method, parts.path, parse_qs(parts.query, keep_blank_values=True), form, files, login, password)

    def _serve(self, method: str):
        try:
            response = self.simulator.handle(self._request(method))
        except Exception:
            logger.exception("simulator error")
            response = Response(500, b"Erreur interne du simulateur")
        if response is DROP:
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for key, value in response.headers:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(response.body)

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")


def make_server(simulator: Simulator, host: str = "127.0.0.1", port: int = 8010) -> ThreadingHTTPServer:
    handler = type("SimulatorHandler", (Handler,), {"simulator": simulator})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def serve_in_thread(simulator: Simulator, host: str = "127.0.0.1", port: int = 0):
    """Start on a free port in a daemon thread (tests); returns (server, base_url)."""
    server = make_server(simulator, host, port)
    thread = threading.Thread(target=server.serve_forever, name="prefecture-simulator", daemon=True)
    thread.start()
    return server, f"http://{host}:{server.server_address[1]}"
