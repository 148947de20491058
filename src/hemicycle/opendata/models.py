"""Change stamps for the OParl API (``created`` / ``modified`` and the ``modified_since`` filter).

Most shared models carry no timestamps (members, sittings, agenda items, ballots…), so the
open-data app keeps its own: one row per model row, written by signal handlers
(opendata/stamps.py) whenever the row, or something shown inside its OParl object, is saved.
Rows created without signals (``bulk_create``) have no stamp: the API then falls back on the
object's own dates (see oparl.py)."""

from django.db import models


class Stamp(models.Model):
    model = models.CharField(max_length=60)  # "sittings.sitting"
    object_id = models.BigIntegerField()
    created = models.DateTimeField()
    modified = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["model", "object_id"], name="unique_opendata_stamp")]

    def __str__(self) -> str:
        return f"{self.model}:{self.object_id} {self.modified:%Y-%m-%d %H:%M:%S}"
