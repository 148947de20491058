"""Transmission of acts to the legality control: the per-act state machine (Transmission.State).

    to_send ──post──▶ posted ──▶ transmitted ──ARActe──▶ acknowledged ◀──answer── request_pending
       │                 │            │                      │  ▲                    ▲
       │                 └────────────┴──AnomalieActe──▶ anomaly ──resend──▶ (new Transmission, attempt + 1)
       └─────────────────────── cancel ──────────────────▶ cancelled          └─ DemandePieceComplementaire /
                                                                                 LettreObservations

Every change goes through one function here (rights, transaction, journal, notifications).

Idempotency — a transmission is never duplicated at the operator:

1. ``transmit`` creates the Transmission (fixed ``idempotency_key``) and freezes its @CTES archive
   in the blob store BEFORE any network call; the post happens in a background task.
2. ``send_transmission`` claims the row (``tries`` + 1 and ``next_try_at`` pushed to the next
   back-off slot) and COMMITS before calling the operator: a second worker skips the row until
   then, and a worker that dies leaves the row to be retried later.
3. Any attempt after the first (``tries`` > 0 before the claim: an earlier attempt may have
   reached the operator, whose answer was lost) first asks the operator for a live transaction
   of this act (same NumeroInterne, nature and decision date, not already known to Hémicycle)
   and adopts it instead of posting again. S²LOW also refuses a second live transaction with
   the same number; that answer leads to the same lookup.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.journal.services import record
from hemicycle.notifications.services import notify
from hemicycle.rules import transmission as rules

from . import actes
from .connectors import (ActeSubmission, DuplicateNumber, OperatorError, OperatorRefused, OperatorUnavailable,
                         get_connector)
from .models import PrefectureMessage, Transmission

logger = logging.getLogger(__name__)

State = Transmission.State
LIVE_STATES = (State.TO_SEND, State.POSTED, State.TRANSMITTED, State.ACKNOWLEDGED, State.REQUEST_PENDING)
IN_FLIGHT_STATES = (State.TO_SEND, State.POSTED, State.TRANSMITTED)
ACKNOWLEDGED_STATES = (State.ACKNOWLEDGED, State.REQUEST_PENDING)
REQUEST_KINDS = ("DemandePieceComplementaire", "LettreObservations")
ANSWERABLE_KINDS = (*REQUEST_KINDS, "CourrierSimple")
ANSWER_KIND = {"DemandePieceComplementaire": "PieceComplementaire", "LettreObservations": "ReponseLettreObservations",
               "CourrierSimple": "ReponseCourrierSimple"}
NOTIFICATION_KIND = "prefecture"
ALERT_DAYS = 5  # individual acts: alert when 5 days or fewer remain of the 15 (rules.individual_alert)


# --- small helpers --------------------------------------------------------------------------------

def secretariat_users(authority):
    from hemicycle.accounts.models import User

    return User.objects.filter(authority=authority, is_active=True, role_assignments__role=Role.SECRETARIAT).distinct()


def _require_secretariat(user, authority) -> None:
    if not (user.is_authenticated and user.authority_id == authority.pk and user.has_role(Role.SECRETARIAT)):
        raise PermissionDenied(_("Seul le secrétariat des assemblées transmet les actes au contrôle de légalité."))


def act_url(act) -> str:
    return reverse("legality:act", kwargs={"slug": act.slug})


def _notify(transmission, message: str) -> None:
    notify(secretariat_users(transmission.authority), NOTIFICATION_KIND, message, act=transmission.act,
           url=act_url(transmission.act))


def backoff(tries: int) -> timedelta:
    """Wait before attempt ``tries`` + 1: base × 2^(tries − 1), capped (settings
    HEMICYCLE_ACTES_RETRY_BASE_SECONDS, default 60 s; HEMICYCLE_ACTES_RETRY_MAX_SECONDS, default 6 h)."""
    base = float(getattr(settings, "HEMICYCLE_ACTES_RETRY_BASE_SECONDS", 60))
    cap = float(getattr(settings, "HEMICYCLE_ACTES_RETRY_MAX_SECONDS", 6 * 3600))
    return timedelta(seconds=min(cap, base * (2 ** max(0, tries - 1))))


def current_transmission(act) -> Transmission | None:
    return act.transmissions.order_by("-attempt").first()


def live_transmission(act) -> Transmission | None:
    return act.transmissions.filter(state__in=LIVE_STATES).order_by("-attempt").first()


def transmission_problem(act) -> str:
    """Why ``act`` cannot be transmitted now (French), or "" when it can."""
    live = live_transmission(act)
    if live is not None:
        return _("L'acte a déjà été transmis (envoi n° %(n)s : %(state)s).") % {
            "n": live.attempt, "state": live.get_state_display()}
    try:
        actes.acte_data_for(act)
    except actes.ActesError as exc:
        return str(exc)
    return ""


# --- transmit / resend ----------------------------------------------------------------------------

def _create_transmission(user, act, *, attempt: int) -> Transmission:
    """Inside a transaction: the row, its frozen @CTES archive (validated), the journal entry."""
    try:
        version = actes.classification_for(act)
    except actes.ActesError as exc:
        raise ValidationError(str(exc)) from exc
    t = Transmission.objects.create(authority=act.authority, act=act, attempt=attempt, state=State.TO_SEND,
                                    idempotency_key=uuid.uuid4().hex, classification_version=version,
                                    created_by=user)
    try:
        data = actes.acte_data_for(act, transmission=t)
        archive = actes.build_archive(data, t.pk, sent_on=timezone.localdate(), trigramme=actes.trigramme())
    except actes.ActesError as exc:
        raise ValidationError(str(exc)) from exc
    errors = []
    for name in (archive.envelope_name, data.message_name):
        errors += actes.validate_message(archive.files[name])
    if errors:
        raise ValidationError(_("Le message @CTES n'est pas conforme au schéma : %(errors)s") % {
            "errors": " ; ".join(errors[:5])})
    t.archive_name = archive.name
    t.archive_sha256 = blobs.put(archive.data)
    t.save(update_fields=["archive_name", "archive_sha256", "updated_at"])
    record("transmission.created", actor=user, obj=t,
           data={"act": act.reference, "attempt": attempt, "archive": archive.name,
                 "archive_sha256": t.archive_sha256, "idempotency_key": t.idempotency_key})
    transaction.on_commit(lambda: _enqueue_send(t.pk))
    return t


def _enqueue_send(transmission_id: int) -> None:
    from .tasks import send_transmission_task

    try:
        send_transmission_task.enqueue(transmission_id)
    except Exception:  # the periodic poll sends it anyway
        logger.exception("could not enqueue the sending of transmission %s", transmission_id)


def transmit(user, act) -> Transmission:
    """The secretariat sends a signed act to the legality control (its first attempt, or a new
    one after a cancellation). The post itself runs in the background (see module docstring)."""
    _require_secretariat(user, act.authority)
    with transaction.atomic():
        type(act).objects.select_for_update().get(pk=act.pk)  # one transmit at a time per act
        live = live_transmission(act)
        if live is not None:
            raise ValidationError(_("L'acte a déjà été transmis (envoi n° %(n)s : %(state)s).") % {
                "n": live.attempt, "state": live.get_state_display()})
        attempt = (act.transmissions.aggregate(m=Max("attempt"))["m"] or 0) + 1
        return _create_transmission(user, act, attempt=attempt)


def transmit_many(user, acts) -> tuple[list[Transmission], list[tuple[object, str]]]:
    """"Transmettre la sélection": each act on its own (one refusal does not stop the others)."""
    done, refused = [], []
    for act in acts:
        try:
            done.append(transmit(user, act))
        except (ValidationError, PermissionDenied) as exc:
            refused.append((act, " ".join(getattr(exc, "messages", [str(exc)]))))
    return done, refused


def resend(user, transmission: Transmission) -> Transmission:
    """After an anomaly, once the act is corrected: a new attempt with a newly built archive."""
    _require_secretariat(user, transmission.authority)
    with transaction.atomic():
        t = Transmission.objects.select_for_update().get(pk=transmission.pk)
        if t.state != State.ANOMALY:
            raise ValidationError(_("Seul un envoi en anomalie peut être renvoyé."))
        act = t.act
        type(act).objects.select_for_update().get(pk=act.pk)
        if live_transmission(act) is not None:
            raise ValidationError(_("Un autre envoi de cet acte est déjà en cours."))
        attempt = (act.transmissions.aggregate(m=Max("attempt"))["m"] or 0) + 1
        new = _create_transmission(user, act, attempt=attempt)
        record("transmission.resent", actor=user, obj=new, data={"previous": t.pk, "attempt": attempt,
                                                                  "anomaly": t.anomaly_reason[:500]})
        return new


# --- the background post ----------------------------------------------------------------------------

def _known_operator_ids(t: Transmission) -> list[str]:
    return list(Transmission.objects.filter(authority_id=t.authority_id).exclude(pk=t.pk).exclude(operator_id="")
                .values_list("operator_id", flat=True))


def _since(t: Transmission) -> date:
    return timezone.localdate(t.created_at) - timedelta(days=1)


def send_transmission(transmission_id: int, *, connector=None, force: bool = False) -> Transmission:
    """Post a ``to_send`` transmission to the operator (the background task; see module docstring)."""
    now = timezone.now()
    with transaction.atomic():
        t = Transmission.objects.select_for_update().select_related("authority", "act").get(pk=transmission_id)
        if t.state != State.TO_SEND or t.operator_id:
            return t
        if t.next_try_at and t.next_try_at > now and not force:
            return t
        earlier_attempts = t.tries
        t.tries += 1
        t.next_try_at = now + backoff(t.tries)
        t.save(update_fields=["tries", "next_try_at", "updated_at"])
    # Committed: another worker leaves this row alone until next_try_at.
    connector = connector or get_connector(t.authority)
    acte = ActeSubmission.from_archive(blobs.get(t.archive_sha256))
    recovered = False
    try:
        operator_id = None
        if earlier_attempts:
            operator_id = connector.find(acte, since=_since(t), exclude=_known_operator_ids(t))
            recovered = operator_id is not None
        if operator_id is None:
            try:
                operator_id = connector.post(t, acte)
            except DuplicateNumber:
                operator_id = connector.find(acte, since=_since(t), exclude=_known_operator_ids(t))
                if operator_id is None:
                    raise
                recovered = True
    except OperatorUnavailable as exc:
        return _failed_attempt(t, str(exc))
    except OperatorRefused as exc:
        return _refused(t, str(exc))
    return _posted(t, operator_id, recovered=recovered, connector=connector)


def _failed_attempt(t: Transmission, error: str) -> Transmission:
    with transaction.atomic():
        t = Transmission.objects.select_for_update().get(pk=t.pk)
        t.last_error = error[:2000]
        t.save(update_fields=["last_error", "updated_at"])
        record("transmission.attempt_failed", obj=t,
               data={"tries": t.tries, "error": error[:500], "next_try_at": t.next_try_at})
        alert_after = int(getattr(settings, "HEMICYCLE_ACTES_ALERT_AFTER_TRIES", 4))
        if t.tries == alert_after:
            _notify(t, _("La transmission de l'acte %(ref)s échoue depuis %(n)s tentatives : %(error)s") % {
                "ref": t.act.reference, "n": t.tries, "error": error[:200]})
    return t


def _refused(t: Transmission, reason: str) -> Transmission:
    with transaction.atomic():
        t = Transmission.objects.select_for_update().get(pk=t.pk)
        if t.state != State.TO_SEND:
            return t
        t.state = State.ANOMALY
        t.anomaly_reason = _("Refusé par l'opérateur de transmission : %(reason)s") % {"reason": reason}
        t.last_error = reason[:2000]
        t.next_try_at = None
        t.save(update_fields=["state", "anomaly_reason", "last_error", "next_try_at", "updated_at"])
        record("transmission.refused", obj=t, data={"reason": reason[:1000]})
        _notify(t, _("L'opérateur a refusé l'acte %(ref)s : %(reason)s") % {"ref": t.act.reference,
                                                                               "reason": reason[:300]})
    return t


def _posted(t: Transmission, operator_id: str, *, recovered: bool, connector) -> Transmission:
    with transaction.atomic():
        t = Transmission.objects.select_for_update().get(pk=t.pk)
        if t.operator_id:
            return t
        t.operator_id = operator_id
        t.next_try_at = None
        t.last_error = ""
        cancelled_meanwhile = t.state == State.CANCELLED
        if not cancelled_meanwhile:
            t.state = State.POSTED
        t.save(update_fields=["operator_id", "state", "next_try_at", "last_error", "updated_at"])
        record("transmission.posted", obj=t, data={"operator_id": operator_id, "tries": t.tries,
                                                   "recovered": recovered})
    if cancelled_meanwhile:  # cancelled while the post was in flight: withdraw it at the operator too
        try:
            connector.cancel(operator_id)
        except OperatorError:
            logger.exception("could not cancel transaction %s at the operator", operator_id)
    return t


# --- polling -----------------------------------------------------------------------------------------

def poll(transmission: Transmission, *, connector=None) -> Transmission:
    """Bring one transmission up to date with the operator (post it when due, read its status)."""
    t = transmission
    if t.state == State.TO_SEND:
        return send_transmission(t.pk, connector=connector)
    if t.state not in (State.POSTED, State.TRANSMITTED) or not t.operator_id:
        return t
    connector = connector or get_connector(t.authority)
    status = connector.status(t.operator_id)
    if status.code == 3 and t.state == State.POSTED:
        with transaction.atomic():
            t = Transmission.objects.select_for_update().get(pk=t.pk)
            if t.state == State.POSTED:
                t.state = State.TRANSMITTED
                t.save(update_fields=["state", "updated_at"])
                record("transmission.transmitted", obj=t, data={"operator_id": t.operator_id})
    elif status.code in (4, 5) and status.message:
        from .ingest import parse_message

        apply_prefecture_message(t, parse_message(status.message))
    elif status.code == -1:
        if status.message:
            from .ingest import parse_message

            apply_prefecture_message(t, parse_message(status.message))
        else:
            _operator_error(t, status.detail or _("erreur signalée par l'opérateur"))
    elif status.code == 0:
        with transaction.atomic():
            t = Transmission.objects.select_for_update().get(pk=t.pk)
            if t.state in IN_FLIGHT_STATES:
                t.state = State.CANCELLED
                t.save(update_fields=["state", "updated_at"])
                record("transmission.cancelled", obj=t, data={"by": "operator"})
    t.refresh_from_db()
    return t


def _operator_error(t: Transmission, detail: str) -> None:
    with transaction.atomic():
        t = Transmission.objects.select_for_update().get(pk=t.pk)
        if t.state not in IN_FLIGHT_STATES:
            return
        t.state = State.ANOMALY
        t.anomaly_reason = detail[:2000]
        t.save(update_fields=["state", "anomaly_reason", "updated_at"])
        record("transmission.anomaly", obj=t, data={"reason": detail[:1000], "source": "operator"})
        _notify(t, _("Transmission de l'acte %(ref)s en erreur chez l'opérateur : %(reason)s") % {
            "ref": t.act.reference, "reason": detail[:300]})


def fetch_prefecture_documents(authority, *, connector=None) -> list[PrefectureMessage]:
    """Fetch the prefecture's letters waiting at the operator, record and apply each one."""
    from .ingest import IngestError, parse_message

    connector = connector or get_connector(authority)
    recorded = []
    for doc in connector.prefecture_documents():
        existing = PrefectureMessage.objects.filter(transmission__authority=authority, operator_id=doc.id,
                                                    direction=PrefectureMessage.Direction.IN).first()
        if existing is None:
            data = connector.fetch_document(doc.id)
            try:
                received = parse_message(data, f"document-{doc.id}.tar.gz")
            except IngestError as exc:
                logger.error("prefecture document %s unreadable: %s", doc.id, exc)
                continue
            t = (Transmission.objects.filter(authority=authority, id_acte=received.id_acte or doc.id_acte)
                 .exclude(id_acte="").order_by("-attempt").first())
            if t is None:
                logger.error("prefecture document %s about unknown act %s", doc.id, received.id_acte or doc.id_acte)
                continue
            existing = apply_prefecture_message(t, received, operator_id=doc.id)
        recorded.append(existing)
        connector.mark_read(doc.id)
    return recorded


