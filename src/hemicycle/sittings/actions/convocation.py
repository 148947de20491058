"""Convocation of a sitting: preparing the letter and the note explicative de synthèse,
generating the documents, checking the law before sending, sending with proof per member,
addenda for late items.

Legal ground (rules.md, "Convocation"): the delay in jours francs of the assembly's regime
(``rules.delays.check_convocation``), shortened under urgency to one jour franc and then voted
on at the opening; every item deliberated must be on a convocation (L2121-10); a note
explicative de synthèse in communes of 3,500 inhabitants and more (L2121-12); sent
dematerialised to every member, on paper to those who asked (L2121-10); proof of sending and
receipt per member (CE 30 March 2021, n° 446461). A convocation that breaks a rule is sent only
on an explicit override with a reason, which the journal and the timestamped manifest keep.
"""

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.journal.services import record
from hemicycle.rules.delays import ConvocationCheck, check_convocation
from hemicycle.rules.errors import RuleError, fr_date

from .. import timestamping
from ..convocation_documents import (
    FILES,
    DocumentError,
    build,
    candidate_items,
    convocation_items,
    default_letter_text,
    default_synthesis_text,
    fingerprint,
    item_numbers,
    member_addressee,
    member_name,
    needs_synthesis,
    of_assembly,
    sitting_when,
)
from ..models import AgendaItem, Convocation, ConvocationRecipient, DocumentConsultation, Sitting

logger = logging.getLogger(__name__)

EDITABLE_STATES = (Convocation.State.DRAFT, Convocation.State.READY, Convocation.State.FAILED)
URGENCY_TITLE = "Vote sur l'urgence de la convocation"


class ConvocationError(Exception):
    """The convocation cannot do what was asked (message in French, for people)."""


class ConvocationBlocked(ConvocationError):
    """Sending refused: rules are broken and no override with a reason was given."""

    def __init__(self, errors: list[RuleError]):
        self.errors = errors
        super().__init__(_("La convocation enfreint %(n)s règle(s) : cochez la dérogation et motivez-la pour "
                           "l'envoyer malgré tout.") % {"n": len(errors)})


def _require_secretariat(user, sitting: Sitting) -> None:
    if not (user.is_authenticated and user.authority_id == sitting.authority_id and user.has_role(Role.SECRETARIAT)):
        raise PermissionDenied(_("Seul le secrétariat des assemblées prépare et envoie les convocations."))


def _article(regime, commune_article: str) -> str:
    """The article for a rule: the commune's one, or the regime's own for départements/régions."""
    own = regime.convocation_article
    return own if own.startswith(("L3", "L4")) else commune_article


# --- Preparing ----------------------------------------------------------------------------

def ensure_urgency_item(sitting: Sitting, actor=None) -> AgendaItem:
    """Under urgency the assembly rules on it at the opening: a "vote sur l'urgence" item is
    put first on the agenda if it is not there yet."""
    existing = sitting.items.filter(kind=AgendaItem.Kind.URGENCY).first()
    if existing:
        return existing
    first = sitting.items.aggregate(first=Min("position"))["first"]
    if first is not None and first <= 0:
        sitting.items.update(position=F("position") + 1)
    item = AgendaItem.objects.create(sitting=sitting, position=0, kind=AgendaItem.Kind.URGENCY,
                                     title=_(URGENCY_TITLE))
    record("sitting.urgency_item_added", actor=actor, obj=sitting, data={"item": item.pk})
    return item


def current_convocation(sitting: Sitting) -> Convocation | None:
    """The convocation (or addendum) being prepared, if any."""
    return sitting.convocations.exclude(state=Convocation.State.SENT).order_by("-pk").first()


def main_convocation(sitting: Sitting) -> Convocation | None:
    return sitting.convocations.filter(kind=Convocation.Kind.CONVOCATION).order_by("pk").first()


