import pytest
from django.core.exceptions import PermissionDenied

from hemicycle.acts.actions import update_act
from hemicycle.acts.permissions import can_edit
from hemicycle.circuits.actions import send_back, submit_act
from hemicycle.core.roles import Role

from .factories import make_template, new_act


def test_drafter_cannot_edit_while_in_circuit(world):
    drafter = world.users[Role.DRAFTER]
    make_template(world, steps=[{"name": "Chef de bureau", "users": [world.users[Role.APPROVER]]}])
    act = new_act(world)
    assert can_edit(drafter, act)
    submit_act(drafter, act)
    act.refresh_from_db()
    assert not can_edit(drafter, act)
    assert not can_edit(world.users[Role.APPROVER], act)  # the circuit does not let approvers edit
    with pytest.raises(PermissionDenied):
        update_act(drafter, act, lock_version=act.lock_version, object="Objet modifié pendant le circuit")
    send_back(world.users[Role.APPROVER], act, "À reprendre")
    act.refresh_from_db()
    assert can_edit(drafter, act)


def test_approvers_may_edit_when_the_circuit_allows_it(world):
    make_template(world, steps=[{"name": "Chef de bureau", "users": [world.users[Role.APPROVER]]}],
                  approvers_can_edit=True)
    act = new_act(world)
    submit_act(world.users[Role.DRAFTER], act)
    act.refresh_from_db()
    assert can_edit(world.users[Role.APPROVER], act)
    assert not can_edit(world.users["approver2"], act)
    assert not can_edit(world.users[Role.DRAFTER], act)


def test_submitting_twice_is_refused(world):
    from django.core.exceptions import ValidationError

    make_template(world, steps=[{"name": "Chef de bureau", "users": [world.users[Role.APPROVER]]}])
    act = new_act(world)
    submit_act(world.users[Role.DRAFTER], act)
    with pytest.raises(ValidationError):
        submit_act(world.users[Role.DRAFTER], act)
    with pytest.raises(PermissionDenied):
        submit_act(world.users["drafter2"], new_act(world))  # drafter of another department
