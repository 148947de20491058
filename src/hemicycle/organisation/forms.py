"""Forms of the organisation pages. They only parse input; organisation.actions writes."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from dsfr.utils import dsfr_input_class_attr

from hemicycle.accounts.models import User
from hemicycle.core.forms import BoundField
from hemicycle.core.roles import Role

from .models import Authority, Committee, Department, Mandate, Member, PoliticalGroup


class DsfrMixin:
    """DSFR markup for fields (labels, inputs, errors), as django-dsfr's forms do."""

    template_name = "dsfr/form_snippet.html"
    bound_field_class = BoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def add_action_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show an action's ValidationError on the form: on its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class AuthorityForm(DsfrMixin, forms.ModelForm):
    class Meta:
        model = Authority
        fields = ["name", "kind", "siren", "siret", "department_code", "arrondissement", "population", "seats"]
        help_texts = {
            "kind": _("Avec la population, il détermine le régime juridique de l'assemblée."),
            "population": _("Population municipale ou totale de référence (seuil de 3 500 habitants)."),
            "department_code": _("Sur trois caractères, comme dans les flux @CTES : 075, 02A…"),
            "arrondissement": _("Arrondissement préfectoral (un chiffre, 0 si sans objet)."),
        }


class DepartmentForm(DsfrMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name", "parent"]
        help_texts = {"code": _("Utilisé dans les références des actes, par exemple DAC.")}

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Department.objects.filter(authority=authority)
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = qs
        self.fields["parent"].required = False

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().upper()

    def _post_clean(self):  # the action validates against the database (unique code, cycles)
        pass


ROLE_CHOICES = list(Role.choices)


class UserForm(DsfrMixin, forms.ModelForm):
    password = forms.CharField(label=_("Mot de passe"), required=False, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False))

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "title", "department"]
        labels = {"username": _("Identifiant de connexion"), "department": _("Direction de rattachement")}

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(authority=authority)
        self.fields["department"].required = False
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        creating = self.instance.pk is None
        self.fields["password"].required = creating
        self.fields["password"].help_text = (
            _("Au moins 10 caractères ; la personne pourra le changer.") if creating
            else _("Laisser vide pour ne pas le changer."))
        current: dict[str, list] = {}
        if not creating:
            for assignment in self.instance.role_assignments.all():
                current.setdefault(assignment.role, [])
                if assignment.department_id:
                    current[assignment.role].append(assignment.department_id)
        assigned = [pk for pks in current.values() for pk in pks]
        # Active departments, plus inactive ones still in a scope (so that saving does not drop them).
        departments = Department.objects.filter(authority=authority).filter(
            Q(active=True) | Q(pk__in=assigned)).order_by("code")
        self.role_rows = []
        for value, label in ROLE_CHOICES:
            self.fields[f"role_{value}"] = forms.BooleanField(label=label, required=False,
                                                              initial=value in current)
            self.fields[f"scope_{value}"] = forms.ModelMultipleChoiceField(
                label=_("Limité aux directions"), required=False, queryset=departments,
                initial=current.get(value, []),
                widget=forms.SelectMultiple(attrs={"class": "fr-select", "size": 3}))
            self.role_rows.append((value, label))

    def _post_clean(self):  # uniqueness and password rules are checked by the action
        pass

    def role_fields(self):
        return [(self[f"role_{value}"], self[f"scope_{value}"]) for value, _label in self.role_rows]

    def identity_fields(self):
        return [self[name] for name in ("username", "first_name", "last_name", "email", "title", "department", "password")]

    def roles(self) -> dict:
        return {value: list(self.cleaned_data.get(f"scope_{value}") or [])
                for value, _label in self.role_rows if self.cleaned_data.get(f"role_{value}")}

    def identity(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MemberForm(DsfrMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = ["civility", "first_name", "last_name", "birth_date", "email", "group", "committees",
                  "paper_convocation", "user"]
        widgets = {"birth_date": DateInput(), "committees": forms.CheckboxSelectMultiple}
        labels = {"user": _("Compte utilisateur (portail des élus)")}

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = PoliticalGroup.objects.filter(authority=authority)
        self.fields["committees"].queryset = Committee.objects.filter(authority=authority)
        accounts = User.objects.filter(authority=authority, is_active=True, role_assignments__role=Role.MEMBER)
        if self.instance.user_id:
            accounts = accounts | User.objects.filter(pk=self.instance.user_id)
        self.fields["user"].queryset = accounts.distinct()
        self.fields["user"].required = False
        self.fields["user"].help_text = _("Parmi les comptes qui ont le rôle « Élu ».")

    def _post_clean(self):
        pass


class MandateForm(DsfrMixin, forms.ModelForm):
    class Meta:
        model = Mandate
        fields = ["function", "start_date", "end_date", "is_president"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("La fin du mandat ne peut pas précéder son début."))
        return data

    def _post_clean(self):
        pass


class GroupForm(DsfrMixin, forms.ModelForm):
    class Meta:
        model = PoliticalGroup
        fields = ["name", "short_name", "colour"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}

    def _post_clean(self):
        pass


class CommitteeForm(DsfrMixin, forms.ModelForm):
    members = forms.ModelMultipleChoiceField(label=_("Membres"), required=False, queryset=Member.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Committee
        fields = ["name", "short_name"]

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Member.objects.filter(authority=authority)
        if self.instance.pk:
            self.fields["members"].initial = list(self.instance.members.values_list("pk", flat=True))

    def _post_clean(self):
        pass


class CsvUploadForm(DsfrMixin, forms.Form):
    file = forms.FileField(label=_("Fichier CSV"),
                           help_text=_("Séparateur ; ou , — encodage UTF-8 (avec ou sans BOM) ou Windows-1252."))


class MemberCsvUploadForm(CsvUploadForm):
    create_groups = forms.BooleanField(label=_("Créer les groupes inconnus"), required=False,
                                       help_text=_("Un sigle de groupe absent de la collectivité crée le groupe "
                                                   "(son nom pourra être complété ensuite)."))


class ClassificationUploadForm(DsfrMixin, forms.Form):
    file = forms.FileField(label=_("Fichier de classification (XML)"),
                           help_text=_("Le fichier RetourClassification reçu de la préfecture (flux @CTES 7-2)."))