def initial_synthesis_texts(convocation: Convocation | None, items) -> dict[str, str]:
    """The note's text for each item: as saved, or the default taken from the act."""
    saved = convocation.synthesis_texts if convocation else {}
    return {str(item.pk): saved.get(str(item.pk), default_synthesis_text(item)) for item in items}


def save_convocation(user, sitting: Sitting, *, convocation: Convocation | None = None, letter_text: str,
                     synthesis_note: str = "", synthesis_texts: dict | None = None,
                     urgency: bool = False) -> Convocation:
    """Create or update the convocation being prepared. Any change makes generated documents
    stale (state back to DRAFT)."""
    _require_secretariat(user, sitting)
    letter_text = (letter_text or "").replace("\r\n", "\n").strip()
    if not letter_text:
        raise ConvocationError(_("La lettre de convocation ne peut pas être vide."))
    with transaction.atomic():
        sitting = Sitting.objects.select_for_update().get(pk=sitting.pk)
        if convocation is None:
            if sitting.convocations.filter(kind=Convocation.Kind.CONVOCATION).exists():
                raise ConvocationError(_("Cette séance a déjà une convocation : modifiez-la."))
            if sitting.state != Sitting.State.PLANNED:
                raise ConvocationError(_("Seule une séance en préparation peut être convoquée."))
            convocation = Convocation(sitting=sitting, kind=Convocation.Kind.CONVOCATION)
            created = True
        else:
            convocation = Convocation.objects.select_for_update().get(pk=convocation.pk, sitting=sitting)
            created = False
            if convocation.state == Convocation.State.SENT:
                raise ConvocationError(_("Cette convocation est déjà envoyée : elle ne peut plus être modifiée."))
            if convocation.state == Convocation.State.GENERATING:
                raise ConvocationError(_("Les documents sont en cours de génération : attendez la fin pour modifier "
                                         "la convocation."))
        item_ids = {str(pk) for pk in candidate_items(sitting).values_list("pk", flat=True)}
        texts = {key: (value or "").replace("\r\n", "\n").strip()
                 for key, value in (synthesis_texts or {}).items() if str(key) in item_ids}
        before = (convocation.letter_text, convocation.synthesis_note, convocation.synthesis_texts, convocation.urgency)
        convocation.letter_text = letter_text
        convocation.synthesis_note = (synthesis_note or "").replace("\r\n", "\n").strip()
        convocation.synthesis_texts = {**convocation.synthesis_texts, **texts}
        convocation.urgency = bool(urgency)
        changed = created or before != (convocation.letter_text, convocation.synthesis_note,
                                        convocation.synthesis_texts, convocation.urgency)
        if changed and convocation.state in (Convocation.State.READY, Convocation.State.FAILED):
            convocation.state = Convocation.State.DRAFT
            convocation.progress = 0
            convocation.error = ""
        convocation.save()
        if convocation.kind == Convocation.Kind.CONVOCATION and sitting.urgency != convocation.urgency:
            sitting.urgency = convocation.urgency  # the hub's delay summary follows the convocation
            sitting.save(update_fields=["urgency"])
        if convocation.urgency:
            ensure_urgency_item(sitting, actor=user)
        elif not sitting.convocations.filter(state=Convocation.State.SENT, urgency=True).exists():
            for item in sitting.items.filter(kind=AgendaItem.Kind.URGENCY, on_convocation=False,
                                             state=AgendaItem.State.PENDING):
                record("sitting.urgency_item_removed", actor=user, obj=sitting, data={"item": item.pk})
                item.delete()
        if changed:
            record("sitting.convocation_saved", actor=user, obj=sitting,
                   data={"convocation": convocation.pk, "kind": convocation.kind, "urgency": convocation.urgency})
    return convocation