def poll_authority(authority, *, connector=None) -> dict:
    """Everything the periodic task does for one authority; returns counts (``errors``: operator
    failures, logged; the next poll tries again)."""
    connector = connector or get_connector(authority)
    now = timezone.now()
    counts = {"sent": 0, "polled": 0, "documents": 0, "errors": 0}
    due = Transmission.objects.filter(authority=authority, state=State.TO_SEND, operator_id="").order_by("pk")
    for t in due:
        if t.next_try_at is None or t.next_try_at <= now:
            send_transmission(t.pk, connector=connector)  # handles operator failures itself
            counts["sent"] += 1
    for t in Transmission.objects.filter(authority=authority, state__in=(State.POSTED, State.TRANSMITTED)):
        try:
            poll(t, connector=connector)
            counts["polled"] += 1
        except OperatorError as exc:
            counts["errors"] += 1
            logger.warning("status of transmission %s: %s", t.pk, exc)
    try:
        counts["documents"] = len(fetch_prefecture_documents(authority, connector=connector))
    except OperatorError as exc:
        counts["errors"] += 1
        logger.warning("prefecture documents of %s: %s", authority, exc)
    return counts


def poll_all() -> dict:
    """The periodic task: every authority with transmissions (one failing operator does not stop the others)."""
    from hemicycle.organisation.models import Authority

    totals = {"authorities": 0, "errors": 0}
    ids = Transmission.objects.exclude(state=State.CANCELLED).values_list("authority_id", flat=True).distinct()
    for authority in Authority.objects.filter(pk__in=list(ids)):
        totals["authorities"] += 1
        for key, value in poll_authority(authority).items():
            totals[key] = totals.get(key, 0) + value
    return totals


