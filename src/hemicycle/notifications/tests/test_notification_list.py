from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.notifications.models import Notification
from hemicycle.notifications.services import notify


def test_list_and_mark_read(world, client):
    approver, drafter = world.users[Role.APPROVER], world.users[Role.DRAFTER]
    first, second = notify([approver], "to_approve", "Premier acte à viser", url="/actes/2026-DAC-1/")[0], \
        notify([approver], "reminder", "Relance sur le second acte")[0]
    theirs = notify([drafter], "sent_back", "Acte renvoyé au rédacteur")[0]
    client.force_login(approver)
    page = client.get(reverse("notifications:list"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Premier acte à viser" in body and "Relance sur le second acte" in body
    assert "Acte renvoyé au rédacteur" not in body
    assert "2 notifications non lues" in body

    # Someone else's notification: 404, untouched.
    assert client.post(reverse("notifications:mark_read"), {"id": theirs.pk}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None

    # Opening one marks it read and goes to its page.
    response = client.post(reverse("notifications:mark_read"), {"id": first.pk, "open": "1"})
    assert response.status_code == 302 and response["Location"] == "/actes/2026-DAC-1/"
    first.refresh_from_db()
    assert first.read_at is not None
    unread = client.get(reverse("notifications:list") + "?filtre=non-lues").content.decode()
    assert "Premier acte à viser" not in unread and "Relance sur le second acte" in unread

    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=approver, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405


def test_external_urls_are_not_followed(world, client):
    user = world.users[Role.APPROVER]
    n = notify([user], "comment", "Lien externe", url="https://evil.example/")[0]
    client.force_login(user)
    response = client.post(reverse("notifications:mark_read"), {"id": n.pk, "open": "1"})
    assert response["Location"] == reverse("notifications:list")
