"""The benchmark B4 (full-text search over 1,000,000 acts, bench/search.py) still runs, on a few
thousand generated acts: same tables, same loading, same query mix against the LIKE reference
(the benchmark itself is not part of the suite; no time is asserted)."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]


@pytest.mark.django_db
def test_search_benchmark_on_a_small_index(tmp_path):
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import search

    result = search.bench_b4(3000, rounds=1, work=tmp_path, database_url=os.environ.get("DATABASE_URL"))
    assert result["documents"] == 3000 and result["queries"] == len(search.QUERIES)
    assert result["p50_ms"] > 0 and result["p95_ms"] >= result["p50_ms"] and result["reference_p95_ms"] > 0
    rows = {q["query"]: q for q in result["per_query"]}
    # French processing finds what the LIKE scan misses: plurals and words typed without accents.
    assert rows["deliberation"]["total"] > rows["deliberation"]["reference_total"] == 0
    # Plain words: both methods find the same acts.
    assert rows["garantie d'emprunt"]["total"] == rows["garantie d'emprunt"]["reference_total"] > 0
    assert not (tmp_path / "b4.sqlite3").exists()  # the throwaway database is removed
