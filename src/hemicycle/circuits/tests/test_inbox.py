from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from hemicycle.circuits.actions import approve, send_back, submit_act
from hemicycle.circuits.inbox import inbox_sections
from hemicycle.circuits.models import StepRun
from hemicycle.core.roles import Role

from .factories import new_act, standard_circuit, three_step_circuit


def refs(items):
    return [item.act.reference for item in items]


def test_inbox_tabs(world, client):
    drafter, approver, approver2 = world.users[Role.DRAFTER], world.users[Role.APPROVER], world.users["approver2"]
    standard_circuit(world, name="Standard", natures=["DE"])
    three_step_circuit(world)  # no nature criterion: the AR act below goes through it
    waiting = new_act(world, object="Acte en attente")        # step 1 waits for approver
    sent_back = new_act(world, object="Acte renvoyé")          # sent back to the drafter
    returned = new_act(world, nature="AR", object="Acte renvoyé à l'étape 1")  # back to approver's step
    late = new_act(world, object="Acte en retard")
    for act in (waiting, sent_back, returned, late):
        submit_act(drafter, act)
    send_back(approver, sent_back, "Revoir l'objet.")
    approve(approver, returned)
    send_back(approver2, returned, "Le chef de bureau doit compléter.", to_position=1)
    StepRun.objects.filter(run__act=late, state="active").update(deadline=timezone.now() - timedelta(days=2))

    mine = inbox_sections(approver, limit=None)
    assert sorted(refs(mine["inbox_to_approve"])) == sorted([waiting.reference, late.reference])
    assert refs(mine["inbox_sent_back"]) == [returned.reference]
    assert mine["inbox_sent_back"][0].note == "Le chef de bureau doit compléter."
    assert refs(mine["inbox_late"]) == [late.reference]
    assert mine["inbox_counts"] == {"to_approve": 2, "sent_back": 1, "late": 1}

    theirs = inbox_sections(approver2, limit=None)
    assert theirs["inbox_to_approve"] == [] and theirs["inbox_late"] == []

    drafts = inbox_sections(drafter, limit=None)
    assert refs(drafts["inbox_sent_back"]) == [sent_back.reference]
    assert drafts["inbox_sent_back"][0].note == "Revoir l'objet."
    assert refs(drafts["inbox_late"]) == [late.reference]  # their own act is late

    secretariat = inbox_sections(world.users[Role.SECRETARIAT], limit=None)
    assert refs(secretariat["inbox_late"]) == [late.reference] and secretariat["inbox_late"][0].mine is False

    # Step 1 approved: step 2 ("all") waits for both approvers; once the approver has given
    # their visa there, the act leaves their tab.
    approve(approver, waiting)
    items = {i.act.reference: i for i in inbox_sections(approver, limit=None)["inbox_to_approve"]}
    assert items[waiting.reference].step.name == "Direction"
    assert refs(inbox_sections(approver2, limit=None)["inbox_to_approve"]) == [waiting.reference]
    approve(approver, waiting)
    assert waiting.reference not in refs(inbox_sections(approver, limit=None)["inbox_to_approve"])

    # The page and the desk show the same.
    client.force_login(approver)
    page = client.get(reverse("circuits:inbox"))
    assert page.status_code == 200
    body = page.content.decode()
    for label in ("En attente de mon visa", "Renvoyés vers moi", "En retard"):
        assert label in body
    assert late.reference in body and returned.reference in body
    desk = client.get(reverse("core:home"))
    assert desk.status_code == 200 and "Ma bannette" in desk.content.decode()
    assert late.reference in desk.content.decode()


def test_inbox_is_per_authority(world, other_world):
    standard_circuit(world)
    submit_act(world.users[Role.DRAFTER], new_act(world))
    assert inbox_sections(other_world.users[Role.APPROVER])["inbox_counts"]["to_approve"] == 0
    assert inbox_sections(other_world.users[Role.SECRETARIAT])["inbox_counts"]["late"] == 0
