"""The two search engines behind one interface, chosen by the database vendor.

Both index the terms made by ``text.terms`` (folded, stemmed in Python), so they find the same
acts. Every term is scoped to its authority (``a17xsubvent``: "subvent" in authority 17): a
search only ever reads its own authority's postings, so a common word costs what it costs in
that authority, not in the whole index, and word statistics (bm25's idf) are the authority's.
Filters — nature, matière, year/month, published, masked, confidential — are tokens of the
``filter_terms`` column, scoped the same way (``zz17nde``, ``zz17m7x5``, ``zz17y2026``,
``zz17d202611``, ``zz17pub``, ``zz17conf``…): the full-text index intersects them with the words
instead of checking rows one by one. Exact day bounds are then checked on the row.

SQLite: an FTS5 table over ``search_entry`` (external content, triggers keep it in sync),
ranked with ``bm25`` (title ×10, body ×2, report ×1, matières ×3).
PostgreSQL: generated ``tsvector`` columns (weights A title, B body, C report, D matières and
filters) with GIN indexes, ranked with ``ts_rank``. The ``simple`` configuration indexes the
terms as they are: the French processing (accents, stop words, Snowball stemming — the
algorithm of PostgreSQL's ``french`` configuration) is done once in Python, so that both
engines agree and the highlighting matches; no extension (unaccent) is needed.

Ranking cost grows with the number of matches. When a query matches more than
``RANK_WINDOW`` acts, the ranking is computed over the ``RANK_WINDOW`` most recent matches (act
ids grow with time), which come first in ranked order; the older matches follow, most recent
first. The total is always exact.
"""

import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from .text import FILTER_PREFIX as P

RANK_WINDOW = 1000
STAFF_COLUMNS = "{title_terms body_terms report_terms class_terms}"
PUBLIC_COLUMNS = "{title_terms body_terms class_terms}"
MASKED_COLUMNS = "{ptitle_terms pbody_terms class_terms}"
TERM_COLUMNS = ("title_terms", "body_terms", "report_terms", "class_terms", "filter_terms", "ptitle_terms",
                "pbody_terms")
BM25_WEIGHTS = (10.0, 2.0, 1.0, 3.0, 0.0, 10.0, 2.0)
PG_WEIGHTS = "{0.3,0.2,0.4,1.0}"  # D, C, B, A


# --- Terms and filter tokens --------------------------------------------------------------------

def term_prefix(authority_id) -> str:
    """Text terms of an authority: "a17x" + term (one word for both engines' parsers)."""
    return f"a{int(authority_id)}x"


def _f(authority_id, kind: str) -> str:
    return f"{P}{int(authority_id)}{kind}"


def nature_token(authority_id, nature: str) -> str:
    return _f(authority_id, f"n{nature.lower()}")


def matiere_token(authority_id, code: str) -> str:
    return _f(authority_id, f"m{code.strip().replace('.', 'x').lower()}")


def matiere_codes_with_parents(codes) -> list[str]:
    out = []
    for code in codes or ():
        parts = [p for p in str(code).split(".") if p]
        for i in range(len(parts)):
            prefix = ".".join(parts[: i + 1])
            if prefix not in out:
                out.append(prefix)
    return out


def filter_tokens(*, authority_id, nature, matieres, date, published, confidential, masked) -> str:
    tokens = [_f(authority_id, ""), nature_token(authority_id, nature or "")]
    tokens += [matiere_token(authority_id, c) for c in matiere_codes_with_parents(matieres)]
    if date is not None:
        tokens += [_f(authority_id, f"y{date.year}"), _f(authority_id, f"d{date.year}{date.month:02d}")]
    if confidential:
        tokens.append(_f(authority_id, "conf"))
    if published and not confidential:
        tokens.append(_f(authority_id, "pub"))
        if masked:
            tokens.append(_f(authority_id, "masked"))
    return " ".join(tokens)


def _month_end(day: datetime.date) -> datetime.date:
    nxt = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return nxt - datetime.timedelta(days=1)


