"""Actions of publication: publish an act on the portal, mark passages to mask, notify an act to
a partner, record the opening of a notification. Each checks rights, runs in one transaction and
writes the journal.

Rules (L2131-1, R2131-1, rules.md « Publication »):
- regulatory acts and deliberations are published online in full, as a non-modifiable PDF, with
  the author's first name, name and capacity and the date put online; individual decisions
  (nature AI) are not published but notified to the persons concerned;
- only a signed final document is published; confidential acts are never published;
- personal data is masked in the published copy (CRPA L312-1-2); the signed original is never
  modified: the masked copy is a new PDF rendered from the same final document.
"""

import logging
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.acts.models import Act, Nature
from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.journal.services import record

from . import masking
from .models import Masking, PartnerNotification, Publication

logger = logging.getLogger(__name__)

NOT_PUBLISHED_NATURES = (Nature.AI,)  # individual acts: notified, not published (L2131-1)
# The parts of the act printed in its final document (the exposé des motifs is not).
PUBLISHED_FIELDS = ("object", "visas", "considerants", "articles")


class PublicationRefused(ValidationError):
    """A refusal with a French message for the user (and, for individual acts, ``notify``)."""

    def __init__(self, message, *, notify: bool = False):
        super().__init__(message)
        self.notify = notify


# --- Queries --------------------------------------------------------------------------------

def can_manage(user, act) -> bool:
    return (getattr(user, "is_authenticated", False) and user.authority_id == act.authority_id
            and user.has_role(Role.SECRETARIAT))


def signed_final(act):
    """The act's signed final document, or None."""
    from hemicycle.documents.models import FinalDocument

    return FinalDocument.objects.filter(act=act, state=FinalDocument.State.SIGNED).exclude(signed_sha256="").first()


def is_publishable_nature(nature: str) -> bool:
    return nature not in NOT_PUBLISHED_NATURES


def is_published(act) -> bool:
    """On the public portal now (published and not withdrawn)."""
    return Publication.objects.filter(act=act, withdrawn_at__isnull=True).exists()


def author_of(document) -> tuple[str, str]:
    """R2131-1: the author's first name, name and capacity — the first signatory of the act
    (its Signature, else the signatory printed on the final document)."""
    first = document.signatures.order_by("position").first()
    if first is not None:
        return first.signer_name, first.capacity
    from hemicycle.documents import final

    try:
        _data, signatory = final.document_data(document)
    except Exception:  # noqa: BLE001 - no signatory can be determined: the caller refuses
        return "", ""
    name = f"{signatory.get('first_name', '')} {signatory.get('last_name', '')}".strip()
    return name, signatory.get("capacity", "")


def publish_refusal(act, document=None) -> str:
    """Why the act cannot be published now ("" when it can)."""
    if act.nature in NOT_PUBLISHED_NATURES:
        return _("Un acte individuel n'est pas publié : il est notifié aux personnes qu'il concerne "
                 "(article L2131-1 du CGCT). Utilisez « Notifier » pour l'adresser à son destinataire.")
    if act.confidential:
        return _("Cet acte est confidentiel : il ne peut pas être publié sur le portail.")
    if Publication.objects.filter(act=act, withdrawn_at__isnull=True).exists():
        return _("Cet acte est déjà publié.")
    if document is None:
        document = signed_final(act)
    if document is None:
        return _("Seul un acte dont le document définitif est signé peut être publié.")
    return ""


def executory_info(act) -> dict | None:
    """{"id_acte", "received_on"} once the prefecture acknowledged the act, else None
    (hemicycle.legality.actions.executory_info)."""
    from hemicycle.legality.actions import executory_info as legality_info

    return legality_info(act)


def executory_mention(act, publication=None) -> str:
    """« Exécutoire : publié le … et reçu en préfecture le … (IDActe …) », once both are true."""
    from hemicycle.documents.render import french_date

    publication = publication if publication is not None else Publication.objects.filter(
        act=act, withdrawn_at__isnull=True).first()
    info = executory_info(act)
    if publication is None or not info or not info.get("received_on"):
        return ""
    return _("Exécutoire : publié le %(published)s et reçu en préfecture le %(received)s (IDActe %(id)s)") % {
        "published": french_date(timezone.localtime(publication.published_at).date()),
        "received": french_date(info["received_on"]), "id": info.get("id_acte") or "—"}


def public_names(authority) -> list[tuple[str, str]]:
    """Members of the assembly: public figures whose names are never suggested for masking."""
    from hemicycle.organisation.models import Member

    return list(Member.objects.filter(authority=authority).values_list("first_name", "last_name"))


def act_content(act) -> dict:
    return {"object": act.object, "report": act.report, "visas": list(act.visas or []),
            "considerants": list(act.considerants or []), "articles": list(act.articles or [])}


