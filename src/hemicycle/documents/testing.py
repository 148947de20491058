"""Test helpers for issue 4 (after the vote).

    decided = build_decided_sitting(world)

A closed council sitting (sittings/samples_minutes.build_held_sitting: 9 members, proxies,
withdrawal, roll call, secret ballot) whose act items carry real acts, classified against the
authority's imported @CTES classification, in their state after the vote:

    decided.sitting, decided.members, decided.items      (as HeldSitting)
    decided.acts     [budget (adopted, amended), subsidy (adopted, roll call),
                      sale (rejected, secret ballot), canteen (postponed, still on agenda)]
    decided.adopted  [budget, subsidy]  — the acts to render, sign, transmit and publish
"""

from dataclasses import dataclass, field

from django.db import transaction

from hemicycle.acts.actions import create_act, set_state, update_act
from hemicycle.acts.classification import load_default_classification
from hemicycle.acts.matieres import latest_classification
from hemicycle.acts.models import ActState
from hemicycle.core.roles import Role
from hemicycle.sittings.models import AgendaItem
from hemicycle.sittings.samples_minutes import build_held_sitting

ACTS = [  # (object, matière codes, amount)
    ("Budget supplémentaire 2026", ["7", "7.1"], "250000.00"),
    ("Subvention à l'association Les Amis du Moulin", ["7", "7.5"], "12000.00"),
    ("Cession de la parcelle AB 112", ["3", "3.2"], None),
    ("Tarifs de la cantine scolaire", ["7", "7.2"], None),
]


@dataclass
class DecidedSitting:
    sitting: object
    members: list = field(default_factory=list)
    items: list = field(default_factory=list)
    acts: list = field(default_factory=list)
    adopted: list = field(default_factory=list)
    next_sitting: object = None


def build_decided_sitting(world, **kwargs) -> DecidedSitting:
    if latest_classification(world.authority) is None:
        load_default_classification(world.authority)
    held = build_held_sitting(world, **kwargs)
    drafter, secretariat = world.users[Role.DRAFTER], world.users[Role.SECRETARIAT]
    decided = DecidedSitting(sitting=held.sitting, members=held.members, items=held.items,
                             next_sitting=held.next_sitting)
    for item, (object_text, codes, amount) in zip(held.items, ACTS, strict=True):
        act = create_act(
            drafter, department=world.departments["DAC"], object=object_text, matiere_codes=codes,
            amount=amount, budget_year=2026 if amount else None, budget_name="Budget principal" if amount else "",
            rapporteur=item.rapporteur,
            visas=["Vu le code général des collectivités territoriales, notamment son article L2121-29",
                   "Vu le budget primitif 2026"],
            considerants=["Considérant l'intérêt local qui s'attache à cette opération"],
            articles=["La proposition est adoptée.", "Le crédit est porté à 10 000 euros.",
                      "Le maire est chargé de l'exécution de la présente délibération."])
        amendment = item.amendments.filter(state="adopted").first()
        if amendment is not None:  # the adopted amendment is in the text, as a version (as the vote does)
            index = int(amendment.target.split(":")[1])
            articles = list(act.articles)
            articles[index - 1] = amendment.new_text
            act = update_act(drafter, act, lock_version=act.lock_version, articles=articles,
                             summary=f"Amendement n° {amendment.number} adopté")
        final_state = {AgendaItem.State.ADOPTED: ActState.ADOPTED,
                       AgendaItem.State.REJECTED: ActState.REJECTED}.get(item.state, ActState.ON_AGENDA)
        with transaction.atomic():
            set_state(act, ActState.READY, actor=secretariat, reason="test")
            set_state(act, ActState.ON_AGENDA, actor=secretariat, reason="test")
            if final_state != ActState.ON_AGENDA:
                set_state(act, final_state, actor=secretariat,
                          reason=f"Séance du {held.sitting.date:%d/%m/%Y}, point n° {item.number}")
        item.act = act
        item.save(update_fields=["act"])
        decided.acts.append(act)
        if final_state == ActState.ADOPTED:
            decided.adopted.append(act)
    return decided
