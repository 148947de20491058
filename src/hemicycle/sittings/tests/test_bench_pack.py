"""The benchmark B1 (sitting pack and convocations, bench/pack.py) still runs, on a tiny Paris
preset: both methods produce a pack that passes the bench's own checks (the benchmark itself is
not part of the suite; no time is asserted)."""

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_pack():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import pack

    return pack


@pytest.fixture
def paris(bench_pack):
    from hemicycle.demo.load import load_paris

    load_paris(acts=3, annex_pages=2)
    return bench_pack.prepare_sitting()


def test_hemicycle_side_generates_sends_and_passes_the_checks(bench_pack, paris, django_capture_on_commit_callbacks):
    timing = bench_pack.generate_and_send(paris, commit=lambda: django_capture_on_commit_callbacks(execute=True))
    assert timing["seconds"] > 0 and timing["documents_seconds"] > 0

    check = bench_pack.check_convocation(paris)
    assert check["problems"] == []
    assert check["items"] == 3 and check["bookmarks"] == 5  # agenda, note, 3 items
    assert check["parts"]["annexes"] == 3 * 2 and check["parts"]["acts"] >= 3
    assert check["pages"] == sum(check["parts"].values())
    assert check["recipients"] == 163 and check["emails_sent"] + check["paper"] == 163
    assert check["outbox"] == check["emails_sent"] and check["timestamp_valid"] and check["proof_valid"]
    paper = bench_pack.check_paper_letters(paris)
    assert paper["problems"] == [] and paper["letters"] == check["paper"]


def test_the_checks_see_a_pack_with_a_missing_part(bench_pack, paris, django_capture_on_commit_callbacks):
    """A check that could not fail would prove nothing: drop an annex's pages from the stored pack."""
    import io

    from pypdf import PdfReader, PdfWriter

    from hemicycle.core import blobs
    from hemicycle.sittings.models import Convocation

    bench_pack.generate_and_send(paris, commit=lambda: django_capture_on_commit_callbacks(execute=True))
    convocation = Convocation.objects.get(pk=paris)
    reader = PdfReader(io.BytesIO(blobs.get(convocation.pack_sha256)))
    writer = PdfWriter()
    writer.append(reader, pages=(0, len(reader.pages) - 1))  # the last annex loses a page
    out = io.BytesIO()
    writer.write(out)
    Convocation.objects.filter(pk=paris).update(pack_sha256=blobs.put(out.getvalue()))
    assert bench_pack.check_convocation(paris)["problems"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (méthode de référence) absent")
def test_reference_side_builds_the_same_pack_with_libreoffice(bench_pack, paris, tmp_path,
                                                              django_capture_on_commit_callbacks):
    from bench.run import LibreOffice

    office = LibreOffice(shutil.which("soffice"), tmp_path, lanes=2, batch=2)
    timing = bench_pack.reference_generate_and_send(
        paris, office, tmp_path, commit=lambda: django_capture_on_commit_callbacks(execute=True))
    assert timing["seconds"] > 0
    check = bench_pack.check_convocation(paris)
    assert check["problems"] == [] and check["bookmarks"] == 5 and check["recipients"] == 163
