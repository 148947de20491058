"""How circuit events read on an act's history page (parcours du dossier)."""

from django.utils.translation import gettext as _


def _comment(data, details):
    if data.get("comment"):
        details.append(f"« {data['comment']} »")


def describe(entry) -> dict | None:
    """{label, details, link} for a ``circuit.*`` journal entry, or None for other actions."""
    data, action = entry.data or {}, entry.action
    details: list[str] = []
    if action == "circuit.submitted":
        label = _("Resoumis au circuit") if data.get("resubmission") else _("Soumis au circuit")
        details.append(_("Circuit « %(c)s » : %(steps)s") % {"c": data.get("circuit", ""),
                                                             "steps": " → ".join(data.get("steps", []))})
        if data.get("approvers"):
            details.append(_("En attente de : %(who)s (étape « %(step)s »)") % {
                "who": ", ".join(data["approvers"]), "step": data.get("first_step", "")})
    elif action == "circuit.step_approved":
        label = _("Visa — étape « %(step)s »") % {"step": data.get("step", "")}
        if data.get("on_behalf_of"):
            details.append(_("Pour le compte de %(who)s") % {"who": data["on_behalf_of"]})
        _comment(data, details)
        if data.get("step_complete") is False:
            details.append(_("L'étape attend encore d'autres visas."))
    elif action == "circuit.sent_back":
        label = _("Renvoi — étape « %(step)s »") % {"step": data.get("step", "")}
        target = data.get("target")
        details.append(_("Renvoyé au rédacteur (%(who)s)") % {"who": data.get("target_label", "")} if target == "drafter"
                       else _("Renvoyé à l'étape « %(step)s »") % {"step": data.get("target_label", "")})
        _comment(data, details)
    elif action == "circuit.delegated":
        label = _("Délégation — étape « %(step)s »") % {"step": data.get("step", "")}
        details.append(_("Visa délégué à %(who)s") % {"who": data.get("target", "")})
        _comment(data, details)
    elif action == "circuit.step_skipped":
        label = _("Étape « %(step)s » passée en urgence") % {"step": data.get("step", "")}
        if data.get("approvers"):
            details.append(_("Sans le visa de : %(who)s") % {"who": ", ".join(data["approvers"])})
        _comment(data, details)
    elif action == "circuit.approved":
        label = _("Circuit « %(c)s » entièrement validé") % {"c": data.get("circuit", "")}
    elif action == "circuit.reminder_sent":
        label = _("Relance — étape « %(step)s »") % {"step": data.get("step", "")}
        details.append(_("%(n)s jour(s) de retard ; relancé(s) : %(who)s") % {
            "n": data.get("days_late", ""), "who": ", ".join(data.get("approvers", []))})
    else:
        return None
    return {"label": label, "details": details, "link": None}
