"""The append-only, hash-chained journal of every change of state."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JournalError(Exception):
    pass


class JournalEntry(models.Model):
    """One event. ``hash`` = SHA-256 over the previous entry's hash and this entry's content.

    Entries are never updated nor deleted through the ORM; ``JournalHead`` holds the latest
    sequence number and hash so that removing the last entries is detected too.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    authority = models.ForeignKey("organisation.Authority", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise JournalError("Le journal est en ajout seul : une entrée ne peut pas être modifiée.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalError("Le journal est en ajout seul : une entrée ne peut pas être supprimée.")


class JournalHead(models.Model):
    """A single row: the last sequence number and hash. Locked to append (serialises writers)."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
