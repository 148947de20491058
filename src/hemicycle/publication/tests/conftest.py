"""A decided sitting whose two adopted acts have signed final documents (real final layout)."""

import io
from dataclasses import dataclass

import pypdf
import pytest

from hemicycle.core.roles import Role


@dataclass
class Portal:
    world: object
    decided: object
    budget: object
    subsidy: object
    rejected: object
    budget_doc: object
    subsidy_doc: object
    secretariat: object


PRIVATE = "Considérant la demande de M. Jean Dupont, domicilié 12 rue des Lilas, 75011 Paris"
MEMBER_VISA = "Vu le rapport de Mme Anne Lefèvre"


@pytest.fixture
def portal(world):
    from hemicycle.documents.testing import build_decided_sitting
    from hemicycle.publication.testing import make_signed_final

    decided = build_decided_sitting(world, next_sitting=True)
    budget, subsidy = decided.adopted
    # The subsidy names a private person and her address, and a member of the assembly.
    subsidy.considerants = [*subsidy.considerants, PRIVATE]
    subsidy.visas = [*subsidy.visas, MEMBER_VISA]
    subsidy.save(update_fields=["considerants", "visas"])
    items = {i.act_id: i for i in decided.items}
    rejected = next(a for a in decided.acts if a.state == "rejected")
    return Portal(world=world, decided=decided, budget=budget, subsidy=subsidy, rejected=rejected,
                  budget_doc=make_signed_final(budget, item=items[budget.pk]),
                  subsidy_doc=make_signed_final(subsidy, item=items[subsidy.pk]),
                  secretariat=world.users[Role.SECRETARIAT])


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
