"""Forms of the members' portal. They only parse input; the actions decide and write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from dsfr.utils import dsfr_input_class_attr

from hemicycle.core.forms import BoundField
from hemicycle.rules.errors import fr_date


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


def add_action_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show an action's ValidationError on the form: on its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class SittingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, sitting):
        time = f" à {sitting.start_time:%H}h{sitting.start_time:%M}" if sitting.start_time else ""
        return f"{sitting.assembly} — {fr_date(sitting.date)}{time}"


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        group = f" ({member.group.short_name})" if member.group_id else ""
        return f"{member.civility} {member.first_name} {member.last_name}{group}"


class ProxyForm(DsfrMixin, forms.Form):
    holder = MemberChoiceField(label=_("Collègue qui votera en votre nom"), queryset=None,
                               empty_label=_("— Choisissez un collègue —"),
                               error_messages={"required": _("Choisissez le collègue à qui vous donnez pouvoir.")})
    sittings = SittingChoiceField(label=_("Séances"), queryset=None, widget=forms.CheckboxSelectMultiple,
                                  help_text=_("Une ou plusieurs séances à venir de la même assemblée."),
                                  error_messages={"required": _("Choisissez au moins une séance.")})
    illness = forms.BooleanField(label=_("Maladie dûment constatée"), required=False,
                                 help_text=_("Sans maladie dûment constatée, un pouvoir ne vaut que pour trois séances "
                                             "consécutives au plus (article L2121-20)."))

    def __init__(self, *args, colleagues, sittings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = colleagues
        self.fields["sittings"].queryset = sittings


class InterestForm(DsfrMixin, forms.Form):
    organisation = forms.CharField(label=_("Organisme"), max_length=300,
                                   help_text=_("Association, société, établissement public, syndicat mixte… tel qu'il "
                                               "apparaît dans les délibérations."),
                                   error_messages={"required": _("Indiquez l'organisme (association, société, "
                                                                 "établissement…).")})
    role = forms.CharField(label=_("Fonction"), max_length=200, required=False,
                           help_text=_("Par exemple : membre du conseil d'administration, trésorier, gérant."))
    since = forms.DateField(label=_("Depuis le"), required=False, widget=DateInput(),
                            error_messages={"invalid": _("Date invalide (jj/mm/aaaa).")})
    until = forms.DateField(label=_("Jusqu'au"), required=False, widget=DateInput(),
                            help_text=_("Laissez vide si vous exercez toujours cette fonction."),
                            error_messages={"invalid": _("Date invalide (jj/mm/aaaa).")})


class InterestEndForm(DsfrMixin, forms.Form):
    until = forms.DateField(label=_("Fin de la fonction le"), required=False, widget=DateInput(),
                            help_text=_("Aujourd'hui si vous laissez vide."),
                            error_messages={"invalid": _("Date invalide (jj/mm/aaaa).")})


class MotionForm(DsfrMixin, forms.Form):
    sitting = forms.ModelChoiceField(label=_("Séance"), queryset=None, empty_label=_("— Choisissez la séance —"),
                                     error_messages={"required": _("Choisissez la séance.")})
    title = forms.CharField(label=_("Titre du vœu"), max_length=500,
                            error_messages={"required": _("Donnez un titre au vœu.")})
    considerants = forms.CharField(label=_("Considérants"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                                   help_text=_("Un considérant par ligne, par exemple : « Considérant que… »."))
    text = forms.CharField(label=_("Texte du vœu"), widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("Ce que le conseil émet le vœu de voir faire."),
                           error_messages={"required": _("Rédigez le texte du vœu.")})

    def __init__(self, *args, sittings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sitting"].queryset = sittings
        self.fields["sitting"].label_from_instance = lambda s: f"{s.assembly} — {fr_date(s.date)}"

    def considerant_list(self) -> list[str]:
        raw = (self.cleaned_data.get("considerants") or "").replace("\r\n", "\n")
        return [" ".join(line.split()) for line in raw.split("\n") if line.strip()]


class AmendmentForm(DsfrMixin, forms.Form):
    """An amendment to an act: which part it changes (replace, delete) or adds, its text, why.
    ``target()`` gives the action's "articles:2" / "articles:new" once valid."""

    PARTS = [("articles", _("Article")), ("considerants", _("Considérant")), ("visas", _("Visa"))]
    OPERATIONS = [("replace", _("Remplacer la rédaction d'une partie")), ("delete", _("Supprimer une partie")),
                  ("add", _("Ajouter une partie"))]

    part = forms.ChoiceField(label=_("Partie du projet"), choices=PARTS, initial="articles")
    operation = forms.ChoiceField(label=_("Modification"), choices=OPERATIONS, initial="replace")
    index = forms.IntegerField(label=_("Numéro de la partie"), required=False, min_value=1, max_value=999,
                               help_text=_("Par exemple 2 pour l'article 2. Inutile pour un ajout."),
                               error_messages={"invalid": _("Indiquez un numéro (1, 2, 3…)."),
                                               "min_value": _("Le numéro commence à 1.")})
    new_text = forms.CharField(label=_("Nouvelle rédaction"), required=False, max_length=20000,
                               widget=forms.Textarea(attrs={"rows": 5}),
                               help_text=_("Le texte proposé (vide pour une suppression)."))
    explanation = forms.CharField(label=_("Exposé des motifs"), required=False, max_length=20000,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("Pourquoi votre groupe propose cette modification."))

    def clean(self):
        cleaned = super().clean()
        operation, index = cleaned.get("operation"), cleaned.get("index")
        text = (cleaned.get("new_text") or "").strip()
        if operation in ("replace", "delete") and index is None and "index" not in self.errors:
            self.add_error("index", _("Indiquez le numéro de la partie modifiée."))
        if operation in ("replace", "add") and not text:
            self.add_error("new_text", _("Rédigez le texte proposé (ou choisissez « supprimer une partie »)."))
        if operation == "delete" and text:
            self.add_error("new_text", _("Une suppression ne propose pas de texte : videz ce champ ou choisissez "
                                         "« remplacer »."))
        return cleaned

    def target(self) -> tuple[str, str]:
        cd = self.cleaned_data
        if cd["operation"] == "add":
            return f"{cd['part']}:new", cd["new_text"]
        return f"{cd['part']}:{cd['index']}", "" if cd["operation"] == "delete" else cd["new_text"]
