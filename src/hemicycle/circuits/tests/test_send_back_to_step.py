from django.urls import reverse

from hemicycle.acts.models import ActState
from hemicycle.circuits.actions import approve, send_back, submit_act
from hemicycle.circuits.models import CircuitRun, StepRun
from hemicycle.core.roles import Role
from hemicycle.notifications.models import Notification

from .factories import new_act, three_step_circuit


def states(run):
    return [s.state for s in run.steps.order_by("position")]


def test_send_back_to_an_earlier_step_reactivates_it_and_resets_later_ones(world, client):
    approver, approver2 = world.users[Role.APPROVER], world.users["approver2"]
    three_step_circuit(world)
    act = new_act(world)
    submit_act(world.users[Role.DRAFTER], act)
    approve(approver, act)   # step 1
    approve(approver2, act)  # step 2
    run = CircuitRun.objects.get(act=act)
    assert states(run) == ["approved", "approved", "active"]
    Notification.objects.all().delete()

    # From step 3, the approver sends back to step 1 through the form.
    client.force_login(approver)
    response = client.post(reverse("circuits:send_back", args=[act.slug]),
                           {"comment": "Le chef de bureau doit revoir l'annexe.", "target": "1"})
    assert response.status_code == 302
    act.refresh_from_db()
    assert act.state == ActState.IN_CIRCUIT
    assert states(run) == ["active", "reset", "sent_back"]
    step1 = run.steps.get(position=1)
    assert step1.round == 2 and step1.returned_at is not None
    assert list(step1.approvers.all()) == [approver]
    notification = Notification.objects.get(user=approver)
    assert notification.kind == Notification.Kind.SENT_BACK and "revoir l'annexe" in notification.message

    # The circuit goes through steps 2 and 3 again.
    approve(approver, act)
    assert states(run) == ["approved", "active", "sent_back"]
    assert Notification.objects.filter(user=approver2, kind=Notification.Kind.TO_APPROVE).exists()
    approve(approver2, act)
    assert states(run) == ["approved", "approved", "active"]
    approve(approver, act)
    act.refresh_from_db()
    assert act.state == ActState.READY


def test_send_back_target_must_be_an_earlier_step(world):
    approver = world.users[Role.APPROVER]
    three_step_circuit(world)
    act = new_act(world)
    submit_act(world.users[Role.DRAFTER], act)
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        send_back(approver, act, "Revoir", to_position=1)  # step 1 is the current step
    with pytest.raises(ValidationError):
        send_back(approver, act, "Revoir", to_position=3)
    assert StepRun.objects.get(run__act=act, position=1).state == StepRun.State.ACTIVE
