"""Who may see and do what on an act. Views and actions both ask these functions."""

from hemicycle.core.roles import Role

from .models import Act, ActState

STAFF_ROLES = (Role.DRAFTER, Role.APPROVER, Role.SECRETARIAT, Role.SIGNATORY, Role.ADMINISTRATOR)
EDITABLE_BY_DRAFTER = (ActState.DRAFT, ActState.SENT_BACK)


def _same_authority(user, act: Act) -> bool:
    return user.is_authenticated and user.authority_id is not None and user.authority_id == act.authority_id


def department_scope(user, role: str):
    """Departments where the user holds ``role``; None means all departments of the authority."""
    scopes = [a.department for a in user.role_assignments.all() if a.role == role]
    if not scopes:
        return []
    if any(d is None for d in scopes):
        return None
    return scopes


def holds_role_for_department(user, role: str, department) -> bool:
    scope = department_scope(user, role)
    if scope is None:
        return True
    chain = {d.pk for d in department.ancestors_and_self()}
    return any(d.pk in chain for d in scope)


def is_in_circuit_of(user, act: Act) -> bool:
    from hemicycle.circuits.models import StepRun

    return StepRun.objects.filter(run__act=act, approvers=user).exists()


def can_view(user, act: Act) -> bool:
    if not _same_authority(user, act) or not user.has_role(*STAFF_ROLES):
        return False
    if not act.confidential:
        return True
    return (act.drafter_id == user.pk or user.has_role(Role.SECRETARIAT, Role.ADMINISTRATOR)
            or holds_role_for_department(user, Role.DRAFTER, act.department) and department_scope(user, Role.DRAFTER) is not None
            or is_in_circuit_of(user, act))


def can_create_in(user, department) -> bool:
    return (user.is_authenticated and user.authority_id == department.authority_id
            and user.has_role(Role.DRAFTER) and holds_role_for_department(user, Role.DRAFTER, department))


def current_step_for(user, act: Act):
    from hemicycle.circuits.models import CircuitRun, StepRun

    return (StepRun.objects.filter(run__act=act, run__state=CircuitRun.State.RUNNING,
                                   state=StepRun.State.ACTIVE, approvers=user).select_related("run").first())


def can_edit(user, act: Act) -> bool:
    """Drafters edit drafts and sent-back acts; in a circuit, the act is read-only for its
    drafter and editable only by the current step's approvers when the circuit allows it."""
    if not _same_authority(user, act):
        return False
    if act.state in EDITABLE_BY_DRAFTER:
        return act.drafter_id == user.pk or (
            user.has_role(Role.DRAFTER) and holds_role_for_department(user, Role.DRAFTER, act.department))
    if act.state == ActState.IN_CIRCUIT:
        step = current_step_for(user, act)
        return step is not None and step.run.approvers_can_edit
    return False


def can_comment(user, act: Act) -> bool:
    return can_view(user, act)
