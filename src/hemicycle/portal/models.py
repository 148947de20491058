"""The members' portal: the text index of sitting packs, members' private annotations, and the
sitting a group asks its vœu to be put on."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PackText(models.Model):
    """The text of one sitting pack (a PDF, by SHA-256), extracted once with pypdf.

    Content-addressed: the same bytes always give the same text, so an index never goes stale.
    ``outline`` keeps the pack's bookmarks as ``[{"title", "page", "level"}]`` (pages from 1)."""

    class State(models.TextChoices):
        PENDING = "pending", _("En cours d'indexation")
        DONE = "done", _("Indexé")
        FAILED = "failed", _("Échec de l'indexation")

    sha256 = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    pages = models.PositiveIntegerField(default=0)
    outline = models.JSONField(default=list, blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    indexed_at = models.DateTimeField(null=True, blank=True)


class PackPage(models.Model):
    """One page of a pack: its text as extracted, and folded (no case, accents or extra spaces)
    for accent-insensitive search (``portal.packs.fold``)."""

    sha256 = models.CharField(max_length=64, db_index=True)
    page = models.PositiveIntegerField()  # from 1
    text = models.TextField(blank=True)
    folded = models.TextField(blank=True)

    class Meta:
        ordering = ["sha256", "page"]
        constraints = [models.UniqueConstraint(fields=["sha256", "page"], name="unique_pack_page")]


class Annotation(models.Model):
    """A member's private note on a page of a document. Never shown to anyone else — the
    secretariat and administrators included: every query goes through ``member``.

    Written offline in the browser and synced back; ``client_id`` is the note's identity chosen
    by the browser, ``updated_at`` the time of its last edit there: the latest edit wins
    (``portal.actions.sync_annotations``). A deleted note stays as a tombstone (``deleted``) so
    that another device learns of the deletion."""

    member = models.ForeignKey("organisation.Member", on_delete=models.CASCADE, related_name="annotations")
    document = models.CharField(max_length=120)  # "<sitting slug>/<document key>", e.g. "2026-11-14/dossier-3"
    page = models.PositiveIntegerField(default=1)
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField()
    client_id = models.CharField(max_length=64)
    deleted = models.BooleanField(default=False)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["document", "page", "updated_at"]
        constraints = [models.UniqueConstraint(fields=["member", "client_id"], name="unique_annotation_client_id")]
        indexes = [models.Index(fields=["member", "document"])]


class MotionTarget(models.Model):
    """The sitting a group asks its vœu to be put on. ``sittings.Motion`` has no such field;
    the secretariat reads ``motion.target.sitting`` when it puts filed vœux on an agenda."""

    motion = models.OneToOneField("sittings.Motion", on_delete=models.CASCADE, related_name="target")
    sitting = models.ForeignKey("sittings.Sitting", on_delete=models.CASCADE, related_name="requested_motions")
    filed_by_member = models.ForeignKey("organisation.Member", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vœu déposé pour une séance")
