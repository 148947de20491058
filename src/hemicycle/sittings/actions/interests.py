"""Members' declared interests: boards of associations, companies, bodies where they sit.

A member declares, corrects and ends their own interests from the portal; the assembly
secretariat may record a declaration received on paper. An interest is never deleted: it is
ended (``until``), so that a past sitting can still be judged against the interests declared
then. Every change is journaled. ``interests_at`` gives what ``rules.conflicts.must_withdraw``
compares with the organisations an item concerns.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hemicycle.core.roles import Role
from hemicycle.journal.services import record

from ..models import Interest

MAX_ORGANISATION = 300
MAX_ROLE = 200


def _may_act_for(user, member) -> bool:
    return user.authority_id == member.authority_id and (member.user_id == user.pk or user.has_role(Role.SECRETARIAT))


def _clean(organisation: str, role: str, since, until) -> tuple[str, str]:
    organisation = " ".join((organisation or "").split())
    role = " ".join((role or "").split())
    errors = {}
    if not organisation:
        errors["organisation"] = "Indiquez l'organisme (association, société, établissement…)."
    elif len(organisation) > MAX_ORGANISATION:
        errors["organisation"] = f"Le nom de l'organisme dépasse {MAX_ORGANISATION} caractères."
    if len(role) > MAX_ROLE:
        errors["role"] = f"La fonction dépasse {MAX_ROLE} caractères."
    if since and until and until < since:
        errors["until"] = "La date de fin précède la date de début."
    if errors:
        raise ValidationError(errors)
    return organisation, role


def _snapshot(interest: Interest) -> dict:
    return {"interest": interest.pk, "organisation": interest.organisation, "role": interest.role,
            "since": interest.since.isoformat() if interest.since else None,
            "until": interest.until.isoformat() if interest.until else None}


@transaction.atomic
def declare_interest(user, member, *, organisation: str, role: str = "", since=None, until=None) -> Interest:
    if not _may_act_for(user, member):
        raise PermissionDenied("Vous ne pouvez déclarer des intérêts qu'en votre nom.")
    organisation, role = _clean(organisation, role, since, until)
    interest = Interest.objects.create(member=member, organisation=organisation, role=role, since=since, until=until)
    record("member.interest_declared", actor=user, obj=member, data=_snapshot(interest))
    return interest


@transaction.atomic
def update_interest(user, interest: Interest, *, organisation: str, role: str = "", since=None, until=None) -> Interest:
    interest = Interest.objects.select_for_update().select_related("member").get(pk=interest.pk)
    if not _may_act_for(user, interest.member):
        raise PermissionDenied("Vous ne pouvez modifier que vos propres déclarations.")
    organisation, role = _clean(organisation, role, since, until)
    before = _snapshot(interest)
    interest.organisation, interest.role, interest.since, interest.until = organisation, role, since, until
    after = _snapshot(interest)
    if before != after:
        interest.save(update_fields=["organisation", "role", "since", "until"])
        record("member.interest_updated", actor=user, obj=interest.member,
               data={"interest": interest.pk, "before": before, "after": after})
    return interest


@transaction.atomic
def end_interest(user, interest: Interest, *, until: datetime.date | None = None) -> Interest:
    """The member no longer holds this function (from ``until``, today by default)."""
    interest = Interest.objects.select_for_update().select_related("member").get(pk=interest.pk)
    if not _may_act_for(user, interest.member):
        raise PermissionDenied("Vous ne pouvez modifier que vos propres déclarations.")
    until = until or timezone.localdate()
    if interest.until is not None and interest.until <= timezone.localdate():
        raise ValidationError("Cette déclaration est déjà close.")
    if interest.since and until < interest.since:
        raise ValidationError({"until": "La date de fin précède la date de début."})
    interest.until = until
    interest.save(update_fields=["until"])
    record("member.interest_ended", actor=user, obj=interest.member, data=_snapshot(interest))
    return interest


def interests_at(members, day: datetime.date) -> dict:
    """{member pk: [organisations]} of the interests current on ``day`` (for must_withdraw)."""
    current = Interest.objects.filter(member__in=members).filter(
        Q(since__isnull=True) | Q(since__lte=day)).filter(Q(until__isnull=True) | Q(until__gte=day))
    result: dict = {}
    for member_id, organisation in current.values_list("member_id", "organisation").order_by("member_id", "pk"):
        result.setdefault(member_id, []).append(organisation)
    return result
