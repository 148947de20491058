"""Every change to the authority's organisation goes through these functions.

Each one checks that the actor is an administrator of the authority concerned (raises
PermissionDenied otherwise), applies the change in a transaction, and writes the journal.
Invalid input raises ValidationError with French messages keyed by field.
"""

from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from hemicycle.accounts.models import RoleAssignment, User
from hemicycle.core.roles import Role
from hemicycle.journal.services import record

from .models import Authority, Committee, Department, Mandate, Member, PoliticalGroup

AUTHORITY_FIELDS = ("name", "kind", "siren", "siret", "department_code", "arrondissement", "population", "seats")
DEPARTMENT_FIELDS = ("code", "name", "parent")
USER_FIELDS = ("username", "first_name", "last_name", "email", "title", "department")
MEMBER_FIELDS = ("civility", "first_name", "last_name", "birth_date", "email", "group", "paper_convocation", "user")
MANDATE_FIELDS = ("function", "start_date", "end_date", "is_president")
GROUP_FIELDS = ("name", "short_name", "colour")
COMMITTEE_FIELDS = ("name", "short_name")


# --- helpers ------------------------------------------------------------------------------

def is_administrator(actor, authority: Authority) -> bool:
    return (actor is not None and actor.is_authenticated and actor.is_active
            and actor.authority_id == authority.pk and actor.has_role(Role.ADMINISTRATOR))


def require_administrator(actor, authority: Authority) -> None:
    if not is_administrator(actor, authority):
        raise PermissionDenied("Seul un administrateur de la collectivité peut modifier son organisation.")


def _same_authority(authority: Authority, *objects) -> None:
    for obj in objects:
        if obj is not None and getattr(obj, "authority_id", authority.pk) != authority.pk:
            raise PermissionDenied("Cet élément appartient à une autre collectivité.")


def _journal_value(value):
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _apply(obj, data: dict, fields) -> dict:
    """Set the given fields on obj; return the changes as {field: [old, new]} for the journal."""
    changes = {}
    for field in fields:
        if field not in data:
            continue
        new = data[field]
        old = getattr(obj, field)
        if old != new:
            changes[field] = [_journal_value(old), _journal_value(new)]
            setattr(obj, field, new)
    return changes


# --- authority ----------------------------------------------------------------------------

@transaction.atomic
def update_authority(actor, authority: Authority, **data) -> Authority:
    """Change the authority's identity and size (its kind and population decide its legal regime)."""
    require_administrator(actor, authority)
    authority = Authority.objects.select_for_update().get(pk=authority.pk)
    before = authority.regime
    changes = _apply(authority, data, AUTHORITY_FIELDS)
    if not changes:
        return authority
    authority.full_clean()
    authority.save()
    after = authority.regime
    payload = {"changes": changes}
    if before != after:
        payload["regime"] = [before.name, after.name]
    record("organisation.authority_updated", actor=actor, obj=authority, data=payload)
    return authority


# --- departments --------------------------------------------------------------------------

def _check_parent(department: Department, parent: Department | None) -> None:
    if parent is None:
        return
    if parent.authority_id != department.authority_id:
        raise ValidationError({"parent": "La direction parente doit appartenir à la même collectivité."})
    if department.pk and department.pk in {d.pk for d in parent.ancestors_and_self()}:
        raise ValidationError({"parent": "Une direction ne peut pas être rattachée à elle-même ni à l'une de ses sous-directions."})


def _check_department_code(department: Department) -> None:
    clash = Department.objects.filter(authority_id=department.authority_id, code=department.code)
    if department.pk:
        clash = clash.exclude(pk=department.pk)
    if clash.exists():
        raise ValidationError({"code": f"Le code {department.code} est déjà utilisé par une autre direction."})


@transaction.atomic
def save_department(actor, authority: Authority, department: Department | None = None, **data) -> Department:
    """Create (department=None) or change a department: code, name, parent."""
    require_administrator(actor, authority)
    _same_authority(authority, department, data.get("parent"))
    creating = department is None
    department = Department(authority=authority) if creating else Department.objects.select_for_update().get(pk=department.pk)
    if "code" in data:
        data["code"] = (data["code"] or "").strip().upper()
    changes = _apply(department, data, DEPARTMENT_FIELDS)
    if not creating and not changes:
        return department
    _check_parent(department, department.parent)
    _check_department_code(department)
    department.full_clean(exclude=["authority"], validate_unique=False)
    department.save()
    record("organisation.department_created" if creating else "organisation.department_updated",
           actor=actor, obj=department, data={"changes": changes})
    return department


