import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hemicycle.acts.models import ActState
from hemicycle.circuits.actions import approve, delegate, submit_act
from hemicycle.circuits.models import Decision, StepRun
from hemicycle.core.roles import Role
from hemicycle.notifications.models import Notification

from .factories import make_template, new_act


@pytest.fixture
def submitted(world):
    make_template(world, steps=[{"name": "Chef de bureau", "users": [world.users[Role.APPROVER]]}])
    act = new_act(world)
    submit_act(world.users[Role.DRAFTER], act)
    return act


def test_delegate_approves_on_behalf_of_the_absent_approver(world, client, submitted):
    act, approver, colleague = submitted, world.users[Role.APPROVER], world.users["approver2"]
    client.force_login(approver)
    response = client.post(reverse("circuits:delegate", args=[act.slug]),
                           {"to_user": colleague.pk, "comment": "En congés jusqu'au 15."})
    assert response.status_code == 302
    step = StepRun.objects.get(run__act=act)
    assert list(step.approvers.all()) == [colleague]
    delegation = Decision.objects.get(kind=Decision.Kind.DELEGATE)
    assert delegation.user == approver and delegation.delegate_to == colleague
    assert Notification.objects.filter(user=colleague, kind=Notification.Kind.DELEGATION).count() == 1

    # The delegator is no longer an approver; the colleague's visa is on their behalf.
    with pytest.raises(PermissionDenied):
        approve(approver, act)
    approve(colleague, act, "Pour M. Valideur.")
    visa = Decision.objects.get(kind=Decision.Kind.APPROVE)
    assert visa.user == colleague and visa.on_behalf_of == approver
    act.refresh_from_db()
    assert act.state == ActState.READY


def test_delegation_only_to_a_colleague_of_the_same_authority(world, other_world, submitted):
    act, approver = submitted, world.users[Role.APPROVER]
    with pytest.raises(ValidationError):
        delegate(approver, act, other_world.users[Role.APPROVER])
    with pytest.raises(ValidationError):
        delegate(approver, act, world.users[Role.DRAFTER])  # the act's own drafter
    with pytest.raises(ValidationError):
        delegate(approver, act, world.users[Role.MEMBER])  # not staff
    with pytest.raises(PermissionDenied):
        delegate(world.users["approver2"], act, world.users[Role.SECRETARIAT])  # not an approver of the step
    assert not Decision.objects.exists()


def test_delegation_form_error_keeps_the_message(world, client, submitted):
    client.force_login(world.users[Role.APPROVER])
    response = client.post(reverse("circuits:delegate", args=[submitted.slug]),
                           {"to_user": "", "comment": "Absent toute la semaine"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choisissez le collègue" in body and "Absent toute la semaine" in body
