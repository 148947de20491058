"""Keeping the search index up to date.

``index_act(act)`` writes the act's row (a no-op when nothing indexed changed). It is called by
signals, so that every way an act changes reaches the index without the actions knowing about
search: saving an act; its final document (decision date); its agenda item (sitting date); its
publication or withdrawal, and the passages masked in its published copy (public text). The
row is written in the caller's transaction: a rolled-back change leaves the index as it was.
An indexing failure never blocks the change itself: it is logged, and ``hemicycle
search_reindex`` repairs the index.

``reindex()`` rebuilds rows in batches (``hemicycle search_reindex``).
"""

import hashlib
import json
import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from . import engines, text
from .models import SearchEntry

logger = logging.getLogger(__name__)

FIELDS = [f.attname for f in SearchEntry._meta.concrete_fields]


def _plain(values) -> str:
    return "\n".join(" ".join(str(v).split()) for v in values or () if v and str(v).strip())


def _decision_date(act, final=None, item_date=None):
    """The decision date (final document), else the date of the sitting it is on, else the
    sitting it is written for."""
    if final is not None and final.decision_date:
        return final.decision_date
    if item_date is not None:
        return item_date
    return act.target_sitting_date


def _related(act) -> dict:
    """What the row needs besides the act's own fields (one query each)."""
    from django.apps import apps

    from hemicycle.acts.matieres import labels_for

    info = {"labels": labels_for(act.classification_version, list(act.matiere_codes or [])),
            "final": None, "item_date": None, "publication": None, "masks": []}
    FinalDocument = apps.get_model("documents", "FinalDocument")
    info["final"] = FinalDocument.objects.filter(act_id=act.pk).only("decision_date").first()
    AgendaItem = apps.get_model("sittings", "AgendaItem")
    info["item_date"] = (AgendaItem.objects.filter(act_id=act.pk).order_by("-sitting__date")
                         .values_list("sitting__date", flat=True).first())
    if apps.is_installed("hemicycle.publication"):
        Publication = apps.get_model("publication", "Publication")
        Masking = apps.get_model("publication", "Masking")
        info["publication"] = Publication.objects.filter(act_id=act.pk, withdrawn_at__isnull=True).first()
        info["masks"] = list(Masking.objects.filter(act_id=act.pk).order_by("pk").values_list("field", "text"))
    return info


def entry_values(act, related: dict | None = None) -> dict:
    """The index row of an act, as field values of SearchEntry."""
    info = related if related is not None else _related(act)
    labels = info["labels"]
    publication = info["publication"]
    published = publication is not None and not act.confidential
    date = _decision_date(act, info["final"], info["item_date"])
    operative = _plain([*(act.visas or []), *(act.considerants or []), *(act.articles or [])])
    report = text.html_to_text(act.report or "")
    masked = bool(published and info["masks"])
    prefix = engines.term_prefix(act.authority_id)
    public_object, public_text, ptitle, pbody = "", "", "", ""
    if published:
        public_object = publication.object or act.object
    if masked:
        from hemicycle.publication import masking

        content = masking.mask_content({"object": act.object, "visas": list(act.visas or []),
                                        "considerants": list(act.considerants or []),
                                        "articles": list(act.articles or [])}, info["masks"])
        public_object = publication.object or content["object"]
        public_text = _plain([*content["visas"], *content["considerants"], *content["articles"]])
        ptitle = text.terms(f"{act.reference} {public_object}", prefix)
        pbody = text.terms(public_text, prefix)
    codes = engines.matiere_codes_with_parents(act.matiere_codes)
    label_text = " ".join(f"{code} {label}" for code, label in labels)
    values = {
        "act_id": act.pk, "authority_id": act.authority_id, "reference": act.reference,
        "object": act.object, "public_object": public_object, "text": operative, "report_text": report,
        "public_text": public_text, "date": date, "nature": act.nature,
        "matieres": (" " + " ".join(codes) + " ") if codes else "", "matiere_labels": label_text[:600],
        "published": published, "confidential": act.confidential, "masked": masked,
        "title_terms": text.terms(f"{act.reference} {act.object}", prefix),
        "body_terms": text.terms(operative, prefix), "report_terms": text.terms(report, prefix),
        "class_terms": text.terms(label_text, prefix),
        "filter_terms": engines.filter_tokens(authority_id=act.authority_id, nature=act.nature,
                                              matieres=act.matiere_codes, date=date, published=published,
                                              confidential=act.confidential, masked=masked),
        "ptitle_terms": ptitle, "pbody_terms": pbody,
    }
    values["checksum"] = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()
    return values


