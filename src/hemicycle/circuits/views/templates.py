"""Administration of the authority's circuit templates (administrators only)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hemicycle.core.access import for_authority, roles
from hemicycle.core.roles import Role

from .. import actions
from ..forms import CircuitTemplateForm, StepFormSet
from ..models import CircuitTemplate


@roles(Role.ADMINISTRATOR)
def template_list(request):
    templates = (CircuitTemplate.objects.filter(authority=request.authority)
                 .prefetch_related("departments", "steps").annotate(run_count=Count("runs"))
                 .order_by("-active", "name"))
    return render(request, "circuits/template_list.html", {"title": _("Circuits de validation"),
                                                            "templates": templates})


def _initial(template: CircuitTemplate | None):
    if template is None:
        return {"active": True}, []
    form_initial = {"name": template.name, "natures": template.natures, "sitting_types": template.sitting_types,
                    "departments": list(template.departments.all()), "approvers_can_edit": template.approvers_can_edit,
                    "active": template.active}
    steps = [{"name": s.name, "rule": s.rule, "deadline_days": s.deadline_days,
              "approver_users": list(s.approver_users.all()), "approver_role": s.approver_role,
              "role_in_act_department": s.role_in_act_department}
             for s in template.steps.order_by("position").prefetch_related("approver_users")]
    return form_initial, steps


def _edit(request, template: CircuitTemplate | None):
    authority = request.authority
    form_initial, steps_initial = _initial(template)
    if request.method == "POST":
        form = CircuitTemplateForm(request.POST, authority=authority)
        formset = StepFormSet(request.POST, prefix="steps", form_kwargs={"authority": authority})
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                saved = actions.save_circuit_template(
                    request.user, template, name=data["name"], natures=data["natures"],
                    departments=list(data["departments"]), sitting_types=data["sitting_types"],
                    approvers_can_edit=data["approvers_can_edit"], active=data["active"],
                    steps=formset.ordered_steps())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Le circuit « %(name)s » est enregistré.") % {"name": saved.name})
                return redirect("circuits:templates")
    else:
        form = CircuitTemplateForm(initial=form_initial, authority=authority)
        formset = StepFormSet(initial=steps_initial, prefix="steps", form_kwargs={"authority": authority})
    title = _("Modifier le circuit « %(name)s »") % {"name": template.name} if template else _("Nouveau circuit")
    return render(request, "circuits/template_form.html",
                  {"title": title, "form": form, "formset": formset, "template_obj": template})


@roles(Role.ADMINISTRATOR)
def template_create(request):
    return _edit(request, None)


@roles(Role.ADMINISTRATOR)
def template_edit(request, pk):
    return _edit(request, for_authority(CircuitTemplate, request, pk=pk))
