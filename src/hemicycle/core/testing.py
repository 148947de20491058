"""Test worlds: an authority with departments, members and one user per role.

Used by the test suite (fixture ``world``) and by the browser journeys."""

from dataclasses import dataclass, field

from hemicycle.accounts.models import RoleAssignment, User
from hemicycle.core.roles import Role
from hemicycle.organisation.models import Authority, Committee, Department, Member, PoliticalGroup

PASSWORD = "motdepasse-de-test-42"


@dataclass
class World:
    authority: Authority
    departments: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)  # role → User (plus "approver2", "drafter2")
    members: list = field(default_factory=list)
    committee: Committee | None = None


def make_user(authority, username, role_list, department=None, first="", last="", role_department=None):
    user = User.objects.create_user(username=username, password=PASSWORD, authority=authority,
                                    department=department, first_name=first or username.capitalize(),
                                    last_name=last or "Test", email=f"{username}@example.org")
    for role in role_list:
        RoleAssignment.objects.create(user=user, role=role, department=role_department)
    return user


def build_world(slug="villeneuve", name="Commune de Villeneuve-sur-Test", siren="217500016") -> World:
    authority = Authority.objects.create(name=name, slug=slug, kind="commune", siren=siren,
                                         siret=siren + "00017", department_code="075", population=52000, seats=49)
    w = World(authority=authority)
    dac = Department.objects.create(authority=authority, code="DAC", name="Direction des affaires culturelles")
    dfpe = Department.objects.create(authority=authority, code="DFPE", name="Direction des familles et de la petite enfance")
    w.departments = {"DAC": dac, "DFPE": dfpe}
    p = slug[:3]
    w.users = {
        Role.DRAFTER: make_user(authority, f"{p}-redacteur", [Role.DRAFTER], dac, role_department=dac),
        Role.APPROVER: make_user(authority, f"{p}-valideur", [Role.APPROVER], dac),
        Role.SECRETARIAT: make_user(authority, f"{p}-secretariat", [Role.SECRETARIAT]),
        Role.MEMBER: make_user(authority, f"{p}-elu", [Role.MEMBER]),
        Role.SIGNATORY: make_user(authority, f"{p}-signataire", [Role.SIGNATORY]),
        Role.ADMINISTRATOR: make_user(authority, f"{p}-admin", [Role.ADMINISTRATOR]),
        Role.PARTNER: make_user(authority, f"{p}-partenaire", [Role.PARTNER]),
        "approver2": make_user(authority, f"{p}-valideur2", [Role.APPROVER], dac),
        "drafter2": make_user(authority, f"{p}-redacteur2", [Role.DRAFTER], dfpe, role_department=dfpe),
    }
    group = PoliticalGroup.objects.create(authority=authority, name="Majorité municipale", short_name="MAJ")
    w.committee = Committee.objects.create(authority=authority, name="Commission culture", short_name="CULT")
    for i in range(3):
        w.members.append(Member.objects.create(authority=authority, civility="Mme", first_name=f"Élue{i}",
                                               last_name=f"Conseillère{i}", group=group))
    w.members[0].user = w.users[Role.MEMBER]
    w.members[0].save()
    return w
