"""URL parameters of the open-data endpoints for the access-matrix test
(core/tests/test_access_matrix.py): an act with a public annex, signed and published, seen
as an OParl Paper whose annex is a File served by the API. Every endpoint is public."""

from hemicycle.core.roles import Role

_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url_samples(world) -> dict:
    from hemicycle.acts.actions import add_annex, create_act

    from .testing import publish_act

    drafter = world.users[Role.DRAFTER]
    act = create_act(drafter, department=world.departments["DAC"], object="Acte d'exemple des données ouvertes",
                     visas=["Vu le code général des collectivités territoriales"], articles=["Article unique."])
    annex = add_annex(drafter, act, filename="plan.pdf", content=_PDF, title="Plan annexé")
    publish_act(world, act)
    authority = {"authority": world.authority.slug}
    return {
        "opendata:scdl": authority,
        "opendata:oparl_body": authority,
        "opendata:oparl_list": {**authority, "kind": "paper"},
        "opendata:oparl_object": {**authority, "kind": "paper", "key": str(act.pk)},
        "opendata:oparl_annex_download": {**authority, "key": f"annex-{annex.pk}"},
    }
