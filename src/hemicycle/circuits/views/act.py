"""POST endpoints of the act page's circuit panel. Each parses its form, calls one action and
goes back to the act page with a message; a refused input re-renders the panel with what the
user typed and the reason."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hemicycle.acts.models import Act, ActState
from hemicycle.acts.permissions import STAFF_ROLES
from hemicycle.core.access import for_authority, roles

from .. import actions
from ..panel import panel_context

FORM_FIELDS = ("comment", "target", "to_user", "reason")


def _act(request, slug) -> Act:
    return for_authority(Act.objects.select_related("department", "drafter"), request, slug=slug)


def _back(act):
    return redirect(reverse("acts:detail", args=[act.slug]) + "#circuit")


def _refused(request, act, form_name: str, exc: ValidationError):
    values = {name: request.POST.get(name, "") for name in FORM_FIELDS}
    context = panel_context(request.user, act, form_values={form_name: values},
                            errors={form_name: " ".join(exc.messages)})
    context.update(act=act, title=_("Circuit de validation — %(ref)s") % {"ref": act.reference})
    return render(request, "circuits/act_action.html", context)


def _handle(request, slug, form_name, perform):
    act = _act(request, slug)
    if request.method != "POST":
        return _back(act)
    try:
        message = perform(act)
    except ValidationError as exc:
        return _refused(request, act, form_name, exc)
    messages.success(request, message)
    return _back(act)


@roles(*STAFF_ROLES)
def submit(request, slug):
    def perform(act):
        run = actions.submit_act(request.user, act)
        return _("L'acte a été soumis au circuit « %(name)s ».") % {"name": run.circuit_name}

    return _handle(request, slug, "submit", perform)


@roles(*STAFF_ROLES)
def approve(request, slug):
    def perform(act):
        step = actions.approve(request.user, act, request.POST.get("comment", ""))
        if act.state == ActState.READY:
            return _("Votre visa est enregistré : l'acte a franchi tout le circuit et il est prêt pour la séance.")
        return _("Votre visa est enregistré (étape « %(step)s »).") % {"step": step.name}

    return _handle(request, slug, "approve", perform)


@roles(*STAFF_ROLES)
def send_back(request, slug):
    def perform(act):
        target = (request.POST.get("target") or "").strip()
        if target and not target.isdigit():
            raise ValidationError(_("Choisissez à qui renvoyer l'acte."))
        actions.send_back(request.user, act, request.POST.get("comment", ""), int(target) if target else None)
        if act.state == ActState.SENT_BACK:
            return _("L'acte a été renvoyé à son rédacteur.")
        return _("L'acte a été renvoyé à l'étape %(position)s.") % {"position": target}

    return _handle(request, slug, "send_back", perform)


@roles(*STAFF_ROLES)
def delegate(request, slug):
    def perform(act):
        raw = (request.POST.get("to_user") or "").strip()
        to_user = None
        if raw.isdigit():
            to_user = get_user_model().objects.filter(authority_id=act.authority_id, pk=int(raw)).first()
        if to_user is None:
            raise ValidationError(_("Choisissez le collègue à qui déléguer votre visa."))
        actions.delegate(request.user, act, to_user, request.POST.get("comment", ""))
        return _("Votre visa est délégué à %(name)s.") % {"name": to_user.display_name}

    return _handle(request, slug, "delegate", perform)


@roles(*STAFF_ROLES)
def skip(request, slug):
    def perform(act):
        step = actions.urgent_skip(request.user, act, request.POST.get("reason", ""))
        return _("L'étape « %(step)s » a été passée en urgence.") % {"step": step.name}

    return _handle(request, slug, "skip", perform)
