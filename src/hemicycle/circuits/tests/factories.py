"""Builders for the circuits' tests: an act to submit and circuit templates."""

from hemicycle.acts.actions import create_act
from hemicycle.core.roles import Role

from ..models import CircuitTemplate, StepRule, StepTemplate


def new_act(world, drafter=None, department="DAC", **extra):
    data = dict(object="Subvention à l'association Les Amis du Théâtre", visas=["Vu le CGCT"],
                considerants=["Considérant l'intérêt local"], articles=["Une subvention de 5 000 € est attribuée."])
    data.update(extra)
    if isinstance(department, str):
        department = world.departments[department]
    return create_act(drafter or world.users[Role.DRAFTER], department=department, year=2026, **data)


def make_template(world, name="Circuit standard", steps=None, natures=(), departments=(), sitting_types=(),
                  approvers_can_edit=False, active=True):
    """``steps``: list of dicts (name, rule, users, role, in_department, deadline_days)."""
    template = CircuitTemplate.objects.create(authority=world.authority, name=name, natures=list(natures),
                                              sitting_types=list(sitting_types),
                                              approvers_can_edit=approvers_can_edit, active=active)
    template.departments.set([world.departments[code] for code in departments])
    for position, spec in enumerate(steps or [], start=1):
        step = StepTemplate.objects.create(circuit=template, position=position, name=spec["name"],
                                           rule=spec.get("rule", StepRule.ANY),
                                           deadline_days=spec.get("deadline_days", 5),
                                           approver_role=spec.get("role", ""),
                                           role_in_act_department=spec.get("in_department", True))
        step.approver_users.set(spec.get("users", []))
    return template


def standard_circuit(world, **kwargs):
    """Step 1 « Chef de bureau »: the approver alone (any); step 2 « Direction »: every holder
    of the approver role (approver and approver2), all must approve."""
    return make_template(world, steps=[
        {"name": "Chef de bureau", "users": [world.users[Role.APPROVER]]},
        {"name": "Direction", "rule": StepRule.ALL, "role": Role.APPROVER},
    ], **kwargs)


def three_step_circuit(world):
    return make_template(world, name="Circuit long", steps=[
        {"name": "Chef de bureau", "users": [world.users[Role.APPROVER]]},
        {"name": "Directeur", "users": [world.users["approver2"]]},
        {"name": "Cabinet", "users": [world.users[Role.APPROVER]]},
    ])
