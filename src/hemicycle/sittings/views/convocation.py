"""The convocation pages: preparing (letter, note explicative de synthèse, urgency), generating
the documents with a progress bar, the legal checks and the sending, the proof per member
(CSV), the paper list, the verification of the timestamped manifest — and the members'
personal link, public because its token is the credential.

Views parse input and call ``sittings.actions.convocation``. Sittings are fetched through
``for_authority`` (another authority's sitting answers 404), convocations within the sitting.
"""

import csv
import io

from asn1crypto import cms, pem
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from dsfr.utils import dsfr_input_class_attr

from hemicycle.core import blobs
from hemicycle.core.access import for_authority, public, roles
from hemicycle.core.roles import Role
from hemicycle.organisation.forms import DateInput, DsfrMixin
from hemicycle.rules.delays import check_convocation

from ..actions import convocation as actions
from ..convocation_documents import (
    AGENDA_MARK,
    FILES,
    candidate_items,
    convocation_items,
    default_letter_text,
    item_numbers,
    letter_body,
    member_addressee,
    needs_synthesis,
    paper_letters_pdf,
    paragraphs,
)
from ..models import Convocation, ConvocationRecipient, Sitting

SECRETARIAT = (Role.SECRETARIAT,)
DOCUMENT_LABELS = {
    "lettre": _l("Lettre de convocation"),
    "ordre-du-jour": _l("Ordre du jour"),
    "note-de-synthese": _l("Note explicative de synthèse"),
    "dossier-de-seance": _l("Dossier de séance"),
}


# --- Forms --------------------------------------------------------------------------------

