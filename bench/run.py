"""Benchmark runner (``make bench`` → scripts/bench.sh → ``python -m bench``): B0 here, B1 in
``bench/pack.py``, B2 in ``bench/after_vote.py``, B3 in ``bench/b3_signing.py``, B4 in ``bench/search.py``,
B5 in ``bench/live.py`` (see docs/benchmarks.md).

B0 — render the Paris preset's 800 acts to PDF:
  Hémicycle: ``render_act_pdf`` (Typst) in a pool of 2 worker processes, as production workers
  run it (the pool is started and warmed before the clock starts; its start-up is reported).
  Reference: the method of ODT/DOCX-template systems — one ODT per act generated from the same
  data, converted by LibreOffice headless, 100 files per ``soffice`` call, 2 calls in parallel
  with separate user profiles (profiles created before the clock starts).
Both run in the same invocation, interleaved (T R, then R T … with ``--rounds``); the median of
each is reported, with ratio = reference seconds / Hémicycle seconds. Every PDF is checked.
"""

import argparse
import concurrent.futures as cf
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "results.json"


def setup_django(data_dir: Path | None = None) -> None:
    """Render code uses Django's translations: configure settings before importing it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hemicycle.settings")
    if data_dir is not None:
        os.environ.setdefault("HEMICYCLE_DATA", str(data_dir))
    import django

    django.setup()


# --- Hémicycle: Typst in worker processes ------------------------------------------------------

def _init_worker() -> None:
    setup_django()
    from bench.dataset import paris_acts
    from hemicycle.documents.render import render_act_pdf

    render_act_pdf(paris_acts(1, seed=1)[0])  # fonts and template loaded, as in a running worker


def _ping(delay: float) -> int:
    time.sleep(delay)
    return os.getpid()


def _render_chunk(job) -> int:
    from hemicycle.documents.render import render_act_pdf

    start, acts, out_dir, pdfa = job
    for offset, data in enumerate(acts):
        Path(out_dir, f"{start + offset:04d}.pdf").write_bytes(render_act_pdf(data, pdfa=pdfa))
    return len(acts)


class TypstPool:
    """A warm pool of worker processes (spawned, so no state leaks from the parent)."""

    def __init__(self, workers: int = 2):
        self.workers = workers
        started = time.perf_counter()
        self.pool = cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                           initializer=_init_worker)
        pids = set()
        while len(pids) < workers:  # every worker up, initialised and idle
            pids |= set(self.pool.map(_ping, [0.2] * workers))
        self.start_seconds = time.perf_counter() - started

    def render(self, acts: list[dict], out_dir: Path, *, pdfa: bool = False, chunk: int = 10) -> float:
        """Render every act to ``out_dir/NNNN.pdf``; returns the elapsed seconds."""
        _reset(out_dir)
        started = time.perf_counter()
        jobs = [(i, acts[i:i + chunk], str(out_dir), pdfa) for i in range(0, len(acts), chunk)]
        done = sum(self.pool.map(_render_chunk, jobs))
        elapsed = time.perf_counter() - started
        assert done == len(acts), (done, len(acts))
        return elapsed

    def close(self):
        self.pool.shutdown()


def run_typst(acts: list[dict], out_dir: Path, workers: int = 2) -> float:
    """The Typst half on its own (used by the test that keeps this code alive)."""
    pool = TypstPool(workers)
    try:
        return pool.render(acts, out_dir)
    finally:
        pool.close()


def single_process_ms(acts: list[dict], *, pdfa: bool = False) -> float:
    """Milliseconds per act, one process, after one warm-up render."""
    from hemicycle.documents.render import render_act_pdf

    for data in acts[:3]:  # warm-up: fonts, template, caches
        render_act_pdf(data, pdfa=pdfa)
    started = time.perf_counter()
    for data in acts:
        render_act_pdf(data, pdfa=pdfa)
    return (time.perf_counter() - started) * 1000 / len(acts)


# --- Reference: ODT + LibreOffice headless -----------------------------------------------------

def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_version(soffice: str) -> str:
    try:
        out = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=60).stdout
        return out.strip().split(" (")[0] or "LibreOffice"
    except (OSError, subprocess.SubprocessError):
        return "LibreOffice"


class LibreOffice:
    convert_to = "pdf"  # B2 exports PDF/A-2b (bench/after_vote.py: PDFA_FILTER)

    def __init__(self, soffice: str, work: Path, lanes: int = 2, batch: int = 100):
        self.soffice, self.lanes, self.batch = soffice, lanes, batch
        self.profiles = [work / f"profile-{i}" for i in range(lanes)]
        # Create every profile once, outside the clock (a real deployment keeps its profile).
        from bench.dataset import paris_acts
        from bench.odt import act_odt

        warm = work / "warm"
        _reset(warm)
        (warm / "warm.odt").write_bytes(act_odt(paris_acts(1, seed=1)[0]))
        for profile in self.profiles:
            self._convert(profile, [warm / "warm.odt"], warm)

    def _convert(self, profile: Path, files: list[Path], out_dir: Path) -> None:
        cmd = [self.soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--nologo", "--convert-to", self.convert_to, "--outdir", str(out_dir), *map(str, files)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            raise RuntimeError(f"soffice a échoué ({proc.returncode}) : {proc.stderr[-500:]}")

    def render(self, acts: list[dict], work: Path, out_dir: Path) -> tuple[float, float]:
        """Generate one ODT per act then convert them; returns (total seconds, generation seconds)."""
        from bench.odt import act_odt

        odt_dir = work / "odt"
        _reset(odt_dir)
        _reset(out_dir)
        started = time.perf_counter()
        files = []
        for i, data in enumerate(acts):
            path = odt_dir / f"{i:04d}.odt"
            path.write_bytes(act_odt(data))
            files.append(path)
        generated = time.perf_counter() - started
        self.convert_files(files, out_dir)
        return time.perf_counter() - started, generated

    def convert_files(self, files: list[Path], out_dir: Path) -> None:
        """Convert ODT files to PDF in ``out_dir``: ``batch`` files per soffice call, ``lanes``
        calls in parallel (each with its own profile)."""
        batches = [files[i:i + self.batch] for i in range(0, len(files), self.batch)]

        def lane(k: int) -> None:
            for batch in batches[k::self.lanes]:
                self._convert(self.profiles[k], batch, out_dir)

        with cf.ThreadPoolExecutor(self.lanes) as threads:
            list(threads.map(lane, range(self.lanes)))


# --- Checks --------------------------------------------------------------------------------------

def check_pdfs(out_dir: Path, acts: list[dict], *, sample: int = 5) -> dict:
    """Every act has a PDF that opens with at least one page; a sample carries its object."""
    import pypdf

    pages, problems = [], []
    for i in range(len(acts)):
        path = out_dir / f"{i:04d}.pdf"
        if not path.exists():
            problems.append(f"{path.name} manquant")
            continue
        try:
            reader = pypdf.PdfReader(path)
            n = len(reader.pages)
        except Exception as exc:  # noqa: BLE001 - any unreadable PDF is a failed check
            problems.append(f"{path.name} illisible : {exc}")
            continue
        if n < 1:
            problems.append(f"{path.name} sans page")
        pages.append(n)
        if i % max(1, len(acts) // sample) == 0:
            text = "".join("".join(p.extract_text() or "" for p in reader.pages).split())
            expected = "".join(acts[i]["object"].split())[:25]
            if expected not in text or "Article1" not in text:
                problems.append(f"{path.name} : texte attendu absent")
    return {"documents": len(pages), "pages": sum(pages), "min_pages": min(pages, default=0),
            "max_pages": max(pages, default=0), "problems": problems}


def _reset(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)


# --- B0 ------------------------------------------------------------------------------------------

def bench_b0(count: int, rounds: int, workers: int, batch: int, reference: bool, work: Path) -> dict:
    from bench.dataset import paris_acts

    acts = paris_acts(count)
    soffice = find_soffice() if reference else None
    if reference and soffice is None:
        raise SystemExit("soffice introuvable : installez libreoffice-writer-nogui (scripts/bench.sh le fait).")

    print(f"B0 : {count} actes, {workers} processus Typst"
          + (f", LibreOffice {batch} fichiers par appel × {workers} appels en parallèle" if soffice else ""),
          flush=True)
    pool = TypstPool(workers)
    office = LibreOffice(soffice, work, lanes=workers, batch=batch) if soffice else None
    typst_times, ref_times, gen_times = [], [], []
    try:
        for r in range(rounds):
            order = ("typst", "ref") if r % 2 == 0 else ("ref", "typst")
            for which in order:
                if which == "typst":
                    typst_times.append(pool.render(acts, work / "typst"))
                    print(f"  tour {r + 1} Typst       : {typst_times[-1]:7.2f} s", flush=True)
                elif office is not None:
                    total, generated = office.render(acts, work, work / "reference")
                    ref_times.append(total)
                    gen_times.append(generated)
                    print(f"  tour {r + 1} LibreOffice : {total:7.2f} s (dont génération ODT {generated:.2f} s)",
                          flush=True)
    finally:
        pool.close()

    sample = acts[:min(len(acts), 100)]
    single = single_process_ms(sample)
    single_pdfa = single_process_ms(sample, pdfa=True)

    typst_check = check_pdfs(work / "typst", acts)
    result = {
        "acts": count,
        "seconds": round(statistics.median(typst_times), 3),
        "ms_per_act_single": round(single, 2),
        "ms_per_act_single_pdfa": round(single_pdfa, 2),
        "workers": workers,
        "pool_start_seconds": round(pool.start_seconds, 3),
        "rounds": rounds,
        "pages": typst_check["pages"],
        "check": "ok" if not typst_check["problems"] and typst_check["documents"] == count else "ÉCHEC",
        "problems": typst_check["problems"][:10],
        "cpus": os.cpu_count(),
    }
    if office is not None:
        ref_check = check_pdfs(work / "reference", acts)
        result.update({
            "reference_seconds": round(statistics.median(ref_times), 3),
            "ratio": round(statistics.median(ref_times) / statistics.median(typst_times), 2),
            "reference_generation_seconds": round(statistics.median(gen_times), 3),
            "reference_pages": ref_check["pages"],
            "reference_check": "ok" if not ref_check["problems"] and ref_check["documents"] == count else "ÉCHEC",
            "reference_problems": ref_check["problems"][:10],
            "reference": f"{soffice_version(soffice)}, ODT, {batch} fichiers par appel, {workers} appels en parallèle",
        })
    return result


def _fmt(value, pattern="{:.2f}") -> str:
    return pattern.format(value) if value is not None else "—"


def print_table(results: dict) -> None:
    rows = [("scénario", "volume", "Hémicycle", "référence", "ratio", "détail", "contrôle")]
    b0 = results.get("B0")
    if b0:
        rows.append(("B0 rendu des actes", f"{b0['acts']} actes", f"{b0['seconds']:.2f} s",
                     _fmt(b0.get("reference_seconds"), "{:.2f} s"), _fmt(b0.get("ratio"), "{:.1f}×"),
                     f"{b0['ms_per_act_single']:.1f} ms/acte 1 proc. (PDF/A {b0['ms_per_act_single_pdfa']:.1f})",
                     b0["check"] + (" / " + b0["reference_check"] if "reference_check" in b0 else "")))
    b1 = results.get("B1")
    if b1:
        rows.append(("B1 dossier de séance + convocations", f"{b1['acts']} actes, {b1['recipients']} élus",
                     f"{b1['seconds']:.2f} s", _fmt(b1.get("reference_seconds"), "{:.2f} s"),
                     _fmt(b1.get("ratio"), "{:.1f}×"),
                     f"documents {b1['documents_seconds']:.2f} s + envoi {b1['sending_seconds']:.2f} s ; "
                     f"{b1['pack_pages']} pages, {b1['bookmarks']} signets (cible ≤ 30 s)",
                     b1["check"] + (" / " + b1["reference_check"] if "reference_check" in b1 else "")))
    b2 = results.get("B2")
    if b2:
        rows.append(("B2 après la séance", f"{b2['acts']} actes", f"{b2['seconds']:.2f} s",
                     _fmt(b2.get("reference_seconds"), "{:.2f} s"), _fmt(b2.get("ratio"), "{:.1f}×"),
                     " + ".join(f"{k} {v:.1f}" for k, v in b2["steps"].items()) + " s (cible ≤ 20 s)",
                     b2["check"] + (" / " + b2["reference_check"] if "reference_check" in b2 else "")))
    b3 = results.get("B3")
    if b3:
        rows.append(("B3 signature PAdES", f"{b3['acts']} signatures", f"{b3['ms_per_act']:.1f} ms/acte",
                     f"{b3['reference_ms_per_act']:.1f} ms/acte", _fmt(b3.get("ratio"), "{:.1f}×"),
                     f"sans horodatage {b3['ms_per_act_without_timestamp']:.1f} ms, jeton {b3['timestamp_ms']:.1f} ms "
                     f"(TSA intégrée ; cible ≤ 10 ms)", b3["check"]))
    b4 = results.get("B4")
    if b4:
        rows.append(("B4 recherche plein texte", f"{b4['documents']} actes", f"p95 {b4['p95_ms']:.1f} ms",
                     _fmt(b4.get("reference_p95_ms"), "p95 {:.0f} ms"), _fmt(b4.get("ratio_p50"), "{:.1f}×"),
                     f"p50 {b4['p50_ms']:.1f} ms (réf. {_fmt(b4.get('reference_p50_ms'), '{:.0f}')} ms), {b4['engine']}, "
                     f"chargement {b4['load_seconds']:.0f} s (cibles p95 ≤ 50 ms, p50 ≤ 10 ms)", b4["check"]))
    b5 = results.get("B5")
    if b5:
        rows.append(("B5 séance en direct sous charge", f"{b5['viewers']} spect. + {b5['members']} élus",
                     f"visible {_fmt(b5['result_visible_s'])} s", "—", "—",
                     f"p99 {b5['p99_ms']:.0f} ms, {b5['errors']} erreur(s), {b5['requests_per_second']:.0f} req/s "
                     "(cibles ≤ 1 s, ≤ 200 ms, 0)", b5["check"]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for key, result in results.items():
        for field in ("problems", "reference_problems"):
            for problem in result.get(field, []) if isinstance(result, dict) else []:
                print(f"  ! {key} : {problem}")


SCENARIOS = ("B0", "B1", "B2", "B3", "B4", "B5")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="40 actes, 100 spectateurs, 1 tour ; résultats dans bench/out/ seulement")
    parser.add_argument("--only", default=",".join(SCENARIOS), help="scénarios, par ex. B1,B5 (tous par défaut)")
    parser.add_argument("--acts", type=int, help="nombre d'actes de B0, B1 et B2 (800 par défaut, 40 avec --quick)")
    parser.add_argument("--rounds", type=int, default=3, help="tours alternés Hémicycle/référence (3 par défaut)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=100, help="fichiers par appel soffice")
    parser.add_argument("--viewers", type=int, help="spectateurs de B5 (1 000 par défaut, 100 avec --quick)")
    parser.add_argument("--no-reference", action="store_true", help="sans LibreOffice")
    parser.add_argument("--search-docs", type=int, help="actes indexés de B4 (1 000 000 par défaut, 20 000 avec --quick)")
    args = parser.parse_args(argv)
    count = args.acts or (40 if args.quick else 800)
    rounds = 1 if args.quick and args.rounds == 3 else args.rounds
    viewers = args.viewers or (100 if args.quick else 1000)
    only = [s.strip().upper() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in only if s not in SCENARIOS]
    if unknown:
        parser.error(f"scénario inconnu : {', '.join(unknown)}")

    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=OUT))
    # B1 and B5 use the throwaway SQLite database of HEMICYCLE_DATA (scripts/bench.sh makes one),
    # run the background tasks inline and keep e-mails in memory.
    search_database_url = os.environ.get("DATABASE_URL")  # B4 runs on PostgreSQL when given
    os.environ.pop("DATABASE_URL", None)
    os.environ["HEMICYCLE_TASKS"] = "immediate"
    os.environ["HEMICYCLE_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    setup_django(work / "data")
    results = {}
    soffice = find_soffice() if not args.no_reference else None
    if not args.no_reference and soffice is None:
        raise SystemExit("soffice introuvable : installez libreoffice-writer-nogui (scripts/bench.sh le fait).")
    try:
        batch = min(args.batch, -(-count // args.workers))  # every lane gets work, even with --quick
        if "B0" in only:
            results["B0"] = bench_b0(count, rounds, args.workers, batch, not args.no_reference, work)
        if "B1" in only:
            from bench.pack import bench_b1

            office = LibreOffice(soffice, work / "b1-office", lanes=args.workers, batch=batch) if soffice else None
            results["B1"] = bench_b1(rounds=rounds, reference=office is not None, office=office, work=work, acts=count)
            if soffice:
                results["B1"]["reference"] = (f"{soffice_version(soffice)}, ODT, {batch} fichiers par appel, "
                                              f"{args.workers} appels en parallèle, même assemblage pypdf et même envoi")
        if "B2" in only:
            from bench.after_vote import bench_b2, pdfa_office

            office = pdfa_office(soffice, work / "b2-office", lanes=args.workers, batch=batch) if soffice else None
            results["B2"] = bench_b2(acts=count, rounds=rounds, office=office, work=work)
            if soffice:
                results["B2"]["reference"] = (
                    f"{soffice_version(soffice)}, ODT → PDF/A-2b, {batch} fichiers par appel, {args.workers} appels en "
                    "parallèle ; pyHanko naïf (un signataire par document) ; mêmes étapes @CTES, publication, SCDL, SEDA")
        if "B3" in only:
            from bench.b3_signing import bench_b3

            results["B3"] = bench_b3(acts=min(count, 200), reference_acts=10 if args.quick else 30,
                                     rounds=rounds, work=work)
        if "B4" in only:
            from bench.search import bench_b4

            results["B4"] = bench_b4(args.search_docs or (20_000 if args.quick else 1_000_000),
                                     rounds=1 if args.quick else 2, work=work / "b4",
                                     database_url=search_database_url)
        if "B5" in only:
            from bench.live import bench_b5

            results["B5"] = bench_b5(viewers=viewers, work=work)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    target = OUT / "results-quick.json" if (args.quick or args.acts or args.viewers or args.search_docs) else RESULTS
    stored = json.loads(target.read_text()) if target.exists() else {}
    stored.update(results)
    target.write_text(json.dumps(stored, indent=2, ensure_ascii=False) + "\n")
    print()
    print_table(results)
    print(f"\nRésultats : {target.relative_to(ROOT)}")
    failed = [k for k, r in results.items() if r.get("check") != "ok" or r.get("reference_check", "ok") != "ok"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
