from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _index_existing_acts(sender, using="default", **kwargs):
    """First migration on a database that already has acts: fill the index once."""
    from django.db import connections

    from hemicycle.acts.models import Act

    from .indexing import reindex
    from .models import SearchEntry

    if connections[using].vendor not in ("sqlite", "postgresql"):
        return
    if not SearchEntry.objects.using(using).exists() and Act.objects.using(using).exists():
        reindex()


class SearchConfig(AppConfig):
    """French-aware full-text search of acts (SQLite FTS5 or PostgreSQL full-text search)."""

    name = "hemicycle.search"
    label = "search"

    def ready(self):
        from . import indexing

        indexing.connect()
        post_migrate.connect(_index_existing_acts, sender=self, dispatch_uid="search.index_existing_acts")
