"""Final documents of acts (issue 4): the rendered PDF/A-2b of an adopted act (or of an arrêté
signed outside a sitting) and the PAdES signatures applied to it.

Files live in the content-addressed blob store (core/blobs.py): the model keeps SHA-256 names.
A FinalDocument is immutable once signed: any change is refused and journaled
(documents/final.py and documents/signing.py hold the actions).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FinalDocument(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("À générer")
        RENDERED = "rendered", _("Généré, à signer")
        PARTIALLY_SIGNED = "partially_signed", _("Signature en cours")
        SIGNED = "signed", _("Signé")
        FAILED = "failed", _("Erreur")

    authority = models.ForeignKey("organisation.Authority", on_delete=models.PROTECT, related_name="final_documents")
    act = models.OneToOneField("acts.Act", on_delete=models.PROTECT, related_name="final")
    # The agenda item that decided it (None for an arrêté signed outside a sitting).
    item = models.OneToOneField("sittings.AgendaItem", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="final")
    number = models.PositiveIntegerField(_("numéro d'ordre"), null=True, blank=True)  # within the sitting
    decision_date = models.DateField(_("date de la décision"))
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.PENDING, db_index=True)
    # SHA-256 of everything the document is made from: re-rendering unchanged inputs is a no-op.
    source_sha256 = models.CharField(max_length=64, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)  # rendered, unsigned PDF/A-2b (blob)
    signed_sha256 = models.CharField(max_length=64, blank=True)  # latest signed PDF (blob), after every signature
    pages = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # Who signs it and where (documents/final.py): [{"member": id, "first_name", "last_name", "capacity",
    # "field_name": "Signature1", "page": -1, "box": [x1, y1, x2, y2]}] — the zone reserved on the page.
    signatories = models.JSONField(default=list, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)  # when the last required signature was applied

    class Meta:
        verbose_name = _("document définitif")
        verbose_name_plural = _("documents définitifs")
        indexes = [models.Index(fields=["authority", "state"])]

    def __str__(self) -> str:
        return f"{self.act.reference} (définitif)"

    @property
    def is_signed(self) -> bool:
        return self.state == self.State.SIGNED

    @property
    def current_sha256(self) -> str:
        """The file to show, transmit, publish and archive: the signed one once there is one."""
        return self.signed_sha256 or self.pdf_sha256


class Signature(models.Model):
    """One PAdES signature applied to a final document (co-signatures: one row each, in order)."""

    document = models.ForeignKey(FinalDocument, on_delete=models.CASCADE, related_name="signatures")
    position = models.PositiveSmallIntegerField(default=1)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    signer_name = models.CharField(_("signataire"), max_length=200)  # "Anne Lefèvre"
    capacity = models.CharField(_("qualité"), max_length=200)  # "Maire de Belval-sur-Loire"
    field_name = models.CharField(max_length=64)  # the PDF signature field
    signed_at = models.DateTimeField()  # from the RFC 3161 token when there is one
    timestamped = models.BooleanField(default=False)
    certificate_subject = models.CharField(max_length=500, blank=True)
    certificate_sha256 = models.CharField(max_length=64, blank=True)
    input_sha256 = models.CharField(max_length=64)  # the PDF it was applied to
    output_sha256 = models.CharField(max_length=64)  # the PDF it produced (blob)

    class Meta:
        ordering = ["document", "position"]
        constraints = [models.UniqueConstraint(fields=["document", "position"], name="unique_signature_position")]

    def __str__(self) -> str:
        return f"{self.signer_name}, {self.capacity}"


class SignedMinutes(models.Model):
    """The adopted minutes (procès-verbal, L2121-15) of a sitting frozen as PDF/A-2b, then signed
    by the sitting's president and secretaries (co-signature, one PAdES signature each in
    incremental updates). documents/minutes_signing.py holds the actions."""

    class State(models.TextChoices):
        AWAITING = "awaiting", _("À signer")
        PARTIALLY_SIGNED = "partially_signed", _("Signature en cours")
        SIGNED = "signed", _("Signé")

    authority = models.ForeignKey("organisation.Authority", on_delete=models.PROTECT, related_name="signed_minutes")
    minutes = models.OneToOneField("sittings.Minutes", on_delete=models.PROTECT, related_name="signed")
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.AWAITING, db_index=True)
    pdf_sha256 = models.CharField(max_length=64)  # the adopted minutes, frozen, unsigned (blob)
    signed_sha256 = models.CharField(max_length=64, blank=True)  # latest signed PDF (blob), after every signature
    # Who signs and where, fixed when frozen: [{"role": "president"|"secretary", "member": id,
    # "name", "capacity", "field_name", "page", "box": [x1, y1, x2, y2]}], in signing-zone order.
    signatories = models.JSONField(default=list, blank=True)
    frozen_at = models.DateTimeField()
    signed_at = models.DateTimeField(null=True, blank=True)  # when the last required signature was applied

    class Meta:
        verbose_name = _("procès-verbal signé")
        verbose_name_plural = _("procès-verbaux signés")

    def __str__(self) -> str:
        return f"Procès-verbal signé — {self.minutes.sitting}"

    @property
    def is_signed(self) -> bool:
        return self.state == self.State.SIGNED

    @property
    def current_sha256(self) -> str:
        return self.signed_sha256 or self.pdf_sha256


class MinutesSignature(models.Model):
    """One PAdES signature applied to signed minutes (co-signatures: one row each, in order)."""

    minutes = models.ForeignKey(SignedMinutes, on_delete=models.CASCADE, related_name="signatures")
    position = models.PositiveSmallIntegerField(default=1)
    role = models.CharField(max_length=20)  # "president" or "secretary"
    member = models.ForeignKey("organisation.Member", on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("signataire"), max_length=200)
    capacity = models.CharField(_("qualité"), max_length=200)
    field_name = models.CharField(max_length=64)
    signed_at = models.DateTimeField()  # from the RFC 3161 token when there is one
    timestamped = models.BooleanField(default=False)
    certificate_subject = models.CharField(max_length=500, blank=True)
    certificate_sha256 = models.CharField(max_length=64, blank=True)
    input_sha256 = models.CharField(max_length=64)
    output_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["minutes", "position"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "position"], name="unique_minutes_signature_position"),
            models.UniqueConstraint(fields=["minutes", "member"], name="unique_minutes_signature_member"),
        ]

    def __str__(self) -> str:
        return f"{self.signer_name}, {self.capacity}"
