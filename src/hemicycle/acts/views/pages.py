"""The list of acts and an act's page (fields, operative text, annexes, circuit, comments)."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from hemicycle.circuits.panel import panel_context
from hemicycle.core.access import roles
from hemicycle.search.staff import search_page

from .. import matieres, permissions
from ..forms import ActFilterForm, AnnexUploadForm, CommentForm
from ..models import Act
from .common import STAFF_ROLES, get_act

PAGE_SIZE = 25


@roles(*STAFF_ROLES)
def act_list(request):
    """Actes: the acts the user may view, filtered by state, department, nature and text."""
    form = ActFilterForm(request.GET or None, authority=request.authority)
    acts = permissions.visible_acts(request.user, Act.objects.select_related("department", "drafter"))
    query = ""
    if form.is_valid():
        cd = form.cleaned_data
        query = (cd["q"] or "").strip()
        if cd["state"]:
            acts = acts.filter(state=cd["state"])
        if cd["nature"]:
            acts = acts.filter(nature=cd["nature"])
        if cd["department"]:
            acts = acts.filter(department=cd["department"])
    if query:  # full text, best first (hemicycle.search)
        page = search_page(acts, query, authority=request.authority, page_number=request.GET.get("page"),
                           per_page=PAGE_SIZE)
    else:
        page = Paginator(acts.order_by("-updated_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(request, "acts/act_list.html", {
        "title": _("Actes"), "form": form, "page": page, "querystring": urlencode(params),
        "can_create": request.user.has_role("drafter"),
    })


def comment_tree(act) -> list:
    comments = list(act.comments.select_related("author").prefetch_related("mentions"))
    children = {}
    for c in comments:
        children.setdefault(c.parent_id, []).append(c)
    for c in comments:
        c.children = children.get(c.pk, [])
    return children.get(None, [])


def detail_context(request, act, **overrides) -> dict:
    user = request.user
    annexes = list(act.annexes.select_related("uploaded_by"))
    see_confidential = permissions.can_view_confidential_annexes(user, act)
    current = [a for a in annexes if a.removed_at is None and (see_confidential or not a.confidential)]
    removed = [a for a in annexes if a.removed_at is not None and (see_confidential or not a.confidential)]
    hidden = sum(1 for a in annexes if a.removed_at is None and a.confidential and not see_confidential)
    context = {
        "title": f"{act.reference} — {act.object}"[:120], "act": act,
        "annexes": current, "removed_annexes": removed, "hidden_annexes": hidden,
        "matieres": matieres.labels_for(act.classification_version, act.matiere_codes),
        "committees": list(act.committees.all()),
        "comments": comment_tree(act), "comment_form": CommentForm(),
        "annex_form": AnnexUploadForm(), "can_edit": permissions.can_edit(user, act),
        "can_manage_annexes": permissions.can_manage_annexes(user, act),
        "can_set_annex_flags": permissions.can_set_annex_flags(user, act),
        "can_comment": permissions.can_comment(user, act),
        "latest_version": act.versions.order_by("-number").select_related("author").first(),
    }
    context.update(panel_context(user, act))
    context.update(overrides)
    return context


@roles(*STAFF_ROLES)
def act_detail(request, slug):
    """The act's page: everything about it on one screen, with links to its history and versions."""
    act = get_act(request, slug)
    return render(request, "acts/act_detail.html", detail_context(request, act))
