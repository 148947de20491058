"""What every act page shares: finding the act in the user's authority, checking the view right."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hemicycle.core.access import for_authority, require

from .. import permissions
from ..models import Act

STAFF_ROLES = permissions.STAFF_ROLES


def get_act(request, slug: str) -> Act:
    """The act of the user's authority with this slug (404 otherwise), if the user may view it
    (403 otherwise)."""
    act = for_authority(Act.objects.select_related("department", "drafter", "rapporteur", "authority",
                                                   "classification_version"), request, slug=slug)
    require(permissions.can_view(request.user, act), _("Vous n'avez pas accès à cet acte."))
    return act


def add_validation_errors(form, exc: ValidationError, field_map: dict | None = None) -> None:
    """Put an action's ValidationError on the form, on the matching field when there is one."""
    field_map = field_map or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            name = field_map.get(field, field)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