def date_tokens(date_from, date_to, authority_id=None) -> tuple[list[str], bool]:
    """Year and month tokens covering [date_from, date_to] (either may be None), and whether the
    exact days must still be checked on the rows (a bound inside a month)."""
    today = datetime.date.today()
    start = date_from or datetime.date(1950, 1, 1)
    end = date_to or datetime.date(today.year + 20, 12, 31)
    if end < start:
        return [], False
    exact = (date_from is not None and date_from.day != 1) or (date_to is not None and date_to != _month_end(date_to))
    scope = "" if authority_id is None else str(int(authority_id))
    tokens = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        if month == 1 and (year < end.year or end.month == 12):
            tokens.append(f"{P}{scope}y{year}")
            year += 1
            continue
        tokens.append(f"{P}{scope}d{year}{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return tokens, exact


# --- Queries ------------------------------------------------------------------------------------

@dataclass
class Query:
    """A search request, validated (see service.search)."""

    terms: list  # [(term, alternate…), …] from text.query_terms; [] lists by date
    authority_id: int
    public: bool = False  # published acts only, public text (masked) only
    include_confidential: bool = False
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    nature: str = ""
    matiere: str = ""
    limit: int = 20
    offset: int = 0


def _fts_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _scoped_terms(q) -> list:
    prefix = term_prefix(q.authority_id)
    return [tuple(prefix + t for t in alts) for alts in q.terms]


def fts_text(terms) -> str:
    return " AND ".join("(" + " OR ".join(_fts_string(t) for t in alts) + ")" if len(alts) > 1
                        else _fts_string(alts[0]) for alts in terms)


def _filter_list(q: Query) -> tuple[list, list, bool]:
    """(filter tokens all required, alternatives of date tokens, exact day check needed)."""
    a = q.authority_id
    required = []
    if q.public:
        required.append(_f(a, "pub"))
    if q.nature:
        required.append(nature_token(a, q.nature))
    if q.matiere:
        required.append(matiere_token(a, q.matiere))
    dates, exact = ([], False)
    if q.date_from or q.date_to:
        dates, exact = date_tokens(q.date_from, q.date_to, a)
        if not dates:
            dates = [_f(a, "none")]  # an empty range: nothing matches
    return required, dates, exact


def fts_match(q: Query) -> tuple[str, bool]:
    """The FTS5 MATCH expression and whether exact dates must be checked."""
    required, dates, exact = _filter_list(q)
    parts = list(required)
    if dates:
        parts.append("(" + " OR ".join(dates) + ")")
    text = fts_text(_scoped_terms(q))
    masked = _f(q.authority_id, "masked")
    if q.public:
        expr = (f"(({PUBLIC_COLUMNS} : ({text}) NOT filter_terms : {masked}) OR "
                f"(filter_terms : {masked} AND {MASKED_COLUMNS} : ({text})))")
    else:
        expr = f"{STAFF_COLUMNS} : ({text})"
    if parts:
        expr += " AND filter_terms : (" + " AND ".join(parts) + ")"
    if not q.public and not q.include_confidential:
        expr = f"({expr}) NOT filter_terms : {_f(q.authority_id, 'conf')}"
    return expr, exact


def _pg_lexeme(term: str, weights: str = "") -> str:
    return "'" + term.replace("'", "''").replace("\\", "\\\\") + "'" + (f":{weights}" if weights else "")


def pg_tsquery(q: Query, *, weights: str = "", public_branch: str = "") -> tuple[str, str, bool]:
    """(full tsquery with filters, text-only tsquery for ranking, exact dates needed).
    ``public_branch``: "plain" (not masked) or "masked" for the two halves of a public search."""
    required, dates, exact = _filter_list(q)
    text = " & ".join("(" + " | ".join(_pg_lexeme(t, weights) for t in alts) + ")" for alts in _scoped_terms(q))
    parts = [text] + [_pg_lexeme(t) for t in required]
    if dates:
        parts.append("(" + " | ".join(_pg_lexeme(t) for t in dates) + ")")
    masked = _pg_lexeme(_f(q.authority_id, "masked"))
    if public_branch == "plain":
        parts.append("!" + masked)
    elif public_branch == "masked":
        parts.append(masked)
    if not q.public and not q.include_confidential:
        parts.append("!" + _pg_lexeme(_f(q.authority_id, "conf")))
    return " & ".join(parts), text, exact


class Engine(ABC):
    vendor = ""

    def __init__(self, connection):
        self.connection = connection

    def _run(self, sql, params=()):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _date_sql(self, q: Query, alias: str = "") -> tuple[str, list]:
        col = f"{alias}date"
        clauses, params = [], []
        if q.date_from:
            clauses.append(f"{col} >= %s")
            params.append(self._date_param(q.date_from))
        if q.date_to:
            clauses.append(f"{col} <= %s")
            params.append(self._date_param(q.date_to))
        return " AND ".join(clauses), params

    def _date_param(self, value):
        return value

    def listing(self, q: Query) -> tuple[int, list[tuple[int, float]]]:
        """Without words: the matching acts, most recent decision first."""
        where, params = ["authority_id = %s"], [q.authority_id]
        if q.public:
            where.append("published = %s")
            params.append(True)
        if not q.include_confidential or q.public:
            where.append("confidential = %s")
            params.append(False)
        if q.nature:
            where.append("nature = %s")
            params.append(q.nature)
        if q.matiere:
            where.append("matieres LIKE %s")
            params.append(f"% {q.matiere} %")
        dates, date_params = self._date_sql(q)
        if dates:
            where.append(dates)
            params += date_params
        sql_where = " AND ".join(where)
        total = self._run(f"SELECT count(*) FROM search_entry WHERE {sql_where}", params)[0][0]
        rows = self._run(f"SELECT act_id FROM search_entry WHERE {sql_where} "
                         "ORDER BY (date IS NULL), date DESC, act_id DESC LIMIT %s OFFSET %s",
                         params + [q.limit, q.offset])
        return total, [(r[0], 0.0) for r in rows]

    @abstractmethod
    def run(self, q: Query) -> tuple[int, list[tuple[int, float]]]:
        """(total, [(act id, rank), …]) for the page; rank: higher is better."""

    def page(self, q: Query, total: int, ranked, recent) -> list[tuple[int, float]]:
        """Positions [offset, offset+limit) of: ranked(window) then the older matches by recency."""
        window = min(total, RANK_WINDOW)
        out = []
        start, end = q.offset, q.offset + q.limit
        if start < window:
            out += ranked(window, min(end, window) - start, start)
        if end > window and total > window:
            first = max(start, window)
            out += recent(end - first, first)
        return out


class SqliteEngine(Engine):
    vendor = "sqlite"

    def _date_param(self, value):
        return value.isoformat()

    def run(self, q):
        match, exact = fts_match(q)
        join, where, params = "", "", [match]
        if exact:
            dates, date_params = self._date_sql(q, "e.")
            join = "JOIN search_entry e ON e.act_id = search_fts.rowid"
            where = " AND " + dates
            params += date_params
        base = f"FROM search_fts {join} WHERE search_fts MATCH %s{where}"
        total = self._run(f"SELECT count(*) {base}", params)[0][0]
        if not total:
            return 0, []
        bm25 = "bm25(search_fts, " + ", ".join(str(w) for w in BM25_WEIGHTS) + ")"
        full = total <= RANK_WINDOW

        def ranked(window, limit, offset):
            inner = f"SELECT search_fts.rowid AS id, {bm25} AS score {base}"
            if not full:
                inner += f" ORDER BY search_fts.rowid DESC LIMIT {int(window)}"
            rows = self._run(f"SELECT id, score FROM ({inner}) ORDER BY score, id DESC LIMIT %s OFFSET %s",
                             params + [limit, offset])
            return [(r[0], -r[1]) for r in rows]

        def recent(limit, offset):
            rows = self._run(f"SELECT search_fts.rowid, {bm25} {base} ORDER BY search_fts.rowid DESC "
                             "LIMIT %s OFFSET %s", params + [limit, offset])
            return [(r[0], -r[1]) for r in rows]

        return total, self.page(q, total, ranked, recent)


class PostgresEngine(Engine):
    vendor = "postgresql"

    def run(self, q):
        if q.public:
            tsq, text, exact = pg_tsquery(q, weights="ABD", public_branch="plain")
            tsq_masked, text_masked, _ = pg_tsquery(q, public_branch="masked")
            match = ("((NOT masked AND document @@ to_tsquery('simple', %s)) OR "
                     "(masked AND public_document @@ to_tsquery('simple', %s)))")
            match_params = [tsq, tsq_masked]
            score = (f"ts_rank('{PG_WEIGHTS}', CASE WHEN masked THEN public_document ELSE document END, "
                     "to_tsquery('simple', %s), 1)")
            score_params = [text_masked]
        else:
            tsq, text, exact = pg_tsquery(q)
            match = "document @@ to_tsquery('simple', %s)"
            match_params = [tsq]
            score = f"ts_rank('{PG_WEIGHTS}', document, to_tsquery('simple', %s), 1)"
            score_params = [text]
        where, params = f"{match} AND authority_id = %s", match_params + [q.authority_id]
        if exact:
            dates, date_params = self._date_sql(q)
            where += " AND " + dates
            params += date_params
        total = self._run(f"SELECT count(*) FROM search_entry WHERE {where}", params)[0][0]
        if not total:
            return 0, []
        full = total <= RANK_WINDOW

        def ranked(window, limit, offset):
            if full:
                sql = (f"SELECT act_id, {score} AS score FROM search_entry WHERE {where} "
                       "ORDER BY score DESC, act_id DESC LIMIT %s OFFSET %s")
                rows = self._run(sql, score_params + params + [limit, offset])
            else:
                # The window: the most recent matches, found through the GIN index (materialised
                # first, so that the planner does not walk the primary key backwards).
                sql = (f"WITH m AS MATERIALIZED (SELECT act_id FROM search_entry WHERE {where}), "
                       f"w AS (SELECT act_id FROM m ORDER BY act_id DESC LIMIT {int(window)}) "
                       f"SELECT e.act_id, {score} AS score FROM search_entry e JOIN w ON w.act_id = e.act_id "
                       "ORDER BY score DESC, e.act_id DESC LIMIT %s OFFSET %s")
                rows = self._run(sql, params + score_params + [limit, offset])
            return [(r[0], float(r[1])) for r in rows]

        def recent(limit, offset):
            sql = (f"WITH m AS MATERIALIZED (SELECT act_id FROM search_entry WHERE {where}), "
                   "w AS (SELECT act_id FROM m ORDER BY act_id DESC LIMIT %s OFFSET %s) "
                   f"SELECT e.act_id, {score} FROM search_entry e JOIN w ON w.act_id = e.act_id "
                   "ORDER BY e.act_id DESC")
            rows = self._run(sql, params + [limit, offset] + score_params)
            return [(r[0], float(r[1])) for r in rows]

        return total, self.page(q, total, ranked, recent)


def engine_for(connection) -> Engine:
    if connection.vendor == "sqlite":
        return SqliteEngine(connection)
    if connection.vendor == "postgresql":
        return PostgresEngine(connection)
    raise ImproperlyConfigured(f"Recherche plein texte non disponible pour {connection.vendor}")


# --- Schema -------------------------------------------------------------------------------------

_COLS = ", ".join(TERM_COLUMNS)
_NEW = ", ".join(f"new.{c}" for c in TERM_COLUMNS)
_OLD = ", ".join(f"old.{c}" for c in TERM_COLUMNS)

SQLITE_FTS = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5({_COLS}, content='search_entry', "
    "content_rowid='act_id', tokenize='unicode61 remove_diacritics 2')",
]
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS search_entry_ai AFTER INSERT ON search_entry BEGIN "
    f"INSERT INTO search_fts(rowid, {_COLS}) VALUES (new.act_id, {_NEW}); END",
    f"CREATE TRIGGER IF NOT EXISTS search_entry_ad AFTER DELETE ON search_entry BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {_COLS}) VALUES ('delete', old.act_id, {_OLD}); END",
    f"CREATE TRIGGER IF NOT EXISTS search_entry_au AFTER UPDATE ON search_entry BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {_COLS}) VALUES ('delete', old.act_id, {_OLD}); "
    f"INSERT INTO search_fts(rowid, {_COLS}) VALUES (new.act_id, {_NEW}); END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS search_entry_ai", "DROP TRIGGER IF EXISTS search_entry_ad",
               "DROP TRIGGER IF EXISTS search_entry_au", "DROP TABLE IF EXISTS search_fts"]


