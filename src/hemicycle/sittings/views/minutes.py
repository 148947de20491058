"""Pages of the minutes (procès-verbal) and of the list of deliberations.

Secretariat (``@roles(Role.SECRETARIAT)``): the minutes page of a sitting, drafting from the
sitting's data, editing the texts, the draft PDF, submitting to the next sitting, publishing
the list of deliberations; administrators may read the page and the PDF. Public (``@public``, public sittings only): the list of
deliberations once published, and the minutes once adopted, each as a page and a PDF.
"""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.core.access import for_authority, public, roles
from hemicycle.core.roles import Role
from hemicycle.documents.render import french_date

from ..actions.minutes import (
    ENDED_STATES, HELD_STATES, MinutesRefused, StaleMinutes, can_manage, draft_minutes, next_sitting, publish_list,
    submit_minutes, sync_state, update_minutes,
)
from ..minutes import deliberations_list, list_deadline, render_list_pdf, render_minutes_pdf
from ..models import Minutes, Sitting

logger = logging.getLogger(__name__)


def _sitting(request, slug) -> Sitting:
    return for_authority(Sitting.objects.select_related("assembly", "authority"), request, slug=slug)


def _minutes(sitting: Sitting) -> Minutes | None:
    return Minutes.objects.select_related("adopted_at_item__sitting").filter(sitting=sitting).first()


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _pdf_or_error(request, make, filename: str, back_url: str):
    try:
        return _pdf_response(make(), filename)
    except Exception:  # a document that cannot be rendered must never be a 500
        logger.exception("Rendu PDF impossible : %s", filename)
        return render(request, "sittings/minutes_pdf_error.html", {"title": _("Document indisponible"),
                                                                   "back_url": back_url}, status=503)


# --- Secretariat ------------------------------------------------------------------------------

@roles(Role.SECRETARIAT, Role.ADMINISTRATOR)
def minutes_page(request, slug):
    """The minutes of a sitting as the secretariat sees them: state, actions, content; and the
    list of deliberations with the date by which it must be online."""
    sitting = _sitting(request, slug)
    minutes = _minutes(sitting)
    if minutes is not None:
        minutes = sync_state(minutes)
    deadline = list_deadline(sitting)
    published_at = minutes.list_published_at if minutes else None
    return render(request, "sittings/minutes_page.html", {
        "title": _("Procès-verbal — séance du %(date)s") % {"date": french_date(sitting.date)},
        "sitting": sitting, "minutes": minutes, "body": minutes.body if minutes else None,
        "can_manage": can_manage(request.user, sitting),
        "can_draft": sitting.state in HELD_STATES, "ended": sitting.state in ENDED_STATES,
        "next_sitting": next_sitting(sitting),
        "list": deliberations_list(sitting), "deadline": deadline,
        "late": published_at is None and timezone.localdate() > deadline,
        "published_late": published_at is not None and timezone.localtime(published_at).date() > deadline,
    })


@roles(Role.SECRETARIAT)
def minutes_draft(request, slug):
    sitting = _sitting(request, slug)  # another authority's sitting: 404 before anything else
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    existed = Minutes.objects.filter(sitting=sitting).exists()
    try:
        draft_minutes(request.user, sitting)
    except MinutesRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Procès-verbal mis à jour à partir des données de la séance ; les textes saisis "
                                    "sont conservés.") if existed else _("Projet de procès-verbal établi."))
    return redirect("sittings:minutes", slug=sitting.slug)


def _edit_fields(body: dict, data=None) -> dict:
    """The editable texts, from the stored body or from what the user posted."""
    texts = body.get("texts") or {}
    if data is None:
        return {"introduction": texts.get("introduction", ""), "conclusion": texts.get("conclusion", ""),
                "summaries": {str(i["id"]): i.get("debate_summary", "") for i in body.get("items", [])}}
    return {"introduction": data.get("introduction", ""), "conclusion": data.get("conclusion", ""),
            "summaries": {str(i["id"]): data.get(f"summary_{i['id']}", "") for i in body.get("items", [])}}


def _edit_rows(body: dict, fields: dict, saved: dict | None = None, errors: dict | None = None) -> list[dict]:
    errors = errors or {}
    rows = []
    for item in body.get("items", []):
        key = str(item["id"])
        rows.append({
            "item": item, "name": f"summary_{key}", "value": fields["summaries"].get(key, ""),
            "saved": saved["summaries"].get(key, "") if saved else None,
            "error": errors.get(f"summary_{key}"),
        })
    return rows