# --- messages from the prefecture ---------------------------------------------------------------------

def apply_prefecture_message(transmission: Transmission, received, *, operator_id: str = "",
                             actor=None) -> PrefectureMessage:
    """Record a message received from the prefecture (``ingest.ReceivedMessage``) on its
    transmission and apply it: ARActe → acknowledged (IDActe, reception date); AnomalieActe or
    AnomalieEnveloppe → anomaly; DemandePieceComplementaire or LettreObservations → request
    pending (the 2-month déféré window restarts once answered); CourrierSimple and DefereTA are
    recorded and notified; ARAnnulation → cancelled. Journal + notification to the secretariat.
    Receiving the same message twice records it once. Called by the poll and by ``ingest``."""
    xml = getattr(received, "xml", b"") or b""
    digest = hashlib.sha256(xml).hexdigest() if xml else ""
    with transaction.atomic():
        t = Transmission.objects.select_for_update().select_related("act", "authority").get(pk=transmission.pk)
        inbox = t.messages.filter(direction=PrefectureMessage.Direction.IN)
        duplicate = None
        if operator_id:
            duplicate = inbox.filter(operator_id=operator_id).first()
        if duplicate is None and digest:
            duplicate = inbox.filter(kind=received.kind, xml_sha256=digest).first()
        if duplicate is None and received.kind in ("ARActe", "AnomalieActe", "ARAnnulation"):
            duplicate = inbox.filter(kind=received.kind).first()
        if duplicate is not None:
            return duplicate
        if xml:
            blobs.put(xml)
        files = [{"name": name, "sha256": blobs.put(content)} for name, content in (received.files or [])]
        message = PrefectureMessage.objects.create(
            transmission=t, direction=PrefectureMessage.Direction.IN, flow=received.flow, kind=received.kind,
            date=received.date, text=(received.reason or received.text or "")[:10000], xml_sha256=digest,
            files=files, operator_id=operator_id)
        ref = t.act.reference
        fields = ["state", "updated_at"]
        action, note = f"transmission.{received.kind}", ""
        if received.kind == "ARActe":
            if t.state in (State.TO_SEND, State.POSTED, State.TRANSMITTED, State.ANOMALY):
                t.state = State.ACKNOWLEDGED
            t.id_acte = received.id_acte
            t.received_on = received.date
            t.next_try_at = None
            fields += ["id_acte", "received_on", "next_try_at"]
            action = "transmission.acknowledged"
            note = _("Acte %(ref)s reçu en préfecture le %(date)s (IDActe %(id)s).") % {
                "ref": ref, "date": received.date.strftime("%d/%m/%Y") if received.date else "?",
                "id": received.id_acte}
        elif received.kind in ("AnomalieActe", "AnomalieEnveloppe"):
            if t.state in (State.TO_SEND, State.POSTED, State.TRANSMITTED):
                t.state = State.ANOMALY
                t.anomaly_reason = (received.reason or received.text or _("anomalie sans détail"))[:2000]
                fields.append("anomaly_reason")
            action = "transmission.anomaly"
            note = _("Anomalie sur la transmission de l'acte %(ref)s : %(reason)s") % {
                "ref": ref, "reason": (received.reason or "")[:300]}
        elif received.kind in REQUEST_KINDS:
            if t.state in ACKNOWLEDGED_STATES:
                t.state = State.REQUEST_PENDING
            action = "transmission.request_received"
            label = _("Demande de pièces complémentaires") if received.kind == REQUEST_KINDS[0] else _(
                "Lettre d'observations")
            note = _("%(label)s de la préfecture sur l'acte %(ref)s : répondez depuis la page de l'acte.") % {
                "label": label, "ref": ref}
        elif received.kind == "CourrierSimple":
            action = "transmission.letter_received"
            note = _("Courrier simple de la préfecture sur l'acte %(ref)s.") % {"ref": ref}
        elif received.kind == "DefereTA":
            action = "transmission.deferred"
            note = _("Le préfet a déféré l'acte %(ref)s au tribunal administratif : %(text)s") % {
                "ref": ref, "text": (received.text or "")[:300]}
        elif received.kind == "ARAnnulation":
            t.state = State.CANCELLED
            action = "transmission.cancellation_acknowledged"
        t.save(update_fields=fields)
        record(action, actor=actor, obj=t, data={
            "kind": received.kind, "flow": received.flow, "id_acte": received.id_acte,
            "date": received.date.isoformat() if received.date else None, "message": message.pk,
            "operator_id": operator_id, "state": t.state})
        if note:
            _notify(t, note)
    return message


