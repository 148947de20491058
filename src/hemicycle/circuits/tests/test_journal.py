from hemicycle.circuits.actions import approve, delegate, send_back, submit_act, urgent_skip
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.journal.services import history_for, verify

from .factories import new_act, three_step_circuit


def test_every_circuit_action_is_journaled_on_the_act(world):
    approver, approver2 = world.users[Role.APPROVER], world.users["approver2"]
    three_step_circuit(world)
    act = new_act(world)
    submit_act(world.users[Role.DRAFTER], act)
    send_back(approver, act, "Reprendre l'exposé.")
    submit_act(world.users[Role.DRAFTER], act)
    delegate(approver, act, world.users[Role.SECRETARIAT], "Absent")
    approve(world.users[Role.SECRETARIAT], act)
    urgent_skip(world.users[Role.SECRETARIAT], act, "Séance avancée")
    send_back(approver, act, "Revoir l'étape 1.", to_position=1)
    approve(world.users[Role.SECRETARIAT], act)
    approve(approver2, act)
    approve(approver, act)

    actions = [e.action for e in history_for(act) if e.action.startswith("circuit.")]
    assert actions == [
        "circuit.submitted", "circuit.sent_back", "circuit.submitted", "circuit.delegated",
        "circuit.step_approved", "circuit.step_skipped", "circuit.sent_back", "circuit.step_approved",
        "circuit.step_approved", "circuit.step_approved", "circuit.approved",
    ]
    entries = {e.action: e for e in history_for(act)}
    assert entries["circuit.delegated"].data["target"] == world.users[Role.SECRETARIAT].display_name
    first_send_back = JournalEntry.objects.filter(action="circuit.sent_back").order_by("seq").first()
    assert first_send_back.data["comment"] == "Reprendre l'exposé." and first_send_back.data["target"] == "drafter"
    assert first_send_back.actor == approver
    last_visa = JournalEntry.objects.filter(action="circuit.step_approved").order_by("seq").first()
    assert last_visa.data["on_behalf_of"] == approver.display_name
    states = [e.data["to"] for e in history_for(act) if e.action == "act.state_changed"]
    assert states == ["in_circuit", "sent_back", "in_circuit", "ready"]
    assert verify().ok
