"""Queue notifications: an inbox entry now, and an e-mail sent by the task worker after commit."""

from django.db import transaction

from .models import Notification


def notify(users, kind: str, message: str, *, act=None, url: str = "", exclude=None) -> list[Notification]:
    """Notify each user once (in-app), then e-mail them once the transaction commits."""
    seen, created = set(), []
    for user in users:
        if user is None or user.pk in seen or (exclude is not None and user.pk == exclude.pk) or not user.is_active:
            continue
        seen.add(user.pk)
        created.append(Notification.objects.create(user=user, kind=kind, message=message[:500], act=act, url=url))
    if created:
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: _enqueue_emails(ids))
    return created


def _enqueue_emails(ids):
    from .tasks import send_notification_emails

    send_notification_emails.enqueue(ids)


def mark_read(user, ids=None) -> int:
    """Mark the user's notifications as read (the given ids only, or all); returns how many."""
    from django.utils import timezone

    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