# --- answers ---------------------------------------------------------------------------------------

def letter_pdf(authority, title: str, body: str, *, signature: str = "") -> bytes:
    """A one-page letter of the authority (Typst), e.g. the justification letter to the prefect."""
    import typst

    def lit(value: str) -> str:
        return '#"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    paragraphs = "\n\n".join(lit(p.strip()) for p in body.splitlines() if p.strip())
    source = (f'#set page(paper: "a4", margin: 2.5cm)\n#set text(lang: "fr", size: 11pt)\n'
              f"#strong({lit(authority.name)[1:]})\n\n#v(1cm)\n#heading({lit(title)[1:]})\n\n{paragraphs}\n\n"
              f"#v(1cm)\n#align(right)[{lit(signature or authority.name)}]\n")
    return typst.compile(source.encode("utf-8"), format="pdf")


def answer_request(user, message: PrefectureMessage, *, files=(), text: str = "") -> PrefectureMessage:
    """Answer a prefecture letter from the act page: pieces for a DemandePieceComplementaire
    (``files`` [(name, bytes)], optional covering ``text``), a justification letter for a
    LettreObservations (``text``, or a PDF in ``files``). Sent to the operator now; on success
    the request is answered and the act is back to acknowledged (the déféré window restarts)."""
    t = message.transmission
    _require_secretariat(user, t.authority)
    if message.direction != PrefectureMessage.Direction.IN or message.kind not in ANSWERABLE_KINDS:
        raise ValidationError(_("Ce message de la préfecture n'appelle pas de réponse."))
    if message.answered_by_id:
        raise ValidationError(_("Une réponse a déjà été envoyée pour ce courrier."))
    if not message.operator_id:
        raise ValidationError(_("Ce courrier a été reçu par fichier : répondez par le canal de votre opérateur."))
    files = [(name, content) for name, content in files if content]
    text = (text or "").strip()
    for name, content in files:
        if not (content.startswith(b"%PDF-") or content[:8] == b"\x89PNG\r\n\x1a\n" or content[:3] == b"\xff\xd8\xff"):
            raise ValidationError(_("« %(name)s » : seuls les fichiers PDF, PNG ou JPEG sont acceptés.") % {"name": name})
    act = t.act
    if message.kind == "DemandePieceComplementaire":
        if not files:
            raise ValidationError(_("Joignez au moins une pièce demandée par la préfecture."))
        letter = ("courrier.pdf", letter_pdf(t.authority, _("Transmission de pièces complémentaires"),
                                             text or _("Veuillez trouver ci-joint les pièces demandées au sujet de "
                                                       "l'acte %(ref)s.") % {"ref": act.reference}))
        attachments = files
    else:
        if text:
            title = (_("Réponse à la lettre d'observations") if message.kind == "LettreObservations"
                     else _("Réponse à votre courrier"))
            letter = ("reponse.pdf", letter_pdf(t.authority, title, text))
            attachments = files
        elif files and files[0][1].startswith(b"%PDF-"):
            letter, attachments = files[0], files[1:]
        else:
            raise ValidationError(_("Rédigez la lettre de réponse ou joignez-la en PDF."))
    connector = get_connector(t.authority)
    kind = ANSWER_KIND[message.kind]
    try:
        answer_id = connector.send_answer(message.operator_id, response=True, letter=letter, attachments=attachments,
                                          act_type=actes.ACT_PIECE_TYPES.get(act.nature, "99_AU"),
                                          attachment_types=[actes.DEFAULT_ANNEX_PIECE_TYPE] * len(attachments))
    except OperatorUnavailable as exc:
        raise ValidationError(_("L'opérateur de transmission est injoignable, la réponse n'est pas partie : "
                                "réessayez plus tard (%(error)s).") % {"error": str(exc)[:200]}) from exc
    except OperatorRefused as exc:
        raise ValidationError(_("L'opérateur a refusé la réponse : %(reason)s") % {"reason": str(exc)}) from exc
    sent = [letter, *attachments]
    names = [f"{i}-{name}" for i, (name, _content) in enumerate(sent, start=1)]
    try:
        xml = actes.build_response(kind, t.id_acte, message.date or timezone.localdate(),
                                   names if kind == "PieceComplementaire" else names[:1])
    except actes.ActesError:
        xml = b""
    with transaction.atomic():
        t = Transmission.objects.select_for_update().get(pk=t.pk)
        answer = PrefectureMessage.objects.create(
            transmission=t, direction=PrefectureMessage.Direction.OUT, flow=actes.FLOWS[kind], kind=kind,
            date=timezone.localdate(), text=text, xml_sha256=blobs.put(xml) if xml else "",
            files=[{"name": n, "sha256": blobs.put(c)} for n, (_name, c) in zip(names, sent, strict=True)],
            operator_id=answer_id, sent_by=user)
        PrefectureMessage.objects.filter(pk=message.pk).update(answered_by=answer)
        pending = t.messages.filter(direction=PrefectureMessage.Direction.IN, kind__in=REQUEST_KINDS,
                                    answered_by__isnull=True).exclude(pk=message.pk).exists()
        if t.state == State.REQUEST_PENDING and not pending:
            t.state = State.ACKNOWLEDGED
            t.save(update_fields=["state", "updated_at"])
        record("transmission.answered", actor=user, obj=t,
               data={"request": message.pk, "kind": kind, "answer": answer.pk, "operator_id": answer_id,
                     "files": [f["name"] for f in answer.files]})
    return answer


