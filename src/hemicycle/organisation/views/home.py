from django.utils.translation import gettext as _

from hemicycle.acts.matieres import latest_classification
from hemicycle.core.access import roles

from ..models import Committee, Department, Member, PoliticalGroup
from .common import VIEWERS, page


@roles(*VIEWERS)
def home(request):
    """The organisation's overview: what is recorded and where to manage it."""
    authority = request.authority
    return page(request, "organisation/home.html", _("Organisation"),
                authority=authority, regime=authority.regime,
                departments=Department.objects.filter(authority=authority, active=True).count(),
                users=authority.users.filter(is_active=True).count(),
                members=Member.objects.filter(authority=authority).count(),
                groups=PoliticalGroup.objects.filter(authority=authority).count(),
                committees=Committee.objects.filter(authority=authority).count(),
                classification=latest_classification(authority))