def create_addendum(user, sitting: Sitting) -> Convocation:
    """An addendum for the items added after the convocation was sent."""
    _require_secretariat(user, sitting)
    with transaction.atomic():
        sitting = Sitting.objects.select_for_update().get(pk=sitting.pk)
        first = sitting.convocations.filter(state=Convocation.State.SENT).order_by("sent_at").first()
        if first is None:
            raise ConvocationError(_("Un additif suppose une convocation déjà envoyée."))
        if sitting.state != Sitting.State.CONVENED:
            raise ConvocationError(_("Un additif ne peut plus être envoyé : la séance est ouverte ou close."))
        pending = current_convocation(sitting)
        if pending is not None:
            return pending
        items = list(candidate_items(sitting))
        if not items:
            raise ConvocationError(_("Toutes les affaires de l'ordre du jour figurent déjà sur une convocation "
                                     "envoyée : il n'y a rien à ajouter."))
        addendum = Convocation.objects.create(
            sitting=sitting, kind=Convocation.Kind.ADDENDUM,
            letter_text=default_letter_text(sitting, Convocation.Kind.ADDENDUM, timezone.localdate(first.sent_at)),
            synthesis_texts=initial_synthesis_texts(None, items))
        record("sitting.convocation_addendum_created", actor=user, obj=sitting,
               data={"convocation": addendum.pk, "items": [item.pk for item in items]})
    return addendum


# --- Generating the documents -------------------------------------------------------------

def start_generation(user, convocation: Convocation) -> Convocation:
    """Fix the items of the convocation and generate its documents in the background."""
    sitting = convocation.sitting
    _require_secretariat(user, sitting)
    with transaction.atomic():
        convocation = Convocation.objects.select_for_update().select_related("sitting").get(pk=convocation.pk)
        sitting = convocation.sitting
        if convocation.state == Convocation.State.SENT:
            raise ConvocationError(_("Cette convocation est déjà envoyée."))
        if convocation.kind == Convocation.Kind.CONVOCATION and sitting.state != Sitting.State.PLANNED:
            raise ConvocationError(_("Seule une séance en préparation peut être convoquée."))
        if convocation.urgency:
            ensure_urgency_item(sitting, actor=user)
        items = list(candidate_items(sitting))
        if not items:
            raise ConvocationError(_("L'ordre du jour est vide : ajoutez des affaires avant de générer les documents."))
        convocation.items.set(items)
        convocation.synthesis_texts = {**initial_synthesis_texts(convocation, items)}
        convocation.state = Convocation.State.GENERATING
        convocation.progress = 0
        convocation.error = ""
        convocation.save()
        record("sitting.convocation_generation_started", actor=user, obj=sitting,
               data={"convocation": convocation.pk, "items": [item.pk for item in items]})
        pk = convocation.pk
        transaction.on_commit(lambda: _enqueue_generation(pk))
    return convocation


def _enqueue_generation(pk: int) -> None:
    from ..tasks import generate_convocation_documents

    generate_convocation_documents.enqueue(pk)


def run_generation(convocation_id: int) -> str:
    """The background work: render, assemble, store, report progress; FAILED with a French
    message if anything goes wrong. Returns the final state."""
    convocation = Convocation.objects.select_related("sitting__assembly__authority", "sitting__authority",
                                                     "sitting__president").filter(pk=convocation_id).first()
    if convocation is None or convocation.state != Convocation.State.GENERATING:
        return convocation.state if convocation else "missing"

    def progress(percent: int) -> None:
        Convocation.objects.filter(pk=convocation_id, state=Convocation.State.GENERATING).update(progress=percent)

    try:
        docs = build(convocation, progress)
        shas = {"letter_sha256": blobs.put(docs.letter), "agenda_sha256": blobs.put(docs.agenda),
                "synthesis_sha256": blobs.put(docs.synthesis), "pack_sha256": blobs.put(docs.pack)}
    except DocumentError as exc:
        return _fail_generation(convocation_id, str(exc))
    except Exception:
        logger.exception("Génération des documents de la convocation %s", convocation_id)
        return _fail_generation(convocation_id, _("La génération des documents a échoué à cause d'une erreur inattendue "
                                                  "(détails dans le journal du serveur). Réessayez ; si l'erreur "
                                                  "persiste, signalez-la à l'administrateur."))
    with transaction.atomic():
        current = Convocation.objects.select_for_update().get(pk=convocation_id)
        if current.state != Convocation.State.GENERATING:
            return current.state
        for name, value in shas.items():
            setattr(current, name, value)
        current.pack_pages = docs.pack_pages
        current.documents_fingerprint = docs.fingerprint
        current.generated_at = timezone.now()
        current.progress = 100
        current.state = Convocation.State.READY
        current.save()
        record("sitting.convocation_documents_generated", obj=convocation.sitting,
               data={"convocation": current.pk, **shas, "pack_pages": docs.pack_pages})
    return Convocation.State.READY