@transaction.atomic
def set_department_active(actor, department: Department, active: bool) -> Department:
    """Deactivate (or reactivate) a department; it is never deleted, acts keep pointing to it."""
    require_administrator(actor, department.authority)
    department = Department.objects.select_for_update().get(pk=department.pk)
    if department.active == active:
        return department
    if not active and department.children.filter(active=True).exists():
        raise ValidationError("Désactivez d'abord les sous-directions actives de cette direction.")
    if active and department.parent_id and not department.parent.active:
        raise ValidationError("Réactivez d'abord la direction parente.")
    department.active = active
    department.save(update_fields=["active"])
    record("organisation.department_reactivated" if active else "organisation.department_deactivated",
           actor=actor, obj=department)
    return department


# --- users --------------------------------------------------------------------------------

def _normalise_roles(authority: Authority, roles: dict) -> set[tuple[str, int | None]]:
    """{role: [departments]} (empty list: the whole authority) → {(role, department_id)}."""
    wanted = set()
    for role, departments in roles.items():
        if role not in Role.values:
            raise ValidationError({"roles": f"Rôle inconnu : {role}."})
        if not departments:
            wanted.add((role, None))
            continue
        for department in departments:
            if department.authority_id != authority.pk:
                raise PermissionDenied("Une direction de périmètre appartient à une autre collectivité.")
            wanted.add((role, department.pk))
    return wanted


@transaction.atomic
def save_user(actor, authority: Authority, target: User | None = None, *, roles: dict | None = None,
              password: str = "", **data) -> User:
    """Create or change a user account with its roles ({role: [departments]}, [] = whole authority).

    Accounts are never deleted (the journal refers to them): see ``set_user_active``."""
    require_administrator(actor, authority)
    _same_authority(authority, target, data.get("department"))
    wanted = _normalise_roles(authority, roles) if roles is not None else None
    creating = target is None
    target = User(authority=authority) if creating else User.objects.select_for_update().get(pk=target.pk)
    if "username" in data:
        data["username"] = (data["username"] or "").strip()
        clash = User.objects.filter(username__iexact=data["username"])
        if not creating:
            clash = clash.exclude(pk=target.pk)
        if clash.exists():
            raise ValidationError({"username": "Cet identifiant est déjà pris."})
    changes = _apply(target, data, USER_FIELDS)
    if creating and not password:
        raise ValidationError({"password": "Un mot de passe initial est obligatoire."})
    if password:
        validate_password(password, target)
        target.set_password(password)
        changes["password"] = ["", "modifié"]
    target.full_clean(exclude=["password", "authority"], validate_unique=False)
    target.save()
    if wanted is not None:
        current = {(a.role, a.department_id): a for a in target.role_assignments.all()}
        if (target.pk == actor.pk and any(role == Role.ADMINISTRATOR for role, _ in current)
                and not any(role == Role.ADMINISTRATOR for role, _ in wanted)):
            raise ValidationError({"roles": "Vous ne pouvez pas retirer votre propre rôle d'administrateur."})
        removed = [key for key in current if key not in wanted]
        added = [key for key in wanted if key not in current]
        for key in removed:
            current[key].delete()
        for role, department_id in added:
            RoleAssignment.objects.create(user=target, role=role, department_id=department_id)
        if removed or added:
            changes["roles"] = {"ajoutés": sorted(f"{r}:{d or '*'}" for r, d in added),
                                "retirés": sorted(f"{r}:{d or '*'}" for r, d in removed)}
        target.__dict__.pop("role_set", None)
    if creating or changes:
        record("organisation.user_created" if creating else "organisation.user_updated",
               actor=actor, authority=authority, obj=target, data={"changes": changes})
    return target


@transaction.atomic
def set_user_active(actor, target: User, active: bool) -> User:
    """Deactivate (or reactivate) an account: it can no longer log in; its history stays."""
    require_administrator(actor, target.authority)
    if target.pk == actor.pk and not active:
        raise ValidationError("Vous ne pouvez pas désactiver votre propre compte.")
    target = User.objects.select_for_update().get(pk=target.pk)
    if target.is_active == active:
        return target
    target.is_active = active
    target.save(update_fields=["is_active"])
    record("organisation.user_reactivated" if active else "organisation.user_deactivated",
           actor=actor, authority=target.authority, obj=target)
    return target


