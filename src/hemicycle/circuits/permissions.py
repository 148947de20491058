"""Who may do what in an act's circuit. The actions and the act page's panel both ask these."""

from hemicycle.acts.models import ActState
from hemicycle.acts.permissions import STAFF_ROLES, can_view, holds_role_for_department
from hemicycle.core.roles import Role

from .models import CircuitRun, Decision, StepRun

SUBMITTABLE_STATES = (ActState.DRAFT, ActState.SENT_BACK)


def active_step(act) -> StepRun | None:
    """The step of the act's running circuit that waits for visas, if any."""
    return (StepRun.objects.filter(run__act=act, run__state=CircuitRun.State.RUNNING, state=StepRun.State.ACTIVE)
            .select_related("run").order_by("-run__started_at", "-run__pk").first())


def is_drafter_of(user, act) -> bool:
    """The act's drafter, or a drafter of its department (or of a parent department)."""
    if not user.is_authenticated or user.authority_id != act.authority_id:
        return False
    return act.drafter_id == user.pk or (
        user.has_role(Role.DRAFTER) and holds_role_for_department(user, Role.DRAFTER, act.department))


def can_submit(user, act) -> bool:
    return act.state in SUBMITTABLE_STATES and is_drafter_of(user, act)


def approved_this_round(step: StepRun) -> set[int]:
    """Ids of the users who gave their visa in the step's current round."""
    return set(step.decisions.filter(kind=Decision.Kind.APPROVE, round=step.round).values_list("user_id", flat=True))


def is_approver(user, step: StepRun | None) -> bool:
    return step is not None and user.is_authenticated and step.approvers.filter(pk=user.pk).exists()


def awaits_visa_from(user, step: StepRun | None) -> bool:
    """The user is an approver of the step and has not given their visa in this round."""
    return is_approver(user, step) and user.pk not in approved_this_round(step)


def can_approve(user, act, step: StepRun | None) -> bool:
    return act.state == ActState.IN_CIRCUIT and awaits_visa_from(user, step)


def can_send_back(user, act, step: StepRun | None) -> bool:
    return act.state == ActState.IN_CIRCUIT and is_approver(user, step)


def can_delegate(user, act, step: StepRun | None) -> bool:
    return act.state == ActState.IN_CIRCUIT and awaits_visa_from(user, step)


def can_skip(user, act, step: StepRun | None) -> bool:
    """Urgent skip is reserved to the assembly secretariat."""
    return (step is not None and act.state == ActState.IN_CIRCUIT and user.is_authenticated
            and user.authority_id == act.authority_id and user.has_role(Role.SECRETARIAT))


def delegation_candidates(user, act, step: StepRun):
    """Colleagues the user may delegate to: active staff of the same authority who are not
    already approvers of the step, nor the act's drafter."""
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.filter(authority_id=act.authority_id, is_active=True,
                                            role_assignments__role__in=STAFF_ROLES)
            .exclude(pk=user.pk).exclude(pk=act.drafter_id).exclude(pk__in=step.approvers.values("pk"))
            .distinct().order_by("last_name", "first_name", "username"))


__all__ = ["active_step", "can_view", "can_submit", "can_approve", "can_send_back", "can_delegate", "can_skip",
           "delegation_candidates", "approved_this_round", "awaits_visa_from", "is_approver", "is_drafter_of"]
