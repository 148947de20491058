from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.acts.models import Nature
from hemicycle.acts.numbering import pattern_for
from hemicycle.core.access import roles
from hemicycle.rules.numbering import PatternError, check_pattern, render

from .. import actions
from .common import ADMIN, page


def _example(pattern: str, nature: str) -> str:
    try:
        check_pattern(pattern)
    except PatternError:
        return ""
    return render(pattern, year=timezone.localdate().year, dept="DAC", nature=nature, seq=123)


@roles(*ADMIN)
def numbering(request):
    """How act references are made, per nature (« 2026 DAC 123 »)."""
    authority = request.authority
    values = {n: request.POST.get(f"pattern_{n}", "") if request.method == "POST" else pattern_for(authority, n)
              for n in Nature.values}
    errors = {}
    if request.method == "POST":
        try:
            changes = actions.save_numbering_patterns(request.user, authority, values)
        except ValidationError as exc:
            errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
        else:
            messages.success(request, _("Numérotation enregistrée (%(n)d modification(s)).") % {"n": len(changes)}
                             if changes else _("Aucune modification."))
            return redirect("organisation:numbering")
    rows = [{"nature": n, "label": label, "value": values[n], "error": errors.get(n, ""),
             "example": _example(values[n], n)} for n, label in Nature.choices]
    return page(request, "organisation/numbering.html", _("Numérotation des actes"), rows=rows,
                status=400 if errors else 200)