def _fail_generation(convocation_id: int, message: str) -> str:
    with transaction.atomic():
        current = Convocation.objects.select_for_update().select_related("sitting").get(pk=convocation_id)
        if current.state != Convocation.State.GENERATING:
            return current.state
        current.state = Convocation.State.FAILED
        current.error = message
        current.save(update_fields=["state", "error"])
        record("sitting.convocation_generation_failed", obj=current.sitting,
               data={"convocation": current.pk, "error": message})
    return Convocation.State.FAILED


# --- Legal checks -------------------------------------------------------------------------

@dataclass
class SendingCheck:
    """What the law says of sending ``convocation`` on ``sent_on`` (``errors``: overridable
    with a reason) and what prevents sending at all (``blockers``)."""

    delay: ConvocationCheck
    sent_on: datetime.date
    errors: list[RuleError] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)

    @property
    def can_send(self) -> bool:
        return not self.blockers

    @property
    def needs_override(self) -> bool:
        return bool(self.errors)


def check_before_sending(convocation: Convocation, *, today: datetime.date | None = None) -> SendingCheck:
    sitting = convocation.sitting
    regime = sitting.assembly.regime
    today = today or timezone.localdate()
    delay = check_convocation(
        sitting=sitting.date, sent=today, regime=regime, urgency=convocation.urgency,
        second_convocation=sitting.second_convocation,
        failed_sitting=sitting.failed_sitting.date if sitting.failed_sitting_id else None)
    check = SendingCheck(delay=delay, sent_on=today, errors=list(delay.errors))
    numbers = item_numbers(sitting)
    items = list(convocation_items(convocation))
    in_this = {item.pk for item in items}

    # Items: every item of the agenda must be on a convocation (this one or an earlier one).
    for item in candidate_items(sitting):
        if item.pk not in in_this:
            check.errors.append(RuleError(
                "item_not_on_convocation",
                _("L'affaire n° %(n)s « %(title)s » est à l'ordre du jour mais ne figure sur aucune convocation : "
                  "elle ne pourra pas être délibérée.") % {"n": numbers.get(item.pk), "title": item.title},
                _article(regime, "L2121-10")))
    # Note explicative de synthèse.
    if regime.synthesis_note_required:
        for item in items:
            if needs_synthesis(item) and not (convocation.synthesis_texts.get(str(item.pk)) or "").strip():
                check.errors.append(RuleError(
                    "synthesis_note_missing",
                    _("La note explicative de synthèse ne dit rien de l'affaire n° %(n)s « %(title)s ».")
                    % {"n": numbers.get(item.pk), "title": item.title},
                    _article(regime, "L2121-12")))
    # Members: dematerialised unless they asked for paper.
    members = list(sitting.assembly.members().order_by("last_name", "first_name", "pk"))
    for member in members:
        if not member.paper_convocation and not member.email:
            check.errors.append(RuleError(
                "member_without_email",
                _("%(name)s n'a pas d'adresse électronique et n'a pas demandé la convocation papier : "
                  "la convocation ne pourra pas lui parvenir.") % {"name": member_addressee(member)},
                _article(regime, "L2121-10"), member=member_name(member)))

    if not members:
        check.blockers.append(_("L'assemblée n'a aucun membre : il n'y a personne à convoquer."))
    if not items:
        check.blockers.append(_("L'ordre du jour est vide."))
    if sitting.date < today:
        check.blockers.append(_("La séance est passée : elle ne peut plus être convoquée."))
    if convocation.state == Convocation.State.SENT:
        check.blockers.append(_("Cette convocation est déjà envoyée."))
    elif convocation.kind == Convocation.Kind.CONVOCATION and sitting.state != Sitting.State.PLANNED:
        check.blockers.append(_("Seule une séance en préparation peut être convoquée."))
    elif convocation.kind == Convocation.Kind.ADDENDUM and sitting.state != Sitting.State.CONVENED:
        check.blockers.append(_("Un additif suppose une séance convoquée et pas encore ouverte."))
    elif convocation.state == Convocation.State.GENERATING:
        check.blockers.append(_("Les documents sont en cours de génération."))
    elif convocation.state != Convocation.State.READY:
        check.blockers.append(_("Générez d'abord les documents (lettre, note de synthèse, dossier de séance)."))
    elif convocation.documents_fingerprint != fingerprint(convocation, items) or any(
            item.pk not in in_this for item in candidate_items(sitting)):
        check.blockers.append(_("L'ordre du jour, les textes ou les annexes ont changé depuis la génération des "
                                "documents : générez-les à nouveau avant d'envoyer."))
    return check


