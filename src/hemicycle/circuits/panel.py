"""The circuit panel of an act page: who approved, who still must, who sent it back, and
what the current user may do now."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import permissions
from .models import CircuitRun, Decision, StepRun
from .selection import resolve_approvers


@dataclass
class StepView:
    """One step of a run as the panel shows it."""

    step: StepRun
    approvers: list
    approvals: list  # visas of the current round (Decision)
    pending: list  # approvers whose visa is still expected (active or upcoming step)
    decisions: list  # everything that happened on the step, oldest first
    is_active: bool = False
    is_late: bool = False


@dataclass
class RunView:
    run: CircuitRun
    steps: list = field(default_factory=list)
    send_backs: list = field(default_factory=list)  # Decision rows with kind send_back, oldest first


def _step_view(step: StepRun, act) -> StepView:
    decisions = list(step.decisions.all())
    approvers = list(step.approvers.all())
    if step.round == 0 and not approvers and step.run.state == CircuitRun.State.RUNNING:
        approvers = resolve_approvers(step.approver_spec, act)  # upcoming step: who it will ask
    approvals, pending = [], []
    if step.state in (StepRun.State.ACTIVE, StepRun.State.APPROVED):
        approvals = [d for d in decisions if d.kind == Decision.Kind.APPROVE and d.round == step.round]
    if step.state == StepRun.State.ACTIVE:
        approved_ids = {d.user_id for d in approvals}
        pending = [u for u in approvers if u.pk not in approved_ids]
    elif step.run.state == CircuitRun.State.RUNNING and step.state in (
            StepRun.State.WAITING, StepRun.State.RESET, StepRun.State.SENT_BACK):
        pending = approvers  # the step will have to be (re)examined
    return StepView(step=step, approvers=approvers, approvals=approvals, pending=pending, decisions=decisions,
                    is_active=step.state == StepRun.State.ACTIVE, is_late=step.is_late)


def run_view(run: CircuitRun, act) -> RunView:
    steps = [_step_view(s, act) for s in run.steps.all()]
    send_backs = sorted((d for sv in steps for d in sv.decisions if d.kind == Decision.Kind.SEND_BACK),
                        key=lambda d: (d.at, d.pk))
    return RunView(run=run, steps=steps, send_backs=send_backs)


def panel_context(user, act, *, form_values: dict | None = None, errors: dict | None = None) -> dict:
    """Context for ``circuits/_act_panel.html``. ``form_values`` and ``errors`` re-fill the
    forms after a refused action, so that nothing the user typed is lost."""
    runs = (CircuitRun.objects.filter(act=act)
            .prefetch_related("steps__approvers", "steps__decisions__user", "steps__decisions__on_behalf_of",
                              "steps__decisions__delegate_to")
            .order_by("-started_at", "-pk"))
    runs = list(runs)
    current = runs[0] if runs else None
    step = permissions.active_step(act)
    actions = {"submit": False, "submit_template": None, "submit_error": "", "approve": False,
               "send_back": False, "send_back_targets": [], "delegate": False, "delegate_choices": [],
               "skip": False}
    if user.is_authenticated:
        if permissions.can_submit(user, act):
            from .actions import check_submittable

            actions["submit"] = True
            try:
                actions["submit_template"] = check_submittable(act)[0]
            except ValidationError as exc:
                actions["submit_error"] = " ".join(exc.messages)
        if step is not None:
            actions["approve"] = permissions.can_approve(user, act, step)
            actions["send_back"] = permissions.can_send_back(user, act, step)
            if actions["send_back"]:
                targets = [("", _("Au rédacteur (%(name)s)") % {"name": act.drafter.display_name})]
                targets += [(str(s.position), _("À l'étape %(position)s « %(name)s »") % {"position": s.position,
                                                                                       "name": s.name})
                            for s in step.run.steps.filter(position__lt=step.position).order_by("position")]
                actions["send_back_targets"] = targets
            actions["delegate"] = permissions.can_delegate(user, act, step)
            if actions["delegate"]:
                actions["delegate_choices"] = list(permissions.delegation_candidates(user, act, step))
            actions["skip"] = permissions.can_skip(user, act, step)
    return {
        "circuit_runs": runs,
        "current_run": current,
        "circuit_act": act,
        "circuit_run_view": run_view(current, act) if current else None,
        "circuit_previous_runs": [run_view(r, act) for r in runs[1:]],
        "circuit_active_step": step,
        "circuit_actions": actions,
        "circuit_any_action": any(actions[k] for k in ("submit", "approve", "send_back", "delegate", "skip")),
        "circuit_form_values": form_values or {},
        "circuit_errors": errors or {},
    }
