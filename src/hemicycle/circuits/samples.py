"""URL parameters of the circuits' pages for the access-matrix test (see core/samples.py)."""


def url_samples(world) -> dict:
    from hemicycle.acts.actions import create_act
    from hemicycle.core.roles import Role

    from .models import CircuitTemplate, StepTemplate

    act = create_act(world.users[Role.DRAFTER], department=world.departments["DAC"],
                     object="Acte d'exemple pour les circuits")
    template = CircuitTemplate.objects.create(authority=world.authority, name="Circuit d'exemple")
    step = StepTemplate.objects.create(circuit=template, position=1, name="Visa")
    step.approver_users.set([world.users[Role.APPROVER]])
    by_act = {"slug": act.slug}
    return {
        "circuits:submit": by_act, "circuits:approve": by_act, "circuits:send_back": by_act,
        "circuits:delegate": by_act, "circuits:skip": by_act,
        "circuits:template_edit": {"pk": template.pk},
    }
