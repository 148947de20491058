from django.template.loader import render_to_string
from django.test import RequestFactory

from hemicycle.circuits.actions import approve, send_back, submit_act
from hemicycle.circuits.panel import panel_context
from hemicycle.core.roles import Role

from .factories import new_act, standard_circuit


def render_panel(user, act):
    request = RequestFactory().get("/")
    request.user = user
    context = panel_context(user, act)
    context["act"] = act
    return render_to_string("circuits/_act_panel.html", context, request=request), context


def test_panel_shows_who_approved_who_must_and_send_backs(world):
    drafter, approver, approver2 = world.users[Role.DRAFTER], world.users[Role.APPROVER], world.users["approver2"]
    standard_circuit(world)
    act = new_act(world)

    html, ctx = render_panel(drafter, act)
    assert ctx["circuit_actions"]["submit"] and ctx["circuit_actions"]["submit_template"].name == "Circuit standard"
    assert "Soumettre au circuit" in html and "Circuit standard" in html

    submit_act(drafter, act)
    send_back(approver, act, "Le montant manque.")
    submit_act(drafter, act)
    approve(approver, act, "Conforme.")
    approve(approver2, act)

    html, ctx = render_panel(world.users[Role.SIGNATORY], act)
    assert "Conforme." in html and f"Visé par {approver.display_name}" in html
    step2 = ctx["circuit_run_view"].steps[1]
    assert [u.pk for u in step2.pending] == [approver.pk]
    assert "Doivent encore viser" in html
    assert "Le montant manque." in html  # the previous run's send-back stays visible
    assert not ctx["circuit_any_action"]

    html, ctx = render_panel(approver, act)
    actions = ctx["circuit_actions"]
    assert actions["approve"] and actions["send_back"] and actions["delegate"] and not actions["skip"]
    assert [v for v, _label in actions["send_back_targets"]] == ["", "1"]
    for label in ("Viser", "Renvoyer", "Déléguer à…"):
        assert label in html
    assert approver2.pk not in [u.pk for u in actions["delegate_choices"]]

    html, ctx = render_panel(world.users[Role.SECRETARIAT], act)
    assert ctx["circuit_actions"]["skip"] and "Passer l'étape (urgence)" in html
    assert not ctx["circuit_actions"]["approve"]

    html, ctx = render_panel(drafter, act)
    assert not ctx["circuit_any_action"]
