"""Gap-free, concurrency-safe reference numbers.

The counter row is incremented with a row lock (SELECT … FOR UPDATE on PostgreSQL; SQLite
serialises write transactions) inside the transaction that creates the act: if creation
fails, the number is rolled back with it, so no gap and no duplicate.
"""

from django.db import IntegrityError, transaction
from django.db.models import F

from hemicycle.rules.numbering import render, scope

from .models import NumberingCounter, NumberingPattern

DEFAULT_PATTERN = "{year} {dept} {seq}"


def pattern_for(authority, nature: str) -> str:
    row = NumberingPattern.objects.filter(authority=authority, nature=nature).first()
    return row.pattern if row else DEFAULT_PATTERN


def next_reference(authority, *, nature: str, dept: str, year: int) -> str:
    """Reserve the next reference. Must run inside the creating transaction."""
    assert transaction.get_connection().in_atomic_block, "next_reference needs a transaction"
    pattern = pattern_for(authority, nature)
    key = scope(pattern, year=year, dept=dept, nature=nature)
    counter = NumberingCounter.objects.select_for_update().filter(authority=authority, scope=key).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = NumberingCounter.objects.create(authority=authority, scope=key, value=0)
        except IntegrityError:  # created meanwhile by a concurrent transaction
            counter = NumberingCounter.objects.select_for_update().get(authority=authority, scope=key)
    from .models import Act

    while True:  # skips a number only if an older pattern already produced that very reference
        NumberingCounter.objects.filter(pk=counter.pk).update(value=F("value") + 1)
        counter.refresh_from_db(fields=["value"])
        reference = render(pattern, year=year, dept=dept, nature=nature, seq=counter.value)
        if not Act.objects.filter(authority=authority, reference=reference).exists():
            return reference
