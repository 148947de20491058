"""Parcours du dossier: every event of the act, with who and when, on one page."""

from django.db import transaction
from django.urls import reverse

from hemicycle.acts.actions import add_annex, add_comment, remove_annex, update_act, update_annex_flags
from hemicycle.core.roles import Role
from hemicycle.journal.services import record

from .helpers import PDF, make_act


def test_history_lists_creation_edit_annexes_comments_and_other_modules_events(world, client):
    drafter = world.users[Role.DRAFTER]
    act = make_act(world)
    act = update_act(drafter, act, lock_version=1, object="Convention avec le théâtre municipal (modifiée)")
    annex = add_annex(drafter, act, filename="convention.pdf", content=PDF, title="Convention signée")
    update_annex_flags(drafter, annex, published=False)
    remove_annex(drafter, annex)
    add_comment(world.users[Role.APPROVER], act, "À compléter")
    with transaction.atomic():
        record("circuit.step_approved", actor=world.users[Role.APPROVER], obj=act, data={"step": "Chef de bureau"})

    client.force_login(world.users[Role.SECRETARIAT])
    page = client.get(reverse("acts:history", args=[act.slug])).content.decode()
    assert "Création de l&#x27;acte" in page
    assert "Modification — version 2" in page
    assert reverse("acts:diff", args=[act.slug, 1, 2]) in page
    assert "Annexe ajoutée" in page and "Convention signée" in page
    assert "publiée : oui → non" in page
    assert "Annexe retirée" in page
    assert "À compléter" in page and "Commentaire" in page
    assert "Visa — étape « Chef de bureau »" in page
    assert drafter.display_name in page and world.users[Role.APPROVER].display_name in page
    # oldest first
    assert page.index("Modification — version 2") < page.index("Annexe ajoutée") < page.index("À compléter")


def test_history_is_one_click_from_the_act(world, client):
    act = make_act(world)
    client.force_login(world.users[Role.DRAFTER])
    page = client.get(reverse("acts:detail", args=[act.slug])).content.decode()
    assert reverse("acts:history", args=[act.slug]) in page
