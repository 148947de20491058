"""Forms of the circuits: the decisions on an act, and the administration of circuit templates."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from hemicycle.acts.models import Nature, SittingType
from hemicycle.acts.permissions import STAFF_ROLES
from hemicycle.core.forms import BoundField
from hemicycle.core.roles import Role
from hemicycle.organisation.models import Department

from .models import StepRule


class Form(DsfrBaseForm):
    bound_field_class = BoundField


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        dept = f" ({obj.department.code})" if obj.department_id else ""
        return f"{obj.display_name}{dept}"


class DepartmentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class CircuitTemplateForm(Form):
    name = forms.CharField(label=_("Nom du circuit"), max_length=200)
    natures = forms.MultipleChoiceField(
        label=_("Natures d'acte"), choices=Nature.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : toutes les natures."))
    departments = DepartmentChoiceField(
        label=_("Directions"), queryset=Department.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : toutes les directions. Une direction couvre ses sous-directions."))
    sitting_types = forms.MultipleChoiceField(
        label=_("Types de séance"), choices=SittingType.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : tous les types de séance."))
    approvers_can_edit = forms.BooleanField(label=_("Les valideurs de l'étape en cours peuvent modifier l'acte"),
                                            required=False)
    active = forms.BooleanField(label=_("Circuit actif"), required=False, initial=True)

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(authority=authority, active=True)


class StepForm(Form):
    name = forms.CharField(label=_("Nom de l'étape"), max_length=200)
    rule = forms.ChoiceField(label=_("Règle"), choices=StepRule.choices, initial=StepRule.ANY)
    deadline_days = forms.IntegerField(label=_("Délai (jours)"), min_value=1, max_value=365, initial=5)
    approver_users = UserChoiceField(label=_("Valideurs nommés"), queryset=get_user_model().objects.none(),
                                     required=False,
                                     help_text=_("Ctrl (ou Cmd) + clic pour en choisir plusieurs."))
    approver_role = forms.ChoiceField(label=_("Ou les titulaires du rôle"),
                                      choices=[("", _("— aucun rôle —")),
                                               *[(r.value, r.label) for r in Role if r.value in STAFF_ROLES]],
                                      required=False)
    role_in_act_department = forms.BooleanField(
        label=_("Rôle limité à la direction de l'acte (ou une direction parente)"), required=False, initial=True)

    def __init__(self, *args, authority=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approver_users"].queryset = (
            get_user_model().objects.filter(authority=authority, is_active=True, role_assignments__role__in=STAFF_ROLES)
            .select_related("department").distinct().order_by("last_name", "first_name", "username"))
        self.fields["approver_users"].widget.attrs["size"] = 6

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("DELETE"):
            if not data.get("approver_users") and not data.get("approver_role"):
                raise forms.ValidationError(_("Désignez au moins un valideur nommé ou un rôle."))
        return data


class BaseStepFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.ordered_steps():
            raise forms.ValidationError(_("Un circuit comporte au moins une étape."))

    def ordered_steps(self) -> list[dict]:
        """The kept steps, in the order asked (the "Ordre" field, then their place in the page)."""
        kept = []
        for index, form in enumerate(self.forms):
            is_extra = index >= self.initial_form_count()
            if (is_extra and not form.has_changed()) or not hasattr(form, "cleaned_data"):
                continue
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            order = data.get("ORDER")
            kept.append(((order if order is not None else 10_000 + index, index), data))
        kept.sort(key=lambda pair: pair[0])
        return [{"name": d["name"], "rule": d["rule"], "deadline_days": d["deadline_days"],
                 "approver_users": list(d["approver_users"]), "approver_role": d["approver_role"],
                 "role_in_act_department": d["role_in_act_department"]} for _key, d in kept]


StepFormSet = forms.formset_factory(StepForm, formset=BaseStepFormSet, extra=2, can_order=True, can_delete=True)
