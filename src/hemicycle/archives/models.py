"""Archives of the authority's deliberations (issue 4).

- ``RegisterVolume``: the register of deliberations of one year (L2121-23, R2121-9), rendered
  as PDF/A-2b pages to print and bind, co-signed electronically by a president and a secretary,
  with its electronic twin (JSON and CSV listing every act with the SHA-256 of its signed PDF).
- ``ArchiveTransfer``: one SEDA 2.3 transfer package produced (what, when, by whom, digests).

Files live in the content-addressed blob store (core/blobs.py); models keep SHA-256 names.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegisterVolume(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("À signer")
        PARTIALLY_SIGNED = "partially_signed", _("Signature en cours")
        SIGNED = "signed", _("Signé")

    authority = models.ForeignKey("organisation.Authority", on_delete=models.PROTECT, related_name="register_volumes")
    year = models.PositiveSmallIntegerField(_("année"))
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    # Bumped every time the content changes (a new sitting, a newly signed act…); an unchanged
    # content is not rendered again (source_sha256).
    version = models.PositiveIntegerField(default=1)
    source_sha256 = models.CharField(max_length=64, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)  # rendered, unsigned PDF/A-2b (blob)
    signed_sha256 = models.CharField(max_length=64, blank=True)  # after the latest signature (blob)
    twin_sha256 = models.CharField(max_length=64, blank=True)  # electronic twin, JSON (blob)
    twin_csv_sha256 = models.CharField(max_length=64, blank=True)  # the same listing as CSV (blob)
    pages = models.PositiveIntegerField(default=0)
    sittings_count = models.PositiveIntegerField(default=0)
    acts_count = models.PositiveIntegerField(default=0)
    # Deliberations without a signed final document when the volume was produced: signing waits.
    missing = models.JSONField(default=list, blank=True)  # [{"sitting", "number", "reference", "object"}]
    # Electronic signatures applied, in order: [{"user", "name", "capacity", "role", "field", "at", "sha256"}]
    signatures = models.JSONField(default=list, blank=True)
    # Earlier versions (their files stay in the blob store and under fixity checks).
    history = models.JSONField(default=list, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registre des délibérations")
        ordering = ["authority", "-year"]
        constraints = [models.UniqueConstraint(fields=["authority", "year"], name="unique_register_year")]

    def __str__(self) -> str:
        return f"Registre des délibérations {self.year}"

    @property
    def current_sha256(self) -> str:
        """The register to print and keep: the signed PDF once there is one."""
        return self.signed_sha256 or self.pdf_sha256

    def signed_roles(self) -> set[str]:
        return {s.get("role") for s in self.signatures}


class ArchiveTransfer(models.Model):
    """A SEDA 2.3 ArchiveTransfer package (zip: manifest + files) produced for a sitting or a year."""

    class Scope(models.TextChoices):
        SITTING = "sitting", _("Séance")
        YEAR = "year", _("Année")

    authority = models.ForeignKey("organisation.Authority", on_delete=models.PROTECT, related_name="archive_transfers")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    sitting = models.ForeignKey("sittings.Sitting", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    message_identifier = models.CharField(max_length=200, unique=True)
    zip_sha256 = models.CharField(max_length=64)  # the package (blob)
    zip_size = models.PositiveBigIntegerField(default=0)
    manifest_sha256 = models.CharField(max_length=64)  # manifest.xml (blob)
    # Every file of the package: [{"path", "sha256", "sha512", "size", "owner"}]; each is also a blob.
    files = models.JSONField(default=list, blank=True)
    acts_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("versement SEDA")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.message_identifier

    @property
    def filename(self) -> str:
        return f"{self.message_identifier}.zip"
