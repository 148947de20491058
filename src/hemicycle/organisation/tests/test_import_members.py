"""CSV import of members: preview with line-by-line errors, nothing written before confirming."""

from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.organisation.models import Committee, Mandate, Member, PoliticalGroup

URL = "organisation:members_import"
HEADER = "civilite;prenom;nom;date_naissance;courriel;groupe;fonction;debut_mandat;convocation_papier;commissions\n"


def text(response) -> str:
    return unescape(response.content.decode())


def upload(client, content: bytes, name="elus.csv", **extra):
    data = {"step": "preview", "file": SimpleUploadedFile(name, content, content_type="text/csv")}
    data.update(extra)
    return client.post(reverse(URL), data)


def confirm(client, response):
    return client.post(reverse(URL), {"step": "confirm", "sha256": response.context["plan"].sha256}, follow=True)


def test_preview_shows_errors_per_line_and_writes_nothing(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    before_members, before_journal = Member.objects.count(), JournalEntry.objects.count()
    content = (HEADER
               + "Mme;Anne;Martin;01/02/1970;anne@example.org;MAJ;Adjointe au maire;04/07/2020;non;CULT\n"
               + "M.;Paul;;;;;;;;\n"
               + "M.;Luc;Bernard;31/02/1970;pas-un-courriel;XYZ;;;peut-être;FOO\n"
               + "Dr;Jean;Valjean;;;;Conseiller;;;\n").encode()
    response = upload(client, content)
    assert response.status_code == 200
    page = text(response)
    plan = response.context["plan"]
    assert plan.to_create == 1 and plan.error_lines == [3, 4, 5]
    errors = {(e.line, e.column): e.message for e in plan.errors}
    assert errors[(3, "nom")] == "Nom manquant."
    assert errors[(4, "date_naissance")] == "Date « 31/02/1970 » invalide : format attendu JJ/MM/AAAA."
    assert "Groupe « XYZ » inconnu. Groupes connus : MAJ." in errors[(4, "groupe")]
    assert errors[(4, "convocation_papier")] == "Valeur « peut-être » invalide : indiquez oui ou non."
    assert errors[(4, "commissions")] == "Commission « FOO » inconnue. Commissions connues : CULT."
    assert errors[(4, "courriel")] == "Adresse électronique « pas-un-courriel » invalide."
    assert errors[(5, "civilite")] == "Civilité « Dr » inconnue : indiquez Mme ou M."
    assert "Date de début du mandat manquante" in errors[(5, "debut_mandat")]
    assert "Ligne 4, colonne groupe : Groupe « XYZ » inconnu." in page
    assert "Importer la ligne valide" in page
    assert Member.objects.count() == before_members
    assert JournalEntry.objects.count() == before_journal


def test_confirm_writes_valid_lines_with_mandate_and_committees(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    Committee.objects.create(authority=world.authority, name="Finances", short_name="FIN")
    content = (HEADER
               + "Mme;Anne;Martin;01/02/1970;anne@example.org;MAJ;Adjointe au maire;04/07/2020;oui;CULT|fin\n"
               + "M.;Paul;;;;;;;;\n").encode()
    preview = upload(client, content)
    assert Member.objects.filter(last_name="Martin").count() == 0
    response = confirm(client, preview)
    assert "Import terminé : 1 création(s), 0 mise(s) à jour. 1 ligne(s) en erreur ignorée(s) : 3." in text(response)
    anne = Member.objects.get(authority=world.authority, last_name="Martin")
    assert anne.group.short_name == "MAJ" and anne.paper_convocation and anne.email == "anne@example.org"
    assert anne.birth_date.isoformat() == "1970-02-01"
    assert sorted(anne.committees.values_list("short_name", flat=True)) == ["CULT", "FIN"]
    mandate = Mandate.objects.get(member=anne)
    assert (mandate.function, mandate.start_date.isoformat()) == ("Adjointe au maire", "2020-07-04")
    assert JournalEntry.objects.filter(action="organisation.member_created", object_id=str(anne.pk)).exists()
    summary = JournalEntry.objects.get(action="organisation.members_imported")
    assert summary.data["created"] == 1 and summary.data["skipped_lines"] == [3]


def test_reimport_updates_and_does_not_duplicate(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    content = (HEADER + "Mme;Élue0;Conseillère0;;elue0@example.org;;Conseillère municipale;04/07/2020;;\n").encode()
    preview = upload(client, content)
    line = preview.context["plan"].lines[0]
    assert line.action == "update" and line.target == world.members[0]
    confirm(client, preview)
    confirm(client, upload(client, content))
    member = Member.objects.get(pk=world.members[0].pk)
    assert member.email == "elue0@example.org" and member.group.short_name == "MAJ"  # empty group: unchanged
    assert member.mandates.count() == 1
    assert Member.objects.filter(authority=world.authority).count() == 3
    assert upload(client, content).context["plan"].lines[0].action == "unchanged"


def test_windows_1252_with_accents_and_commas(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    content = ("civilite,prenom,nom,groupe\r\nMme,Hélène,Dûbois-Gérard,MAJ\r\nM.,François,Lœuvre,\r\n").encode("cp1252")
    preview = upload(client, content)
    plan = preview.context["plan"]
    assert (plan.encoding, plan.delimiter, plan.errors) == ("Windows-1252", ",", [])
    confirm(client, preview)
    assert Member.objects.filter(first_name="Hélène", last_name="Dûbois-Gérard").exists()
    assert Member.objects.filter(first_name="François", last_name="Lœuvre").exists()


def test_utf8_bom_header(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    content = "\ufeffCivilité;Prénom;Nom\nMme;Zoé;Ümlaut\n".encode("utf-8")
    plan = upload(client, content).context["plan"]
    assert plan.encoding == "UTF-8" and plan.errors == [] and plan.to_create == 1


def test_unknown_groups_can_be_created_on_request(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    content = (HEADER + "M.;Marc;Neuf;;;ECO;;;;\nMme;Lise;Neuve;;;eco;;;;\n").encode()
    preview = upload(client, content)
    assert preview.context["plan"].error_lines == [2, 3]
    refreshed = client.post(reverse(URL), {"step": "refresh", "sha256": preview.context["plan"].sha256,
                                           "create_groups": "1"})
    plan = refreshed.context["plan"]
    assert plan.errors == [] and plan.new_groups == ["ECO"]
    assert "Groupes qui seront créés : ECO" in text(refreshed)
    assert not PoliticalGroup.objects.filter(short_name="ECO").exists()
    confirm(client, refreshed)
    group = PoliticalGroup.objects.get(authority=world.authority, short_name="ECO")
    assert group.members.count() == 2


def test_duplicate_line_and_missing_column(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    plan = upload(client, (HEADER + "M.;Marc;Neuf;;;;;;;\nM.;Marc;Neuf;;;;;;;\n").encode()).context["plan"]
    assert [(e.line, e.message) for e in plan.errors] == [(3, "Élu en double dans le fichier (déjà ligne 2).")]
    response = upload(client, b"prenom;nom\nMarc;Neuf\n")
    assert "plan" not in response.context or response.context["plan"] is None
    assert "Colonne(s) obligatoire(s) absente(s) : civilite" in text(response)


def test_confirm_needs_the_file_of_this_session(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    preview = upload(client, (HEADER + "M.;Marc;Neuf;;;;;;;\n").encode())
    client.post(reverse(URL), {"step": "cancel"})
    response = confirm(client, preview)
    assert "Le fichier à importer n'est plus disponible" in text(response)
    assert not Member.objects.filter(last_name="Neuf").exists()
    response = client.post(reverse(URL), {"step": "confirm", "sha256": "0" * 64}, follow=True)
    assert "Le fichier à importer n'est plus disponible" in text(response)


def test_binary_file_is_refused(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    response = upload(client, b"%PDF-1.4\x00\x01\x02", name="x.pdf")
    assert "n'est pas un fichier texte CSV" in text(response)


def test_template_download(client, world):
    client.force_login(world.users[Role.ADMINISTRATOR])
    response = client.get(reverse("organisation:members_template"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0] == HEADER.strip()
    page = text(client.get(reverse(URL)))
    assert reverse("organisation:members_template") in page and "date_naissance" in page and "JJ/MM/AAAA" in page


def test_secretariat_cannot_import(client, world):
    client.force_login(world.users[Role.SECRETARIAT])
    assert upload(client, (HEADER + "M.;Marc;Neuf;;;;;;;\n").encode()).status_code == 403
    assert not Member.objects.filter(last_name="Neuf").exists()