# --- Sending ------------------------------------------------------------------------------

def canonical_json(manifest: dict) -> bytes:
    """The bytes that are hashed and timestamped: sorted keys, no spaces, UTF-8."""
    return json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def manifest_files(convocation: Convocation) -> list[dict]:
    """Each document as sent, re-read from storage (which re-checks its SHA-256)."""
    files = []
    for field_name, file_name in FILES.values():
        sha = getattr(convocation, field_name)
        if sha:
            files.append({"name": file_name, "sha256": sha, "bytes": len(blobs.get(sha))})
    return files


def build_manifest(convocation: Convocation, recipients: list[dict], sent_at, errors: list[RuleError],
                   reason: str) -> dict:
    sitting = convocation.sitting
    numbers = item_numbers(sitting)
    return {
        "sitting": {"authority": sitting.authority.name, "assembly": sitting.assembly.name, "slug": sitting.slug,
                    "date": sitting.date.isoformat(),
                    "time": sitting.start_time.strftime("%H:%M") if sitting.start_time else "",
                    "place": sitting.place},
        "convocation": convocation.pk,
        "kind": convocation.kind,
        "urgency": convocation.urgency,
        "sent_at": sent_at.isoformat(),
        "items": [{"number": numbers.get(item.pk), "title": item.title,
                   "reference": item.act.reference if item.act_id else ""}
                  for item in convocation_items(convocation)],
        "recipients": recipients,
        "files": manifest_files(convocation),
        "legal_errors": [e.as_dict() for e in errors],
        "override_reason": reason,
    }


