"""``hemicycle sitting_replay FILE.json``, run as a user would: in subprocesses (no Django import here).

All invocations start at once in a module fixture, so the file costs about one Django start-up.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hemicycle.rules.replay import dumps, load, replay

EXAMPLES = Path(__file__).resolve().parents[4] / "docs" / "examples"
COMMUNE, INVALID, DEPARTEMENT = (EXAMPLES / n for n in (
    "sitting-commune.json", "sitting-commune-invalid.json", "sitting-departement.json"))
UNREADABLE = {
    "malformed": ('{"assembly": ', "JSON mal formé, ligne 1, colonne 14 : valeur attendue."),
    "missing key": ('{"assembly": {"kind": "commune", "population": 800, "seats": 7}}',
                    "Clé obligatoire manquante : « (racine).members »."),
    "not utf-8": (b'{"assembly": "\xe9"}', "n'est pas un texte UTF-8"),
    "no such file": (None, "Fichier introuvable"),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("records")
    calls = {
        "commune": [str(COMMUNE)], "invalid": [str(INVALID)], "departement": [str(DEPARTEMENT)],
        "strict invalid": ["--strict", str(INVALID)], "strict valid": ["--strict", str(COMMUNE)],
        "stdin": ["-"],
    }
    for name, (content, _) in UNREADABLE.items():
        path = folder / f"{name.replace(' ', '-')}.json"
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content is not None:
            path.write_text(content, encoding="utf-8")
        calls[name] = [str(path)]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hemicycle.settings"}
    started = {
        name: subprocess.Popen(
            [sys.executable, "-m", "hemicycle.manage", "sitting_replay", *args], env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for name, args in calls.items()
    }
    results = {}
    for name, process in started.items():
        stdin = INVALID.read_text(encoding="utf-8") if name == "stdin" else ""
        stdout, stderr = process.communicate(stdin, timeout=120)
        results[name] = (process.returncode, stdout, stderr)
    return results


@pytest.mark.parametrize(("name", "path"), [("commune", COMMUNE), ("invalid", INVALID), ("departement", DEPARTEMENT)])
def test_example_files(runs, name, path):
    code, stdout, stderr = runs[name]
    assert (code, stderr) == (0, ""), stderr
    assert stdout.strip() == dumps(replay(load(path.read_text(encoding="utf-8"))))  # byte for byte
    assert json.loads(stdout)["valid"] is (name != "invalid")


def test_strict_exit_code(runs):
    assert runs["strict invalid"][0] == 1
    assert json.loads(runs["strict invalid"][1])["valid"] is False  # the report is still printed
    assert runs["strict valid"][0] == 0


def test_reads_standard_input(runs):
    code, stdout, _ = runs["stdin"]
    assert code == 0 and json.loads(stdout)["items"][0]["ref"] == "2026 DAC 1"


@pytest.mark.parametrize(("name", "message"), [(n, m) for n, (_, m) in UNREADABLE.items()], ids=UNREADABLE)
def test_unreadable_records_exit_2_in_french(runs, name, message):
    code, stdout, stderr = runs[name]
    assert code == 2
    assert message in stderr
    assert "Traceback" not in stderr and stdout == ""