def _pg_vector(title, body, report=None) -> str:
    parts = [f"setweight(to_tsvector('simple'::regconfig, {title}), 'A')",
             f"setweight(to_tsvector('simple'::regconfig, {body}), 'B')"]
    if report:
        parts.append(f"setweight(to_tsvector('simple'::regconfig, {report}), 'C')")
    parts.append("setweight(to_tsvector('simple'::regconfig, class_terms || ' ' || filter_terms), 'D')")
    return " || ".join(parts)


PG_COLUMNS = [
    "ALTER TABLE search_entry ADD COLUMN IF NOT EXISTS document tsvector GENERATED ALWAYS AS ("
    + _pg_vector("title_terms", "body_terms", "report_terms") + ") STORED",
    "ALTER TABLE search_entry ADD COLUMN IF NOT EXISTS public_document tsvector GENERATED ALWAYS AS ("
    "CASE WHEN masked THEN " + _pg_vector("ptitle_terms", "pbody_terms") + " END) STORED",
]
PG_INDEXES = [
    "CREATE INDEX IF NOT EXISTS search_entry_document ON search_entry USING gin (document)",
    "CREATE INDEX IF NOT EXISTS search_entry_public_document ON search_entry USING gin (public_document) "
    "WHERE masked",
]
PG_DROP = ["DROP INDEX IF EXISTS search_entry_public_document", "DROP INDEX IF EXISTS search_entry_document",
           "ALTER TABLE search_entry DROP COLUMN IF EXISTS public_document",
           "ALTER TABLE search_entry DROP COLUMN IF EXISTS document"]


def create_schema(connection, *, triggers: bool = True, indexes: bool = True) -> None:
    """The engine's part of the schema (the search_entry table exists)."""
    if connection.vendor == "sqlite":
        statements = SQLITE_FTS + (SQLITE_TRIGGERS if triggers else [])
    elif connection.vendor == "postgresql":
        statements = PG_COLUMNS + (PG_INDEXES if indexes else [])
    else:
        return
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop_schema(connection) -> None:
    statements = {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def rebuild(connection) -> None:
    """Re-read every row into the full-text index (after loading rows with triggers off)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