def send_convocation(user, convocation: Convocation, *, override: bool = False, override_reason: str = "",
                     today: datetime.date | None = None) -> Convocation:
    """Send the convocation to every member of the assembly, with a timestamped manifest.

    Refused while a blocker remains; refused when rules are broken unless ``override`` is set
    with a reason (then journaled, and kept in the manifest and on the convocation)."""
    sitting = convocation.sitting
    _require_secretariat(user, sitting)
    check = check_before_sending(convocation, today=today)
    if check.blockers:
        raise ConvocationError(check.blockers[0])
    reason = " ".join((override_reason or "").split())
    if check.errors and not (override and reason):
        raise ConvocationBlocked(check.errors)
    if not check.errors:
        reason = ""

    members = list(sitting.assembly.members().order_by("last_name", "first_name", "pk"))
    recipients = [{"member": m.pk, "name": member_addressee(m),
                   "channel": ConvocationRecipient.Channel.PAPER if m.paper_convocation
                   else ConvocationRecipient.Channel.EMAIL,
                   "email": "" if m.paper_convocation else m.email} for m in members]
    sent_at = timezone.now()
    try:
        manifest = build_manifest(convocation, recipients, sent_at, check.errors, reason)
    except (FileNotFoundError, blobs.BlobIntegrityError) as exc:
        raise ConvocationError(_("Un document de la convocation est introuvable ou altéré sur le stockage : "
                                 "générez à nouveau les documents.")) from exc
    canonical = canonical_json(manifest)
    try:
        token = timestamping.timestamp(canonical)
    except timestamping.TimestampError as exc:
        raise ConvocationError(str(exc)) from exc
    stamped_at = timestamping.token_info(token)["gen_time"].native

    with transaction.atomic():
        current = Convocation.objects.select_for_update().get(pk=convocation.pk)
        sitting = Sitting.objects.select_for_update().get(pk=sitting.pk)
        if current.state != Convocation.State.READY or current.documents_fingerprint != convocation.documents_fingerprint:
            raise ConvocationError(_("La convocation a changé pendant l'envoi : vérifiez-la et recommencez."))
        ConvocationRecipient.objects.bulk_create([
            ConvocationRecipient(convocation=current, member_id=r["member"], channel=r["channel"], email=r["email"])
            for r in recipients])
        current.state = Convocation.State.SENT
        current.sent_at = sent_at
        current.sent_by = user
        current.legal_errors = [e.as_dict() for e in check.errors]
        current.override_reason = reason
        current.manifest = manifest
        current.manifest_sha256 = hashlib.sha256(canonical).hexdigest()
        current.timestamp_token = token
        current.timestamped_at = stamped_at
        current.save()
        items = list(convocation_items(current))
        AgendaItem.objects.filter(pk__in=[item.pk for item in items]).update(on_convocation=True)
        changes = []
        if sitting.state == Sitting.State.PLANNED:
            sitting.state = Sitting.State.CONVENED
            changes.append("state")
        if current.urgency and not sitting.urgency:
            sitting.urgency = True
            changes.append("urgency")
        if changes:
            sitting.save(update_fields=changes)
        if check.errors:
            record("sitting.convocation_override", actor=user, obj=sitting,
                   data={"convocation": current.pk, "reason": reason,
                         "errors": [e.as_dict() for e in check.errors]})
        record("sitting.convocation_sent", actor=user, obj=sitting, data={
            "convocation": current.pk, "kind": current.kind, "urgency": current.urgency,
            "items": [item.pk for item in items], "recipients": len(recipients),
            "paper": sum(1 for r in recipients if r["channel"] == ConvocationRecipient.Channel.PAPER),
            "manifest_sha256": current.manifest_sha256, "timestamped_at": stamped_at.isoformat(),
            "required_days": check.delay.required_days, "latest_send_date": check.delay.latest_send_date.isoformat(),
        })
        pk = current.pk
        transaction.on_commit(lambda: _enqueue_emails(pk))
    return current


def _enqueue_emails(pk: int) -> None:
    from ..tasks import send_convocation_emails

    send_convocation_emails.enqueue(pk)


def personal_url(recipient: ConvocationRecipient) -> str:
    return settings.HEMICYCLE_BASE_URL.rstrip("/") + reverse("sittings:convocation_link", args=[recipient.token])


