"""URL parameters of the act pages for the access-matrix test (core/tests/test_access_matrix.py).

``core.samples.url_samples`` merges ``url_samples(world)``. With these samples, the edit page
answers 403 to the roles that may view but not edit a draft (object-level rule
``acts.permissions.can_edit``): approver, secretariat, signatory, administrator —
``OBJECT_LEVEL_DENIED`` lists them.
"""

from hemicycle.core.roles import Role

OBJECT_LEVEL_DENIED = {
    "acts:edit": (Role.APPROVER, Role.SECRETARIAT, Role.SIGNATORY, Role.ADMINISTRATOR),
}

_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url_samples(world) -> dict:
    from .actions import add_annex, add_comment, create_act, update_act

    drafter = world.users[Role.DRAFTER]
    act = create_act(drafter, department=world.departments["DAC"], object="Acte d'exemple pour la matrice d'accès",
                     visas=["Vu le code général des collectivités territoriales"], articles=["Article d'exemple."])
    act = update_act(drafter, act, lock_version=act.lock_version, articles=["Article d'exemple modifié."])
    annex = add_annex(drafter, act, filename="exemple.pdf", content=_PDF)
    add_comment(drafter, act, "Commentaire d'exemple")
    slug = {"slug": act.slug}
    return {
        "acts:detail": slug, "acts:edit": slug, "acts:history": slug, "acts:versions": slug,
        "acts:version": {**slug, "number": 1}, "acts:diff": {**slug, "a": 1, "b": 2},
        "acts:annex_add": slug, "acts:annex_download": {**slug, "pk": annex.pk},
        "acts:annex_preview": {**slug, "pk": annex.pk}, "acts:annex_inline": {**slug, "pk": annex.pk},
        "acts:annex_flags": {**slug, "pk": annex.pk}, "acts:annex_remove": {**slug, "pk": annex.pk},
        "acts:comment": slug,
    }
