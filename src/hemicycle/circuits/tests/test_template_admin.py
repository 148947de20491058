from django.urls import reverse

from hemicycle.circuits.models import CircuitTemplate
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry

from .factories import make_template


def management(total, initial):
    return {"steps-TOTAL_FORMS": str(total), "steps-INITIAL_FORMS": str(initial),
            "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000"}


def test_only_administrators_manage_templates(world, client):
    for role in (Role.DRAFTER, Role.APPROVER, Role.SECRETARIAT):
        client.force_login(world.users[role])
        assert client.get(reverse("circuits:templates")).status_code == 403
        assert client.post(reverse("circuits:template_create"), {"name": "X"}).status_code == 403
    client.force_login(world.users[Role.ADMINISTRATOR])
    assert client.get(reverse("circuits:templates")).status_code == 200
    assert client.get(reverse("circuits:template_create")).status_code == 200


def test_administrator_creates_a_template_with_ordered_steps(world, client):
    admin, approver, approver2 = world.users[Role.ADMINISTRATOR], world.users[Role.APPROVER], world.users["approver2"]
    client.force_login(admin)
    data = {"name": "Délibérations de la DAC", "natures": ["DE"], "departments": [world.departments["DAC"].pk],
            "sitting_types": ["council"], "active": "on", **management(3, 0),
            # typed in the page in this order, but "Ordre" puts the direction second
            "steps-0-name": "Direction", "steps-0-rule": "all", "steps-0-deadline_days": "7",
            "steps-0-approver_role": "approver", "steps-0-role_in_act_department": "on", "steps-0-ORDER": "2",
            "steps-1-name": "Chef de bureau", "steps-1-rule": "any", "steps-1-deadline_days": "3",
            "steps-1-approver_users": [approver.pk, approver2.pk], "steps-1-ORDER": "1",
            "steps-2-name": "", "steps-2-rule": "any", "steps-2-deadline_days": "5",
            "steps-2-role_in_act_department": "on"}
    response = client.post(reverse("circuits:template_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    template = CircuitTemplate.objects.get(name="Délibérations de la DAC")
    assert template.natures == ["DE"] and list(template.departments.all()) == [world.departments["DAC"]]
    steps = list(template.steps.order_by("position"))
    assert [(s.position, s.name, s.rule, s.deadline_days) for s in steps] == [
        (1, "Chef de bureau", "any", 3), (2, "Direction", "all", 7)]
    assert set(steps[0].approver_users.all()) == {approver, approver2}
    assert steps[1].approver_role == "approver" and steps[1].role_in_act_department
    entry = JournalEntry.objects.get(action="circuit_template.created")
    assert entry.actor == admin and entry.data["after"]["steps"][0]["name"] == "Chef de bureau"


def test_editing_removes_and_reorders_steps_and_is_journaled(world, client):
    approver = world.users[Role.APPROVER]
    template = make_template(world, "Circuit", steps=[
        {"name": "Un", "users": [approver]}, {"name": "Deux", "users": [approver]},
        {"name": "Trois", "users": [approver]}])
    client.force_login(world.users[Role.ADMINISTRATOR])
    page = client.get(reverse("circuits:template_edit", args=[template.pk]))
    assert page.status_code == 200 and "Trois" in page.content.decode()
    data = {"name": "Circuit revu", "active": "on", **management(5, 3)}
    for i, (name, order, delete) in enumerate([("Un", "2", False), ("Deux", "3", True), ("Trois", "1", False)]):
        data.update({f"steps-{i}-name": name, f"steps-{i}-rule": "any", f"steps-{i}-deadline_days": "5",
                     f"steps-{i}-approver_users": [approver.pk], f"steps-{i}-ORDER": order})
        if delete:
            data[f"steps-{i}-DELETE"] = "on"
    for i in (3, 4):
        data.update({f"steps-{i}-rule": "any", f"steps-{i}-deadline_days": "5",
                     f"steps-{i}-role_in_act_department": "on"})
    response = client.post(reverse("circuits:template_edit", args=[template.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    template.refresh_from_db()
    assert template.name == "Circuit revu"
    assert list(template.steps.order_by("position").values_list("name", flat=True)) == ["Trois", "Un"]
    entry = JournalEntry.objects.get(action="circuit_template.updated")
    assert [s["name"] for s in entry.data["before"]["steps"]] == ["Un", "Deux", "Trois"]


def test_step_without_approver_is_refused_and_input_kept(world, client):
    client.force_login(world.users[Role.ADMINISTRATOR])
    data = {"name": "Circuit incomplet", "active": "on", **management(1, 0),
            "steps-0-name": "Étape sans valideur", "steps-0-rule": "any", "steps-0-deadline_days": "5"}
    response = client.post(reverse("circuits:template_create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Désignez au moins un valideur nommé ou un rôle." in body
    assert "Circuit incomplet" in body and "Étape sans valideur" in body
    assert not CircuitTemplate.objects.exists()


def test_users_of_another_authority_cannot_be_named(world, other_world, client):
    client.force_login(world.users[Role.ADMINISTRATOR])
    data = {"name": "Circuit", "active": "on", **management(1, 0),
            "steps-0-name": "Visa", "steps-0-rule": "any", "steps-0-deadline_days": "5",
            "steps-0-approver_users": [other_world.users[Role.APPROVER].pk]}
    response = client.post(reverse("circuits:template_create"), data)
    assert response.status_code == 200
    assert not CircuitTemplate.objects.exists()
