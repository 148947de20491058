"""Logins of privileged staff are journaled; failed logins too, even for unknown names."""

from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.core.testing import PASSWORD
from hemicycle.journal.models import JournalEntry


def login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       REMOTE_ADDR="192.0.2.7")


def test_privileged_logins_are_journaled(client, world):
    for role in (Role.SECRETARIAT, Role.ADMINISTRATOR, Role.SIGNATORY, Role.APPROVER):
        user = world.users[role]
        assert login(client, user.username).status_code == 302
        entry = JournalEntry.objects.filter(action="auth.login").latest("seq")
        assert entry.actor_id == user.pk and entry.authority_id == world.authority.pk
        assert entry.data == {"ip": "192.0.2.7"}
        client.logout()
    assert JournalEntry.objects.filter(action="auth.login").count() == 4


def test_other_logins_are_not_journaled(client, world):
    for role in (Role.DRAFTER, Role.MEMBER, Role.PARTNER):
        assert login(client, world.users[role].username).status_code == 302
        client.logout()
    assert not JournalEntry.objects.filter(action="auth.login").exists()


def test_failed_logins_are_journaled(client, world):
    login(client, world.users[Role.DRAFTER].username, "mauvais")
    login(client, "personne", "mauvais")
    known, unknown = JournalEntry.objects.filter(action="auth.login_failed").order_by("seq")
    assert known.authority_id == world.authority.pk and known.object_id == str(world.users[Role.DRAFTER].pk)
    assert known.data == {"username": world.users[Role.DRAFTER].username, "ip": "192.0.2.7"}
    assert unknown.authority_id is None and unknown.data["username"] == "personne"
    assert "mauvais" not in str(known.data) + str(unknown.data)
