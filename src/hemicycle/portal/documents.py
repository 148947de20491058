"""The documents of a sitting as a member sees them, each under a short key used in URLs and
in annotations:

- ``dossier-<convocation>``: the sitting pack of a sent convocation or addendum;
- ``lettre-<convocation>``, ``odj-<convocation>``, ``note-<convocation>``: its letter, its
  agenda (ordre du jour) and its note explicative de synthèse;
- ``acte-<item>``: the act of an agenda item, rendered to PDF (documents.render);
- ``annexe-<annex>``: an annex of an act on the agenda.

``resolve`` applies ``portal.visibility``: 404 for what the member cannot know of (not
convened yet, another sitting's annex…), 403 with the reason for a confidential document the
member is not entitled to.
"""

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from hemicycle.acts.models import Annex
from hemicycle.core import blobs

from . import visibility

logger = logging.getLogger(__name__)

PDF = "application/pdf"


@dataclass
class Document:
    key: str
    kind: str  # pack, letter, agenda, synthesis, act, annex
    title: str
    sha256: str
    mime_type: str
    filename: str
    convocation: object = None  # the sent convocation it belongs to (proof of consultation)
    consultation: str = ""  # DocumentConsultation.document
    item: object = None

    @property
    def is_pdf(self) -> bool:
        return self.mime_type == PDF

    def data(self) -> bytes:
        try:
            return blobs.get(self.sha256)
        except FileNotFoundError:
            raise Http404(_("Le fichier de ce document est introuvable sur le stockage.")) from None
        except blobs.BlobIntegrityError:
            logger.error("Document %s : le fichier %s a été altéré sur le stockage.", self.key, self.sha256)
            raise Http404(_("Le fichier de ce document a été altéré sur le stockage.")) from None


def act_pdf_sha256(act) -> str:
    """The act rendered to PDF, kept in content-addressed storage; the rendering is cached per
    version of the act's content."""
    stamp = act.updated_at.timestamp() if act.updated_at else 0
    key = f"portal.act-pdf.v1.{act.pk}.{act.lock_version}.{stamp}"
    sha256 = cache.get(key)
    if sha256 and blobs.exists(sha256):
        return sha256
    from hemicycle.documents.render import RenderError, render_act_pdf

    try:
        sha256 = blobs.put(render_act_pdf(act))
    except RenderError as exc:
        logger.error("Rendu de l'acte %s impossible : %s", act.pk, exc)
        raise Http404(_("Le document de cet acte n'a pas pu être produit : prévenez le secrétariat.")) from None
    cache.set(key, sha256, 24 * 3600)
    return sha256


def _convocation_of_item(item):
    from hemicycle.sittings.models import Convocation

    return (item.convocations.filter(state=Convocation.State.SENT).order_by("sent_at", "pk").first()
            or visibility.sent_convocations(item.sitting).first())


def _number(text: str) -> int:
    if not text.isdigit() or len(text) > 18:
        raise Http404
    return int(text)


def _confidential(act) -> PermissionDenied:
    committees = ", ".join(c.short_name for c in act.committees.all())
    if committees:
        return PermissionDenied(_("Document confidentiel : réservé aux membres de la commission %(c)s et au président.")
                                % {"c": committees})
    return PermissionDenied(_("Document confidentiel : réservé au président."))


def pack_documents(member, sitting) -> list[Document]:
    """Pack, letter and synthesis note of each sent convocation, as the member may see them."""
    docs = []
    for convocation in visibility.sent_convocations(sitting):
        addendum = convocation.kind == convocation.Kind.ADDENDUM
        if convocation.pack_sha256 and visibility.can_see_pack(member, convocation):
            docs.append(Document(f"dossier-{convocation.pk}", "pack",
                                 _("Dossier de séance (additif)") if addendum else _("Dossier de séance"),
                                 convocation.pack_sha256, PDF, f"dossier-{sitting.slug}-{convocation.pk}.pdf",
                                 convocation, "pack"))
        if convocation.letter_sha256:
            docs.append(Document(f"lettre-{convocation.pk}", "letter",
                                 _("Lettre d'additif") if addendum else _("Lettre de convocation"),
                                 convocation.letter_sha256, PDF, f"convocation-{sitting.slug}-{convocation.pk}.pdf",
                                 convocation, "letter"))
        agenda_sha256 = getattr(convocation, "agenda_sha256", "")
        if agenda_sha256:
            docs.append(Document(f"odj-{convocation.pk}", "agenda",
                                 _("Ordre du jour complémentaire") if addendum else _("Ordre du jour"),
                                 agenda_sha256, PDF, f"ordre-du-jour-{sitting.slug}-{convocation.pk}.pdf",
                                 convocation, "agenda"))
        if convocation.synthesis_sha256:
            docs.append(Document(f"note-{convocation.pk}", "synthesis", _("Note explicative de synthèse"),
                                 convocation.synthesis_sha256, PDF, f"note-{sitting.slug}-{convocation.pk}.pdf",
                                 convocation, "synthesis"))
    return docs


def withheld_packs(member, sitting) -> list:
    """Sent convocations whose pack the member may not open (it holds confidential documents)."""
    return [c for c in visibility.sent_convocations(sitting)
            if c.pack_sha256 and not visibility.can_see_pack(member, c)]


def resolve(member, sitting, key: str) -> Document:
    kind, _sep, ident = key.partition("-")
    if not visibility.is_convened(sitting):
        raise Http404
    if kind in ("dossier", "lettre", "odj", "note"):
        convocation = visibility.sent_convocations(sitting).filter(pk=_number(ident)).first()
        if convocation is None:
            raise Http404
        for doc in pack_documents(member, sitting):
            if doc.key == key:
                return doc
        if kind == "dossier" and convocation.pack_sha256:
            raise PermissionDenied(_("Ce dossier de séance contient des documents confidentiels qui ne vous sont pas "
                                     "destinés : consultez les documents un par un."))
        raise Http404
    if kind == "acte":
        item = visibility.visible_items(sitting).filter(pk=_number(ident), act__isnull=False).first()
        if item is None:
            raise Http404
        if not visibility.can_see_act_document(member, item.act, sitting):
            raise _confidential(item.act)
        return Document(key, "act", item.act.reference or item.title, act_pdf_sha256(item.act), PDF,
                        f"{item.act.slug or 'acte'}.pdf", _convocation_of_item(item), f"item:{item.pk}", item)
    if kind == "annexe":
        annex = Annex.objects.filter(pk=_number(ident), removed_at__isnull=True).select_related("act").first()
        if annex is None:
            raise Http404
        item = visibility.visible_items(sitting).filter(act_id=annex.act_id).first()
        if item is None:
            raise Http404
        if annex not in visibility.visible_annexes(member, annex.act, sitting):
            raise _confidential(annex.act)
        return Document(key, "annex", annex.title, annex.sha256, annex.mime_type, annex.original_name,
                        _convocation_of_item(item), f"annex:{annex.pk}", item)
    raise Http404
