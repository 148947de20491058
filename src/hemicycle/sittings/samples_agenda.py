"""URL parameters of the agenda pages for the access-matrix test (see core/samples.py).

Builds, through the agenda actions, a standing-committee assembly, a sitting 45 days ahead (its slug is made
unique by ``sitting_slug``, so other parts' samples may create sittings too), an act item with
a committee opinion and a concerned organisation, and a filed vœu not on any agenda.
No object-level refusals: every role the views' rules admit gets the page.
"""

import datetime

OBJECT_LEVEL_DENIED: dict = {}


def url_samples(world) -> dict:
    from django.utils import timezone

    from hemicycle.core.roles import Role

    from .actions import agenda as actions
    from .models import Motion
    from .testing import ready_act

    secretariat, admin = world.users[Role.SECRETARIAT], world.users[Role.ADMINISTRATOR]
    # A standing committee, so that other samples looking for "the council" do not pick this one.
    assembly = actions.save_assembly(admin, world.authority, kind="standing_committee",
                                     name="Commission permanente (matrice)", seats=max(len(world.members), 1))
    sitting = actions.save_sitting(secretariat, world.authority, assembly=assembly,
                                   date=timezone.localdate() + datetime.timedelta(days=45),
                                   start_time=datetime.time(18, 0), place="Salle du conseil")
    act = ready_act(world, "Subvention à l'association Les Amis de la matrice")
    item = actions.add_acts(secretariat, sitting, [act])[0]
    opinion = actions.record_opinion(secretariat, item, committee=world.committee, opinion="favourable")
    concern = actions.add_concern(secretariat, item, "Les Amis de la matrice")
    motion = Motion.objects.create(authority=world.authority, group=world.members[0].group, filed_by=secretariat,
                                   title="Vœu d'exemple", text="Texte du vœu d'exemple.")
    slug = {"slug": sitting.slug}
    item_kwargs = {**slug, "pk": item.pk}
    return {
        "sittings:assembly_edit": {"pk": assembly.pk},
        "sittings:detail": slug, "sittings:edit": slug, "sittings:agenda": slug, "sittings:agenda_add": slug,
        "sittings:agenda_reorder": slug, "sittings:agenda_sort": slug, "sittings:agenda_section": slug,
        "sittings:agenda_motion": slug, "sittings:agenda_question": slug,
        "sittings:agenda_motion_add": {**slug, "motion_pk": motion.pk},
        "sittings:agenda_item": item_kwargs, "sittings:agenda_remove": item_kwargs,
        "sittings:agenda_move": item_kwargs, "sittings:agenda_opinion": item_kwargs,
        "sittings:agenda_concern": item_kwargs,
        "sittings:agenda_opinion_delete": {**item_kwargs, "opinion_pk": opinion.pk},
        "sittings:agenda_concern_delete": {**item_kwargs, "concern_pk": concern.pk},
    }
