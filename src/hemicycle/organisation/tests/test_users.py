from html import unescape

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from hemicycle.accounts.models import User
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry

PASSWORD = "un-mot-de-passe-bien-long-2026"


def text(response) -> str:
    return unescape(response.content.decode())


def user_data(**extra):
    data = {"username": "c.durand", "first_name": "Camille", "last_name": "Durand", "email": "c.durand@example.org",
            "title": "Chargée de mission", "department": "", "password": PASSWORD}
    data.update(extra)
    return data


def test_create_user_with_scoped_role(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    dfpe = world.departments["DFPE"]
    response = client.post(reverse("organisation:user_new"), user_data(
        department=dfpe.pk, role_drafter="on", scope_drafter=[dfpe.pk], role_approver="on"))
    assert response.status_code == 302, text(response)
    user = User.objects.get(username="c.durand")
    assert user.authority == world.authority and user.department == dfpe
    assert user.check_password(PASSWORD)
    assert set(user.role_assignments.values_list("role", "department_id")) == {("drafter", dfpe.pk), ("approver", None)}
    entry = JournalEntry.objects.get(action="organisation.user_created")
    assert PASSWORD not in str(entry.data)
    page = text(client.get(reverse("organisation:users")))
    assert "Camille Durand" in page and "Rédacteur (DFPE)" in page


def test_bad_input_is_refused_and_kept(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    response = client.post(reverse("organisation:user_new"), user_data(username="vil-redacteur", password="court"))
    page = text(response)
    assert response.status_code == 200
    assert "Cet identifiant est déjà pris." in page or "Ce mot de passe est trop court" in page
    assert 'value="Chargée de mission"' in page
    response = client.post(reverse("organisation:user_new"), user_data(password="court"))
    assert "trop court" in text(response)
    assert not User.objects.filter(username="c.durand").exists()
    response = client.post(reverse("organisation:user_new"), user_data(password=""))
    assert not User.objects.filter(username="c.durand").exists()


def test_edit_roles_and_keep_password(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    target = world.users[Role.DRAFTER]
    response = client.post(reverse("organisation:user_edit", args=[target.pk]), user_data(
        username=target.username, first_name="Renée", last_name="Test", password="", role_signatory="on"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.first_name == "Renée"
    assert list(target.role_assignments.values_list("role", flat=True)) == ["signatory"]
    assert target.check_password("motdepasse-de-test-42")  # empty password field: unchanged
    entry = JournalEntry.objects.get(action="organisation.user_updated")
    assert entry.data["changes"]["roles"]["ajoutés"] == ["signatory:*"]


def test_deactivate_never_delete_and_not_oneself(client, world):
    admin = world.users[Role.ADMINISTRATOR]
    client.force_login(admin)
    target = world.users[Role.DRAFTER]
    client.post(reverse("organisation:user_toggle", args=[target.pk]), {"active": "0"})
    target.refresh_from_db()
    assert not target.is_active and User.objects.filter(pk=target.pk).exists()
    client.logout()
    client.post(reverse("accounts:login"), {"username": target.username, "password": "motdepasse-de-test-42"})
    assert "_auth_user_id" not in client.session
    client.force_login(admin)
    response = client.post(reverse("organisation:user_toggle", args=[admin.pk]), {"active": "0"}, follow=True)
    assert "Vous ne pouvez pas désactiver votre propre compte." in text(response)
    admin.refresh_from_db()
    assert admin.is_active


def test_administrator_cannot_drop_own_admin_role(client, world):
    admin = world.users[Role.ADMINISTRATOR]
    client.force_login(admin)
    response = client.post(reverse("organisation:user_edit", args=[admin.pk]), user_data(
        username=admin.username, password="", role_secretariat="on"))
    assert "Vous ne pouvez pas retirer votre propre rôle d'administrateur." in text(response)
    assert admin.role_assignments.filter(role=Role.ADMINISTRATOR).exists()


def test_reset_second_factor(client, world):
    target = world.users[Role.SIGNATORY]
    TOTPDevice.objects.create(user=target, name="tel", confirmed=True)
    client.force_login(world.users[Role.ADMINISTRATOR])
    assert "Retirer la double authentification" in text(client.get(reverse("organisation:user_edit", args=[target.pk])))
    client.post(reverse("organisation:user_reset_totp", args=[target.pk]))
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert JournalEntry.objects.filter(action="organisation.user_second_factor_reset").count() == 1


def test_scope_on_a_deactivated_department_survives_an_edit(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    target = world.users["drafter2"]  # drafter limited to DFPE
    dfpe = world.departments["DFPE"]
    dfpe.active = False
    dfpe.save()
    form = client.get(reverse("organisation:user_edit", args=[target.pk])).context["form"]
    assert list(form["scope_drafter"].initial) == [dfpe.pk]
    client.post(reverse("organisation:user_edit", args=[target.pk]), user_data(
        username=target.username, password="", role_drafter="on", scope_drafter=[dfpe.pk]))
    assert list(target.role_assignments.values_list("role", "department_id")) == [("drafter", dfpe.pk)]
