"""The benchmark's Typst half still works (the benchmark itself is not part of the suite)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_bench_renders_three_paris_acts_in_worker_processes(tmp_path):
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench.dataset import paris_acts
    from bench.run import check_pdfs, run_typst

    acts = paris_acts(3)
    assert [len(a["visas"]) for a in acts] == [8, 8, 8] and len(acts[0]["articles"]) == 6
    assert paris_acts(3) == acts  # deterministic
    seconds = run_typst(acts, tmp_path / "typst", workers=2)
    assert seconds > 0
    check = check_pdfs(tmp_path / "typst", acts, sample=3)
    assert check["problems"] == [] and check["documents"] == 3
    assert check["min_pages"] == check["max_pages"] == 2
