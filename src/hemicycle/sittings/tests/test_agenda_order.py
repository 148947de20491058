"""Ordering the agenda: drag and drop endpoint, monter/descendre buttons, order by rule."""

import json

import pytest
from django.db import transaction
from django.urls import reverse

from hemicycle.acts.actions import create_act, set_state
from hemicycle.acts.models import Act, ActState
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.organisation.models import Committee
from hemicycle.sittings.actions import agenda as actions
from hemicycle.sittings.testing import build_sitting_world


def make_ready(world, object_text, *, dfpe=False, year=2026):
    drafter = world.users["drafter2" if dfpe else Role.DRAFTER]
    act = create_act(drafter, department=world.departments["DFPE" if dfpe else "DAC"], object=object_text, year=year)
    with transaction.atomic():
        set_state(act, ActState.READY, actor=world.users[Role.SECRETARIAT], reason="test")
    return act


@pytest.fixture
def agenda(world):
    sw = build_sitting_world(world, members=5, acts=0)
    acts = [make_ready(world, f"Acte {i}") for i in range(1, 4)]
    items = actions.add_acts(world.users[Role.SECRETARIAT], sw.sitting, acts)
    return sw, items


def order(sitting):
    return list(sitting.items.order_by("position").values_list("pk", flat=True))


def test_drag_and_drop_posts_the_new_order(world, agenda, client):
    sw, items = agenda
    a, b, c = (i.pk for i in items)
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(reverse("sittings:agenda_reorder", args=[sw.sitting.slug]), {"order": [c, a, b]},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert json.loads(response.content)["order"] == [c, a, b]
    assert order(sw.sitting) == [c, a, b]
    assert list(sw.sitting.items.order_by("position").values_list("position", flat=True)) == [1, 2, 3]
    entry = JournalEntry.objects.filter(action="agenda.reordered").last()
    assert entry.object_id == str(sw.sitting.pk) and entry.data["order"] == [c, a, b]


def test_an_order_missing_an_item_is_refused(world, agenda, client):
    sw, items = agenda
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(reverse("sittings:agenda_reorder", args=[sw.sitting.slug]),
                           {"order": [items[1].pk, items[0].pk]}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "rechargez la page" in json.loads(response.content)["error"]
    assert order(sw.sitting) == [i.pk for i in items]


def test_reorder_without_javascript_redirects(world, agenda, client):
    sw, items = agenda
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.post(reverse("sittings:agenda_reorder", args=[sw.sitting.slug]),
                           {"order": ",".join(str(i.pk) for i in reversed(items))})
    assert response.status_code == 302
    assert order(sw.sitting) == [i.pk for i in reversed(items)]


def test_monter_and_descendre_buttons(world, agenda, client):
    sw, items = agenda
    a, b, c = (i.pk for i in items)
    client.force_login(world.users[Role.SECRETARIAT])
    url = reverse("sittings:agenda_move", args=[sw.sitting.slug, c])
    assert client.post(url, {"direction": "up"}).status_code == 302
    assert order(sw.sitting) == [a, c, b]
    client.post(reverse("sittings:agenda_move", args=[sw.sitting.slug, a]), {"direction": "down"})
    assert order(sw.sitting) == [c, a, b]
    client.post(reverse("sittings:agenda_move", args=[sw.sitting.slug, c]), {"direction": "up"})  # already first
    assert order(sw.sitting) == [c, a, b]
    page = client.get(reverse("sittings:agenda", args=[sw.sitting.slug])).content.decode()
    assert "Monter « Acte 1 »" in page.replace("&#x27;", "'") and "Descendre" in page


def test_order_by_reference_is_natural(world):
    sw = build_sitting_world(world, members=5, acts=0)
    acts = [make_ready(world, f"Acte {i}") for i in range(1, 12)]  # 2026 DAC 1 … 11 (or similar)
    items = actions.add_acts(world.users[Role.SECRETARIAT], sw.sitting, list(reversed(acts)))
    actions.sort_by_rule(world.users[Role.SECRETARIAT], sw.sitting, "reference")
    expected = sorted(items, key=lambda i: actions._natural(i.act.reference))
    assert order(sw.sitting) == [i.pk for i in expected]
    assert [i.act_id for i in expected] == [a.pk for a in acts]  # 10 and 11 after 9
    entry = JournalEntry.objects.get(action="agenda.sorted")
    assert entry.data["rule"] == "reference"


def test_order_by_department_committee_and_rapporteur(world, client):
    sw = build_sitting_world(world, members=5, acts=0)
    dfpe = make_ready(world, "Crèche", dfpe=True)
    dac = make_ready(world, "Musée")
    other = make_ready(world, "Sans commission")
    finance = Committee.objects.create(authority=world.authority, name="Commission des finances", short_name="FIN")
    dfpe.committees.add(finance)                # "commission des finances"
    dac.committees.add(world.committee)         # "commission culture" — before "finances"
    Act.objects.filter(pk=dac.pk).update(rapporteur=sw.members[3])
    Act.objects.filter(pk=dfpe.pk).update(rapporteur=sw.members[1])
    for act in (dfpe, dac, other):
        act.refresh_from_db()
    items = actions.add_acts(world.users[Role.SECRETARIAT], sw.sitting, [other, dfpe, dac])
    by_act = {i.act_id: i.pk for i in items}
    client.force_login(world.users[Role.SECRETARIAT])
    url = reverse("sittings:agenda_sort", args=[sw.sitting.slug])

    client.post(url, {"rule": "department"})
    assert order(sw.sitting)[-1] == by_act[dfpe.pk]  # DAC before DFPE
    client.post(url, {"rule": "committee"})
    assert order(sw.sitting) == [by_act[dac.pk], by_act[dfpe.pk], by_act[other.pk]]  # none last
    client.post(url, {"rule": "rapporteur"})
    first, second = sorted([(sw.members[1], dfpe), (sw.members[3], dac)],
                           key=lambda p: (p[0].last_name.lower(), p[0].first_name.lower()))
    assert order(sw.sitting) == [by_act[first[1].pk], by_act[second[1].pk], by_act[other.pk]]
    response = client.post(url, {"rule": "couleur"})
    assert response.status_code == 400 and "Règle de tri inconnue" in response.content.decode()


def test_sorting_keeps_sections_in_place(world):
    sw = build_sitting_world(world, members=5, acts=0)
    acts = [make_ready(world, f"Acte {i}") for i in range(1, 5)]
    items = actions.add_acts(world.users[Role.SECRETARIAT], sw.sitting, list(reversed(acts)))  # 4 3 2 1
    user = world.users[Role.SECRETARIAT]
    actions.set_section(user, sw.sitting, [items[0], items[2]], "Culture")   # acts 4 and 2
    actions.set_section(user, sw.sitting, [items[1], items[3]], "Petite enfance")  # acts 3 and 1
    actions.sort_by_rule(user, sw.sitting, "reference")
    sections = list(sw.sitting.items.order_by("position").values_list("section", "act_id"))
    assert sections == [("Culture", acts[1].pk), ("Culture", acts[3].pk),
                        ("Petite enfance", acts[0].pk), ("Petite enfance", acts[2].pk)]
