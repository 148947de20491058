"""Which circuit an act goes through, and who approves each of its steps.

An authority configures several circuit templates, each restricted (or not) by nature,
department and sitting type. An act goes through the most specific active template that
matches it: a template naming the act's own department beats one naming a parent department,
which beats one valid for every department; then the template with more criteria set wins,
then the one with the narrower lists. Equal candidates: the oldest template.
"""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch

from hemicycle.accounts.models import RoleAssignment
from hemicycle.acts.permissions import holds_role_for_department

from .models import CircuitTemplate, StepTemplate


def _department_closeness(template_department_ids: set, act) -> int | None:
    """None when the template's departments exclude the act; else a score (higher = closer)."""
    if not template_department_ids:
        return 0
    chain = act.department.ancestors_and_self()
    for distance, department in enumerate(chain):
        if department.pk in template_department_ids:
            return 1000 - distance
    return None


def candidate_templates(act) -> list[tuple[tuple, CircuitTemplate]]:
    """Active templates of the act's authority that match it, with their specificity key."""
    templates = (CircuitTemplate.objects.filter(authority_id=act.authority_id, active=True)
                 .prefetch_related("departments").order_by("pk"))
    found = []
    for template in templates:
        if template.natures and act.nature not in template.natures:
            continue
        if template.sitting_types and act.target_sitting_type not in template.sitting_types:
            continue
        department_ids = {d.pk for d in template.departments.all()}
        closeness = _department_closeness(department_ids, act)
        if closeness is None:
            continue
        criteria = bool(department_ids) + bool(template.natures) + bool(template.sitting_types)
        breadth = len(department_ids) + len(template.natures) + len(template.sitting_types)
        found.append(((closeness, criteria, -breadth, -template.pk), template))
    found.sort(key=lambda pair: pair[0], reverse=True)
    return found


def choose_template(act) -> CircuitTemplate | None:
    """The most specific active circuit template matching the act, or None."""
    candidates = candidate_templates(act)
    return candidates[0][1] if candidates else None


def steps_of(template: CircuitTemplate) -> list[StepTemplate]:
    return list(template.steps.order_by("position").prefetch_related("approver_users"))


def approver_spec(step: StepTemplate) -> dict:
    """The approvers of a template step, as stored on its StepRun at submission."""
    return {"users": sorted(u.pk for u in step.approver_users.all()), "role": step.approver_role or "",
            "role_in_act_department": bool(step.role_in_act_department)}


def resolve_approvers(spec: dict, act) -> list:
    """Who approves a step for ``act``: its named users plus the holders of its role — only
    those whose role covers the act's department (or a parent department) when
    ``role_in_act_department`` is set; a holder without department limit counts everywhere.
    Inactive users and users of other authorities never count."""
    User = get_user_model()
    approvers = {u.pk: u for u in User.objects.filter(pk__in=spec.get("users") or [], is_active=True,
                                                          authority_id=act.authority_id)}
    role = spec.get("role")
    if role:
        holders = (User.objects.filter(authority_id=act.authority_id, is_active=True, role_assignments__role=role)
                   .distinct()
                   .prefetch_related(Prefetch("role_assignments",
                                              queryset=RoleAssignment.objects.select_related("department"))))
        for user in holders:
            if spec.get("role_in_act_department", True) and not holds_role_for_department(user, role, act.department):
                continue
            approvers.setdefault(user.pk, user)
    return sorted(approvers.values(), key=lambda u: (u.last_name, u.first_name, u.username))
