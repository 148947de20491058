"""URL parameters of the organisation pages for the access-matrix test (see core/samples.py)."""


def url_samples(world) -> dict:
    from hemicycle.core.roles import Role

    from .models import Mandate

    member = world.members[0]
    mandate = Mandate.objects.create(member=member, function="Conseillère municipale", start_date="2020-07-04")
    department = {"pk": world.departments["DAC"].pk}
    user = {"pk": world.users[Role.DRAFTER].pk}
    return {
        "organisation:department_edit": department, "organisation:department_toggle": department,
        "organisation:user_edit": user, "organisation:user_toggle": user, "organisation:user_reset_totp": user,
        "organisation:member": {"pk": member.pk}, "organisation:member_edit": {"pk": member.pk},
        "organisation:mandate_new": {"pk": member.pk},
        "organisation:mandate_edit": {"pk": member.pk, "mandate_pk": mandate.pk},
        "organisation:mandate_delete": {"pk": member.pk, "mandate_pk": mandate.pk},
        "organisation:group": {"pk": member.group_id}, "organisation:group_edit": {"pk": member.group_id},
        "organisation:committee": {"pk": world.committee.pk},
        "organisation:committee_edit": {"pk": world.committee.pk},
    }