@roles(Role.SECRETARIAT)
def minutes_edit(request, slug):
    """The secretariat writes the introduction, the conclusion and the substance of the debates.
    A save based on an outdated page is refused with the user's text kept on screen."""
    sitting = _sitting(request, slug)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    minutes = _minutes(sitting)
    if minutes is None:
        messages.info(request, _("Établissez d'abord le projet de procès-verbal."))
        return redirect("sittings:minutes", slug=sitting.slug)
    if not can_manage(request.user, sitting):
        raise PermissionDenied(_("Seul le secrétariat des assemblées peut modifier le procès-verbal."))
    context = {"title": _("Modifier le procès-verbal"), "sitting": sitting, "minutes": minutes}
    if minutes.current_state == Minutes.State.ADOPTED and request.method == "GET":
        messages.info(request, _("Le procès-verbal est adopté : il ne peut plus être modifié."))
        return redirect("sittings:minutes", slug=sitting.slug)
    if request.method == "GET":
        fields = _edit_fields(minutes.body)
        return render(request, "sittings/minutes_edit.html", {
            **context, "fields": fields, "rows": _edit_rows(minutes.body, fields),
            "lock_version": minutes.lock_version})

    fields = _edit_fields(minutes.body, request.POST)
    posted_lock = request.POST.get("lock_version", "")
    try:
        lock_version = int(posted_lock)
    except ValueError:
        lock_version = 0
    try:
        saved = update_minutes(request.user, minutes, lock_version=lock_version,
                               introduction=fields["introduction"], conclusion=fields["conclusion"],
                               summaries=fields["summaries"])
    except StaleMinutes as exc:
        current = exc.minutes
        when = timezone.localtime(current.updated_at)
        saved_fields = _edit_fields(current.body)
        return render(request, "sittings/minutes_edit.html", {
            **context, "minutes": current, "fields": fields, "saved": saved_fields,
            "rows": _edit_rows(current.body if current.body.get("items") else minutes.body, fields, saved_fields),
            "lock_version": current.lock_version,
            "stale": _("Le procès-verbal a été modifié par quelqu'un d'autre le %(date)s à %(time)s pendant que vous "
                       "le modifiiez. Votre texte est conservé ci-dessous ; le texte enregistré entre-temps est "
                       "rappelé sous chaque champ qui diffère. Vérifiez puis enregistrez à nouveau.")
                     % {"date": when.strftime("%d/%m/%Y"), "time": when.strftime("%H:%M")},
        }, status=409)
    except ValidationError as exc:
        errors = {k: v[0] for k, v in exc.message_dict.items()}
        return render(request, "sittings/minutes_edit.html", {
            **context, "fields": fields, "rows": _edit_rows(minutes.body, fields, errors=errors), "errors": errors,
            "lock_version": posted_lock, "error": _("Le procès-verbal n'a pas été enregistré : corrigez les champs "
                                                    "signalés.")}, status=400)
    except MinutesRefused as exc:
        return render(request, "sittings/minutes_edit.html", {
            **context, "fields": fields, "rows": _edit_rows(minutes.body, fields), "lock_version": posted_lock,
            "error": str(exc) + " " + _("Votre texte est conservé ci-dessous.")}, status=409)
    if saved.lock_version != minutes.lock_version:
        messages.success(request, _("Procès-verbal enregistré."))
    else:
        messages.info(request, _("Aucune modification à enregistrer."))
    return redirect("sittings:minutes", slug=sitting.slug)


@roles(Role.SECRETARIAT, Role.ADMINISTRATOR)
def minutes_pdf(request, slug):
    """The minutes as PDF (marked as a draft until adopted)."""
    sitting = _sitting(request, slug)
    minutes = _minutes(sitting)
    if minutes is None:
        messages.info(request, _("Établissez d'abord le projet de procès-verbal."))
        return redirect("sittings:minutes", slug=sitting.slug)
    return _pdf_or_error(request, lambda: render_minutes_pdf(minutes), f"proces-verbal-{sitting.slug}.pdf",
                         back_url=_url("sittings:minutes", sitting.slug))


@roles(Role.SECRETARIAT)
def minutes_submit(request, slug):
    sitting = _sitting(request, slug)  # another authority's sitting: 404 before anything else
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    minutes = _minutes(sitting)
    if minutes is None:
        messages.error(request, _("Établissez d'abord le projet de procès-verbal."))
        return redirect("sittings:minutes", slug=sitting.slug)
    try:
        item = submit_minutes(request.user, minutes)
    except MinutesRefused as exc:
        messages.error(request, str(exc))
    else:
        target = item.sitting
        text = _("« %(title)s » est inscrit en tête de l'ordre du jour de la séance du %(date)s.") % {
            "title": item.title, "date": french_date(target.date)}
        if target.state == Sitting.State.CONVENED:
            text += " " + _("La convocation de cette séance est déjà envoyée : adressez un additif aux membres.")
        messages.success(request, text)
    return redirect("sittings:minutes", slug=sitting.slug)


