from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from hemicycle.core.access import roles

from .. import actions
from ..forms import AuthorityForm
from ..models import Authority
from .common import ADMIN, page, run_action


@roles(*ADMIN)
def authority_settings(request):
    """The authority's identity; its kind and population decide the legal regime shown."""
    authority = Authority.objects.get(pk=request.authority.pk)
    form = AuthorityForm(request.POST or None, instance=Authority.objects.get(pk=authority.pk))
    if request.method == "POST" and form.is_valid():
        if run_action(form, actions.update_authority, request.user, authority, **form.cleaned_data):
            messages.success(request, _("Les paramètres de la collectivité sont enregistrés."))
            return redirect("organisation:authority")
    return page(request, "organisation/authority.html", _("Paramètres de la collectivité"),
                form=form, authority=authority, regime=authority.regime)
