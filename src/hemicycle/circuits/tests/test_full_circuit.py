"""The whole path: submit, send back (comment mandatory), edit, resubmit, a step where every
approver must give their visa, and the act ready for the sitting with the secretariat told."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hemicycle.acts.actions import update_act
from hemicycle.acts.models import Act, ActState
from hemicycle.circuits.actions import approve, send_back
from hemicycle.circuits.models import CircuitRun, Decision, StepRun
from hemicycle.core.roles import Role
from hemicycle.notifications.models import Notification

from .factories import new_act, standard_circuit


def kinds_for(user):
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_full_circuit(world, client):
    drafter, approver, approver2 = world.users[Role.DRAFTER], world.users[Role.APPROVER], world.users["approver2"]
    secretariat = world.users[Role.SECRETARIAT]
    standard_circuit(world)
    act = new_act(world)

    # The drafter submits through the act page's form.
    client.force_login(drafter)
    response = client.post(reverse("circuits:submit", args=[act.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("acts:detail", args=[act.slug]) + "#circuit"
    act.refresh_from_db()
    assert act.state == ActState.IN_CIRCUIT
    run = CircuitRun.objects.get(act=act)
    assert run.circuit_name == "Circuit standard" and run.state == CircuitRun.State.RUNNING
    step1, step2 = run.steps.order_by("position")
    assert step1.state == StepRun.State.ACTIVE and list(step1.approvers.all()) == [approver]
    assert step1.deadline is not None and step2.state == StepRun.State.WAITING
    assert kinds_for(approver) == [Notification.Kind.TO_APPROVE]
    assert kinds_for(approver2) == []

    # Sending back needs a comment: refused, nothing changes.
    with pytest.raises(ValidationError) as exc:
        send_back(approver, act, "   ")
    assert "commentaire est obligatoire" in exc.value.messages[0]
    client.force_login(approver)
    response = client.post(reverse("circuits:send_back", args=[act.slug]), {"comment": "", "target": ""})
    assert response.status_code == 200
    assert "commentaire est obligatoire" in response.content.decode()
    act.refresh_from_db()
    assert act.state == ActState.IN_CIRCUIT and not Decision.objects.exists()

    # Approver 1 sends it back to the drafter with a comment.
    response = client.post(reverse("circuits:send_back", args=[act.slug]),
                           {"comment": "Préciser le montant dans l'article 1.", "target": ""})
    assert response.status_code == 302
    act.refresh_from_db()
    run.refresh_from_db()
    assert act.state == ActState.SENT_BACK and run.state == CircuitRun.State.SENT_BACK
    decision = Decision.objects.get(kind=Decision.Kind.SEND_BACK)
    assert decision.user == approver and decision.comment == "Préciser le montant dans l'article 1."
    assert Notification.objects.get(user=drafter, kind=Notification.Kind.SENT_BACK).act == act

    # The drafter edits (allowed again) and resubmits: a new run from step 1.
    act = update_act(drafter, Act.objects.get(pk=act.pk), lock_version=act.lock_version,
                     articles=["Une subvention de 5 000 € est attribuée pour la saison 2026."])
    client.force_login(drafter)
    assert client.post(reverse("circuits:submit", args=[act.slug])).status_code == 302
    act.refresh_from_db()
    assert act.state == ActState.IN_CIRCUIT
    assert CircuitRun.objects.filter(act=act).count() == 2
    run2 = CircuitRun.objects.filter(act=act, state=CircuitRun.State.RUNNING).get()
    assert run2.steps.get(position=1).state == StepRun.State.ACTIVE

    # Step 1 approved by the approver: step 2 (rule "all") asks both approvers.
    client.force_login(approver)
    assert client.post(reverse("circuits:approve", args=[act.slug]), {"comment": "Bon pour moi."}).status_code == 302
    step1, step2 = run2.steps.order_by("position")
    assert step1.state == StepRun.State.APPROVED
    assert step2.state == StepRun.State.ACTIVE
    assert set(step2.approvers.all()) == {approver, approver2}
    assert Notification.objects.filter(user=approver2, kind=Notification.Kind.TO_APPROVE).count() == 1

    # One visa is not enough for "all".
    approve(approver, act)
    step2.refresh_from_db()
    act.refresh_from_db()
    assert step2.state == StepRun.State.ACTIVE and act.state == ActState.IN_CIRCUIT
    with pytest.raises(ValidationError):
        approve(approver, act)  # not twice
    assert not Notification.objects.filter(kind=Notification.Kind.READY).exists()

    # The second visa completes the circuit: ready, drafter and secretariat told.
    approve(approver2, act, "Vu.")
    act.refresh_from_db()
    run2.refresh_from_db()
    step2.refresh_from_db()
    assert step2.state == StepRun.State.APPROVED
    assert run2.state == CircuitRun.State.APPROVED and run2.finished_at is not None
    assert act.state == ActState.READY
    assert Notification.objects.filter(user=drafter, kind=Notification.Kind.READY).count() == 1
    assert Notification.objects.filter(user=secretariat, kind=Notification.Kind.READY).count() == 1


def test_only_a_fully_approved_act_becomes_ready(world):
    standard_circuit(world)
    act = new_act(world)
    from hemicycle.circuits.actions import submit_act

    submit_act(world.users[Role.DRAFTER], act)
    approve(world.users[Role.APPROVER], act)
    approve(world.users[Role.APPROVER], act)
    act.refresh_from_db()
    assert act.state == ActState.IN_CIRCUIT  # approver2 has not approved the "all" step
