"""Issue 2's journey: a drafter writes an act with visas, considérants, articles and an annex,
submits it; the first approver sends it back once with a comment; the drafter corrects and
resubmits; both approvers give their visa; the secretariat sees the act ready; the history page
shows all of it. Screenshots in test-artifacts/test_act_goes_through_its_circuit/."""

import re

from hemicycle.acts.models import Act
from hemicycle.circuits.models import CircuitTemplate, StepTemplate
from hemicycle.core.roles import Role
from hemicycle.core.testing import PASSWORD

from .conftest import login

ANNEX = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def make_circuit(world):
    circuit = CircuitTemplate.objects.create(authority=world.authority, name="Circuit des délibérations", natures=["DE"])
    chef = StepTemplate.objects.create(circuit=circuit, position=1, name="Chef de service", deadline_days=3)
    chef.approver_users.set([world.users[Role.APPROVER]])
    direction = StepTemplate.objects.create(circuit=circuit, position=2, name="Direction générale", deadline_days=3)
    direction.approver_users.set([world.users["approver2"]])


def logout(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/compte/connexion/**")


def test_act_goes_through_its_circuit(world, new_page, shots, tmp_path):
    make_circuit(world)
    drafter, chef, director = world.users[Role.DRAFTER], world.users[Role.APPROVER], world.users["approver2"]
    secretariat = world.users[Role.SECRETARIAT]
    annex_file = tmp_path / "convention.pdf"
    annex_file.write_bytes(ANNEX)

    # 1. The drafter writes the act.
    page = new_page()
    login(page, drafter.username, PASSWORD)
    page.goto("/actes/nouveau/")
    page.get_by_label("Objet").fill("Attribution d'une subvention à l'association Les Amis du Théâtre")
    page.locator("#visas-0").fill("Vu le code général des collectivités territoriales, notamment son article L2121-29")
    page.locator("#considerants-0").fill("Considérant l'intérêt local du projet culturel présenté")
    page.locator("#articles-0").fill("Une subvention de 5 000 euros est attribuée à l'association Les Amis du Théâtre.")
    page.locator("button[value='add:articles']").click()
    page.locator("textarea[name='articles']").nth(1).fill("Le maire est chargé de l'exécution de la présente délibération.")
    page.locator("#id_annexes").set_input_files(str(annex_file))
    shots(page, "redaction")
    page.get_by_role("button", name="Créer l’acte").click()
    page.wait_for_url(re.compile(r"/actes/2\d{3}-DAC-1/$"))
    act = Act.objects.get(authority=world.authority)
    assert act.articles == ["Une subvention de 5 000 euros est attribuée à l'association Les Amis du Théâtre.",
                            "Le maire est chargé de l'exécution de la présente délibération."]
    assert act.annexes.count() == 1
    assert page.get_by_text("Article 2").first.is_visible()
    shots(page, "acte-cree")
    page.get_by_role("button", name="Soumettre au circuit").click()
    assert page.get_by_text("Chef de service").first.is_visible()
    shots(page, "soumis")
    logout(page)

    # 2. The head of department sends it back with a comment (an empty comment is refused).
    login(page, chef.username, PASSWORD)
    page.goto("/circuits/bannette/")
    page.get_by_role("link", name=re.compile(act.reference)).first.click()
    page.get_by_role("button", name="Renvoyer").click()
    assert page.get_by_text(re.compile("commentaire", re.I)).first.is_visible()
    page.locator("#send-back-comment").fill("Merci de préciser le montant en toutes lettres.")
    page.get_by_role("button", name="Renvoyer").click()
    page.wait_for_load_state()
    act.refresh_from_db()
    assert act.state == "sent_back"
    shots(page, "renvoye")
    logout(page)

    # 3. The drafter corrects and resubmits.
    login(page, drafter.username, PASSWORD)
    page.goto(f"/actes/{act.slug}/")
    assert page.get_by_text("Merci de préciser le montant en toutes lettres.").first.is_visible()
    page.goto(f"/actes/{act.slug}/modifier/")
    page.locator("textarea[name='articles']").first.fill(
        "Une subvention de cinq mille euros (5 000 €) est attribuée à l'association Les Amis du Théâtre.")
    page.get_by_role("button", name="Enregistrer").last.click()
    page.wait_for_url(re.compile(rf"/actes/{act.slug}/$"))
    page.get_by_role("button", name="Soumettre au circuit").click()
    page.wait_for_load_state()
    act.refresh_from_db()
    assert act.state == "in_circuit" and "cinq mille euros" in act.articles[0]
    logout(page)

    # 4. Both approvers give their visa.
    for approver in (chef, director):
        login(page, approver.username, PASSWORD)
        page.goto(f"/actes/{act.slug}/")
        page.get_by_role("button", name="Viser").click()
        page.wait_for_load_state()
        logout(page)
    act.refresh_from_db()
    assert act.state == "ready"

    # 5. The secretariat sees it ready; the history shows every step.
    login(page, secretariat.username, PASSWORD)
    page.goto("/actes/?state=ready")
    assert page.get_by_role("link", name=re.compile(act.reference)).first.is_visible()
    shots(page, "pret-secretariat")
    page.goto(f"/actes/{act.slug}/")
    assert page.get_by_text("Prêt pour la séance").first.is_visible()
    page.goto(f"/actes/{act.slug}/parcours/")
    body = page.locator("main").inner_text()
    for expected in ("Merci de préciser le montant en toutes lettres.", chef.display_name, director.display_name,
                     drafter.display_name, "convention.pdf"):
        assert expected in body, expected
    shots(page, "parcours")
