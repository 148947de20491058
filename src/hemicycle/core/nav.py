"""The main menu: (label, url name, roles allowed — empty for every logged-in user).
Each feature adds its entry here when it lands."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

ENTRIES: list[tuple] = [
    (_("Actes"), "acts:list", ("drafter", "approver", "secretariat", "signatory", "administrator")),
    (_("Bannette"), "circuits:inbox", ()),
    (_("Notifications"), "notifications:list", ()),
    (_("Circuits"), "circuits:templates", ("administrator",)),
    (_("Séances"), "sittings:list", ("secretariat", "administrator")),
    (_("Parapheur"), "documents:sign_queue", ("signatory",)),
    (_("Contrôle de légalité"), "legality:dashboard", ("secretariat",)),
    (_("Publication"), "publication:pending", ("secretariat",)),
    (_("Archives"), "archives:registers", ("secretariat", "administrator")),
    (_("Organisation"), "organisation:home", ("administrator", "secretariat")),
    (_("Espace élu"), "portal:home", ("member",)),
    (_("Mon compte"), "accounts:account", ()),
]


def nav_items(request) -> list[dict]:
    user = request.user
    items = []
    current = request.resolver_match.view_name if getattr(request, "resolver_match", None) else ""
    for label, url_name, roles in ENTRIES:
        if roles and not user.has_role(*roles):
            continue
        items.append({"label": label, "url": reverse(url_name),
                      "current": current.split(":")[0] == url_name.split(":")[0]})
    return items