def masks_of(act) -> list[tuple[str, str]]:
    return list(Masking.objects.filter(act=act).order_by("pk").values_list("field", "text"))


def suggestions(act) -> list[masking.Suggestion]:
    """Personal data the system detects in the act and that is not marked yet."""
    return masking.suggest_for_content(act_content(act), public_names(act.authority),
                                       exclude=[t for _f, t in masks_of(act)], fields=PUBLISHED_FIELDS)


def _normalised_search_text(*parts) -> str:
    return masking.normalise(" ".join(p for p in parts if p))


# --- Publication ----------------------------------------------------------------------------

def _require_manager(user, act):
    if not can_manage(user, act):
        raise PermissionDenied(_("Seul le secrétariat des assemblées peut publier, occulter ou notifier un acte."))


def _published_file(document, act) -> tuple[str, bool]:
    """(sha256 of the PDF to publish, masked?): the signed original, or a masked copy of it."""
    masks = masks_of(act)
    if not masks:
        return document.signed_sha256, False
    from .copies import render_published_copy

    pdf = render_published_copy(document, masks)
    return blobs.put(pdf), True


def _matieres(act) -> tuple[str, str]:
    from hemicycle.acts.matieres import labels_for

    codes = list(act.matiere_codes or [])
    if not codes:
        return "", ""
    labels = labels_for(act.classification_version, codes)
    code, label = labels[-1]
    return codes[0], f"{code} {label}".strip()


def publish(user, act: Act, *, author_name: str = "", author_capacity: str = "") -> Publication:
    """Put a signed regulatory act or deliberation online (R2131-1).

    The author (first name, name, capacity) is the first signatory unless given."""
    _require_manager(user, act)
    with transaction.atomic():
        act = Act.objects.select_for_update().get(pk=act.pk)
        document = signed_final(act)
        refusal = publish_refusal(act, document)
        if refusal:
            raise PublicationRefused(refusal, notify=act.nature in NOT_PUBLISHED_NATURES)
        signer_name, signer_capacity = author_of(document)
        author_name = (author_name or signer_name).strip()
        author_capacity = (author_capacity or signer_capacity).strip()
        if not author_name or not author_capacity:
            raise PublicationRefused(_("Le nom et la qualité de l'auteur de l'acte sont inconnus (aucune signature "
                                       "enregistrée) : ils doivent figurer sur l'acte publié (article R2131-1)."))
        pdf_sha256, masked = _published_file(document, act)
        shown_object = masking.mask_content({"object": act.object}, masks_of(act))["object"]
        root, matiere_label = _matieres(act)
        sitting = document.item.sitting if document.item_id else None
        previous = Publication.objects.filter(act=act).first()  # withdrawn earlier: put back online
        fields = dict(
            authority=act.authority, sitting=sitting, published_at=timezone.now(), published_by=user,
            author_name=author_name[:200], author_capacity=author_capacity[:200], object=shown_object[:600],
            nature=act.nature, matiere_codes=list(act.matiere_codes or []), matiere_label=matiere_label[:300],
            matiere_root=root, decision_date=document.decision_date, number=document.number,
            pdf_sha256=pdf_sha256, masked=masked, source_sha256=document.signed_sha256,
            search_text=_normalised_search_text(shown_object, act.reference, matiere_label),
            withdrawn_at=None, withdrawn_reason="",
        )
        if previous is not None:
            for name, value in fields.items():
                setattr(previous, name, value)
            previous.save()
            publication = previous
        else:
            publication = Publication.objects.create(act=act, **fields)
        record("publication.published", actor=user, obj=act, data={
            "pdf_sha256": pdf_sha256, "masked": masked, "signed_sha256": document.signed_sha256,
            "author": f"{author_name}, {author_capacity}"})
    return publication


def publish_many(user, acts) -> tuple[list[Publication], list[tuple[Act, str]]]:
    """Publish each act on its own; returns (publications, [(act, refusal message)])."""
    done, refused = [], []
    for act in acts:
        try:
            done.append(publish(user, act))
        except (ValidationError, PermissionDenied) as exc:
            refused.append((act, " ".join(exc.messages) if hasattr(exc, "messages") else str(exc)))
        except Exception:  # the masked copy could not be rendered: this act only is left out
            logger.exception("Publication impossible : %s", act.reference)
            refused.append((act, _("La version publiée n'a pas pu être produite ; l'acte n'est pas publié.")))
    return done, refused


def withdraw(user, act: Act, *, reason: str) -> Publication:
    """Take an act off the portal (e.g. annulled by the court); the record stays, journaled."""
    _require_manager(user, act)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif du retrait.")})
    with transaction.atomic():
        publication = Publication.objects.select_for_update().filter(act=act, withdrawn_at__isnull=True).first()
        if publication is None:
            raise PublicationRefused(_("Cet acte n'est pas publié."))
        publication.withdrawn_at = timezone.now()
        publication.withdrawn_reason = reason[:500]
        publication.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        record("publication.withdrawn", actor=user, obj=act, data={"reason": reason[:500]})
    return publication