@transaction.atomic
def reset_user_second_factor(actor, target: User) -> int:
    """Remove a user's TOTP devices (lost phone): they log in with their password alone again."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    require_administrator(actor, target.authority)
    count, _ = TOTPDevice.objects.filter(user=target).delete()
    if count:
        record("organisation.user_second_factor_reset", actor=actor, authority=target.authority, obj=target)
    return count


# --- members, mandates --------------------------------------------------------------------

def _check_member_links(authority: Authority, member: Member) -> None:
    if member.group_id and member.group.authority_id != authority.pk:
        raise ValidationError({"group": "Ce groupe appartient à une autre collectivité."})
    if member.user_id:
        if member.user.authority_id != authority.pk:
            raise ValidationError({"user": "Ce compte appartient à une autre collectivité."})
        clash = Member.objects.filter(user_id=member.user_id).exclude(pk=member.pk)
        if clash.exists():
            raise ValidationError({"user": "Ce compte est déjà rattaché à un autre élu."})


@transaction.atomic
def save_member(actor, authority: Authority, member: Member | None = None, *, committees=None, **data) -> Member:
    """Create or change an elected member (élu): identity, group, committees, convocation by paper."""
    require_administrator(actor, authority)
    _same_authority(authority, member, data.get("group"), data.get("user"), *(committees or []))
    creating = member is None
    member = Member(authority=authority) if creating else Member.objects.select_for_update().get(pk=member.pk)
    for key in ("first_name", "last_name", "email"):
        if key in data:
            data[key] = " ".join((data[key] or "").split())
    changes = _apply(member, data, MEMBER_FIELDS)
    _check_member_links(authority, member)
    member.full_clean(exclude=["authority"])
    member.save()
    if committees is not None:
        before = set(member.committees.values_list("short_name", flat=True)) if not creating else set()
        member.committees.set(committees)
        after = {c.short_name for c in committees}
        if before != after:
            changes["committees"] = [sorted(before), sorted(after)]
    if creating or changes:
        record("organisation.member_created" if creating else "organisation.member_updated",
               actor=actor, obj=member, data={"changes": changes})
    return member


@transaction.atomic
def save_mandate(actor, member: Member, mandate: Mandate | None = None, **data) -> Mandate:
    """Create or change one of a member's mandates (function, dates, presides the assembly)."""
    require_administrator(actor, member.authority)
    if mandate is not None and mandate.member_id != member.pk:
        raise PermissionDenied("Ce mandat concerne un autre élu.")
    creating = mandate is None
    mandate = Mandate(member=member) if creating else Mandate.objects.select_for_update().get(pk=mandate.pk)
    if "function" in data:
        data["function"] = " ".join((data["function"] or "").split())
    changes = _apply(mandate, data, MANDATE_FIELDS)
    if mandate.start_date and mandate.end_date and mandate.end_date < mandate.start_date:
        raise ValidationError({"end_date": "La fin du mandat ne peut pas précéder son début."})
    mandate.full_clean(exclude=["member"])
    mandate.save()
    if creating or changes:
        record("organisation.mandate_created" if creating else "organisation.mandate_updated",
               actor=actor, authority=member.authority, obj=mandate, data={"member": str(member), "changes": changes})
    return mandate


@transaction.atomic
def delete_mandate(actor, mandate: Mandate) -> None:
    """Remove a mandate entered by mistake (an ended mandate is closed with an end date instead)."""
    member = mandate.member
    require_administrator(actor, member.authority)
    record("organisation.mandate_deleted", actor=actor, authority=member.authority, obj=mandate,
           data={"member": str(member), "function": mandate.function, "start_date": mandate.start_date.isoformat()})
    mandate.delete()


# --- political groups, committees ---------------------------------------------------------

def _check_short_name(model, obj) -> None:
    clash = model.objects.filter(authority_id=obj.authority_id, short_name__iexact=obj.short_name)
    if obj.pk:
        clash = clash.exclude(pk=obj.pk)
    if clash.exists():
        raise ValidationError({"short_name": f"Le sigle {obj.short_name} est déjà utilisé."})


@transaction.atomic
def save_group(actor, authority: Authority, group: PoliticalGroup | None = None, **data) -> PoliticalGroup:
    """Create or change a political group (name, sigle, colour)."""
    require_administrator(actor, authority)
    _same_authority(authority, group)
    creating = group is None
    group = PoliticalGroup(authority=authority) if creating else PoliticalGroup.objects.select_for_update().get(pk=group.pk)
    if "short_name" in data:
        data["short_name"] = (data["short_name"] or "").strip()
    changes = _apply(group, data, GROUP_FIELDS)
    _check_short_name(PoliticalGroup, group)
    group.full_clean(exclude=["authority"], validate_unique=False)
    group.save()
    if creating or changes:
        record("organisation.group_created" if creating else "organisation.group_updated",
               actor=actor, obj=group, data={"changes": changes})
    return group


