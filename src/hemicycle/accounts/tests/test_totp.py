"""TOTP second factor: enrolment on the account page, the code asked after the password, every
protected page closed until it is given, and removal with a code."""

from base64 import b32encode
from html import unescape
from urllib.parse import quote

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from hemicycle.core.roles import Role
from hemicycle.core.testing import PASSWORD
from hemicycle.journal.models import JournalEntry


def text(response) -> str:
    return unescape(response.content.decode())


def code(device: TOTPDevice) -> str:
    """The current code, as the user's phone would show it."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def fresh_code(device: TOTPDevice) -> str:
    """A code usable again within the same 30 s: forget the last accepted step (anti-replay)."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0,
                                                   throttling_failure_timestamp=None)
    return code(device)


def wrong_code(device: TOTPDevice) -> str:
    return "000000" if code(device) != "000000" else "111111"


def enrol(client, user) -> TOTPDevice:
    client.force_login(user)
    client.post(reverse("accounts:account"), {"step": "start"})
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("accounts:account"), {"step": "confirm", "token": code(device)}, follow=True)
    assert "La double authentification est activée." in text(response)
    return device


def test_enrolment_shows_qr_code_and_secret_then_confirms(client, world):
    user = world.users[Role.SIGNATORY]
    client.force_login(user)
    page = text(client.get(reverse("accounts:account")))
    assert "Activer la double authentification" in page
    client.post(reverse("accounts:account"), {"step": "start"})
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    page = text(client.get(reverse("accounts:account")))
    assert 'src="data:image/svg+xml;base64,' in page
    secret = b32encode(device.bin_key).decode().rstrip("=")
    assert secret[:4] + " " + secret[4:8] in page
    response = client.post(reverse("accounts:account"), {"step": "confirm", "token": wrong_code(device)})
    assert "Code incorrect ou expiré" in text(response)
    device.refresh_from_db()
    assert not device.confirmed
    response = client.post(reverse("accounts:account"), {"step": "confirm", "token": fresh_code(device)}, follow=True)
    device.refresh_from_db()
    assert device.confirmed
    assert "La double authentification est activée" in text(response)
    assert JournalEntry.objects.filter(action="auth.totp_enabled", actor_id=user.pk).count() == 1
    assert client.get(reverse("core:home")).status_code == 200  # this session proved the code


def test_bad_code_format_is_explained(client, world):
    client.force_login(world.users[Role.DRAFTER])
    client.post(reverse("accounts:account"), {"step": "start"})
    response = client.post(reverse("accounts:account"), {"step": "confirm", "token": "12ab"})
    assert "Le code compte exactement 6 chiffres." in text(response)


def test_login_then_code_is_required_everywhere(client, world):
    user = world.users[Role.ADMINISTRATOR]
    device = enrol(client, user)
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD,
                                                       "next": reverse("organisation:members")})
    assert response.status_code == 302
    assert response.url == reverse("accounts:otp_verify") + "?next=" + quote(reverse("organisation:members"), safe="")
    for url in (reverse("core:home"), reverse("organisation:users"), reverse("accounts:account")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify")), url
    page = client.get(response.url)
    assert page.status_code == 200 and "Code à 6 chiffres" in text(page)
    response = client.post(reverse("accounts:otp_verify"), {"token": wrong_code(device),
                                                           "next": reverse("organisation:members")})
    assert "Code incorrect ou expiré" in text(response)
    assert JournalEntry.objects.filter(action="auth.otp_failed", actor_id=user.pk).count() == 1
    response = client.post(reverse("accounts:otp_verify"), {"token": fresh_code(device),
                                                           "next": reverse("organisation:members")})
    assert response.status_code == 302 and response.url == reverse("organisation:members")
    assert client.get(reverse("organisation:users")).status_code == 200


def test_a_code_cannot_be_replayed(client, world):
    user = world.users[Role.SECRETARIAT]
    device = enrol(client, user)
    used = code(device)  # accepted at enrolment
    client.logout()
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    response = client.post(reverse("accounts:otp_verify"), {"token": used})
    assert "Code incorrect ou expiré" in text(response)
    assert client.get(reverse("core:home")).status_code == 302


def test_unsafe_next_is_ignored(client, world):
    user = world.users[Role.APPROVER]
    device = enrol(client, user)
    client.logout()
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    response = client.post(reverse("accounts:otp_verify"), {"token": fresh_code(device),
                                                           "next": "https://evil.example/"})
    assert response.url == reverse("core:home")


def test_logout_is_possible_before_the_code(client, world):
    user = world.users[Role.SIGNATORY]
    enrol(client, user)
    client.logout()
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert "_auth_user_id" in client.session
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_disable_needs_a_code(client, world):
    user = world.users[Role.DRAFTER]
    device = enrol(client, user)
    response = client.post(reverse("accounts:account"), {"step": "disable", "token": wrong_code(device)})
    assert "Code incorrect" in text(response)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    client.post(reverse("accounts:account"), {"step": "disable", "token": fresh_code(device)})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert JournalEntry.objects.filter(action="auth.totp_disabled").count() == 1
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.url == reverse("core:home")


def test_members_are_not_offered_totp(client, world):
    client.force_login(world.users[Role.MEMBER])
    page = text(client.get(reverse("accounts:account")))
    assert "proposée aux agents" in page and "Activer la double authentification" not in page
    client.post(reverse("accounts:account"), {"step": "start"})
    assert not TOTPDevice.objects.exists()
