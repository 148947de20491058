"""django-axes: five wrong passwords lock the account for this address; while locked, even the
right password is refused, with a French page; the lockout is journaled."""

from html import unescape

from axes.models import AccessAttempt
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.core.testing import PASSWORD
from hemicycle.journal.models import JournalEntry


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_five_failures_lock_the_account(client, world):
    username = world.users[Role.SECRETARIAT].username
    for attempt in range(4):
        response = login(client, username, "mauvais-mot-de-passe")
        assert response.status_code == 200
        assert "Identifiant ou mot de passe incorrect." in unescape(response.content.decode())
    response = login(client, username, "mauvais-mot-de-passe")
    assert response.status_code == 429
    page = unescape(response.content.decode())
    assert "Compte temporairement bloqué" in page
    assert "Trop de tentatives de connexion infructueuses. Réessayez dans 15 minutes" in page
    assert AccessAttempt.objects.get(username=username).failures_since_start == 5

    response = login(client, username, PASSWORD)
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in unescape(response.content.decode())
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("core:home")).status_code == 302  # still anonymous

    assert JournalEntry.objects.filter(action="auth.login_failed", data__username=username).count() == 4
    locked = JournalEntry.objects.filter(action="auth.locked_out", data__username=username)
    assert locked.count() == 2  # the fifth failure, then the refused right password
    assert locked.first().authority_id == world.authority.pk
    assert not JournalEntry.objects.filter(action="auth.login").exists()


def test_lockout_is_per_username(client, world):
    for _ in range(5):
        login(client, world.users[Role.SECRETARIAT].username, "mauvais")
    response = login(client, world.users[Role.DRAFTER].username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users[Role.DRAFTER].pk)


def test_success_before_the_limit_resets_the_counter(client, world):
    username = world.users[Role.DRAFTER].username
    for _ in range(4):
        login(client, username, "mauvais")
    assert login(client, username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert login(client, username, "mauvais").status_code == 200
    assert login(client, username, PASSWORD).status_code == 302
