"""Users and the roles they hold in their authority."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from hemicycle.core.roles import Role


class User(AbstractUser):
    """A person who logs in. Belongs to one authority (operators' superusers to none)."""

    authority = models.ForeignKey(
        "organisation.Authority", on_delete=models.PROTECT, null=True, blank=True,
        related_name="users", verbose_name=_("collectivité"),
    )
    department = models.ForeignKey(
        "organisation.Department", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="users", verbose_name=_("direction"),
    )
    title = models.CharField(_("fonction"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("utilisateur")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        full = self.get_full_name().strip()
        return full or self.username

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def is_staff_user(self) -> bool:
        """Staff of the authority (everyone but members and partners): offered TOTP."""
        return self.has_role(Role.DRAFTER, Role.APPROVER, Role.SECRETARIAT, Role.SIGNATORY, Role.ADMINISTRATOR)


class RoleAssignment(models.Model):
    """A role held by a user, optionally limited to a department (and its sub-departments)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        "organisation.Department", on_delete=models.CASCADE, null=True, blank=True,
        related_name="role_assignments", verbose_name=_("limité à la direction"),
    )

    class Meta:
        verbose_name = _("rôle attribué")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "department"], name="unique_role_assignment"),
        ]

    def __str__(self) -> str:
        scope = f" ({self.department.code})" if self.department_id else ""
        return f"{self.user} — {self.get_role_display()}{scope}"
