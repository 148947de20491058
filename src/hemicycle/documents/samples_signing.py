"""URL parameters of the signature pages for the access-matrix test
(core/tests/test_access_matrix.py), and the helper tests use to get rendered final documents:
an act whose final document is rendered and signed by the world's signatory, so that its
signatures page shows a real check."""

from hemicycle.core.roles import Role


def rendered_finals(world, *, slug: str = "seance-signatures", days_ago: int = 4) -> list:
    """A closed sitting's adopted acts with their final documents rendered (state RENDERED)."""
    from .final import prepare_finals, render_final
    from .testing import build_decided_sitting

    decided = build_decided_sitting(world, slug=slug, days_ago=days_ago)
    documents = prepare_finals(world.users[Role.SECRETARIAT], decided.sitting, enqueue=False)
    return [render_final(document) for document in documents]


def signatory(world, title: str = "Maire de la commune"):
    """The world's signatory, with the capacity a signature needs."""
    user = world.users[Role.SIGNATORY]
    if not user.title:
        user.title = title
        user.save(update_fields=["title"])
    return user


def url_samples(world) -> dict:
    from .signing import sign_final

    documents = rendered_finals(world, slug="exemple-signatures", days_ago=5)
    sign_final(signatory(world), documents[0])
    return {"documents:final_signatures": {"slug": documents[0].act.slug}}