def _refresh_copy(user, act):
    """After a change of the marked passages: the published copy follows (if published)."""
    publication = Publication.objects.select_for_update().filter(act=act).first()
    if publication is None:
        return
    document = signed_final(act)
    if document is None:  # pragma: no cover - a published act always has its signed final
        return
    pdf_sha256, masked = _published_file(document, act)
    shown_object = masking.mask_content({"object": act.object}, masks_of(act))["object"]
    if pdf_sha256 == publication.pdf_sha256 and shown_object == publication.object:
        return
    publication.pdf_sha256, publication.masked, publication.object = pdf_sha256, masked, shown_object[:600]
    publication.search_text = _normalised_search_text(shown_object, act.reference, publication.matiere_label)
    publication.save(update_fields=["pdf_sha256", "masked", "object", "search_text"])
    record("publication.copy_updated", actor=user, obj=act, data={"pdf_sha256": pdf_sha256, "masked": masked})


def add_masking(user, act: Act, *, text: str, field: str = "", kind: str = "") -> Masking:
    """Mark a passage to mask in the published copy. It must occur in the act as typed."""
    _require_manager(user, act)
    text = (text or "").strip()
    if field not in Masking.Field.values:
        raise ValidationError({"field": _("Emplacement inconnu.")})
    if not text:
        raise ValidationError({"text": _("Indiquez le passage à occulter.")})
    if len(text) > 500:
        raise ValidationError({"text": _("Le passage à occulter ne doit pas dépasser 500 caractères.")})
    if not masking.passage_found(act_content(act), field, text, fields=PUBLISHED_FIELDS):
        where = Masking.Field(field).label.lower() if field else _("le texte de l'acte")
        raise ValidationError({"text": _("Ce passage ne figure pas tel quel dans %(where)s : copiez-le exactement "
                                         "(majuscules et espaces compris).") % {"where": where}})
    with transaction.atomic():
        act = Act.objects.select_for_update().get(pk=act.pk)
        if Masking.objects.filter(act=act, field=field, text=text).exists():
            raise ValidationError({"text": _("Ce passage est déjà occulté.")})
        mask = Masking.objects.create(act=act, field=field, text=text, kind=kind[:20], created_by=user)
        record("publication.masking_added", actor=user, obj=act, data={"field": field, "kind": kind,
                                                                       "length": len(text)})
        _refresh_copy(user, act)
    return mask


def remove_masking(user, mask: Masking) -> None:
    act = mask.act
    _require_manager(user, act)
    with transaction.atomic():
        act = Act.objects.select_for_update().get(pk=act.pk)
        deleted, _detail = Masking.objects.filter(pk=mask.pk, act=act).delete()
        if deleted:
            record("publication.masking_removed", actor=user, obj=act, data={"field": mask.field})
            _refresh_copy(user, act)


# --- Notification to partners ---------------------------------------------------------------

def notify_partner(user, act: Act, *, name: str, email: str) -> PartnerNotification:
    """E-mail the act to a partner with a personal link; opening the link is recorded."""
    _require_manager(user, act)
    name, email = (name or "").strip(), (email or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Indiquez le nom du destinataire.")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Adresse électronique invalide.")
    if errors:
        raise ValidationError(errors)
    document = signed_final(act)
    if document is None:
        raise PublicationRefused(_("Seul un acte dont le document définitif est signé peut être notifié."))
    with transaction.atomic():
        notification = PartnerNotification.objects.create(
            authority=act.authority, act=act, name=name[:200], email=email, token=secrets.token_urlsafe(32),
            pdf_sha256=document.signed_sha256, created_by=user)
        record("publication.notified", actor=user, obj=act, data={"name": name[:200], "email": email,
                                                                  "pdf_sha256": document.signed_sha256})
        transaction.on_commit(lambda: _enqueue(notification.pk))
    return notification


def _enqueue(pk: int) -> None:
    from .tasks import send_partner_notification

    send_partner_notification.enqueue(pk)


def record_opening(notification: PartnerNotification) -> PartnerNotification:
    """Proof of opening: the first opening (journaled) and the number of openings."""
    from django.db.models import F

    now = timezone.now()
    with transaction.atomic():
        first = PartnerNotification.objects.filter(pk=notification.pk, opened_at__isnull=True).update(
            opened_at=now, last_opened_at=now, opened_count=F("opened_count") + 1)
        if first:
            record("publication.notification_opened", authority=notification.authority, obj=notification.act,
                   data={"notification": notification.pk, "email": notification.email})
        else:
            PartnerNotification.objects.filter(pk=notification.pk).update(
                last_opened_at=now, opened_count=F("opened_count") + 1)
    notification.refresh_from_db()
    return notification
