"""URL parameters of the final documents' pages for the access-matrix test
(core/tests/test_access_matrix.py): a closed sitting whose adopted acts have their final
documents prepared, the first one rendered (so that its PDF answers 200)."""

from hemicycle.core.roles import Role


def url_samples(world) -> dict:
    from .final import prepare_finals, render_final
    from .testing import build_decided_sitting

    decided = build_decided_sitting(world, slug="exemple-actes-definitifs", days_ago=6)
    documents = prepare_finals(world.users[Role.SECRETARIAT], decided.sitting, enqueue=False)
    render_final(documents[0])
    sitting = {"slug": decided.sitting.slug}
    act = {"slug": documents[0].act.slug}
    return {
        "documents:sitting_finals": sitting, "documents:sitting_finals_generate": sitting,
        "documents:sitting_finals_progress": sitting, "documents:final_pdf": act,
        "documents:arrete_finalize": act,
    }
