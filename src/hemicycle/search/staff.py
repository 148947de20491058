"""The search box of the staff list of acts (acts:list): full-text search of the whole act
(object, exposé des motifs, visas, considérants, articles, matières), best first, restricted to
the acts the user may view (the caller's queryset, from acts.permissions.visible_acts)."""

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q

from . import engines, text

MAX_MATCHES = 2000  # a list of acts is browsed, not exported: the best 2,000 matches


def ranked_ids(query: str, authority_id: int, *, limit: int = MAX_MATCHES) -> list[int]:
    """Ids of the authority's acts matching ``query`` (confidential ones included: the caller
    restricts them to the user's rights), best first."""
    terms = text.query_terms(query)
    if not terms:
        return []
    q = engines.Query(terms=terms, authority_id=authority_id, include_confidential=True, limit=limit)
    _total, ranked = engines.engine_for(connection).run(q)
    return [act_id for act_id, _rank in ranked]


def search_page(queryset, query: str, *, authority, page_number, per_page: int):
    """A page of the acts of ``queryset`` matching ``query``: acts whose reference contains the
    typed text first, then the full-text matches by rank. Each act of the page gets
    ``search_snippet`` (HTML with <mark>)."""
    query = query.strip()
    by_reference = list(queryset.filter(Q(reference__icontains=query) | Q(slug__icontains=query))
                        .order_by("-updated_at", "-pk").values_list("pk", flat=True)[:MAX_MATCHES])
    ranked = ranked_ids(query, authority.pk)
    visible = set(queryset.filter(pk__in=ranked).values_list("pk", flat=True)) if ranked else set()
    seen, order = set(), []
    for pk in by_reference + [pk for pk in ranked if pk in visible]:
        if pk not in seen:
            seen.add(pk)
            order.append(pk)
    page = Paginator(order, per_page).get_page(page_number)
    acts = queryset.in_bulk(list(page.object_list))
    snippets = _snippets(list(page.object_list), text.query_terms(query))
    page.object_list = [acts[pk] for pk in page.object_list if pk in acts]
    for act in page.object_list:
        act.search_snippet = snippets.get(act.pk, "")
    return page


def _snippets(ids, terms) -> dict:
    if not ids or not terms:
        return {}
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT act_id, text, report_text FROM search_entry WHERE act_id IN ({placeholders})", ids)
        rows = cursor.fetchall()
    snippets = {act_id: text.snippet([body, report], terms) for act_id, body, report in rows}
    return {act_id: s for act_id, s in snippets.items() if "<mark>" in s}  # only an extract that shows why
