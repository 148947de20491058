"""The roles a user can hold within an authority (architecture.md, "Identity and access")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DRAFTER = "drafter", _("Rédacteur")
    APPROVER = "approver", _("Valideur")
    SECRETARIAT = "secretariat", _("Secrétariat des assemblées")
    MEMBER = "member", _("Élu")
    SIGNATORY = "signatory", _("Signataire")
    ADMINISTRATOR = "administrator", _("Administrateur")
    PARTNER = "partner", _("Partenaire")
