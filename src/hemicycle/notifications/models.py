"""In-app notifications (the inbox) and their e-mail copies."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        TO_APPROVE = "to_approve", _("À valider")
        SENT_BACK = "sent_back", _("Renvoyé")
        APPROVED = "approved", _("Validé")
        READY = "ready", _("Prêt pour la séance")
        MENTION = "mention", _("Mention")
        COMMENT = "comment", _("Commentaire")
        REMINDER = "reminder", _("Relance")
        DELEGATION = "delegation", _("Délégation")
        PROXY = "proxy", _("Pouvoir")
        MOTION = "motion", _("Vœu")
        CONVOCATION = "convocation", _("Convocation")
        SITTING = "sitting", _("Séance")
        SIGNATURE = "signature", _("Signature")
        PREFECTURE = "prefecture", _("Préfecture")
        PUBLICATION = "publication", _("Publication")
        REGISTER = "register", _("Registre")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    act = models.ForeignKey("acts.Act", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message