def _email_message(recipient: ConvocationRecipient) -> mail.EmailMessage:
    convocation = recipient.convocation
    sitting = convocation.sitting
    assembly = of_assembly(sitting.assembly.name)
    if convocation.kind == Convocation.Kind.ADDENDUM:
        subject = _("Additif à l'ordre du jour — séance %(of)s du %(date)s")
        lead = _("Un additif à l'ordre du jour de la séance %(of)s qui se tiendra %(when)s vous est adressé.")
    else:
        subject = _("Convocation — séance %(of)s du %(date)s")
        lead = _("Vous êtes convoqué(e) à la séance %(of)s qui se tiendra %(when)s.")
    words = {"of": assembly, "date": fr_date(sitting.date), "when": sitting_when(sitting)}
    body = "\n\n".join([
        _("Bonjour %(name)s,") % {"name": member_addressee(recipient.member)},
        lead % words,
        _("La lettre de convocation, l'ordre du jour, la note explicative de synthèse et le dossier de séance "
          "sont à consulter sur votre lien personnel :"),
        personal_url(recipient),
        _("Ce lien vous est personnel : ne le transférez pas. L'ouverture de la convocation et la consultation "
          "des documents sont enregistrées comme preuve de leur réception."),
        f"— {sitting.authority.name}",
    ])
    return mail.EmailMessage(subject=subject % words, body=body, to=[recipient.email])


def deliver_emails(convocation_id: int) -> int:
    """E-mail the personal link to every e-mail recipient not yet sent to; ``sent_at`` when
    handed to the mail server, ``delivered_at`` once it accepted the message. Returns how many
    were accepted."""
    recipients = list(ConvocationRecipient.objects.filter(
        convocation_id=convocation_id, convocation__state=Convocation.State.SENT,
        channel=ConvocationRecipient.Channel.EMAIL, sent_at__isnull=True)
        .select_related("member", "convocation__sitting__assembly", "convocation__sitting__authority"))
    if not recipients:
        return 0
    accepted = failed = 0
    connection = mail.mailers.default
    with connection:
        for recipient in recipients:
            if not recipient.email:
                ConvocationRecipient.objects.filter(pk=recipient.pk).update(
                    error=_("Aucune adresse électronique : convocation non envoyée."))
                failed += 1
                continue
            message = _email_message(recipient)
            ConvocationRecipient.objects.filter(pk=recipient.pk).update(sent_at=timezone.now(), error="")
            try:
                count = connection.send_messages([message])
            except Exception as exc:  # the mail server refused or could not be reached
                logger.warning("Convocation %s : envoi à %s refusé (%s)", convocation_id, recipient.email, exc)
                ConvocationRecipient.objects.filter(pk=recipient.pk).update(
                    error=_("Refusé par le serveur de messagerie : %(error)s") % {"error": str(exc)[:300]})
                failed += 1
                continue
            if count:
                ConvocationRecipient.objects.filter(pk=recipient.pk).update(delivered_at=timezone.now())
                accepted += 1
            else:
                ConvocationRecipient.objects.filter(pk=recipient.pk).update(
                    error=_("Le serveur de messagerie n'a pas accepté le message."))
                failed += 1
    sitting = recipients[0].convocation.sitting
    with transaction.atomic():
        record("sitting.convocation_emails_sent", obj=sitting,
               data={"convocation": convocation_id, "accepted": accepted, "failed": failed})
    return accepted


def retry_failed_emails(user, convocation: Convocation) -> int:
    """Send again the e-mails the mail server refused (the address may have been corrected on
    the member's record meanwhile). Returns how many are queued."""
    _require_secretariat(user, convocation.sitting)
    with transaction.atomic():
        failed = list(convocation.recipients.select_for_update().filter(
            channel=ConvocationRecipient.Channel.EMAIL, delivered_at__isnull=True).select_related("member"))
        for recipient in failed:
            recipient.email = recipient.member.email
            recipient.sent_at = None
            recipient.error = ""
            recipient.save(update_fields=["email", "sent_at", "error"])
        if failed:
            record("sitting.convocation_emails_retried", actor=user, obj=convocation.sitting,
                   data={"convocation": convocation.pk, "recipients": [r.member_id for r in failed]})
            pk = convocation.pk
            transaction.on_commit(lambda: _enqueue_emails(pk))
    return len(failed)


