import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hemicycle.circuits.actions import approve, send_back, submit_act
from hemicycle.circuits.models import Decision, StepRun
from hemicycle.core.roles import Role

from .factories import make_template, new_act


@pytest.fixture
def submitted(world):
    make_template(world, steps=[{"name": "Chef de bureau", "users": [world.users[Role.APPROVER]]}])
    act = new_act(world)
    submit_act(world.users[Role.DRAFTER], act)
    return act


@pytest.mark.parametrize("who", ["approver2", Role.DRAFTER, Role.SECRETARIAT, Role.ADMINISTRATOR])
def test_non_approver_cannot_approve_nor_send_back(world, client, submitted, who):
    user = world.users[who]
    with pytest.raises(PermissionDenied):
        approve(user, submitted)
    with pytest.raises(PermissionDenied):
        send_back(user, submitted, "Non")
    client.force_login(user)
    assert client.post(reverse("circuits:approve", args=[submitted.slug])).status_code == 403
    assert client.post(reverse("circuits:send_back", args=[submitted.slug]), {"comment": "Non"}).status_code == 403
    assert not Decision.objects.exists()
    assert StepRun.objects.get(run__act=submitted).state == StepRun.State.ACTIVE


@pytest.mark.parametrize("role", [Role.MEMBER, Role.PARTNER])
def test_members_and_partners_are_refused(world, client, submitted, role):
    client.force_login(world.users[role])
    assert client.post(reverse("circuits:approve", args=[submitted.slug])).status_code == 403