@transaction.atomic
def save_committee(actor, authority: Authority, committee: Committee | None = None, *, members=None, **data) -> Committee:
    """Create or change a committee (commission) and, when given, its list of members."""
    require_administrator(actor, authority)
    _same_authority(authority, committee, *(members or []))
    creating = committee is None
    committee = Committee(authority=authority) if creating else Committee.objects.select_for_update().get(pk=committee.pk)
    if "short_name" in data:
        data["short_name"] = (data["short_name"] or "").strip()
    changes = _apply(committee, data, COMMITTEE_FIELDS)
    _check_short_name(Committee, committee)
    committee.full_clean(exclude=["authority"], validate_unique=False)
    committee.save()
    if members is not None:
        before = set(committee.members.values_list("pk", flat=True)) if not creating else set()
        committee.members.set(members)
        after = {m.pk for m in members}
        if before != after:
            changes["members"] = {"ajoutés": sorted(after - before), "retirés": sorted(before - after)}
    if creating or changes:
        record("organisation.committee_created" if creating else "organisation.committee_updated",
               actor=actor, obj=committee, data={"changes": changes})
    return committee


# --- imports ------------------------------------------------------------------------------

@transaction.atomic
def import_departments(actor, authority: Authority, content: bytes):
    """Apply a departments CSV (code;nom;code_parent): valid lines only, all in one transaction."""
    from .csv_import import apply_departments, plan_departments

    require_administrator(actor, authority)
    plan = plan_departments(authority, content)
    result = apply_departments(plan, authority)
    for department, created in result.touched:
        record("organisation.department_created" if created else "organisation.department_updated",
               actor=actor, obj=department, data={"source": "import CSV"})
    if result.created or result.updated:
        record("organisation.departments_imported", actor=actor, authority=authority,
               data={"created": result.created, "updated": result.updated, "skipped_lines": plan.error_lines,
                     "sha256": plan.sha256})
    return plan, result


@transaction.atomic
def import_members(actor, authority: Authority, content: bytes, *, create_groups: bool = False):
    """Apply a members CSV: valid lines only, all in one transaction; unknown groups created on request."""
    from .csv_import import apply_members, plan_members

    require_administrator(actor, authority)
    plan = plan_members(authority, content, create_groups=create_groups)
    result = apply_members(plan, authority)
    for group in result.new_groups:
        record("organisation.group_created", actor=actor, obj=group, data={"source": "import CSV"})
    for member, created in result.touched:
        record("organisation.member_created" if created else "organisation.member_updated",
               actor=actor, obj=member, data={"source": "import CSV"})
    if result.created or result.updated:
        record("organisation.members_imported", actor=actor, authority=authority,
               data={"created": result.created, "updated": result.updated, "skipped_lines": plan.error_lines,
                     "sha256": plan.sha256})
    return plan, result


@transaction.atomic
def import_classification_file(actor, authority: Authority, content: bytes):
    """The prefecture's classification (RetourClassification) uploaded by an administrator."""
    from hemicycle.acts.classification import import_classification

    require_administrator(actor, authority)
    return import_classification(authority, content, actor=actor)


# --- numbering of acts ----------------------------------------------------------------------

@transaction.atomic
def save_numbering_patterns(actor, authority: Authority, patterns: dict[str, str]):
    """Set the reference pattern of each nature (e.g. ``{year} {dept} {seq}``).

    Counters run per rendered prefix, so a new pattern starts its own count while references
    already given keep their number; patterns are checked by rules.numbering.check_pattern.
    """
    from hemicycle.acts.models import Nature, NumberingPattern
    from hemicycle.acts.numbering import DEFAULT_PATTERN
    from hemicycle.rules.numbering import PatternError, check_pattern

    require_administrator(actor, authority)
    errors, changes = {}, {}
    for nature, pattern in patterns.items():
        if nature not in Nature.values:
            errors[nature] = "Nature inconnue."
            continue
        pattern = (pattern or "").strip() or DEFAULT_PATTERN
        try:
            check_pattern(pattern)
        except PatternError as exc:
            errors[nature] = str(exc)
            continue
        row = NumberingPattern.objects.filter(authority=authority, nature=nature).first()
        old = row.pattern if row else DEFAULT_PATTERN
        if old != pattern:
            NumberingPattern.objects.update_or_create(authority=authority, nature=nature, defaults={"pattern": pattern})
            changes[nature] = [old, pattern]
    if errors:
        raise ValidationError(errors)
    if changes:
        record("authority.numbering_changed", actor=actor, authority=authority, obj=authority,
               data={"changes": changes})
    return changes
