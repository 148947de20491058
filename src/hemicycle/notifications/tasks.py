from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone

from .models import Notification


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail copies of in-app notifications (console backend in the embedded mode)."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related("user"):
        if not notification.user.email:
            continue
        link = settings.HEMICYCLE_BASE_URL.rstrip("/") + notification.url if notification.url else settings.HEMICYCLE_BASE_URL
        send_mail(
            subject=f"[Hémicycle] {notification.get_kind_display()} — {notification.message[:120]}",
            message=f"Bonjour {notification.user.display_name},\n\n{notification.message}\n\n{link}\n\n— Hémicycle",
            from_email=None, recipient_list=[notification.user.email],
        )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
