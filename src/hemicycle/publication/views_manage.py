"""Secretariat pages of publication: acts signed and not yet published (publish a selection),
publish one act, mark the passages to mask (with the system's suggestions and a preview of the
published copy), notify an act to a partner, withdraw an act from the portal."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hemicycle.acts.models import Act
from hemicycle.core.access import for_authority, require, roles
from hemicycle.core.roles import Role
from hemicycle.documents.models import FinalDocument

from . import actions, masking
from .forms import MaskingForm, NotifyForm, WithdrawForm
from .models import Masking, PartnerNotification, Publication

logger = logging.getLogger(__name__)


def _act(request, slug) -> Act:
    act = for_authority(Act.objects.select_related("authority", "department"), request, slug=slug)
    require(actions.can_manage(request.user, act), _("Seul le secrétariat des assemblées peut gérer la publication."))
    return act


def _messages_of(exc) -> str:
    return " ".join(exc.messages) if hasattr(exc, "messages") else str(exc)


def _detail(act) -> str:
    return reverse("acts:detail", kwargs={"slug": act.slug})


@roles(Role.SECRETARIAT)
def pending(request):
    """Signed acts not yet on the portal; individual acts signed, with their notifications."""
    signed = (FinalDocument.objects.filter(authority=request.authority, state=FinalDocument.State.SIGNED)
              .select_related("act", "item__sitting").order_by("-decision_date", "number", "pk"))
    published_ids = set(Publication.objects.filter(authority=request.authority, withdrawn_at__isnull=True)
                        .values_list("act_id", flat=True))
    if request.method == "POST":
        ids = request.POST.getlist("acts")
        chosen = list(Act.objects.filter(authority=request.authority, pk__in=[i for i in ids if i.isdigit()]))
        if not chosen:
            messages.error(request, _("Cochez au moins un acte à publier."))
            return redirect("publication:pending")
        done, refused = actions.publish_many(request.user, chosen)
        if done:
            messages.success(request, _("%(n)d acte(s) publié(s) sur le portail.") % {"n": len(done)})
        for act, reason in refused:
            messages.error(request, f"{act.reference} : {reason}")
        return redirect("publication:pending")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    to_publish, individual = [], []
    notified = {}
    for n in PartnerNotification.objects.filter(authority=request.authority).order_by("created_at"):
        notified.setdefault(n.act_id, []).append(n)
    for document in signed:
        act = document.act
        if act.nature in actions.NOT_PUBLISHED_NATURES:
            individual.append({"document": document, "act": act, "notifications": notified.get(act.pk, [])})
        elif act.pk not in published_ids:
            masks = Masking.objects.filter(act=act).count()
            to_publish.append({"document": document, "act": act, "masks": masks,
                               "refusal": actions.publish_refusal(act, document),
                               "personal_data": act.personal_data})
    return render(request, "publication/pending.html", {
        "title": _("Publication des actes"), "to_publish": to_publish, "individual": individual,
        "portal_url": reverse("publication:home", kwargs={"authority": request.authority.slug}),
    })


@roles(Role.SECRETARIAT)
def publish(request, slug):
    act = _act(request, slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        publication = actions.publish(request.user, act)
    except actions.PublicationRefused as exc:
        messages.error(request, _messages_of(exc))
        if exc.notify:
            return redirect("publication:notify", slug=act.slug)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    except Exception:  # the masked copy could not be rendered: nothing was published
        logger.exception("Publication impossible : %s", act.reference)
        messages.error(request, _("La version publiée n'a pas pu être produite ; rien n'a été publié. "
                                  "Réessayez ou contactez l'administrateur."))
    else:
        text = _("Acte publié sur le portail.")
        if publication.masked:
            text += " " + _("Les données personnelles marquées sont occultées dans la version publiée.")
        messages.success(request, text)
    return redirect(request.POST["next"] if _safe_next(request) else _detail(act))


def _safe_next(request) -> bool:
    target = request.POST.get("next", "")
    return target.startswith("/") and not target.startswith("//")


@roles(Role.SECRETARIAT)
def withdraw(request, slug):
    act = _act(request, slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif du retrait."))
        return redirect(_detail(act))
    try:
        actions.withdraw(request.user, act, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, _("L'acte est retiré du portail."))
    return redirect(_detail(act))


def _masking_context(act, form=None) -> dict:
    masks = list(Masking.objects.filter(act=act).select_related("created_by"))
    suggestions = actions.suggestions(act)
    return {
        "title": _("Occultation — %(ref)s") % {"ref": act.reference}, "act": act, "masks": masks,
        "suggestions": suggestions, "form": form or MaskingForm(),
        "field_labels": dict(Masking.Field.choices), "kind_labels": masking.KIND_LABELS,
        "publication": Publication.objects.filter(act=act).first(),
        "has_final": FinalDocument.objects.filter(act=act).exclude(pdf_sha256="").exists(),
        "mask_text": masking.MASK,
    }


@roles(Role.SECRETARIAT)
def masking_page(request, slug):
    """The passages to mask: the system's suggestions, the marked passages, a free form."""
    act = _act(request, slug)
    if request.method == "GET":
        return render(request, "publication/masking.html", _masking_context(act))
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = MaskingForm(request.POST)
    if form.is_valid():
        try:
            actions.add_masking(request.user, act, text=form.cleaned_data["text"],
                                field=form.cleaned_data["field"] or "", kind=request.POST.get("kind", ""))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Passage occulté dans la version publiée."))
            return redirect("publication:masking", slug=act.slug)
    return render(request, "publication/masking.html", _masking_context(act, form), status=400)


@roles(Role.SECRETARIAT)
def masking_remove(request, slug, pk):
    act = _act(request, slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    mask = get_object_or_404(Masking, act=act, pk=pk)
    actions.remove_masking(request.user, mask)
    messages.success(request, _("Le passage ne sera plus occulté."))
    return redirect("publication:masking", slug=act.slug)


@roles(Role.SECRETARIAT)
def masking_preview(request, slug):
    """The publication copy as it would be published now (marked passages masked)."""
    from .copies import render_published_copy

    act = _act(request, slug)
    document = FinalDocument.objects.filter(act=act).exclude(pdf_sha256="").first()
    if document is None:
        messages.info(request, _("Le document définitif de l'acte n'est pas encore produit : l'aperçu de la "
                                 "version publiée sera disponible ensuite."))
        return redirect("publication:masking", slug=act.slug)
    try:
        pdf = render_published_copy(document, actions.masks_of(act))
    except Exception:
        logger.exception("Aperçu de la version publiée impossible : %s", act.reference)
        messages.error(request, _("L'aperçu de la version publiée n'a pas pu être produit."))
        return redirect("publication:masking", slug=act.slug)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{act.slug}-version-publiee.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@roles(Role.SECRETARIAT)
def notify(request, slug):
    """Notify the act by e-mail to a partner, and who was notified and when they opened it."""
    act = _act(request, slug)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = NotifyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                notification = actions.notify_partner(request.user, act, name=form.cleaned_data["name"],
                                                      email=form.cleaned_data["email"])
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Notification envoyée à %(name)s (%(email)s).") % {
                    "name": notification.name, "email": notification.email})
                return redirect("publication:notify", slug=act.slug)
        status = 400
    return render(request, "publication/notify.html", {
        "title": _("Notifier — %(ref)s") % {"ref": act.reference}, "act": act, "form": form,
        "notifications": list(PartnerNotification.objects.filter(act=act).select_related("created_by")),
        "signed": actions.signed_final(act) is not None,
    }, status=status)
