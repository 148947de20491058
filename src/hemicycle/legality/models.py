"""Transmission of acts to the prefecture's legality control (@CTES, formats.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Transmission(models.Model):
    """One transmission of one act through a transmission operator (S²LOW-compatible API).

    A re-sending after an anomaly is a new Transmission (``attempt`` + 1); at most one per act is
    live (not cancelled, not in anomaly). ``idempotency_key`` is fixed before the operator is
    called, so a worker that dies mid-way never posts twice."""

    class State(models.TextChoices):
        TO_SEND = "to_send", _("À transmettre")
        POSTED = "posted", _("Déposé chez l'opérateur")
        TRANSMITTED = "transmitted", _("Transmis à la préfecture")
        ACKNOWLEDGED = "acknowledged", _("Acquitté")
        ANOMALY = "anomaly", _("En anomalie")
        REQUEST_PENDING = "request_pending", _("Demande de la préfecture en attente")
        CANCELLED = "cancelled", _("Annulé")

    authority = models.ForeignKey("organisation.Authority", on_delete=models.PROTECT, related_name="transmissions")
    act = models.ForeignKey("acts.Act", on_delete=models.PROTECT, related_name="transmissions")
    attempt = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.TO_SEND, db_index=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    archive_name = models.CharField(max_length=200, blank=True)  # XXX-EACT--SIREN--YYYYMMDD-serial.tar.gz
    archive_sha256 = models.CharField(max_length=64, blank=True)  # blob
    classification_version = models.ForeignKey("acts.ClassificationVersion", on_delete=models.PROTECT,
                                               null=True, blank=True, related_name="+")
    operator_id = models.CharField(_("identifiant chez l'opérateur"), max_length=100, blank=True)
    id_acte = models.CharField(_("IDActe"), max_length=100, blank=True, db_index=True)
    received_on = models.DateField(_("date de réception en préfecture"), null=True, blank=True)
    anomaly_reason = models.TextField(blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["act", "attempt"]
        constraints = [models.UniqueConstraint(fields=["act", "attempt"], name="unique_transmission_attempt")]

    def __str__(self) -> str:
        return f"{self.act.reference} — envoi {self.attempt}"


class PrefectureMessage(models.Model):
    """A message exchanged with the prefecture about a transmission (either direction)."""

    class Direction(models.TextChoices):
        IN = "in", _("Reçu")
        OUT = "out", _("Envoyé")

    transmission = models.ForeignKey(Transmission, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    flow = models.CharField(max_length=5)  # "1-2" ARActe, "1-3" AnomalieActe, "3-1" DemandePieceComplementaire…
    kind = models.CharField(max_length=50)  # "ARActe", "AnomalieActe", …
    received_at = models.DateTimeField(auto_now_add=True)
    date = models.DateField(null=True, blank=True)  # the date the message carries
    text = models.TextField(blank=True)  # reason, letter text…
    xml_sha256 = models.CharField(max_length=64, blank=True)  # the message as received/sent (blob)
    files = models.JSONField(default=list, blank=True)  # [{"name": …, "sha256": …}]
    answered_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The operator's transaction id of this document (a prefecture letter fetched from the operator,
    # or the answer posted to it): answers are posted against it, and a letter fetched twice is
    # recorded once. Empty for messages ingested from a file.
    operator_id = models.CharField(max_length=100, blank=True, db_index=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")

    class Meta:
        ordering = ["transmission", "received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.transmission.act.reference})"
