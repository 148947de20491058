import pytest
from django.core.exceptions import ValidationError

from hemicycle.acts.models import ActState
from hemicycle.circuits.actions import submit_act
from hemicycle.circuits.models import CircuitRun
from hemicycle.circuits.selection import choose_template, resolve_approvers
from hemicycle.core.roles import Role
from hemicycle.core.testing import make_user
from hemicycle.organisation.models import Department

from .factories import make_template, new_act


def one_step(world):
    return [{"name": "Visa", "users": [world.users[Role.APPROVER]]}]


def test_most_specific_template_wins(world):
    generic = make_template(world, "Générique", one_step(world))
    deliberations = make_template(world, "Délibérations", one_step(world), natures=["DE"])
    dac = make_template(world, "DAC", one_step(world), departments=["DAC"])
    dac_deliberations = make_template(world, "DAC délibérations", one_step(world), natures=["DE"], departments=["DAC"])
    make_template(world, "Inactif DAC DE conseil", one_step(world), natures=["DE"], departments=["DAC"],
                  sitting_types=["council"], active=False)

    assert choose_template(new_act(world, nature="DE")) == dac_deliberations
    assert choose_template(new_act(world, nature="AR")) == dac
    drafter2 = world.users["drafter2"]
    assert choose_template(new_act(world, drafter=drafter2, department="DFPE", nature="DE")) == deliberations
    assert choose_template(new_act(world, drafter=drafter2, department="DFPE", nature="AR")) == generic


def test_own_department_beats_parent_department_and_sitting_type_narrows(world):
    culture = world.departments["DAC"]
    service = Department.objects.create(authority=world.authority, code="DAC-BM", name="Bureau des musées",
                                        parent=culture)
    drafter = make_user(world.authority, "vil-redac-bm", [Role.DRAFTER], service, role_department=service)
    parent_level = make_template(world, "Toute la culture", one_step(world), departments=["DAC"])
    act = new_act(world, drafter=drafter, department=service)
    assert choose_template(act) == parent_level
    own = make_template(world, "Musées", one_step(world))
    own.departments.set([service])
    assert choose_template(act) == own
    standing = make_template(world, "Musées, commission permanente", one_step(world),
                             sitting_types=["standing_committee"])
    standing.departments.set([service])
    assert choose_template(act) == own  # the act targets the council
    act.target_sitting_type = "standing_committee"
    assert choose_template(act) == standing


def test_no_matching_template_refuses_submission_with_a_clear_message(world):
    make_template(world, "Arrêtés seulement", one_step(world), natures=["AR"])
    act = new_act(world, nature="DE")
    assert choose_template(act) is None
    with pytest.raises(ValidationError) as exc:
        submit_act(world.users[Role.DRAFTER], act)
    assert "Aucun circuit de validation ne s'applique" in exc.value.messages[0]
    act.refresh_from_db()
    assert act.state == ActState.DRAFT and not CircuitRun.objects.exists()


def test_step_with_nobody_to_approve_refuses_submission_naming_the_step(world):
    make_template(world, "Circuit signataire", [
        {"name": "Chef de bureau", "users": [world.users[Role.APPROVER]]},
        {"name": "Visa du DGS", "role": Role.SIGNATORY, "in_department": True},
    ])
    # The signatory holds the role without department limit: counts everywhere.
    act = new_act(world)
    assert [u.username for u in resolve_approvers({"role": Role.SIGNATORY, "role_in_act_department": True}, act)] \
        == [world.users[Role.SIGNATORY].username]
    world.users[Role.SIGNATORY].role_assignments.update(department=world.departments["DFPE"])
    with pytest.raises(ValidationError) as exc:
        submit_act(world.users[Role.DRAFTER], act)
    assert "« Visa du DGS »" in exc.value.messages[0]
    act.refresh_from_db()
    assert act.state == ActState.DRAFT and not CircuitRun.objects.exists()


def test_role_scoped_to_another_department_does_not_count_unless_scope_is_off(world):
    approver2 = world.users["approver2"]
    approver2.role_assignments.update(department=world.departments["DFPE"])
    act = new_act(world)
    scoped = resolve_approvers({"role": Role.APPROVER, "role_in_act_department": True}, act)
    assert [u.pk for u in scoped] == [world.users[Role.APPROVER].pk]
    unscoped = resolve_approvers({"role": Role.APPROVER, "role_in_act_department": False}, act)
    assert {u.pk for u in unscoped} == {world.users[Role.APPROVER].pk, approver2.pk}
