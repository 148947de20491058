import pytest
from django.urls import reverse

from hemicycle.circuits.actions import submit_act
from hemicycle.circuits.models import Decision, StepRun
from hemicycle.core.roles import Role

from .factories import make_template, new_act, standard_circuit


@pytest.mark.parametrize("name,data", [
    ("circuits:submit", {}),
    ("circuits:approve", {"comment": "ok"}),
    ("circuits:send_back", {"comment": "non", "target": ""}),
    ("circuits:delegate", {"to_user": "1"}),
    ("circuits:skip", {"reason": "urgence"}),
])
def test_other_authority_gets_404_on_every_endpoint(world, other_world, client, name, data):
    standard_circuit(world)
    act = new_act(world)
    submit_act(world.users[Role.DRAFTER], act)
    for role in (Role.APPROVER, Role.SECRETARIAT, Role.DRAFTER):
        client.force_login(other_world.users[role])
        assert client.post(reverse(name, args=[act.slug]), data).status_code == 404
    assert not Decision.objects.exists()
    assert StepRun.objects.get(run__act=act, position=1).state == StepRun.State.ACTIVE


def test_other_authority_cannot_edit_a_template(world, other_world, client):
    template = make_template(world, steps=[{"name": "Visa", "users": [world.users[Role.APPROVER]]}])
    client.force_login(other_world.users[Role.ADMINISTRATOR])
    assert client.get(reverse("circuits:template_edit", args=[template.pk])).status_code == 404
    assert client.post(reverse("circuits:template_edit", args=[template.pk]), {"name": "Piraté"}).status_code == 404
