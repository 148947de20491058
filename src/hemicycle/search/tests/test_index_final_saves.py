"""A final document's rendering and signing saves do not re-index its act (only its decision
date is indexed); a change of that date does (bench B2: two index computations saved per act)."""

import datetime
from unittest import mock

import pytest

from hemicycle.search.models import SearchEntry

from .helpers import act, decide

pytestmark = pytest.mark.django_db


def test_only_a_final_documents_decision_date_reaches_the_index(world):
    from hemicycle.search import indexing

    a = act(world, "Convention avec le conservatoire")
    document = decide(a, datetime.date(2026, 3, 2))
    assert SearchEntry.objects.get(act_id=a.pk).date == datetime.date(2026, 3, 2)
    with mock.patch.object(indexing, "index_act", wraps=indexing.index_act) as index:
        document.state, document.pdf_sha256 = "rendered", "1" * 64
        document.save(update_fields=["state", "pdf_sha256"])
        document.signed_sha256 = "2" * 64
        document.save(update_fields=["signed_sha256", "state"])
        assert index.call_count == 0
        document.decision_date = datetime.date(2026, 3, 9)
        document.save(update_fields=["decision_date"])
        document.save()  # a save of every field may change anything
        assert index.call_count == 2
    assert SearchEntry.objects.get(act_id=a.pk).date == datetime.date(2026, 3, 9)
