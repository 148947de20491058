"""Forms of publication pages. They only parse input; the actions decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.utils import dsfr_input_class_attr

from hemicycle.acts.models import Nature
from hemicycle.core.forms import BoundField

from .actions import NOT_PUBLISHED_NATURES
from .models import Masking


class DsfrMixin:
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


class MaskingForm(DsfrMixin, forms.Form):
    field = forms.ChoiceField(label=_("Emplacement"), choices=Masking.Field.choices, required=False)
    text = forms.CharField(label=_("Passage à occulter"), max_length=500,
                           help_text=_("Copiez le passage exactement tel qu'il figure dans l'acte ; toutes ses "
                                       "occurrences seront remplacées par « [occulté] » dans la version publiée."),
                           error_messages={"required": _("Indiquez le passage à occulter.")})


class NotifyForm(DsfrMixin, forms.Form):
    name = forms.CharField(label=_("Destinataire"), max_length=200,
                           help_text=_("Par exemple : Association Les Amis du Moulin, à l'attention de sa présidente."),
                           error_messages={"required": _("Indiquez le nom du destinataire.")})
    email = forms.EmailField(label=_("Adresse électronique"),
                             error_messages={"required": _("Indiquez l'adresse électronique du destinataire."),
                                             "invalid": _("Adresse électronique invalide.")})


class WithdrawForm(DsfrMixin, forms.Form):
    reason = forms.CharField(label=_("Motif du retrait"), max_length=500,
                             error_messages={"required": _("Indiquez le motif du retrait.")})


PUBLISHED_NATURE_CHOICES = [("", _("Toutes"))] + [(v, l) for v, l in Nature.choices if v not in NOT_PUBLISHED_NATURES]


class SearchForm(DsfrMixin, forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200,
                        help_text=_("Mots de l'objet, référence ou matière."))
    date_from = forms.DateField(label=_("Décidé à partir du"), required=False, widget=DateInput(),
                                error_messages={"invalid": _("Date invalide (jj/mm/aaaa).")})
    date_to = forms.DateField(label=_("Décidé jusqu'au"), required=False, widget=DateInput(),
                              error_messages={"invalid": _("Date invalide (jj/mm/aaaa).")})
    nature = forms.ChoiceField(label=_("Nature"), required=False, choices=PUBLISHED_NATURE_CHOICES)
    matiere = forms.ChoiceField(label=_("Matière"), required=False)
    sitting = forms.ChoiceField(label=_("Séance"), required=False)

    def __init__(self, *args, matieres=(), sittings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matiere"].choices = [("", _("Toutes"))] + list(matieres)
        self.fields["sitting"].choices = [("", _("Toutes"))] + list(sittings)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("La date de fin précède la date de début."))
        return data
