"""SCDL « Délibérations » 2.1.5: the file validates with frictionless against the official
Table Schema, and its values are those of the held sitting, the acknowledgement and the portal."""

import csv
import datetime
import io
import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import resolve, reverse
from frictionless import Resource, Schema

from hemicycle.acts.models import Matiere
from hemicycle.documents.testing import build_decided_sitting
from hemicycle.opendata import scdl
from hemicycle.opendata.testing import acknowledge, item_of, publish_act
from hemicycle.sittings.models import Ballot



def frictionless_report(directory, name):
    """Validate a CSV on disk the way formats.md says: relative path, base path given."""
    schema = Schema.from_descriptor(json.loads(scdl.SCHEMA_PATH.read_text(encoding="utf-8")))
    return Resource(path=name, basepath=str(directory), schema=schema).validate()


def rows_of(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


@pytest.fixture
def decided(world):
    decided = build_decided_sitting(world)
    budget, subsidy = decided.adopted
    publish_act(world, budget, item_of(decided, budget))
    publish_act(world, subsidy, item_of(decided, subsidy))
    acknowledge(world, budget, received_on=decided.sitting.date + datetime.timedelta(days=3))
    return decided


def test_shipped_schema_is_the_official_one():
    shared = scdl.SCHEMA_PATH.parents[4].parent / "shared" / "formats" / "scdl" / "deliberations.schema.json"
    if shared.exists():  # in the development tree; the package never reads it
        assert json.loads(shared.read_text()) == scdl.schema_descriptor()
    assert scdl.fields()[0] == "COLL_NOM" and scdl.fields()[-1] == "DELIB_URL" and len(scdl.fields()) == 17


def test_command_writes_a_valid_file_with_the_sitting_values(decided, world, tmp_path):
    out = tmp_path / "deliberations.csv"
    stdout = io.StringIO()
    call_command("scdl_export", "--out", str(out), "--authority", world.authority.slug, stdout=stdout)
    assert "2 délibération(s) exportée(s)" in stdout.getvalue()

    report = frictionless_report(tmp_path, "deliberations.csv")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    data = out.read_bytes()
    assert data.startswith(b"COLL_NOM,COLL_SIRET,DELIB_ID,DELIB_DATE,DELIB_MATIERE_CODE,DELIB_MATIERE_NOM,"
                           b"DELIB_OBJET,BUDGET_ANNEE,BUDGET_NOM,PREF_ID,PREF_DATE,VOTE_EFFECTIF,VOTE_REEL,"
                           b"VOTE_POUR,VOTE_CONTRE,VOTE_ABSTENTION,DELIB_URL\r\n")
    rows = {r["DELIB_ID"]: r for r in rows_of(data)}
    budget, subsidy = decided.adopted
    # Rejected (never signed nor published) and postponed acts are not in the file.
    assert set(rows) == {budget.reference, subsidy.reference}

    b = rows[budget.reference]
    assert b["DELIB_ID"] == budget.reference and " " in b["DELIB_ID"]  # "2026 DAC 1", as actes_export takes it
    assert b["COLL_NOM"] == world.authority.name and b["COLL_SIRET"] == "21750001600017"
    assert b["DELIB_DATE"] == decided.sitting.date.isoformat()
    assert b["DELIB_MATIERE_CODE"] == "7.1"
    assert b["DELIB_MATIERE_NOM"] == Matiere.objects.get(version=budget.classification_version, code="7.1").label
    assert b["DELIB_OBJET"] == "Budget supplémentaire 2026"
    assert (b["BUDGET_ANNEE"], b["BUDGET_NOM"]) == ("2026", "Budget principal")
    # Acknowledged by the prefecture of department 075, three days after the sitting.
    assert b["PREF_ID"] == "PREF075"
    assert b["PREF_DATE"] == (decided.sitting.date + datetime.timedelta(days=3)).isoformat()
    # Show of hands: 7 present + 1 represented, 7 for, 1 abstention; 9 members in office.
    assert (b["VOTE_EFFECTIF"], b["VOTE_REEL"], b["VOTE_POUR"], b["VOTE_CONTRE"], b["VOTE_ABSTENTION"]) == \
        ("9", "8", "7", "0", "1")

    s = rows[subsidy.reference]
    assert (s["PREF_ID"], s["PREF_DATE"]) == ("", "")  # not acknowledged yet
    assert s["DELIB_MATIERE_CODE"] == "7.5"
    # Roll call with a withdrawn member: 6 present + 1 proxy, 3 for, 3 against, 1 abstention.
    assert (s["VOTE_EFFECTIF"], s["VOTE_REEL"], s["VOTE_POUR"], s["VOTE_CONTRE"], s["VOTE_ABSTENTION"]) == \
        ("9", "7", "3", "3", "1")
    final = Ballot.objects.filter(item=item_of(decided, subsidy), amendment__isnull=True).last()
    assert (final.pour, final.contre, final.abstention) == (3, 3, 1)


def test_delib_url_is_the_portal_pdf_and_serves_it(decided, world, client):
    result = scdl.export(authority=world.authority)
    budget = decided.adopted[0]
    row = next(r for r in rows_of(result.data) if r["DELIB_ID"] == budget.reference)
    path = reverse("publication:act_pdf", kwargs={"authority": world.authority.slug, "slug": budget.slug})
    assert row["DELIB_URL"] == settings.HEMICYCLE_BASE_URL.rstrip("/") + path
    assert resolve(path).view_name == "publication:act_pdf"
    response = client.get(path)
    assert response.status_code == 200
    assert b"".join(response).startswith(b"%PDF") if response.streaming else response.content.startswith(b"%PDF")


def test_public_url_serves_the_same_valid_file(decided, world, client, tmp_path):
    response = client.get(reverse("opendata:scdl", kwargs={"authority": world.authority.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    (tmp_path / "public.csv").write_bytes(response.content)
    assert frictionless_report(tmp_path, "public.csv").valid
    assert response.content == scdl.export(authority=world.authority).data
    assert len(rows_of(response.content)) == 2
    # Year filter; an unknown authority is a 404.
    year = decided.sitting.date.year
    url = reverse("opendata:scdl", kwargs={"authority": world.authority.slug})
    assert len(rows_of(client.get(url, {"annee": year - 1}).content)) == 0
    assert len(rows_of(client.get(url, {"annee": year}).content)) == 2
    assert client.get(url, {"annee": "deux"}).status_code == 400
    assert client.get(reverse("opendata:scdl", kwargs={"authority": "inconnue"})).status_code == 404


def test_other_authorities_and_unpublished_acts_stay_out(decided, world, other_world):
    other = build_decided_sitting(other_world)  # decided but never published
    assert other.adopted
    assert rows_of(scdl.export(authority=other_world.authority).data) == []
    everyone = {r["DELIB_ID"]: r for r in rows_of(scdl.export().data)}
    assert {r["COLL_SIRET"] for r in everyone.values()} == {world.authority.siret}


def test_withdrawn_publication_leaves_the_file(decided, world):
    from hemicycle.core.roles import Role
    from hemicycle.publication.actions import withdraw

    budget = decided.adopted[0]
    withdraw(world.users[Role.SECRETARIAT], budget, reason="Erreur matérielle")
    assert budget.reference not in {r["DELIB_ID"] for r in rows_of(scdl.export(authority=world.authority).data)}


def test_inconsistent_votes_are_left_out_with_a_warning(decided, world):
    budget = decided.adopted[0]
    Ballot.objects.filter(item=item_of(decided, budget), amendment__isnull=True).update(pour=30)
    result = scdl.export(authority=world.authority)
    row = next(r for r in rows_of(result.data) if r["DELIB_ID"] == budget.reference)
    assert (row["VOTE_REEL"], row["VOTE_POUR"]) == ("", "")
    assert row["VOTE_EFFECTIF"] == "9"
    assert any(budget.reference in w and "incohérent" in w for w in result.warnings)


def test_validation_catches_an_invalid_file():
    bad = b"COLL_NOM,COLL_SIRET\r\nVille,123\r\n"
    assert scdl.validate_csv(bad)
    header = ",".join(scdl.fields()).encode()
    row = b"Ville,21750001600017,2026 DAC 1,2026-13-01,7.1,Budget,Objet,,,,,,,,,,"
    errors = scdl.validate_csv(header + b"\r\n" + row + b"\r\n")
    assert any("DELIB_DATE" in e for e in errors)


@pytest.mark.parametrize("codes, expected", [
    (["7", "7.5"], "7.5"), (["7", "7.5", "7.5.2"], "7.5"), (["7.10.1"], "7.10"), (["7"], ""), ([], ""),
])
def test_matiere_code(codes, expected):
    assert scdl.matiere_code(codes) == expected
    assert scdl.matiere_code_in(json.dumps(codes, indent=1)) == expected


@pytest.mark.parametrize("id_acte, department, expected", [
    ("075-217500016-20261114-2026_DAC_123-DE", "075", "PREF075"),
    ("02A-212000046-20261114-X-DE", "02A", "PREF02A"),
    ("", "069", "PREF069"),
    ("garbage", "", ""),
])
def test_prefecture_id(id_acte, department, expected):
    assert scdl.prefecture_id(id_acte, department) == expected


def test_command_errors(db, tmp_path):
    with pytest.raises(CommandError, match="inconnue"):
        call_command("scdl_export", "--out", str(tmp_path / "x.csv"), "--authority", "nulle-part")
    with pytest.raises(CommandError, match="Dossier introuvable"):
        call_command("scdl_export", "--out", str(tmp_path / "absent" / "x.csv"))


def test_acknowledgement_survives_a_prefecture_request_but_not_an_anomaly(decided, world):
    from hemicycle.legality.models import Transmission

    budget = decided.adopted[0]

    def pref():
        row = next(r for r in rows_of(scdl.export(authority=world.authority).data) if r["DELIB_ID"] == budget.reference)
        return row["PREF_ID"], row["PREF_DATE"]

    received = (decided.sitting.date + datetime.timedelta(days=3)).isoformat()
    Transmission.objects.filter(act=budget).update(state=Transmission.State.REQUEST_PENDING)
    assert pref() == ("PREF075", received)
    Transmission.objects.filter(act=budget).update(state=Transmission.State.ANOMALY)
    assert pref() == ("", "")
