"""Parcours du dossier: every recorded event of an act, with who and when, on one page.

The journal is the source (``journal.services.history_for``): entries about the act written by
the acts actions and by the other modules (circuits, sittings, legality…) with ``obj=act``.
Known actions get a French sentence; any other is shown generically with its data.
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from hemicycle.core.access import roles
from hemicycle.journal.services import history_for

from .. import permissions
from ..annexes import human_size
from ..models import ActState
from .common import STAFF_ROLES, get_act

FIELD_LABELS = {
    "object": _l("objet"), "report": _l("exposé des motifs"), "visas": _l("visas"),
    "considerants": _l("considérants"), "articles": _l("articles"), "nature": _l("nature"),
    "matiere_codes": _l("classification"), "department_id": _l("direction"), "rapporteur_id": _l("rapporteur"),
    "committee_ids": _l("commissions"), "target_sitting_type": _l("type de séance"),
    "target_sitting_date": _l("date de séance"), "budget_year": _l("exercice budgétaire"),
    "budget_name": _l("budget"), "amount": _l("montant"), "confidential": _l("confidentialité"),
    "personal_data": _l("données personnelles"),
}
FLAG_LABELS = {"sent_to_prefecture": _l("transmise en préfecture"), "published": _l("publiée"),
               "confidential": _l("confidentielle")}
STATE_LABELS = dict(ActState.choices)
ACTION_LABELS = {
    "act.created": _l("Création de l'acte"),
    "act.edited": _l("Modification du texte"),
    "act.state_changed": _l("Changement d'état"),
    "act.annex_added": _l("Annexe ajoutée"),
    "act.annex_flags_changed": _l("Indicateurs d'annexe modifiés"),
    "act.annex_removed": _l("Annexe retirée"),
    "act.comment_added": _l("Commentaire"),
}
PREFIX_LABELS = {
    "circuit": _l("Circuit de validation"), "circuits": _l("Circuit de validation"), "sitting": _l("Séance"),
    "sittings": _l("Séance"), "document": _l("Document"), "documents": _l("Document"),
    "legality": _l("Contrôle de légalité"), "publication": _l("Publication"), "archives": _l("Archivage"),
}


def _module_describers():
    """Other modules describe their own events on the act (circuits, later sittings…)."""
    from hemicycle.circuits.history import describe as circuit_events

    return [circuit_events]


def _yes_no(value) -> str:
    return _("oui") if value else _("non")


def _state(value) -> str:
    return str(STATE_LABELS.get(value, value))


def describe(entry, act) -> dict:
    """{label, details: [str], link: (text, url) | None} for one journal entry."""
    data = entry.data or {}
    action = entry.action
    details, link = [], None
    if action == "act.created":
        details.append(_("Référence %(ref)s") % {"ref": data.get("reference", act.reference)})
        link = (_("voir la version 1"), reverse("acts:version", args=[act.slug, 1]))
    elif action == "act.edited":
        number = data.get("version")
        fields = [str(FIELD_LABELS.get(f, f)) for f in data.get("fields", [])]
        if fields:
            details.append(_("Champs modifiés : %(fields)s") % {"fields": ", ".join(fields)})
        if isinstance(number, int) and number > 1:
            link = (_("voir les différences avec la version %(n)d") % {"n": number - 1},
                    reverse("acts:diff", args=[act.slug, number - 1, number]))
            return {"label": _("Modification — version %(n)d") % {"n": number}, "details": details, "link": link}
    elif action == "act.state_changed":
        details.append(_("%(old)s → %(new)s") % {"old": _state(data.get("from")), "new": _state(data.get("to"))})
        if data.get("reason"):
            details.append(_("Motif : %(reason)s") % {"reason": data["reason"]})
    elif action == "act.annex_added":
        details.append(_("« %(title)s » (%(file)s, %(size)s)") % {
            "title": data.get("title", ""), "file": data.get("file", ""),
            "size": human_size(int(data.get("size") or 0))})
    elif action == "act.annex_flags_changed":
        changes = data.get("changes") or {}
        details.append(_("« %(title)s »") % {"title": data.get("title", "")})
        for flag, pair in changes.items():
            old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            details.append(f"{FLAG_LABELS.get(flag, flag)} : {_yes_no(old)} → {_yes_no(new)}")
    elif action == "act.annex_removed":
        details.append(_("« %(title)s » (%(file)s)") % {"title": data.get("title", ""), "file": data.get("file", "")})
    elif action == "act.comment_added":
        if data.get("excerpt"):
            details.append(f"« {data['excerpt']} »")
        if data.get("mentions"):
            details.append(_("Mentionné(s) : %(names)s") % {"names": ", ".join("@" + n for n in data["mentions"])})
        if data.get("comment"):
            link = (_("voir le commentaire"), reverse("acts:detail", args=[act.slug]) + f"#commentaire-{data['comment']}")
        label = _("Réponse à un commentaire") if data.get("parent") else ACTION_LABELS[action]
        return {"label": label, "details": details, "link": link}
    else:
        for other in _module_describers():
            described = other(entry)
            if described is not None:
                return described
        prefix, _dot, rest = action.partition(".")
        base = PREFIX_LABELS.get(prefix)
        label = f"{base} : {rest.replace('_', ' ')}" if base and rest else action
        for key, value in data.items():
            if isinstance(value, (dict, list)):
                value = ", ".join(f"{k} : {v}" for k, v in value.items()) if isinstance(value, dict) else \
                    ", ".join(str(v) for v in value)
            details.append(f"{key.replace('_', ' ')} : {value}")
        return {"label": label, "details": details, "link": None}
    return {"label": ACTION_LABELS.get(action, action), "details": details, "link": link}


@roles(*STAFF_ROLES)
def act_history(request, slug):
    """Parcours du dossier."""
    act = get_act(request, slug)
    hidden = set()
    if not permissions.can_view_confidential_annexes(request.user, act):
        hidden = set(act.annexes.filter(confidential=True).values_list("pk", flat=True))
    events = []
    for entry in history_for(act).select_related("actor"):
        if entry.action.startswith("act.annex_") and (entry.data or {}).get("annex") in hidden:
            events.append({"entry": entry, "who": entry.actor.display_name if entry.actor else entry.actor_label,
                           "label": ACTION_LABELS.get(entry.action, entry.action),
                           "details": [_("annexe confidentielle")], "link": None})
            continue
        events.append({"entry": entry, "who": entry.actor.display_name if entry.actor else entry.actor_label,
                       **describe(entry, act)})
    return render(request, "acts/act_history.html", {
        "title": _("Parcours du dossier %(ref)s") % {"ref": act.reference}, "act": act, "events": events,
    })