# --- cancel ----------------------------------------------------------------------------------------

def cancel(user, transmission: Transmission, *, connector=None) -> Transmission:
    """Withdraw a transmission: locally when it never reached the operator, else at the operator
    too (S²LOW actes_transac_cancel.php; an acknowledged act gets an Annulation, flow 6-1)."""
    _require_secretariat(user, transmission.authority)
    t = transmission
    if t.state not in LIVE_STATES:
        raise ValidationError(_("Cet envoi ne peut plus être annulé (%(state)s).") % {"state": t.get_state_display()})
    connector = connector or get_connector(t.authority)
    operator_id = t.operator_id
    try:
        if not operator_id and t.tries:  # a post may have reached the operator: find it first
            acte = ActeSubmission.from_archive(blobs.get(t.archive_sha256))
            operator_id = connector.find(acte, since=_since(t), exclude=_known_operator_ids(t)) or ""
        if operator_id:
            connector.cancel(operator_id)
    except OperatorUnavailable as exc:
        raise ValidationError(_("L'opérateur de transmission est injoignable : l'annulation n'a pas pu être "
                                "faite, réessayez plus tard (%(error)s).") % {"error": str(exc)[:200]}) from exc
    except OperatorRefused as exc:
        raise ValidationError(_("L'opérateur a refusé l'annulation : %(reason)s") % {"reason": str(exc)}) from exc
    with transaction.atomic():
        t = Transmission.objects.select_for_update().get(pk=t.pk)
        before = t.state
        t.state = State.CANCELLED
        t.next_try_at = None
        if operator_id and not t.operator_id:
            t.operator_id = operator_id
        t.save(update_fields=["state", "next_try_at", "operator_id", "updated_at"])
        record("transmission.cancelled", actor=user, obj=t, data={"from": before, "operator_id": operator_id})
    return t


