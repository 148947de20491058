from hemicycle.core.roles import Role
from hemicycle.core.testing import PASSWORD

from .conftest import login


def test_login_then_wrong_password_message(world, new_page, shots):
    page = new_page()
    page.goto("/compte/connexion/")
    page.get_by_label("Identifiant").fill(world.users[Role.DRAFTER].username)
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_text("Identifiant ou mot de passe incorrect.").is_visible()
    assert page.get_by_label("Identifiant").input_value() == world.users[Role.DRAFTER].username
    shots(page, "erreur-connexion")
    login(page, world.users[Role.DRAFTER].username, PASSWORD)
    assert page.get_by_role("heading", name="Mon bureau").is_visible()
    shots(page, "bureau")