def index_act(act) -> bool:
    """Write the act's index row; False when it was already up to date."""
    if act is None or act.pk is None:
        return False
    values = entry_values(act)
    current = SearchEntry.objects.filter(act_id=act.pk).values_list("checksum", flat=True).first()
    if current == values["checksum"]:
        return False
    if current is None:
        SearchEntry.objects.create(**values)
    else:
        SearchEntry.objects.filter(act_id=act.pk).update(**{k: v for k, v in values.items() if k != "act_id"})
    return True


def remove_act(act_id) -> None:
    SearchEntry.objects.filter(act_id=act_id).delete()


def _safely(act_id) -> None:
    """Index one act from a signal: failures are logged, never raised into the change."""
    from hemicycle.acts.models import Act

    try:
        with transaction.atomic():  # a savepoint: a failed statement does not spoil the caller's transaction
            act = Act.objects.select_related("classification_version").filter(pk=act_id).first()
            if act is not None:
                index_act(act)
    except Exception:  # noqa: BLE001 - the index is repairable (search_reindex), the change is not to fail
        logger.exception("Indexation de l'acte %s impossible (hemicycle search_reindex la refera)", act_id)


# --- Signals ------------------------------------------------------------------------------------

def _on_act_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _safely(instance.pk)


def _on_act_deleted(sender, instance, **kwargs):
    remove_act(instance.pk)


# What the index reads of a related model, when it is not the whole row: a final document is
# saved three times in its life (prepared, rendered, signed) and only its decision date is
# indexed, so its rendering and signing saves (``update_fields`` without it) re-index nothing.
# Bench B2: 2 × 800 index computations (≈ 5 ms each) saved on a sitting of 800 acts.
INDEXED_FIELDS = {"FinalDocument": {"decision_date", "act", "act_id"}}


def _on_related_saved(sender, instance, raw=False, created=False, update_fields=None, **kwargs):
    if raw or getattr(instance, "act_id", None) is None:
        return
    indexed = INDEXED_FIELDS.get(sender.__name__)
    if indexed and not created and update_fields is not None and not indexed & set(update_fields):
        return
    _safely(instance.act_id)


def _on_related_deleted(sender, instance, **kwargs):
    if getattr(instance, "act_id", None) is not None:
        _safely(instance.act_id)


def _on_item_saved(sender, instance, raw=False, created=False, update_fields=None, **kwargs):
    """An act put on (or moved to) a sitting: its date. Live-sitting saves of other fields are
    left alone (they are frequent and change nothing indexed)."""
    if raw or instance.act_id is None:
        return
    if created or update_fields is None or {"sitting", "sitting_id", "act", "act_id"} & set(update_fields):
        _safely(instance.act_id)


def _on_sitting_saved(sender, instance, raw=False, created=False, update_fields=None, **kwargs):
    """A sitting's date changed: the acts on it that have no decision date yet take the new one."""
    if raw or created or (update_fields is not None and "date" not in update_fields):
        return
    stale = (SearchEntry.objects.filter(act_id__in=instance.items.exclude(act_id=None).values("act_id"))
             .exclude(date=instance.date).values_list("act_id", flat=True))
    for act_id in list(stale[:2000]):
        _safely(act_id)