# --- what other parts of Hémicycle read ---------------------------------------------------------------

def executory_info(act) -> dict | None:
    """{"id_acte", "received_on"} once the prefecture acknowledged the act (else None)."""
    t = (act.transmissions.filter(state__in=ACKNOWLEDGED_STATES).exclude(id_acte="")
         .order_by("-attempt").first())
    if t is None or t.received_on is None:
        return None
    return {"id_acte": t.id_acte, "received_on": t.received_on}


DEFERE_EVENTS = {  # message kind (direction) → event of the déféré window (rules/transmission.py)
    ("DemandePieceComplementaire", "in"): rules.EventKind.PIECES_REQUESTED,
    ("PieceComplementaire", "out"): rules.EventKind.PIECES_SENT,
    ("RefusPieceComplementaire", "out"): rules.EventKind.PIECES_REFUSED,
    ("LettreObservations", "in"): rules.EventKind.OBSERVATIONS,
    ("ReponseLettreObservations", "out"): rules.EventKind.OBSERVATIONS_ANSWERED,
    ("RejetLettreObservations", "out"): rules.EventKind.OBSERVATIONS_ANSWERED,
    ("CourrierSimple", "in"): rules.EventKind.LETTER,
}


def defere_window(t: Transmission) -> rules.DefereWindow | None:
    """The prefect's 2-month window to refer the act to the court (CGCT L2131-6, rules/transmission.py),
    from the reception date and the requests/answers exchanged; None before reception."""
    if t.received_on is None:
        return None
    events = []
    for kind, direction, on in t.messages.values_list("kind", "direction", "date"):
        event = DEFERE_EVENTS.get((kind, direction))
        if event is not None and on is not None:
            events.append(rules.Event(event, on))
    return rules.defere_window(t.received_on, events)


def individual_act_deadline(act, *, signed_on: date | None = None) -> date | None:
    """Individual decisions (nature AI) are transmitted within 15 days of their signature
    (rules.individual_deadline); None for other acts or before the signature."""
    if act.nature != "AI":
        return None
    if signed_on is None:
        from hemicycle.documents.models import FinalDocument

        final = FinalDocument.objects.filter(act=act).first()
        if final is None or final.signed_at is None:
            return None
        signed_on = timezone.localdate(final.signed_at)
    return rules.individual_deadline(signed_on)