class ConvocationForm(DsfrMixin, forms.Form):
    letter_text = forms.CharField(
        label=_l("Texte de la lettre"), widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_l("La ligne « [ordre du jour] » est remplacée par la liste des affaires ; sans elle, la liste "
                     "suit le texte. La signature du président est ajoutée."))
    urgency = forms.BooleanField(
        label=_l("Convocation en urgence"), required=False,
        help_text=_l("Délai abrégé, jamais moins d'un jour franc ; l'assemblée se prononce sur l'urgence à "
                     "l'ouverture (un point « Vote sur l'urgence » est inscrit en tête de l'ordre du jour)."))
    synthesis_note = forms.CharField(
        label=_l("Introduction de la note explicative de synthèse"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, items=(), numbers=None, **kwargs):
        super().__init__(*args, **kwargs)
        numbers = numbers or {}
        self.item_fields = []
        for item in items:
            if not needs_synthesis(item):
                continue
            name = f"synthesis_{item.pk}"
            self.fields[name] = forms.CharField(
                label=_("%(n)s. %(title)s") % {"n": numbers.get(item.pk, ""), "title": item.title},
                required=False, widget=forms.Textarea(attrs={"rows": 6}))
            self.item_fields.append((item, name))
            dsfr_input_class_attr(self[name])

    def synthesis_fields(self) -> list:
        return [self[name] for _item, name in self.item_fields]

    def synthesis_texts(self) -> dict[str, str]:
        return {str(item.pk): self.cleaned_data.get(name, "") for item, name in self.item_fields}


class SendForm(DsfrMixin, forms.Form):
    override = forms.BooleanField(
        label=_l("J'envoie la convocation malgré les règles enfreintes ci-dessus"), required=False)
    override_reason = forms.CharField(
        label=_l("Motif de la dérogation"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_l("Obligatoire pour envoyer malgré une règle enfreinte ; inscrit au journal et dans le "
                     "manifeste horodaté."))


class PaperForm(DsfrMixin, forms.Form):
    posted_on = forms.DateField(label=_l("Date de dépôt au courrier"), widget=DateInput())
    recipients = forms.MultipleChoiceField(label=_l("Élus concernés"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, recipients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = [(str(r.pk), member_addressee(r.member)) for r in recipients]


# --- Helpers ------------------------------------------------------------------------------

def _sitting(request, slug) -> Sitting:
    return for_authority(Sitting.objects.select_related("assembly", "authority", "president", "failed_sitting"),
                         request, slug=slug)


def _convocation(sitting, pk) -> Convocation:
    return get_object_or_404(Convocation.objects.select_related("sitting", "sent_by"), sitting=sitting, pk=pk)


def _page_url(sitting) -> str:
    return reverse("sittings:convocation", args=[sitting.slug])


def _pdf_response(data: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _document_bytes(convocation: Convocation, document: str) -> tuple[bytes, str]:
    if document not in FILES:
        raise Http404
    field_name, file_name = FILES[document]
    sha = getattr(convocation, field_name)
    if not sha:
        raise Http404(_("Ce document n'a pas encore été généré."))
    try:
        return blobs.get(sha), file_name
    except (FileNotFoundError, blobs.BlobIntegrityError):
        raise Http404(_("Ce document est introuvable ou altéré sur le stockage.")) from None


def _form_for(sitting, convocation, data=None) -> ConvocationForm:
    items = list(candidate_items(sitting))  # what the next generation of the documents will carry
    initial = {"letter_text": convocation.letter_text if convocation else default_letter_text(sitting),
               "synthesis_note": convocation.synthesis_note if convocation else "",
               "urgency": convocation.urgency if convocation else sitting.urgency}
    for key, text in actions.initial_synthesis_texts(convocation, items).items():
        initial[f"synthesis_{key}"] = text
    return ConvocationForm(data, initial=initial, items=items, numbers=item_numbers(sitting))


def _page_context(request, sitting, *, form=None, send_form=None, send_errors=None, error=None) -> dict:
    current = actions.current_convocation(sitting)
    sent = list(sitting.convocations.filter(state=Convocation.State.SENT).order_by("sent_at", "pk"))
    can_create = current is None and not sent and sitting.state == Sitting.State.PLANNED
    editable = (current is not None and current.state in actions.EDITABLE_STATES) or can_create
    if form is None and editable:
        form = _form_for(sitting, current)
    check = actions.check_before_sending(current) if current is not None else None
    if send_form is None and current is not None:
        send_form = SendForm()
    numbers = item_numbers(sitting)
    pending_items = [(numbers.get(i.pk), i) for i in candidate_items(sitting)] if sent else []
    regime = sitting.assembly.regime
    return {
        "title": _("Convocation — %(sitting)s") % {"sitting": sitting}, "sitting": sitting,
        "current": current, "sent": sent, "can_create": can_create, "editable": editable, "form": form,
        "check": check, "send_form": send_form, "send_errors": send_errors, "error": error,
        "pending_items": pending_items, "regime": regime,
        "can_addendum": bool(sent) and bool(pending_items) and current is None
        and sitting.state == Sitting.State.CONVENED,
        "documents": _documents(current) if current is not None and current.state == Convocation.State.READY else [],
        "agenda_mark": AGENDA_MARK,
        "late": bool(check and any(e.code == "convocation_too_late" for e in check.errors)),
    }


def _documents(convocation) -> list[dict]:
    docs = []
    for key, (field_name, file_name) in FILES.items():
        if getattr(convocation, field_name):
            docs.append({"key": key, "label": DOCUMENT_LABELS[key], "file": file_name,
                         "sha256": getattr(convocation, field_name)})
    return docs


# --- Preparing, generating, sending -------------------------------------------------------

@roles(*SECRETARIAT)
def convocation_page(request, slug):
    sitting = _sitting(request, slug)
    if request.method == "POST":
        current = actions.current_convocation(sitting)
        form = _form_for(sitting, current, request.POST)
        if form.is_valid():
            try:
                conv = actions.save_convocation(
                    request.user, sitting, convocation=current, letter_text=form.cleaned_data["letter_text"],
                    synthesis_note=form.cleaned_data["synthesis_note"], synthesis_texts=form.synthesis_texts(),
                    urgency=form.cleaned_data["urgency"])
                if request.POST.get("generate"):
                    actions.start_generation(request.user, conv)
                    messages.info(request, _("Génération des documents lancée."))
                else:
                    messages.success(request, _("Convocation enregistrée."))
                return redirect(_page_url(sitting))
            except actions.ConvocationError as exc:
                form.add_error(None, str(exc))
        return render(request, "sittings/convocation_page.html", _page_context(request, sitting, form=form),
                      status=400)
    return render(request, "sittings/convocation_page.html", _page_context(request, sitting))


@roles(*SECRETARIAT)
def convocation_generate(request, slug, pk):
    sitting = _sitting(request, slug)
    convocation = _convocation(sitting, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        actions.start_generation(request.user, convocation)
    except actions.ConvocationError as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, _("Génération des documents lancée."))
    return redirect(_page_url(sitting))


@roles(*SECRETARIAT)
def convocation_progress(request, slug, pk):
    """The progress fragment, polled every second by htmx while the documents are generated;
    once they are done it asks htmx to reload the page."""
    sitting = _sitting(request, slug)
    convocation = _convocation(sitting, pk)
    response = render(request, "sittings/convocation_progress.html", {"sitting": sitting, "convocation": convocation})
    if convocation.state != Convocation.State.GENERATING and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@roles(*SECRETARIAT)
def convocation_send(request, slug, pk):
    sitting = _sitting(request, slug)
    convocation = _convocation(sitting, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = SendForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        actions.send_convocation(request.user, convocation, override=data.get("override", False),
                                 override_reason=data.get("override_reason", ""))
    except actions.ConvocationBlocked as exc:
        if data.get("override"):
            form.add_error("override_reason", _("Indiquez le motif de la dérogation."))
        else:
            form.add_error("override", str(exc))
        return render(request, "sittings/convocation_page.html",
                      _page_context(request, sitting, send_form=form, send_errors=exc.errors), status=400)
    except actions.ConvocationError as exc:
        form.add_error(None, str(exc))
        return render(request, "sittings/convocation_page.html",
                      _page_context(request, sitting, send_form=form), status=400)
    messages.success(request, _("Convocation envoyée : les élus convoqués par courriel reçoivent leur lien personnel."))
    return redirect(reverse("sittings:convocation_proof", args=[sitting.slug, convocation.pk]))


@roles(*SECRETARIAT)
def convocation_addendum(request, slug):
    sitting = _sitting(request, slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        actions.create_addendum(request.user, sitting)
    except actions.ConvocationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Additif créé : vérifiez la lettre et la note, puis générez les documents."))
    return redirect(_page_url(sitting))


@roles(*SECRETARIAT)
def convocation_retry_emails(request, slug, pk):
    sitting = _sitting(request, slug)
    convocation = _convocation(sitting, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    count = actions.retry_failed_emails(request.user, convocation)
    if count:
        messages.success(request, _("%(n)s courriel(s) remis en file d'envoi.") % {"n": count})
    else:
        messages.info(request, _("Aucun courriel en échec."))
    return redirect(reverse("sittings:convocation_proof", args=[sitting.slug, convocation.pk]))


@roles(*SECRETARIAT)
def convocation_document(request, slug, pk, document):
    sitting = _sitting(request, slug)
    convocation = _convocation(sitting, pk)
    data, filename = _document_bytes(convocation, document)
    return _pdf_response(data, filename)


# --- Proof --------------------------------------------------------------------------------

def _proof_rows(convocation) -> list[dict]:
    sitting = convocation.sitting
    regime = sitting.assembly.regime
    rows = []
    recipients = (convocation.recipients.select_related("member")
                  .prefetch_related("consultations").order_by("member__last_name", "member__first_name", "pk"))
    for r in recipients:
        moment = r.paper_posted_at if r.channel == ConvocationRecipient.Channel.PAPER else r.delivered_at
        in_time = None
        if moment is not None:
            in_time = check_convocation(
                sitting=sitting.date, sent=timezone.localdate(moment), regime=regime, urgency=convocation.urgency,
                second_convocation=sitting.second_convocation,
                failed_sitting=sitting.failed_sitting.date if sitting.failed_sitting_id else None).valid
        rows.append({"recipient": r, "name": member_addressee(r.member),
                     "consultations": sorted(r.consultations.all(), key=lambda c: c.at), "in_time": in_time})
    return rows


def _document_label(code: str) -> str:
    return str(DOCUMENT_LABELS.get(code, code))


@roles(*SECRETARIAT)
def convocation_proof(request, slug, pk):
    sitting = _sitting(request, slug)
    convocation = _convocation(sitting, pk)
    if convocation.state != Convocation.State.SENT:
        raise Http404(_("Cette convocation n'est pas encore envoyée."))
    rows = _proof_rows(convocation)
    return render(request, "sittings/convocation_proof.html", {
        "title": _("Preuve d'envoi — %(sitting)s") % {"sitting": sitting}, "sitting": sitting,
        "convocation": convocation, "rows": rows, "labels": {k: str(v) for k, v in DOCUMENT_LABELS.items()},
        "stats": {"total": len(rows),
                  "email": sum(1 for r in rows if r["recipient"].channel == "email"),
                  "delivered": sum(1 for r in rows if r["recipient"].delivered_at),
                  "opened": sum(1 for r in rows if r["recipient"].opened_at),
                  "paper": sum(1 for r in rows if r["recipient"].channel == "paper"),
                  "posted": sum(1 for r in rows if r["recipient"].paper_posted_at),
                  "failed": sum(1 for r in rows if r["recipient"].channel == "email" and r["recipient"].error)},
    })


def _local(moment, fmt="%d/%m/%Y %H:%M:%S") -> str:
    return timezone.localtime(moment).strftime(fmt) if moment else ""


@roles(*SECRETARIAT)
def convocation_proof_csv(request, slug, pk):
    sitting = _sitting(request, slug)
    convocation = _convocation(sitting, pk)
    if convocation.state != Convocation.State.SENT:
        raise Http404
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 with its BOM
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Élu"), _("Identifiant"), _("Canal"), _("Courriel"), _("Envoyé le"), _("Remis le"),
                     _("Ouvert le"), _("Documents consultés"), _("Posté le"), _("Dans le délai"), _("Erreur")])
    for row in _proof_rows(convocation):
        r = row["recipient"]
        consulted = " | ".join(f"{_document_label(c.document)} {_local(c.at)}" for c in row["consultations"])
        writer.writerow([row["name"], r.member_id, r.get_channel_display(), r.email, _local(r.sent_at),
                         _local(r.delivered_at), _local(r.opened_at), consulted,
                         _local(r.paper_posted_at, "%d/%m/%Y"),
                         "" if row["in_time"] is None else (_("oui") if row["in_time"] else _("non")), r.error])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"preuve-convocation-{sitting.slug}-{convocation.pk}.csv")
    return response


@roles(*SECRETARIAT)
def convocation_paper(request, slug, pk):
    sitting = _sitting(request, slug)
    convocation = _convocation(sitting, pk)
    if convocation.state != Convocation.State.SENT:
        raise Http404
    recipients = list(convocation.recipients.filter(channel=ConvocationRecipient.Channel.PAPER)
                      .select_related("member").order_by("member__last_name", "member__first_name", "pk"))
    status = 200
    if request.method == "POST":
        form = PaperForm(request.POST, recipients=recipients)
        if form.is_valid():
            try:
                count = actions.record_paper_posting(request.user, convocation, form.cleaned_data["recipients"],
                                                     form.cleaned_data["posted_on"])
            except actions.ConvocationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Dépôt au courrier enregistré pour %(n)s élu(s).") % {"n": count})
                return redirect(reverse("sittings:convocation_paper", args=[sitting.slug, convocation.pk]))
        status = 400
    else:
        form = PaperForm(initial={"posted_on": timezone.localdate(),
                                  "recipients": [str(r.pk) for r in recipients if not r.paper_posted_at]},
                         recipients=recipients)
    return render(request, "sittings/convocation_paper.html", {
        "title": _("Convocations papier — %(sitting)s") % {"sitting": sitting}, "sitting": sitting,
        "convocation": convocation, "recipients": recipients, "form": form}, status=status)


@roles(*SECRETARIAT)
def convocation_paper_letters(request, slug, pk):
    sitting = _sitting(request, slug)
    convocation = _convocation(sitting, pk)
    if convocation.state != Convocation.State.SENT:
        raise Http404
    members = [r.member for r in convocation.recipients.filter(channel=ConvocationRecipient.Channel.PAPER)
               .select_related("member").order_by("member__last_name", "member__first_name", "pk")]
    if not members:
        raise Http404(_("Aucun élu n'est convoqué sur papier."))
    return _pdf_response(paper_letters_pdf(convocation, members), f"convocations-papier-{sitting.slug}.pdf")


@roles(*SECRETARIAT)
def convocation_paper_letter(request, slug, pk, recipient):
    sitting = _sitting(request, slug)
    convocation = _convocation(sitting, pk)
    r = get_object_or_404(ConvocationRecipient.objects.select_related("member"), convocation=convocation,
                          pk=recipient, channel=ConvocationRecipient.Channel.PAPER)
    return _pdf_response(paper_letters_pdf(convocation, [r.member]),
                         f"convocation-{sitting.slug}-{r.member.last_name}.pdf")


# --- Verification -------------------------------------------------------------------------

@roles(*SECRETARIAT)
def convocation_verify(request, slug, pk):
    sitting = _sitting(request, slug)
    convocation = _convocation(sitting, pk)
    if convocation.state != Convocation.State.SENT:
        raise Http404
    proof = actions.verify_proof(convocation)
    return render(request, "sittings/convocation_verify.html", {
        "title": _("Vérification de la preuve — %(sitting)s") % {"sitting": sitting}, "sitting": sitting,
        "convocation": convocation, "proof": proof, "rows": _proof_rows(convocation),
        "labels": {k: str(v) for k, v in DOCUMENT_LABELS.items()}})


@roles(*SECRETARIAT)
def convocation_manifest(request, slug, pk):
    """The manifest exactly as hashed and timestamped (canonical JSON bytes)."""
    sitting = _sitting(request, slug)
    convocation = _convocation(sitting, pk)
    if convocation.state != Convocation.State.SENT:
        raise Http404
    response = HttpResponse(actions.canonical_json(convocation.manifest), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"manifeste-{sitting.slug}-{convocation.pk}.json")
    return response


@roles(*SECRETARIAT)
def convocation_token(request, slug, pk):
    """The RFC 3161 TimeStampToken (DER), for ``openssl ts -verify``."""
    sitting = _sitting(request, slug)
    convocation = _convocation(sitting, pk)
    if not convocation.timestamp_token:
        raise Http404
    response = HttpResponse(bytes(convocation.timestamp_token), content_type="application/timestamp-reply")
    response["Content-Disposition"] = content_disposition_header(True, f"horodatage-{sitting.slug}-{convocation.pk}.tsr")
    return response


@roles(*SECRETARIAT)
def convocation_tsa_certificate(request, slug, pk):
    """The certificate of the timestamping authority that signed the token (PEM)."""
    sitting = _sitting(request, slug)
    convocation = _convocation(sitting, pk)
    if not convocation.timestamp_token:
        raise Http404
    signed_data = cms.ContentInfo.load(bytes(convocation.timestamp_token))["content"]
    certs = [c.chosen for c in signed_data["certificates"]] if signed_data["certificates"].native else []
    if not certs:
        raise Http404(_("Le jeton ne contient pas le certificat de l'autorité d'horodatage."))
    body = b"".join(pem.armor("CERTIFICATE", c.dump()) for c in certs)
    response = HttpResponse(body, content_type="application/x-pem-file")
    response["Content-Disposition"] = content_disposition_header(True, f"autorite-horodatage-{convocation.pk}.pem")
    return response


# --- The member's personal link (public: the token is the credential) ---------------------

def _recipient(token: str) -> ConvocationRecipient:
    if not token or len(token) > 64:
        raise Http404
    recipient = (ConvocationRecipient.objects.filter(token=token, convocation__state=Convocation.State.SENT)
                 .select_related("member", "convocation__sitting__assembly", "convocation__sitting__authority",
                                 "convocation__sitting__president").first())
    if recipient is None:
        raise Http404
    return recipient


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to other sites
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _pack_allowed(recipient: ConvocationRecipient) -> bool:
    """The pack holds confidential documents only some members may read (portal rule 6)."""
    try:
        from hemicycle.portal.visibility import can_see_pack
    except ImportError:  # pragma: no cover - portal absent
        return True
    return can_see_pack(recipient.member, recipient.convocation)


@public
def convocation_link(request, token):
    recipient = _recipient(token)
    actions.record_opening(recipient)
    convocation = recipient.convocation
    sitting = convocation.sitting
    items = list(convocation_items(convocation))
    numbers = item_numbers(sitting)
    pack_allowed = _pack_allowed(recipient)
    documents = [d for d in _documents(convocation) if d["key"] != "dossier-de-seance" or pack_allowed]
    synthesis = [{"number": numbers.get(item.pk), "item": item,
                  "paragraphs": paragraphs(convocation.synthesis_texts.get(str(item.pk), ""))}
                 for item in items if needs_synthesis(item)]
    response = render(request, "sittings/convocation_link.html", {
        "title": _("Votre convocation — %(sitting)s") % {"sitting": sitting}, "recipient": recipient,
        "member_name": member_addressee(recipient.member), "convocation": convocation, "sitting": sitting,
        "body": letter_body(convocation), "items": [(numbers.get(i.pk), i) for i in items],
        "synthesis": synthesis, "intro": paragraphs(convocation.synthesis_note), "documents": documents,
        "pack_allowed": pack_allowed, "token": token,
    })
    return _private(response)


@public
def convocation_link_document(request, token, document):
    recipient = _recipient(token)
    if document == "dossier-de-seance" and not _pack_allowed(recipient):
        raise PermissionDenied(_("Le dossier de séance contient des documents confidentiels : consultez les documents "
                                 "un par un sur le portail des élus."))
    data, filename = _document_bytes(recipient.convocation, document)
    actions.record_consultation(recipient, document)
    return _private(_pdf_response(data, filename))

