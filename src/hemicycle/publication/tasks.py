"""Background work of publication: the e-mail that notifies an act to a partner."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PartnerNotification


def notification_link(notification: PartnerNotification) -> str:
    return settings.HEMICYCLE_BASE_URL.rstrip("/") + reverse("publication:notified",
                                                             kwargs={"token": notification.token})


@task()
def send_partner_notification(notification_id: int) -> bool:
    """Send the notification e-mail once (a retried task does not send it twice)."""
    notification = (PartnerNotification.objects.select_related("act", "authority")
                    .filter(pk=notification_id, sent_at__isnull=True).first())
    if notification is None:
        return False
    act = notification.act
    body = _(
        "Bonjour %(name)s,\n\n"
        "%(authority)s vous notifie l'acte suivant :\n\n"
        "%(reference)s — %(object)s\n\n"
        "Vous pouvez le consulter et le télécharger à l'adresse personnelle suivante :\n%(link)s\n\n"
        "Cette adresse vous est propre : la consultation de l'acte est enregistrée et vaut accusé de lecture.\n\n"
        "— %(authority)s"
    ) % {"name": notification.name, "authority": notification.authority.name, "reference": act.reference,
         "object": act.object, "link": notification_link(notification)}
    send_mail(subject=_("[%(authority)s] Notification de l'acte %(reference)s") % {
        "authority": notification.authority.name, "reference": act.reference},
        message=body, from_email=None, recipient_list=[notification.email])
    PartnerNotification.objects.filter(pk=notification.pk).update(sent_at=timezone.now())
    return True
