"""The secretariat writes the debates, an introduction and a conclusion; optimistic locking."""

import pytest
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.sittings.actions.minutes import generate
from hemicycle.sittings.models import AgendaItem, Minutes
from hemicycle.sittings.samples_minutes import build_held_sitting


@pytest.fixture
def minutes(world):
    held = build_held_sitting(world)
    return generate(held.sitting, actor=world.users[Role.SECRETARIAT])


def _url(minutes):
    return reverse("sittings:minutes_edit", kwargs={"slug": minutes.sitting.slug})


def _post(client, minutes, lock_version, **texts):
    data = {"lock_version": lock_version, "introduction": "", "conclusion": ""}
    for item in minutes.body["items"]:
        data[f"summary_{item['id']}"] = ""
    data.update(texts)
    return client.post(_url(minutes), data)


def test_edit_saves_summaries_and_texts(client, world, minutes):
    client.force_login(world.users[Role.SECRETARIAT])
    assert client.get(_url(minutes)).status_code == 200
    first = minutes.body["items"][0]["id"]
    response = _post(client, minutes, minutes.lock_version, introduction="La séance est ouverte par la maire.",
                     conclusion="L'ordre du jour étant épuisé, la séance est levée.",
                     **{f"summary_{first}": "M. Girard demande le détail des crédits.\n\nLa maire répond."})
    assert response.status_code == 302
    saved = Minutes.objects.get(pk=minutes.pk)
    assert saved.lock_version == minutes.lock_version + 1
    assert saved.body["texts"]["introduction"] == "La séance est ouverte par la maire."
    assert saved.body["items"][0]["debate_summary"] == "M. Girard demande le détail des crédits.\n\nLa maire répond."
    assert AgendaItem.objects.get(pk=first).debate_summary.startswith("M. Girard demande")
    page = client.get(reverse("sittings:minutes", kwargs={"slug": minutes.sitting.slug})).content.decode()
    assert "M. Girard demande le détail des crédits." in page and "L&#x27;ordre du jour étant épuisé" in page


def test_stale_edit_keeps_the_users_text(client, world, minutes):
    client.force_login(world.users[Role.SECRETARIAT])
    first = minutes.body["items"][0]["id"]
    opened_at = minutes.lock_version
    assert _post(client, minutes, opened_at, introduction="Texte de ma collègue.").status_code == 302
    response = _post(client, minutes, opened_at, introduction="Mon introduction à moi.",
                     **{f"summary_{first}": "Ma synthèse des débats."})
    assert response.status_code == 409
    html = response.content.decode()
    assert "a été modifié par quelqu&#x27;un d&#x27;autre" in html
    assert "Mon introduction à moi." in html and "Ma synthèse des débats." in html  # the user's text is kept
    assert "Texte de ma collègue." in html  # and the text saved meanwhile is shown
    saved = Minutes.objects.get(pk=minutes.pk)
    assert saved.body["texts"]["introduction"] == "Texte de ma collègue."
    # Saving again from the conflict page (it carries the new lock) goes through.
    again = _post(client, minutes, saved.lock_version, introduction="Mon introduction à moi.")
    assert again.status_code == 302
    assert Minutes.objects.get(pk=minutes.pk).body["texts"]["introduction"] == "Mon introduction à moi."


def test_too_long_text_is_refused_and_kept(client, world, minutes):
    client.force_login(world.users[Role.SECRETARIAT])
    response = _post(client, minutes, minutes.lock_version, conclusion="x" * 50_001)
    assert response.status_code == 400
    assert "dépasse" in response.content.decode()
    assert Minutes.objects.get(pk=minutes.pk).lock_version == minutes.lock_version


def test_adopted_minutes_are_frozen(client, world, minutes):
    Minutes.objects.filter(pk=minutes.pk).update(state=Minutes.State.ADOPTED)
    client.force_login(world.users[Role.SECRETARIAT])
    assert client.get(_url(minutes)).status_code == 302
    response = _post(client, minutes, minutes.lock_version, introduction="Trop tard.")
    assert response.status_code == 409
    assert "Trop tard." in response.content.decode()
    assert Minutes.objects.get(pk=minutes.pk).body["texts"]["introduction"] == ""
