"""Writing and verifying the journal.

``record`` must be called inside the transaction of the change it describes: the entry and
the change commit or roll back together. The head row is locked for the append, which
serialises writers on PostgreSQL (SQLite serialises write transactions anyway).
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import JournalEntry, JournalHead

GENESIS = "0" * 64


def _canonical(entry_fields: dict) -> bytes:
    return json.dumps(entry_fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode("utf-8")


def entry_hash(prev_hash: str, seq: int, at, authority_id, actor_id, actor_label, action,
               object_type, object_id, object_label, data) -> str:
    content = {
        "seq": seq, "at": at.isoformat(), "authority": authority_id, "actor": actor_id,
        "actor_label": actor_label, "action": action, "object_type": object_type,
        "object_id": str(object_id), "object_label": object_label, "data": data,
    }
    return hashlib.sha256(prev_hash.encode("ascii") + _canonical(content)).hexdigest()


def _normalise(data: dict) -> dict:
    # Round-trip through JSON so that what is hashed is exactly what the database gives back.
    return json.loads(json.dumps(data or {}, default=str))


def record(action: str, *, actor=None, authority=None, obj=None, object_type: str = "",
           object_id="", object_label: str = "", data: dict | None = None) -> JournalEntry:
    """Append an event to the journal. Call inside the transaction of the change."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_label = object_label or str(obj)[:300]
        if authority is None:
            authority = getattr(obj, "authority", None)
    if authority is None and actor is not None and getattr(actor, "is_authenticated", False):
        authority = actor.authority
    actor_obj = actor if (actor is not None and getattr(actor, "is_authenticated", False)) else None
    with transaction.atomic():
        head, _ = JournalHead.objects.select_for_update().get_or_create(pk=1)
        seq = head.seq + 1
        at = timezone.now()
        data = _normalise(data)
        fields = dict(
            seq=seq, at=at, authority_id=authority.pk if authority else None,
            actor_id=actor_obj.pk if actor_obj else None,
            actor_label=(actor_obj.display_name if actor_obj else "système")[:200],
            action=action, object_type=object_type, object_id=str(object_id),
            object_label=object_label[:300], data=data,
        )
        digest = entry_hash(head.hash, **fields)
        entry = JournalEntry.objects.create(prev_hash=head.hash, hash=digest, **fields)
        JournalHead.objects.filter(pk=1).update(seq=seq, hash=digest)
    return entry


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def verify(batch_size: int = 5000) -> VerifyResult:
    """Recompute the chain. Detects altered entries, removed entries and a truncated tail."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    qs = JournalEntry.objects.order_by("seq").values(
        "seq", "at", "authority_id", "actor_id", "actor_label", "action", "object_type",
        "object_id", "object_label", "data", "prev_hash", "hash",
    )
    for row in qs.iterator(chunk_size=batch_size):
        if row["seq"] != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"entrée n° {expected_seq} manquante")
        if row["prev_hash"] != prev_hash:
            return VerifyResult(False, checked, row["seq"], "chaînage rompu (empreinte précédente différente)")
        fields = {k: row[k] for k in ("seq", "at", "authority_id", "actor_id", "actor_label", "action",
                                      "object_type", "object_id", "object_label", "data")}
        if entry_hash(prev_hash, **fields) != row["hash"]:
            return VerifyResult(False, checked, row["seq"], "contenu modifié (empreinte différente)")
        prev_hash = row["hash"]
        expected_seq += 1
        checked += 1
    head = JournalHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != prev_hash):
        return VerifyResult(False, checked, checked + 1, "entrées finales supprimées (tête du journal différente)")
    return VerifyResult(True, checked)


def history_for(obj):
    """The journal entries about one object, oldest first."""
    return JournalEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("seq")
