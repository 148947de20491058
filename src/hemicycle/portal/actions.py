"""Changes made from the members' portal: vœux filed for a group, private annotations synced
from the browser, documents consulted (the convocation's proof).

Proxies and interests have their actions in ``sittings.actions.proxies`` and
``sittings.actions.interests``.
"""

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hemicycle.journal.services import record
from hemicycle.notifications.services import notify
from hemicycle.rules.errors import fr_date
from hemicycle.sittings.actions.proxies import secretariat_users
from hemicycle.sittings.models import ConvocationRecipient, DocumentConsultation, Motion

from . import visibility
from .models import Annotation, MotionTarget

# --- Vœux ---------------------------------------------------------------------------------

MAX_TITLE = 500
MAX_TEXT = 20000
MAX_CONSIDERANTS = 30


@transaction.atomic
def file_motion(user, member, sitting, *, title: str, considerants: list[str], text: str) -> Motion:
    """A member files a vœu in the name of their political group, for a sitting ahead."""
    if member.user_id != user.pk:
        raise PermissionDenied("Vous ne pouvez déposer un vœu qu'en votre nom.")
    if member.group_id is None:
        raise ValidationError("Vous n'appartenez à aucun groupe politique : un vœu est déposé au nom d'un groupe.")
    if sitting.authority_id != member.authority_id or not visibility.sits_in(member, sitting.assembly):
        raise PermissionDenied("Vous ne siégez pas à l'assemblée de cette séance.")
    if not visibility.is_upcoming(sitting):
        raise ValidationError({"sitting": "Cette séance est ouverte ou passée : choisissez une séance à venir."})
    title = " ".join((title or "").split())
    text = (text or "").strip()
    considerants = [" ".join(c.split()) for c in considerants if c and c.strip()]
    errors = {}
    if not title:
        errors["title"] = "Donnez un titre au vœu."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Le titre dépasse {MAX_TITLE} caractères."
    if not text:
        errors["text"] = "Rédigez le texte du vœu (ce que le conseil émet le vœu de voir faire)."
    elif len(text) > MAX_TEXT:
        errors["text"] = f"Le texte dépasse {MAX_TEXT} caractères."
    if len(considerants) > MAX_CONSIDERANTS:
        errors["considerants"] = f"Au plus {MAX_CONSIDERANTS} considérants."
    if errors:
        raise ValidationError(errors)
    motion = Motion.objects.create(authority_id=member.authority_id, group=member.group, filed_by=user, title=title,
                                   considerants=considerants, text=text)
    MotionTarget.objects.create(motion=motion, sitting=sitting, filed_by_member=member)
    record("sitting.motion_filed", actor=user, obj=sitting,
           data={"motion": motion.pk, "title": title, "group": member.group.short_name, "member": member.pk})
    notify(secretariat_users(member.authority), "motion",
           f"Vœu du groupe {member.group.short_name} déposé par {member} pour la séance du {fr_date(sitting.date)} : "
           f"{title}", url=reverse("portal:secretariat_motions"), exclude=user)
    return motion


# --- Annotations --------------------------------------------------------------------------

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
DOCUMENT = re.compile(r"^[A-Za-z0-9_-]{1,60}/(dossier|lettre|odj|note|acte|annexe)-[0-9]{1,18}$")  # see portal.documents
MAX_NOTE = 10000
MAX_PAGE = 100000
MAX_BATCH = 500
CLOCK_SKEW = datetime.timedelta(minutes=5)


def annotation_dict(note: Annotation) -> dict:
    return {"client_id": note.client_id, "document": note.document, "page": note.page, "text": note.text,
            "updated_at": note.updated_at.isoformat(), "deleted": note.deleted}


def _parse_note(raw) -> dict:
    if not isinstance(raw, dict):
        raise ValueError("une note doit être un objet JSON")
    client_id = raw.get("client_id")
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise ValueError("identifiant de note invalide")
    document = raw.get("document")
    if not isinstance(document, str) or not DOCUMENT.match(document):
        raise ValueError("document invalide")
    page = raw.get("page", 1)
    if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= MAX_PAGE:
        raise ValueError("numéro de page invalide")
    text = raw.get("text", "")
    if not isinstance(text, str) or len(text) > MAX_NOTE:
        raise ValueError(f"texte invalide (au plus {MAX_NOTE} caractères)")
    deleted = raw.get("deleted", False)
    if not isinstance(deleted, bool):
        raise ValueError("« deleted » doit valoir true ou false")
    updated_at = parse_datetime(raw.get("updated_at") or "") if isinstance(raw.get("updated_at"), str) else None
    if updated_at is None:
        raise ValueError("date de modification invalide")
    if timezone.is_naive(updated_at):
        updated_at = timezone.make_aware(updated_at, datetime.UTC)
    now = timezone.now()
    if updated_at > now + CLOCK_SKEW:  # a device whose clock runs ahead must not win every later edit
        updated_at = now
    return {"client_id": client_id, "document": document, "page": page, "text": text.replace("\x00", ""),
            "deleted": deleted, "updated_at": updated_at}


@transaction.atomic
def sync_annotations(member, notes: list) -> list[dict]:
    """Apply notes written in the browser: the latest ``updated_at`` wins (last write wins).

    Returns, for each note sent, ``{"client_id", "status": created|updated|kept|invalid,
    "annotation": the server's copy}`` (``error`` instead of a copy when invalid). Notes are
    private: they are read and written only through ``member``, and — so that nobody else can
    read them — they are not copied to the journal."""
    if not isinstance(notes, list):
        raise ValidationError("« annotations » doit être une liste.")
    if len(notes) > MAX_BATCH:
        raise ValidationError(f"Au plus {MAX_BATCH} notes par envoi.")
    results = []
    for raw in notes:
        try:
            note = _parse_note(raw)
        except ValueError as exc:
            client_id = raw.get("client_id") if isinstance(raw, dict) and isinstance(raw.get("client_id"), str) else None
            results.append({"client_id": client_id, "status": "invalid", "error": str(exc)})
            continue
        current = Annotation.objects.select_for_update().filter(member=member, client_id=note["client_id"]).first()
        if current is None:
            current = Annotation.objects.create(member=member, **note)
            status = "created"
        elif note["updated_at"] > current.updated_at:
            for key in ("document", "page", "text", "deleted", "updated_at"):
                setattr(current, key, note[key])
            current.save()
            status = "updated"
        else:
            status = "kept"
        results.append({"client_id": note["client_id"], "status": status, "annotation": annotation_dict(current)})
    return results


# --- Consultations ------------------------------------------------------------------------


def record_consultation(member, convocation, document: str) -> None:
    """Proof of the convocation: the member consulted ``document`` ("pack", "letter",
    "agenda", "synthesis", "item:<pk>", "annex:<pk>"). The first consultation also marks the
    convocation as opened."""
    if convocation is None:
        return
    recipient = ConvocationRecipient.objects.filter(convocation=convocation, member=member).first()
    if recipient is None:
        return
    DocumentConsultation.objects.create(recipient=recipient, document=document[:100])
    if recipient.opened_at is None:
        ConvocationRecipient.objects.filter(pk=recipient.pk, opened_at__isnull=True).update(opened_at=timezone.now())
