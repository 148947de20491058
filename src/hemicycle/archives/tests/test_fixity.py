"""Fixity audit: every stored file referenced by a record is re-read and checked."""

import pytest
from django.core.management import ManagementUtility

from hemicycle.archives import fixity
from hemicycle.archives.actions import export_package
from hemicycle.archives.testing import add_acknowledgement, build_archived_sitting
from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry


@pytest.fixture
def storage(settings, tmp_path):
    """A storage of our own: these tests damage files on purpose."""
    settings.MEDIA_ROOT = str(tmp_path / "files")
    return tmp_path


@pytest.fixture
def archived(world, storage):
    decided, finals = build_archived_sitting(world)
    add_acknowledgement(decided.adopted[0], world.users[Role.SECRETARIAT])
    export_package(world.users[Role.SECRETARIAT], world.authority, sitting=decided.sitting)
    return decided, finals


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch):
    """run_from_argv closes the database connections when a command ends (the test's too)."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


def _run(*argv) -> int:
    """Run a command as from the shell; its exit code."""
    try:
        ManagementUtility(["hemicycle", *argv]).execute()
    except SystemExit as exc:
        return exc.code or 0
    return 0


def test_intact_storage_passes(world, archived, capsys):
    report = fixity.check()
    assert report.ok and report.checked >= 8
    assert _run("fixity_check") == 0
    assert "0 absent(s), 0 altéré(s)" in capsys.readouterr().out
    assert JournalEntry.objects.filter(action="fixity.checked").count() == 1


def test_altered_and_missing_files_are_reported_with_their_owners(world, archived, capsys):
    decided, finals = archived
    altered = finals[0].signed_sha256
    path = fixity.storage_path(altered)
    with open(path, "r+b") as handle:  # one byte changed on the disk
        handle.seek(200)
        byte = handle.read(1)
        handle.seek(200)
        handle.write(bytes([byte[0] ^ 0xFF]))
    annex = decided.adopted[0].annexes.get()
    import os

    os.remove(fixity.storage_path(annex.sha256))

    report = fixity.check()
    problems = {p.sha256: p for p in report.problems}
    assert set(problems) == {altered, annex.sha256}
    assert problems[altered].kind == fixity.ALTERED
    assert any("2026 DAC 1, document définitif (PDF signé)" in o for o in problems[altered].owners)
    assert any("versement SEDA" in o for o in problems[altered].owners)  # the package holds it too
    assert problems[annex.sha256].kind == fixity.MISSING
    assert any("annexe « Plan de situation »" in o for o in problems[annex.sha256].owners)

    assert _run("fixity_check") == 1
    err = capsys.readouterr().err
    assert f"ALTÉRÉ {altered}" in err and f"ABSENT {annex.sha256}" in err
    assert "1 absent(s), 1 altéré(s)" in err
    entry = JournalEntry.objects.filter(action="fixity.checked").latest("seq")
    assert entry.data["missing"] == 1 and entry.data["altered"] == 1
    assert {p["sha256"] for p in entry.data["problems"]} == {altered, annex.sha256}
    with pytest.raises(blobs.BlobIntegrityError):
        blobs.get(altered)


def test_weekly_task_journals_the_result(world, archived, settings):
    from hemicycle.archives.tasks import fixity_check

    assert ("hemicycle.archives.tasks.fixity_check", 7 * 24 * 3600) in settings.HEMICYCLE_PERIODIC_TASKS
    result = fixity_check.enqueue()
    assert result.return_value["missing"] == 0 and result.return_value["altered"] == 0
    assert JournalEntry.objects.filter(action="fixity.checked").exists()


def test_register_files_are_checked(world, archived):
    from hemicycle.archives import register as reg

    decided, _ = archived
    volume, _ = reg.generate_register(world.users[Role.SECRETARIAT], world.authority, decided.sitting.date.year)
    import os

    os.remove(fixity.storage_path(volume.twin_csv_sha256))
    (problem,) = fixity.check().problems
    assert problem.kind == fixity.MISSING and "jumeau CSV" in problem.owners[0]
