"""URL parameters of the convocation pages for the access-matrix test (see core/samples.py).

Builds, through the agenda and convocation actions, a district-council sitting 50 days ahead
with one act, generates its documents (synchronously) and sends its convocation (with an
override: the test world's members have no e-mail address), one member being convened on
paper. No object-level refusals: every role the views' rules admit gets the page; the
members' personal link is public (its token is the credential).
"""

import datetime

OBJECT_LEVEL_DENIED: dict = {}


def url_samples(world) -> dict:
    from django.utils import timezone

    from hemicycle.core.roles import Role

    from .actions import agenda
    from .actions import convocation as actions
    from .convocation_documents import default_letter_text
    from .models import ConvocationRecipient
    from .testing import ready_act

    secretariat, admin = world.users[Role.SECRETARIAT], world.users[Role.ADMINISTRATOR]
    assembly = agenda.save_assembly(admin, world.authority, kind="district_council",
                                    name="Conseil d'arrondissement (matrice convocation)",
                                    seats=max(len(world.members), 1))
    sitting = agenda.save_sitting(secretariat, world.authority, assembly=assembly,
                                  date=timezone.localdate() + datetime.timedelta(days=50),
                                  start_time=datetime.time(18, 0), place="Mairie d'arrondissement")
    agenda.add_acts(secretariat, sitting, [ready_act(world, "Convention d'occupation (matrice convocation)")])
    conv = actions.save_convocation(secretariat, sitting, letter_text=default_letter_text(sitting))
    actions.start_generation(secretariat, conv)
    actions.run_generation(conv.pk)
    conv.refresh_from_db()
    paper_member = world.members[-1]
    paper_member.paper_convocation = True
    paper_member.save(update_fields=["paper_convocation"])
    try:
        actions.send_convocation(secretariat, conv, override=True,
                                 override_reason="Exemple de la matrice d'accès (élus sans adresse).")
    finally:
        paper_member.paper_convocation = False
        paper_member.save(update_fields=["paper_convocation"])
    paper = conv.recipients.get(channel=ConvocationRecipient.Channel.PAPER)
    email = conv.recipients.filter(channel=ConvocationRecipient.Channel.EMAIL).first()
    slug = {"slug": sitting.slug}
    c = {**slug, "pk": conv.pk}
    return {
        "sittings:convocation": slug, "sittings:convocation_addendum": slug,
        "sittings:convocation_generate": c, "sittings:convocation_progress": c, "sittings:convocation_send": c,
        "sittings:convocation_document": {**c, "document": "dossier-de-seance"},
        "sittings:convocation_proof": c, "sittings:convocation_proof_csv": c,
        "sittings:convocation_retry_emails": c, "sittings:convocation_paper": c,
        "sittings:convocation_paper_letters": c,
        "sittings:convocation_paper_letter": {**c, "recipient": paper.pk},
        "sittings:convocation_verify": c, "sittings:convocation_manifest": c, "sittings:convocation_token": c,
        "sittings:convocation_tsa_certificate": c,
        "sittings:convocation_link": {"token": email.token},
        "sittings:convocation_link_document": {"token": email.token, "document": "lettre"},
    }
