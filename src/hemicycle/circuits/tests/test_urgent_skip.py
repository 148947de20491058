import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hemicycle.acts.models import ActState
from hemicycle.circuits.actions import submit_act, urgent_skip
from hemicycle.circuits.models import Decision, StepRun
from hemicycle.circuits.panel import panel_context
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry

from .factories import new_act, standard_circuit


@pytest.fixture
def submitted(world):
    standard_circuit(world)
    act = new_act(world)
    submit_act(world.users[Role.DRAFTER], act)
    return act


@pytest.mark.parametrize("role", [Role.DRAFTER, Role.APPROVER, Role.ADMINISTRATOR, Role.SIGNATORY])
def test_only_the_secretariat_may_skip(world, client, submitted, role):
    with pytest.raises(PermissionDenied):
        urgent_skip(world.users[role], submitted, "Séance avancée")
    client.force_login(world.users[role])
    response = client.post(reverse("circuits:skip", args=[submitted.slug]), {"reason": "Séance avancée"})
    assert response.status_code == 403
    assert StepRun.objects.get(run__act=submitted, position=1).state == StepRun.State.ACTIVE


def test_secretariat_skips_with_a_reason_and_it_shows(world, client, submitted):
    secretariat = world.users[Role.SECRETARIAT]
    with pytest.raises(ValidationError):
        urgent_skip(secretariat, submitted, "")
    client.force_login(secretariat)
    response = client.post(reverse("circuits:skip", args=[submitted.slug]),
                           {"reason": "Séance avancée au 3 décembre"})
    assert response.status_code == 302
    steps = StepRun.objects.filter(run__act=submitted).order_by("position")
    assert [s.state for s in steps] == [StepRun.State.SKIPPED, StepRun.State.ACTIVE]
    skip = Decision.objects.get(kind=Decision.Kind.SKIP)
    assert skip.user == secretariat and skip.comment == "Séance avancée au 3 décembre"
    entry = JournalEntry.objects.get(action="circuit.step_skipped")
    assert entry.object_id == str(submitted.pk) and entry.data["comment"] == "Séance avancée au 3 décembre"
    # Visible to anyone who can view the act.
    ctx = panel_context(world.users[Role.SIGNATORY], submitted)
    skipped = ctx["circuit_run_view"].steps[0]
    assert skipped.decisions[0].kind == "skip"

    # Skipping the last step too makes the act ready.
    urgent_skip(secretariat, submitted, "Urgence confirmée par le cabinet")
    submitted.refresh_from_db()
    assert submitted.state == ActState.READY