@roles(Role.SECRETARIAT)
def minutes_list_publish(request, slug):
    sitting = _sitting(request, slug)  # another authority's sitting: 404 before anything else
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        publish_list(request.user, sitting)
    except MinutesRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("La liste des délibérations est en ligne."))
    return redirect("sittings:minutes", slug=sitting.slug)


def _url(name: str, slug: str) -> str:
    from django.urls import reverse

    return reverse(name, kwargs={"slug": slug})


# --- Public -----------------------------------------------------------------------------------

def _public_sitting(request, slug):
    """A public sitting by its slug. Slugs are unique per authority only: ``?collectivite=``
    names the authority; else the visitor's own authority when it has that sitting; else the
    only public sitting with that slug. Returns (sitting, None) or (None, [candidates])."""
    qs = Sitting.objects.filter(slug=slug, public=True).select_related("authority", "assembly")
    wanted = request.GET.get("collectivite", "").strip()
    if wanted:
        qs = qs.filter(authority__slug=wanted)
    elif request.user.is_authenticated and qs.filter(authority_id=request.user.authority_id).exists():
        qs = qs.filter(authority_id=request.user.authority_id)
    found = list(qs.order_by("authority__name")[:100])
    if not found:
        raise Http404(_("Aucune séance publique à cette adresse."))
    if len(found) > 1:
        return None, found
    return found[0], None


def _choose(request, candidates):
    return render(request, "sittings/minutes_choose.html", {
        "title": _("Choisissez la collectivité"), "candidates": candidates, "path": request.path})


def _published_list_sitting(request, slug):
    sitting, candidates = _public_sitting(request, slug)
    if sitting is None:
        return None, candidates
    minutes = Minutes.objects.filter(sitting=sitting, list_published_at__isnull=False).first()
    if minutes is None:
        raise Http404(_("La liste des délibérations de cette séance n'est pas encore en ligne."))
    return (sitting, minutes), None


@public
def deliberations_list_page(request, slug):
    """Liste des délibérations (L2121-25): date and object of every item examined, and the decision."""
    found, candidates = _published_list_sitting(request, slug)
    if found is None:
        return _choose(request, candidates)
    sitting, minutes = found
    return render(request, "sittings/minutes_list.html", {
        "title": _("Liste des délibérations — séance du %(date)s") % {"date": french_date(sitting.date)},
        "sitting": sitting, "minutes": minutes, "list": deliberations_list(sitting),
        "query": f"?collectivite={sitting.authority.slug}",
    })


@public
def deliberations_list_pdf(request, slug):
    found, candidates = _published_list_sitting(request, slug)
    if found is None:
        return _choose(request, candidates)
    sitting, _minutes_row = found
    return _pdf_or_error(request, lambda: render_list_pdf(sitting), f"liste-des-deliberations-{sitting.slug}.pdf",
                         back_url=_url("sittings:deliberations_list", sitting.slug))


def _adopted_minutes(request, slug):
    sitting, candidates = _public_sitting(request, slug)
    if sitting is None:
        return None, candidates
    minutes = _minutes(sitting)
    if minutes is None or minutes.current_state != Minutes.State.ADOPTED:
        raise Http404(_("Le procès-verbal de cette séance n'est pas encore adopté."))
    return (sitting, minutes), None


@public
def minutes_public(request, slug):
    """The adopted minutes, online (published within a week of adoption: here, at adoption)."""
    found, candidates = _adopted_minutes(request, slug)
    if found is None:
        return _choose(request, candidates)
    sitting, minutes = found
    return render(request, "sittings/minutes_public.html", {
        "title": _("Procès-verbal — séance du %(date)s") % {"date": french_date(sitting.date)},
        "sitting": sitting, "minutes": minutes, "body": minutes.body,
        "query": f"?collectivite={sitting.authority.slug}",
    })


@public
def minutes_public_pdf(request, slug):
    found, candidates = _adopted_minutes(request, slug)
    if found is None:
        return _choose(request, candidates)
    sitting, minutes = found
    from hemicycle.documents.minutes_signing import signed_minutes_pdf

    # Once signed by the president and the secretaries, the signed file is the one published.
    return _pdf_or_error(request, lambda: signed_minutes_pdf(minutes) or render_minutes_pdf(minutes),
                         f"proces-verbal-{sitting.slug}.pdf", back_url=_url("sittings:minutes_public", sitting.slug))
