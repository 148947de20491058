"""``search(query, …) -> SearchPage``: full-text search of an authority's acts.

Always scoped to one authority. Confidential acts are left out unless the caller (staff,
after checking the user's rights) asks for them; ``published_only`` searches what the public
portal shows: published acts, their published text only (object and operative text with personal
data masked; never the exposé des motifs), the published object and extract.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection as default_connection

from . import engines, text


@dataclass
class SearchResult:
    act_id: int
    reference: str
    object: str
    date: datetime.date | None
    rank: float
    snippet: str  # HTML: escaped text, matching words in <mark>
    object_html: str = ""  # the object, escaped, matching words in <mark>
    nature: str = ""
    published: bool = False
    confidential: bool = False


@dataclass
class SearchPage:
    total: int
    results: list[SearchResult] = field(default_factory=list)
    query: str = ""
    terms: list = field(default_factory=list)


def _authority_id(authority) -> int:
    if authority is None:
        raise ValueError("search() demande une collectivité (authority) : la recherche est toujours restreinte à une collectivité.")
    return int(getattr(authority, "pk", authority))


def _as_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def search(query: str, *, authority=None, published_only: bool = False, date_from=None, date_to=None,
           nature=None, matiere=None, limit: int = 20, offset: int = 0, include_confidential: bool = False,
           connection=None) -> SearchPage:
    """Acts of ``authority`` matching every word of ``query`` (French stemming, accents and case
    ignored), best first (bm25 / ts_rank), with a highlighted extract.

    Filters: decision dates (inclusive), nature code ("DE"…), matière code ("7" also finds
    "7.5"). An empty query lists the matching acts, most recent first. ``include_confidential``:
    only for staff callers who then apply the user's rights (acts.permissions.visible_acts).
    """
    connection = connection or default_connection
    q = engines.Query(
        terms=text.query_terms(query or ""), authority_id=_authority_id(authority), public=bool(published_only),
        include_confidential=bool(include_confidential) and not published_only,
        date_from=_as_date(date_from), date_to=_as_date(date_to), nature=(nature or "").strip().upper(),
        matiere=(matiere or "").strip(), limit=max(0, min(int(limit), 500)), offset=max(0, int(offset)))
    page = SearchPage(total=0, query=query or "", terms=q.terms)
    if (query or "").strip() and not q.terms:
        return page  # only stop words
    engine = engines.engine_for(connection)
    total, ranked = engine.run(q) if q.terms else engine.listing(q)
    page.total = total
    page.results = results_for(connection, ranked, q)
    return page


def results_for(connection, ranked, q: engines.Query) -> list[SearchResult]:
    if not ranked:
        return []
    ids = [act_id for act_id, _rank in ranked]
    cols = ("act_id, reference, object, public_object, text, report_text, public_text, date, nature, "
            "published, confidential, masked")
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {cols} FROM search_entry WHERE act_id IN ({placeholders})", ids)
        rows = {r[0]: r for r in cursor.fetchall()}
    out = []
    for act_id, rank in ranked:
        row = rows.get(act_id)
        if row is None:
            continue
        (_id, reference, obj, public_object, body, report, public_text, date, nature, published, confidential,
         masked) = row
        if q.public:
            obj = public_object or obj
            texts = [public_text if masked else body]
        else:
            texts = [body, report]
        if isinstance(date, str):
            date = datetime.date.fromisoformat(date)
        out.append(SearchResult(
            act_id=act_id, reference=reference, object=obj, date=date, rank=round(float(rank), 6),
            snippet=text.snippet(texts, q.terms), object_html=text.highlight(obj, q.terms), nature=nature,
            published=bool(published), confidential=bool(confidential)))
    return out
