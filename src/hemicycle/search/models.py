"""The search index: one row per act (``SearchEntry``), kept up to date by ``indexing.index_act``.

The row keeps what results show (reference, object, dates, texts for the highlighted extract),
the filters (authority, date, nature, matières, published, confidential) and the indexed terms
(``*_terms``, made by ``text.terms``: folded, stemmed). The engines index the terms:
SQLite — an FTS5 table ``search_fts`` over this table (external content, kept in sync by
triggers); PostgreSQL — generated ``tsvector`` columns with GIN indexes (engines.py).

Terms by column: ``title_terms`` reference and object; ``body_terms`` visas, considérants,
articles; ``report_terms`` the exposé des motifs (never public); ``class_terms`` matières (codes
and labels); ``filter_terms`` the filter tokens; ``ptitle_terms``/``pbody_terms`` the published copy
with its personal data masked (only for published acts with masked passages).

No foreign key: the benchmark fills this table without acts, and the row is removed with its act
by a signal (indexing.py).
"""

from django.db import models


class SearchEntry(models.Model):
    act_id = models.BigIntegerField(primary_key=True)
    authority_id = models.BigIntegerField(db_index=True)
    reference = models.CharField(max_length=60)
    object = models.CharField(max_length=600)
    public_object = models.CharField(max_length=600, blank=True)  # the object as published (masked)
    text = models.TextField(blank=True)  # visas, considérants, articles (plain text, one per line)
    report_text = models.TextField(blank=True)  # exposé des motifs, HTML stripped
    public_text = models.TextField(blank=True)  # masked copy of ``text`` (only when masked)
    date = models.DateField(null=True, blank=True)  # decision date, else sitting date
    nature = models.CharField(max_length=2)
    matieres = models.CharField(max_length=200, blank=True)  # " 7 7.5 " (codes and their parents)
    matiere_labels = models.CharField(max_length=600, blank=True)  # "7.5 Subventions"
    published = models.BooleanField(default=False)
    confidential = models.BooleanField(default=False)
    masked = models.BooleanField(default=False)
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    report_terms = models.TextField(blank=True)
    class_terms = models.TextField(blank=True)
    filter_terms = models.TextField(blank=True)
    ptitle_terms = models.TextField(blank=True)
    pbody_terms = models.TextField(blank=True)
    checksum = models.CharField(max_length=64, blank=True)  # of the indexed values: unchanged → no write

    class Meta:
        db_table = "search_entry"
        indexes = [models.Index(fields=["authority_id", "date"], name="search_entry_auth_date")]

    def __str__(self) -> str:
        return f"{self.reference} (index)"
