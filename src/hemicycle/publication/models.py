"""Publication of acts on the public portal (L2131-1, R2131-1), masking of personal data in the
published copy (CRPA L312-1-2) and notification of acts to partners with proof of opening.

A Publication keeps what the portal shows, frozen at publication time: the (masked) object,
the author's name and capacity (R2131-1), the date put online and the SHA-256 of the published
PDF — the signed original when nothing is masked, else the masked copy. The signed original is
never touched. The portal searches ``search_text``: object, reference and matières, lower-cased
and without accents, so that a plain ``icontains`` finds « delibération » in « Délibération »
on SQLite and PostgreSQL alike.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    authority = models.ForeignKey("organisation.Authority", on_delete=models.PROTECT, related_name="publications")
    act = models.OneToOneField("acts.Act", on_delete=models.PROTECT, related_name="publication")
    sitting = models.ForeignKey("sittings.Sitting", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="publications")
    published_at = models.DateTimeField(_("mis en ligne le"), db_index=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # R2131-1: the author's first name, name and capacity.
    author_name = models.CharField(_("auteur"), max_length=200)
    author_capacity = models.CharField(_("qualité de l'auteur"), max_length=200)
    # Shown on the portal (the object with its masked passages replaced).
    object = models.CharField(_("objet"), max_length=600)
    nature = models.CharField(_("nature"), max_length=2, db_index=True)
    matiere_codes = models.JSONField(default=list, blank=True)
    matiere_label = models.CharField(max_length=300, blank=True)  # "7.5 Subventions"
    matiere_root = models.CharField(max_length=20, blank=True, db_index=True)  # "7"
    decision_date = models.DateField(_("date de la décision"), db_index=True)
    number = models.PositiveIntegerField(null=True, blank=True)  # order number within the sitting
    pdf_sha256 = models.CharField(max_length=64)  # the published PDF (blob)
    masked = models.BooleanField(default=False)  # True: pdf_sha256 is a masked copy
    source_sha256 = models.CharField(max_length=64)  # the signed original it was made from
    search_text = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("publication")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["authority", "published_at"]),
                   models.Index(fields=["authority", "decision_date"])]

    def __str__(self) -> str:
        return f"{self.act.reference} (publié)"

    @property
    def online(self) -> bool:
        return self.withdrawn_at is None


class Masking(models.Model):
    """A passage of the act to mask in the published copy, marked by the secretariat.

    ``field`` says where: object, visas, considerants, articles (the parts of the act printed in
    its final document; the exposé des motifs is not published); "" masks the passage wherever
    it appears in the document. Every occurrence of ``text`` is replaced by « [occulté] »."""

    class Field(models.TextChoices):
        ANYWHERE = "", _("Partout dans l'acte")
        OBJECT = "object", _("Objet")
        VISAS = "visas", _("Visas")
        CONSIDERANTS = "considerants", _("Considérants")
        ARTICLES = "articles", _("Articles")

    act = models.ForeignKey("acts.Act", on_delete=models.CASCADE, related_name="maskings")
    field = models.CharField(_("emplacement"), max_length=20, choices=Field.choices, blank=True, default="")
    text = models.CharField(_("passage"), max_length=500)
    kind = models.CharField(max_length=20, blank=True)  # the suggestion it came from: person, address, email, phone
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("occultation")
        ordering = ["act", "pk"]
        constraints = [models.UniqueConstraint(fields=["act", "field", "text"], name="unique_masking_passage")]

    def __str__(self) -> str:
        return self.text


class PartnerNotification(models.Model):
    """An act notified by e-mail to a partner (e.g. the association receiving a subsidy), with a
    personal link; opening the link is recorded (first opening and count) as proof."""

    authority = models.ForeignKey("organisation.Authority", on_delete=models.PROTECT, related_name="+")
    act = models.ForeignKey("acts.Act", on_delete=models.PROTECT, related_name="partner_notifications")
    name = models.CharField(_("destinataire"), max_length=200)
    email = models.EmailField(_("adresse électronique"))
    token = models.CharField(max_length=64, unique=True)
    pdf_sha256 = models.CharField(max_length=64)  # the signed document notified
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    opened_at = models.DateTimeField(_("ouvert le"), null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    opened_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("notification à un partenaire")
        ordering = ["act", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.act.reference} → {self.name} <{self.email}>"
