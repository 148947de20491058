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
    return _entitled_to_confidential(user, act)


def _entitled_to_confidential(user, act: Act) -> bool:
    """Who sees confidential material of an act: its drafter, the secretariat, administrators,
    the drafters of its department (scoped to it) and the approvers of its circuit."""
    return (act.drafter_id == user.pk or user.has_role(Role.SECRETARIAT, Role.ADMINISTRATOR)
            or holds_role_for_department(user, Role.DRAFTER, act.department) and department_scope(user, Role.DRAFTER) is not None
            or is_in_circuit_of(user, act))


def can_view_confidential_annexes(user, act: Act) -> bool:
    return can_view(user, act) and _entitled_to_confidential(user, act)


def visible_acts(user, queryset):
    """Restrict ``queryset`` to the acts ``user`` may view (same rule as ``can_view``)."""
    from django.db.models import Q

    from hemicycle.circuits.models import StepRun
    from hemicycle.organisation.models import Department

    if not user.is_authenticated or user.authority_id is None or not user.has_role(*STAFF_ROLES):
        return queryset.none()
    queryset = queryset.filter(authority_id=user.authority_id)
    if user.has_role(Role.SECRETARIAT, Role.ADMINISTRATOR):
        return queryset
    allowed = (Q(confidential=False) | Q(drafter=user)
               | Q(pk__in=StepRun.objects.filter(approvers=user).values("run__act_id")))
    scope = department_scope(user, Role.DRAFTER)
    if scope:  # drafters scoped to departments see their departments' (and sub-departments') acts
        departments = list(Department.objects.filter(authority_id=user.authority_id).only("pk", "parent_id"))
        by_pk = {d.pk: d for d in departments}
        roots = {d.pk for d in scope}
        ids = []
        for dept in departments:
            node, seen = dept, set()
            while node is not None and node.pk not in seen:
                if node.pk in roots:
                    ids.append(dept.pk)
                    break
                seen.add(node.pk)
                node = by_pk.get(node.parent_id)
        allowed |= Q(department_id__in=ids)
    return queryset.filter(allowed)


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


def can_manage_annexes(user, act: Act) -> bool:
    """Adding or removing annexes is editing the act."""
    return can_edit(user, act)


def can_set_annex_flags(user, act: Act) -> bool:
    """Whether an annex goes to the prefecture, is published or is confidential: decided by
    whoever may edit the act, and by the assembly secretariat, which transmits and publishes."""
    return can_edit(user, act) or (can_view(user, act) and user.has_role(Role.SECRETARIAT, Role.ADMINISTRATOR))
