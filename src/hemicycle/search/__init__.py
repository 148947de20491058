"""Full-text search of acts. ``from hemicycle.search import search`` — see service.search."""


def search(query, **kwargs):
    """Search an authority's acts: see ``hemicycle.search.service.search``."""
    from .service import search as _search

    return _search(query, **kwargs)