def record_paper_posting(user, convocation: Convocation, recipient_ids, posted_on: datetime.date) -> int:
    """The secretariat records the day the paper convocations were posted."""
    _require_secretariat(user, convocation.sitting)
    if convocation.state != Convocation.State.SENT:
        raise ConvocationError(_("La convocation n'est pas encore envoyée."))
    if posted_on > timezone.localdate():
        raise ConvocationError(_("La date de dépôt ne peut pas être dans le futur."))
    if posted_on < timezone.localdate(convocation.sent_at):
        raise ConvocationError(_("La date de dépôt ne peut pas précéder l'envoi de la convocation (%(date)s).")
                               % {"date": fr_date(timezone.localdate(convocation.sent_at))})
    moment = timezone.make_aware(datetime.datetime.combine(posted_on, datetime.time(12, 0)))
    with transaction.atomic():
        recipients = list(convocation.recipients.select_for_update().filter(
            pk__in=list(recipient_ids), channel=ConvocationRecipient.Channel.PAPER))
        if not recipients:
            raise ConvocationError(_("Cochez au moins un élu convoqué sur papier."))
        ConvocationRecipient.objects.filter(pk__in=[r.pk for r in recipients]).update(paper_posted_at=moment)
        record("sitting.convocation_paper_posted", actor=user, obj=convocation.sitting,
               data={"convocation": convocation.pk, "posted_on": posted_on.isoformat(),
                     "members": [r.member_id for r in recipients]})
    return len(recipients)


# --- What members do with their link ------------------------------------------------------

def record_opening(recipient: ConvocationRecipient) -> bool:
    """First opening of the personal link (proof of receipt). Returns True the first time."""
    with transaction.atomic():
        opened = ConvocationRecipient.objects.filter(pk=recipient.pk, opened_at__isnull=True).update(
            opened_at=timezone.now())
        if opened:
            record("sitting.convocation_opened", obj=recipient.convocation.sitting,
                   data={"convocation": recipient.convocation_id, "member": recipient.member_id})
    return bool(opened)


def record_consultation(recipient: ConvocationRecipient, document: str) -> DocumentConsultation:
    with transaction.atomic():
        ConvocationRecipient.objects.filter(pk=recipient.pk, opened_at__isnull=True).update(opened_at=timezone.now())
        consultation = DocumentConsultation.objects.create(recipient=recipient, document=document)
        record("sitting.convocation_document_consulted", obj=recipient.convocation.sitting,
               data={"convocation": recipient.convocation_id, "member": recipient.member_id, "document": document})
    return consultation


# --- Verification -------------------------------------------------------------------------

@dataclass
class ProofCheck:
    manifest_sha256: str
    stored_sha256: str
    timestamp: timestamping.Verification | None
    files: list[dict] = field(default_factory=list)  # {name, sha256, ok, message}

    @property
    def manifest_ok(self) -> bool:
        return self.manifest_sha256 == self.stored_sha256

    @property
    def files_ok(self) -> bool:
        return all(f["ok"] for f in self.files)

    @property
    def valid(self) -> bool:
        return self.manifest_ok and self.files_ok and self.timestamp is not None and self.timestamp.valid


def verify_proof(convocation: Convocation) -> ProofCheck:
    """Recompute the manifest's hash, check the timestamp token over it and the files it lists."""
    canonical = canonical_json(convocation.manifest or {})
    check = ProofCheck(manifest_sha256=hashlib.sha256(canonical).hexdigest(),
                       stored_sha256=convocation.manifest_sha256,
                       timestamp=timestamping.verify(bytes(convocation.timestamp_token), canonical)
                       if convocation.timestamp_token else None)
    for entry in (convocation.manifest or {}).get("files", []):
        try:
            data = blobs.get(entry["sha256"])
        except FileNotFoundError:
            check.files.append({**entry, "ok": False, "message": _("introuvable sur le stockage")})
        except blobs.BlobIntegrityError:
            check.files.append({**entry, "ok": False, "message": _("altéré sur le stockage")})
        else:
            ok = len(data) == entry.get("bytes")
            check.files.append({**entry, "ok": ok, "message": _("intact") if ok else _("taille différente")})
    return check
