from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from hemicycle.core.access import for_authority, roles

from .. import actions
from ..forms import DepartmentForm
from ..models import Department
from .common import ADMIN, page, run_action


def department_tree(authority) -> list[tuple[Department, int]]:
    """Departments in tree order with their depth: each parent followed by its children."""
    departments = list(Department.objects.filter(authority=authority).order_by("code"))
    children: dict = {}
    for d in departments:
        children.setdefault(d.parent_id, []).append(d)
    ordered, seen = [], set()

    def walk(parent_id, depth):
        for d in children.get(parent_id, []):
            if d.pk in seen:
                continue
            seen.add(d.pk)
            ordered.append((d, depth))
            walk(d.pk, depth + 1)

    walk(None, 0)
    ordered.extend((d, 0) for d in departments if d.pk not in seen)  # defensive: never hide a row
    return ordered


@roles(*ADMIN)
def department_list(request):
    return page(request, "organisation/department_list.html", _("Directions et services"),
                tree=department_tree(request.authority))


@roles(*ADMIN)
def department_edit(request, pk=None):
    department = for_authority(Department, request, pk=pk) if pk else None
    form = DepartmentForm(request.POST or None, instance=department, authority=request.authority)
    if request.method == "POST" and form.is_valid():
        saved = run_action(form, actions.save_department, request.user, request.authority, department,
                           **form.cleaned_data)
        if saved:
            messages.success(request, _("Direction %(code)s enregistrée.") % {"code": saved.code})
            return redirect("organisation:departments")
    title = _("Modifier la direction %(code)s") % {"code": department.code} if department else _("Nouvelle direction")
    return page(request, "organisation/department_form.html", title, form=form, department=department)


@roles(*ADMIN)
def department_toggle(request, pk):
    department = for_authority(Department, request, pk=pk)
    if request.method != "POST":
        return redirect("organisation:department_edit", pk=department.pk)
    active = request.POST.get("active") == "1"
    try:
        actions.set_department_active(request.user, department, active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, (_("Direction %(code)s réactivée.") if active else _("Direction %(code)s désactivée."))
                         % {"code": department.code})
    return redirect("organisation:departments")
