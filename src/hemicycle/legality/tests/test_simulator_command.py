"""``hemicycle prefecture_simulator``: accounts come from Hémicycle's authorities."""

import pytest

from hemicycle.legality.management.commands.prefecture_simulator import authority_accounts

pytestmark = pytest.mark.django_db


def test_accounts_from_authorities(world, settings):
    from hemicycle.acts.classification import load_default_classification

    settings.HEMICYCLE_ACTES_OPERATOR_PASSWORD = "secret-demo"
    load_default_classification(world.authority)
    account = authority_accounts()(world.authority.siren)
    assert (account.siren, account.department, account.password) == ("217500016", "075", "secret-demo")
    assert account.classification_date  # the latest imported classification
    assert authority_accounts()("999999999") is None