def connect() -> None:
    from django.apps import apps

    Act = apps.get_model("acts", "Act")
    post_save.connect(_on_act_saved, sender=Act, dispatch_uid="search.act_saved")
    post_delete.connect(_on_act_deleted, sender=Act, dispatch_uid="search.act_deleted")
    related = [("documents", "FinalDocument"), ("publication", "Publication"), ("publication", "Masking")]
    for app_label, model_name in related:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        post_save.connect(_on_related_saved, sender=model, dispatch_uid=f"search.{model_name}_saved")
        post_delete.connect(_on_related_deleted, sender=model, dispatch_uid=f"search.{model_name}_deleted")
    try:
        AgendaItem = apps.get_model("sittings", "AgendaItem")
        Sitting = apps.get_model("sittings", "Sitting")
    except LookupError:
        return
    post_save.connect(_on_item_saved, sender=AgendaItem, dispatch_uid="search.item_saved")
    post_save.connect(_on_sitting_saved, sender=Sitting, dispatch_uid="search.sitting_saved")


# --- Bulk ---------------------------------------------------------------------------------------

def _related_bulk(acts) -> dict:
    """_related for many acts with a handful of queries."""
    from django.apps import apps

    from hemicycle.acts.models import Matiere

    ids = [a.pk for a in acts]
    out = {a.pk: {"labels": [], "final": None, "item_date": None, "publication": None, "masks": []} for a in acts}
    wanted = {(a.classification_version_id, c) for a in acts for c in (a.matiere_codes or [])}
    versions = {v for v, _c in wanted if v}
    labels = {}
    if versions:
        for v, code, label in Matiere.objects.filter(version_id__in=versions).values_list("version_id", "code", "label"):
            if (v, code) in wanted:
                labels[(v, code)] = label
    for a in acts:
        out[a.pk]["labels"] = [(c, labels.get((a.classification_version_id, c), "")) for c in a.matiere_codes or []]
    FinalDocument = apps.get_model("documents", "FinalDocument")
    for final in FinalDocument.objects.filter(act_id__in=ids).only("act_id", "decision_date"):
        out[final.act_id]["final"] = final
    AgendaItem = apps.get_model("sittings", "AgendaItem")
    for act_id, day in AgendaItem.objects.filter(act_id__in=ids).order_by("sitting__date").values_list(
            "act_id", "sitting__date"):
        out[act_id]["item_date"] = day  # the latest wins
    if apps.is_installed("hemicycle.publication"):
        Publication = apps.get_model("publication", "Publication")
        Masking = apps.get_model("publication", "Masking")
        for pub in Publication.objects.filter(act_id__in=ids, withdrawn_at__isnull=True):
            out[pub.act_id]["publication"] = pub
        for act_id, fld, txt in Masking.objects.filter(act_id__in=ids).order_by("pk").values_list(
                "act_id", "field", "text"):
            out[act_id]["masks"].append((fld, txt))
    return out


def reindex(*, authority=None, batch_size: int = 500, progress=None) -> dict:
    """Rebuild the index rows of every act (of one authority), in batches: rows of acts that no
    longer exist are removed. Returns {"acts", "written", "removed"}."""
    from hemicycle.acts.models import Act

    acts = Act.objects.select_related("classification_version").order_by("pk")
    entries = SearchEntry.objects.all()
    if authority is not None:
        acts = acts.filter(authority=authority)
        entries = entries.filter(authority_id=authority.pk)
    removed = entries.exclude(act_id__in=Act.objects.values("pk")).delete()[0]
    count = written = 0
    last = 0
    while True:
        batch = list(acts.filter(pk__gt=last)[:batch_size])
        if not batch:
            break
        last = batch[-1].pk
        related = _related_bulk(batch)
        rows = [entry_values(a, related[a.pk]) for a in batch]
        with transaction.atomic():
            current = dict(SearchEntry.objects.filter(act_id__in=[r["act_id"] for r in rows])
                           .values_list("act_id", "checksum"))
            changed = [r for r in rows if current.get(r["act_id"]) != r["checksum"]]
            stale = [r["act_id"] for r in changed if r["act_id"] in current]
            if stale:
                SearchEntry.objects.filter(act_id__in=stale).delete()
            SearchEntry.objects.bulk_create([SearchEntry(**r) for r in changed], batch_size=500)
        count += len(batch)
        written += len(changed)
        if progress:
            progress(count)
    return {"acts": count, "written": written, "removed": removed}
