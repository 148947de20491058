"""What the legality panel of an act page shows (state, IDActe, reception date, déféré window,
messages, and what the current user may do)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hemicycle.core.roles import Role
from hemicycle.documents.models import FinalDocument

from . import actions
from .models import PrefectureMessage, Transmission

State = Transmission.State


def panel_context(user, act, *, full: bool = False, error: str = "", answer_to=None, answer_text: str = "") -> dict:
    transmissions = list(act.transmissions.select_related("created_by").order_by("-attempt"))
    current = transmissions[0] if transmissions else None
    is_secretariat = user.has_role(Role.SECRETARIAT) and user.authority_id == act.authority_id
    final = FinalDocument.objects.filter(act=act).first()
    problem = ""
    can_transmit = False
    if is_secretariat and (current is None or current.state == State.CANCELLED) and final is not None:
        problem = actions.transmission_problem(act)
        can_transmit = not problem
    messages = []
    pending = []
    if current is not None:
        messages = list(current.messages.order_by("received_at", "pk"))
        pending = [m for m in messages if m.direction == PrefectureMessage.Direction.IN
                   and m.kind in actions.ANSWERABLE_KINDS and m.answered_by_id is None and m.operator_id]
    today = timezone.localdate()
    deadline = None
    if final is not None and final.signed_at:
        deadline = actions.individual_act_deadline(act, signed_on=timezone.localdate(final.signed_at))
    return {
        "legality_act": act,
        "legality_current": current,
        "legality_history": transmissions[1:] if full else transmissions[1:4],
        "legality_messages": messages,
        "legality_pending": pending,
        "legality_window": actions.defere_window(current) if current is not None else None,
        "legality_final": final,
        "legality_can_transmit": can_transmit,
        "legality_problem": problem,
        "legality_is_secretariat": is_secretariat,
        "legality_can_resend": is_secretariat and current is not None and current.state == State.ANOMALY,
        "legality_can_cancel": is_secretariat and current is not None and current.state in actions.LIVE_STATES,
        "legality_deadline": deadline,
        "legality_deadline_days": (deadline - today).days if deadline else None,
        "legality_not_yet_sent": current is None or current.state in (State.TO_SEND, State.CANCELLED, State.ANOMALY),
        "legality_full": full,
        "legality_error": error,
        "legality_answer_to": answer_to,
        "legality_answer_text": answer_text,
        "legality_kind_labels": KIND_LABELS,
    }


KIND_LABELS = {
    "ARActe": _("Accusé de réception"),
    "AnomalieActe": _("Anomalie"),
    "AnomalieEnveloppe": _("Enveloppe rejetée"),
    "CourrierSimple": _("Courrier simple"),
    "DemandePieceComplementaire": _("Demande de pièces complémentaires"),
    "LettreObservations": _("Lettre d'observations"),
    "DefereTA": _("Déféré au tribunal administratif"),
    "ARAnnulation": _("Accusé de réception de l'annulation"),
    "PieceComplementaire": _("Pièces complémentaires envoyées"),
    "ReponseLettreObservations": _("Réponse à la lettre d'observations"),
    "ReponseCourrierSimple": _("Réponse au courrier"),
}
