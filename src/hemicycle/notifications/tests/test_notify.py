from django.core import mail
from django.db import transaction

from hemicycle.notifications.models import Notification
from hemicycle.notifications.services import notify


def test_notify_creates_inbox_entries_and_emails_after_commit(world, django_capture_on_commit_callbacks):
    drafter, approver = world.users["drafter"], world.users["approver"]
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notify([approver, approver, drafter], "to_approve", "Un acte attend votre visa", url="/x/", exclude=drafter)
    assert Notification.objects.filter(user=approver).count() == 1
    assert not Notification.objects.filter(user=drafter).exists()
    assert len(mail.outbox) == 1 and "attend votre visa" in mail.outbox[0].body
    assert Notification.objects.get(user=approver).emailed_at is not None
