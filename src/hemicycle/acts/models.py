"""The act: one object from its first draft to its archive."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Nature(models.TextChoices):
    """@CTES natures (formats.md): the code and its number in the ACTES protocol."""

    DE = "DE", _("Délibération")
    AR = "AR", _("Acte réglementaire")
    AI = "AI", _("Acte individuel")
    CC = "CC", _("Contrat, convention ou avenant")
    BF = "BF", _("Document budgétaire et financier")
    AU = "AU", _("Autre")


NATURE_ACTES_NUMBER = {"DE": 1, "AR": 2, "AI": 3, "CC": 4, "BF": 5, "AU": 6}


class SittingType(models.TextChoices):
    COUNCIL = "council", _("Conseil")
    COMMITTEE = "committee", _("Commission")
    STANDING_COMMITTEE = "standing_committee", _("Commission permanente")
    DISTRICT_COUNCIL = "district_council", _("Conseil d'arrondissement")
    NONE = "none", _("Hors séance (arrêté)")


class ActState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    IN_CIRCUIT = "in_circuit", _("En circuit de validation")
    SENT_BACK = "sent_back", _("Renvoyé au rédacteur")
    READY = "ready", _("Prêt pour la séance")
    ON_AGENDA = "on_agenda", _("Inscrit à l'ordre du jour")
    ADOPTED = "adopted", _("Adopté")
    REJECTED = "rejected", _("Rejeté")
    WITHDRAWN = "withdrawn", _("Retiré de l'ordre du jour")


class ClassificationVersion(models.Model):
    """A classification (matières) received from the prefecture (RetourClassification, 7-2)."""

    authority = models.ForeignKey("organisation.Authority", on_delete=models.CASCADE,
                                  related_name="classification_versions")
    version_date = models.DateField(_("date de version"))
    imported_at = models.DateTimeField(auto_now_add=True)
    source_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-version_date"]
        constraints = [models.UniqueConstraint(fields=["authority", "version_date"], name="unique_classification_version")]

    def __str__(self) -> str:
        return f"Classification du {self.version_date:%d/%m/%Y}"


class Matiere(models.Model):
    """One node of the classification, e.g. code "7.5" « Subventions »."""

    version = models.ForeignKey(ClassificationVersion, on_delete=models.CASCADE, related_name="matieres")
    code = models.CharField(max_length=20)
    label = models.CharField(max_length=300)
    level = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["version", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_matiere_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class NumberingPattern(models.Model):
    """How references are made, per authority and nature: e.g. ``{year} {dept} {seq}``.

    Placeholders: {year}, {dept} (department code), {nature}, {seq} (the counter; {seq:04d}
    pads it). The counter runs per distinct rendered prefix, so "2026 DAC" and "2026 DFPE"
    count separately and two natures sharing a pattern share its counter (no duplicates).
    """

    authority = models.ForeignKey("organisation.Authority", on_delete=models.CASCADE, related_name="numbering_patterns")
    nature = models.CharField(max_length=2, choices=Nature.choices)
    pattern = models.CharField(max_length=100, default="{year} {dept} {seq}")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["authority", "nature"], name="unique_numbering_pattern")]


class NumberingCounter(models.Model):
    authority = models.ForeignKey("organisation.Authority", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=120)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["authority", "scope"], name="unique_numbering_scope")]


def slug_for_reference(reference: str) -> str:
    """URL form of a reference: "2026 DAC 123" → "2026-DAC-123" (spaces → "-", "/" → "_")."""
    return "-".join(reference.split()).replace("/", "_").replace("?", "_").replace("#", "_").replace("%", "_")


class Act(models.Model):
    authority = models.ForeignKey("organisation.Authority", on_delete=models.PROTECT, related_name="acts")
    reference = models.CharField(_("référence"), max_length=60)
    # URL form of the reference (/actes/2026-DAC-123/), stored so that look-ups never have to
    # guess which dashes were spaces. Filled on first save (see ``unique_slug``).
    # Code that bulk_creates acts (no save()) must set it: ``slug=slug_for_reference(reference)``.
    slug = models.CharField(_("identifiant d'URL"), max_length=80, default="", blank=True, editable=False,
                            db_index=True)
    nature = models.CharField(_("nature"), max_length=2, choices=Nature.choices, default=Nature.DE)
    state = models.CharField(_("état"), max_length=20, choices=ActState.choices, default=ActState.DRAFT, db_index=True)
    object = models.CharField(_("objet"), max_length=500)
    department = models.ForeignKey("organisation.Department", on_delete=models.PROTECT, related_name="acts",
                                   verbose_name=_("direction"))
    drafter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drafted_acts",
                                verbose_name=_("rédacteur"))
    rapporteur = models.ForeignKey("organisation.Member", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="reported_acts", verbose_name=_("rapporteur"))
    committees = models.ManyToManyField("organisation.Committee", blank=True, related_name="acts",
                                        verbose_name=_("commissions"))
    classification_version = models.ForeignKey(ClassificationVersion, on_delete=models.PROTECT, null=True,
                                               blank=True, related_name="+")
    matiere_codes = models.JSONField(_("classification"), default=list, blank=True)  # ["7", "7.5", …] up to 5
    target_sitting_type = models.CharField(_("type de séance visé"), max_length=20, choices=SittingType.choices,
                                           default=SittingType.COUNCIL)
    target_sitting_date = models.DateField(_("date de séance visée"), null=True, blank=True)
    budget_year = models.PositiveSmallIntegerField(_("exercice budgétaire"), null=True, blank=True)
    budget_name = models.CharField(_("budget"), max_length=100, blank=True)
    amount = models.DecimalField(_("montant (€)"), max_digits=14, decimal_places=2, null=True, blank=True)
    confidential = models.BooleanField(_("confidentiel"), default=False)
    personal_data = models.BooleanField(_("contient des données personnelles"), default=False)
    # Content. The report is sanitised HTML; the operative text keeps its real structure.
    report = models.TextField(_("exposé des motifs"), blank=True)
    visas = models.JSONField(_("visas"), default=list, blank=True)
    considerants = models.JSONField(_("considérants"), default=list, blank=True)
    articles = models.JSONField(_("articles"), default=list, blank=True)
    # Optimistic locking: incremented on every save of content; a stale form is refused.
    lock_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("acte")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["authority", "reference"], name="unique_act_reference"),
                       models.UniqueConstraint(fields=["authority", "slug"], condition=~models.Q(slug=""),
                                               name="unique_act_slug")]
        indexes = [models.Index(fields=["authority", "state"])]

    def __str__(self) -> str:
        return f"{self.reference} — {self.object}"

    def save(self, *args, **kwargs):
        if not self.slug and self.reference:
            self.slug = self.unique_slug()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "slug"}
        super().save(*args, **kwargs)

    def unique_slug(self) -> str:
        """A slug free in the authority: the reference's URL form, suffixed "~2", "~3"… in
        the rare case two references give the same URL form ("2026 A 1" and "2026-A-1")."""
        base = slug_for_reference(self.reference)
        taken = set(Act.objects.filter(authority_id=self.authority_id, slug__startswith=base)
                    .exclude(pk=self.pk).values_list("slug", flat=True))
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}~{n}"
        return slug

    CONTENT_FIELDS = ("object", "report", "visas", "considerants", "articles", "nature", "matiere_codes",
                      "department_id", "rapporteur_id", "target_sitting_type", "target_sitting_date",
                      "budget_year", "budget_name", "amount", "confidential", "personal_data")

    def content_snapshot(self) -> dict:
        snap = {}
        for field in self.CONTENT_FIELDS:
            value = getattr(self, field)
            if field in ("amount", "target_sitting_date") and value is not None:
                value = str(value)
            snap[field] = value
        snap["committee_ids"] = sorted(self.committees.values_list("pk", flat=True)) if self.pk else []
        return snap


class ActVersion(models.Model):
    """A saved state of the act's content; every saved change makes one."""

    act = models.ForeignKey(Act, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    content = models.JSONField()
    summary = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["act", "number"]
        constraints = [models.UniqueConstraint(fields=["act", "number"], name="unique_act_version")]

    def __str__(self) -> str:
        return f"{self.act.reference} v{self.number}"


class Annex(models.Model):
    """A file attached to the act, stored by content (SHA-256)."""

    act = models.ForeignKey(Act, on_delete=models.CASCADE, related_name="annexes")
    title = models.CharField(_("titre"), max_length=300)
    original_name = models.CharField(max_length=255)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)
    sent_to_prefecture = models.BooleanField(_("transmise en préfecture"), default=True)
    published = models.BooleanField(_("publiée"), default=True)
    confidential = models.BooleanField(_("confidentielle"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("annexe")
        ordering = ["act", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    """A comment on the act; replies thread under their parent; @mentions notify."""

    act = models.ForeignKey(Act, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("commentaire"))
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} : {self.body[:50]}"
