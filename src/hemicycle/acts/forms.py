"""Forms of the act pages.

The act form (create and edit pages) posts these fields. The live preview button posts the
very same form to ``documents:act_preview``, which reads them from ``request.POST``:

==========================  ==============================================================
field name                  value
==========================  ==============================================================
``object``                  the act's object, plain text, at most 500 characters
``nature``                  @CTES nature code: DE, AR, AI, CC, BF or AU
``report``                  the exposé des motifs, HTML (sanitised with nh3 on save)
``visas``                   one value per visa, in order — ``request.POST.getlist("visas")``
``considerants``            one value per considérant, in order — ``getlist("considerants")``
``articles``                one value per article, in order — ``getlist("articles")``; the
                            value is the article's text only, numbered by its position
                            ("Article 1", "Article 2"…)
``classification``          the @CTES matière code typed, e.g. ``7.5`` (stored as the path
                            ``matiere_codes`` = ["7", "7.5"])
``department``              Department pk
``rapporteur``              Member pk, or empty
``committees``              Committee pk, several values
``target_sitting_type``     council, committee, standing_committee, district_council, none
``target_sitting_date``     YYYY-MM-DD or empty
``budget_year``             e.g. 2026, or empty
``budget_name``             text
``amount``                  decimal, "12 500,50" or "12500.50", or empty
``confidential``            "on" when checked (absent otherwise)
``personal_data``           "on" when checked (absent otherwise)
``lock_version``            edit only: the act's lock_version when the form was opened
``base_version``            edit only: the version number the form was opened on
``seen_lock_version``       edit only, after a conflict: the lock_version the user has seen
``confirm_current``         edit only, after a conflict: "on" once the user has compared
``summary``                 edit only: a short description of the change (version list)
``annexes``                 files to attach (several), ``request.FILES.getlist("annexes")``
``pending_annexes``         signed tokens of files already received in a previous attempt
==========================  ==============================================================

Values of ``visas``/``considerants``/``articles`` may be blank (an empty row of the form): they
are ignored, as by ``acts.content.clean_lines``.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hemicycle.organisation.models import Committee, Department, Member

from . import matieres
from .content import clean_lines, sanitise_report
from .models import ActState, Nature, SittingType

MAX_LINE_CHARS = 20000
MAX_LINES = 300


class LinesWidget(forms.Widget):
    """Several values under one name (a textarea per visa/considérant/article)."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        if value is None:
            return []
        return list(value) if isinstance(value, (list, tuple)) else [value]

    def value_omitted_from_data(self, data, files, name):
        return False


class LinesField(forms.Field):
    widget = LinesWidget

    def __init__(self, *, item_label: str, **kwargs):
        kwargs.setdefault("required", False)
        self.item_label = item_label
        super().__init__(**kwargs)

    def to_python(self, value):
        return [str(v) for v in (value or [])]

    def validate(self, value):
        lines = clean_lines(value)
        if len(lines) > MAX_LINES:
            raise ValidationError(gettext("Au plus %(max)s lignes.") % {"max": MAX_LINES})
        for i, line in enumerate(lines, start=1):
            if len(line) > MAX_LINE_CHARS:
                raise ValidationError(gettext("%(item)s n° %(n)s est trop long (%(length)s caractères ; au plus "
                                              "%(max)s).") % {"item": self.item_label, "n": i,
                                                             "length": len(line), "max": MAX_LINE_CHARS})

    def clean(self, value):
        value = self.to_python(value)
        self.validate(value)
        return clean_lines(value)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def parse_amount(raw: str) -> Decimal | None:
    text = "".join((raw or "").replace("\u202f", "").replace("\xa0", "").split()).replace("€", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(gettext("Montant invalide : écrivez par exemple 12 500,00.")) from None
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise ValidationError(gettext("Montant invalide : écrivez par exemple 12 500,00."))
    return value.quantize(Decimal("0.01"))


class ActForm(forms.Form):
    """The drafting form (see the module docstring for the names posted)."""

    object = forms.CharField(label=_("Objet"), max_length=500, strip=True,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "fr-input", "maxlength": 500}),
                             error_messages={"required": _("L'objet de l'acte est obligatoire."),
                                             "max_length": _("L'objet ne peut pas dépasser 500 caractères "
                                                             "(il en compte %(show_value)d).")})
    nature = forms.ChoiceField(label=_("Nature de l'acte"), choices=Nature.choices,
                               widget=forms.Select(attrs={"class": "fr-select"}))
    classification = forms.CharField(label=_("Classification (code de matière @CTES)"), required=False,
                                     max_length=40,
                                     widget=forms.TextInput(attrs={"class": "fr-input", "list": "matieres",
                                                                   "autocomplete": "off"}))
    department = forms.ModelChoiceField(label=_("Direction"), queryset=Department.objects.none(),
                                        widget=forms.Select(attrs={"class": "fr-select"}),
                                        error_messages={"required": _("Choisissez la direction."),
                                                        "invalid_choice": _("Vous ne pouvez pas rédiger pour "
                                                                            "cette direction.")})
    rapporteur = forms.ModelChoiceField(label=_("Rapporteur"), queryset=Member.objects.none(), required=False,
                                        empty_label=_("— aucun —"), widget=forms.Select(attrs={"class": "fr-select"}))
    committees = forms.ModelMultipleChoiceField(label=_("Commissions saisies"), queryset=Committee.objects.none(),
                                                required=False, widget=forms.CheckboxSelectMultiple)
    target_sitting_type = forms.ChoiceField(label=_("Type de séance visé"), choices=SittingType.choices,
                                            widget=forms.Select(attrs={"class": "fr-select"}))
    target_sitting_date = forms.DateField(label=_("Date de séance visée"), required=False,
                                          widget=forms.DateInput(attrs={"type": "date", "class": "fr-input"},
                                                                 format="%Y-%m-%d"),
                                          input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                                          error_messages={"invalid": _("Date invalide (jj/mm/aaaa).")})
    budget_year = forms.IntegerField(label=_("Exercice budgétaire"), required=False, min_value=1990, max_value=2200,
                                     widget=forms.NumberInput(attrs={"class": "fr-input"}),
                                     error_messages={"invalid": _("Indiquez une année, par exemple 2026."),
                                                     "min_value": _("Année invalide."),
                                                     "max_value": _("Année invalide.")})
    budget_name = forms.CharField(label=_("Budget"), required=False, max_length=100,
                                  widget=forms.TextInput(attrs={"class": "fr-input"}))
    amount = forms.CharField(label=_("Montant (€)"), required=False, max_length=30,
                             widget=forms.TextInput(attrs={"class": "fr-input", "inputmode": "decimal"}))
    confidential = forms.BooleanField(label=_("Acte confidentiel"), required=False)
    personal_data = forms.BooleanField(label=_("Contient des données personnelles"), required=False)
    report = forms.CharField(label=_("Exposé des motifs"), required=False, strip=False,
                             widget=forms.Textarea(attrs={"rows": 12, "class": "fr-input"}))
    visas = LinesField(label=_("Visas"), item_label=_("Le visa"))
    considerants = LinesField(label=_("Considérants"), item_label=_("Le considérant"))
    articles = LinesField(label=_("Articles"), item_label=_("L'article"))
    summary = forms.CharField(label=_("Résumé de la modification"), required=False, max_length=300,
                              widget=forms.TextInput(attrs={"class": "fr-input"}))

    def __init__(self, *args, user, authority, act=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.authority, self.act = user, authority, act
        from .permissions import can_create_in

        departments = [d for d in Department.objects.filter(authority=authority, active=True)
                       if can_create_in(user, d)]
        ids = {d.pk for d in departments}
        if act is not None:
            ids.add(act.department_id)
        self.fields["department"].queryset = Department.objects.filter(pk__in=ids).order_by("code")
        self.fields["rapporteur"].queryset = Member.objects.filter(authority=authority)
        self.fields["committees"].queryset = Committee.objects.filter(authority=authority)
        self.classification_version = matieres.latest_classification(authority)
        if self.classification_version is None:
            self.fields["classification"].help_text = gettext(
                "Aucune classification n'a été importée pour votre collectivité : laissez ce champ vide.")
        else:
            self.fields["classification"].help_text = gettext(
                "Code de la classification du %(date)s, par exemple 7.5 (au moins deux niveaux pour la "
                "transmission en préfecture).") % {"date": f"{self.classification_version.version_date:%d/%m/%Y}"}

    @classmethod
    def initial_for(cls, act) -> dict:
        return {
            "object": act.object, "nature": act.nature, "classification": matieres.display_code(act.matiere_codes),
            "department": act.department_id, "rapporteur": act.rapporteur_id,
            "committees": list(act.committees.values_list("pk", flat=True)),
            "target_sitting_type": act.target_sitting_type, "target_sitting_date": act.target_sitting_date,
            "budget_year": act.budget_year, "budget_name": act.budget_name,
            "amount": str(act.amount).replace(".", ",") if act.amount is not None else "",
            "confidential": act.confidential, "personal_data": act.personal_data, "report": act.report,
            "visas": list(act.visas), "considerants": list(act.considerants), "articles": list(act.articles),
        }

    def clean_object(self):
        return " ".join(self.cleaned_data["object"].split())

    def clean_classification(self):
        raw = self.cleaned_data.get("classification", "")
        version, codes = matieres.resolve(self.authority, raw)
        self.cleaned_data["matiere_codes"] = codes
        return matieres.normalise_code(raw)

    def clean_amount(self):
        return parse_amount(self.cleaned_data.get("amount", ""))

    def action_kwargs(self) -> dict:
        """Keyword arguments for acts.actions.create_act / update_act."""
        cd = self.cleaned_data
        return {
            "object": cd["object"], "nature": cd["nature"], "department": cd["department"],
            "rapporteur": cd["rapporteur"], "committees": list(cd["committees"]),
            "matiere_codes": cd.get("matiere_codes", []),
            "target_sitting_type": cd["target_sitting_type"], "target_sitting_date": cd["target_sitting_date"],
            "budget_year": cd["budget_year"], "budget_name": cd["budget_name"], "amount": cd["amount"],
            "confidential": cd["confidential"], "personal_data": cd["personal_data"],
            "report": cd["report"], "visas": cd["visas"], "considerants": cd["considerants"],
            "articles": cd["articles"],
        }

    def proposed_snapshot(self, act) -> dict:
        """What ``act.content_snapshot()`` would be after saving this form (for conflict diffs)."""
        cd = self.cleaned_data
        snap = act.content_snapshot()
        snap.update({
            "object": cd["object"], "nature": cd["nature"], "report": sanitise_report(cd["report"]),
            "visas": cd["visas"], "considerants": cd["considerants"], "articles": cd["articles"],
            "matiere_codes": cd.get("matiere_codes", []), "department_id": cd["department"].pk,
            "rapporteur_id": cd["rapporteur"].pk if cd["rapporteur"] else None,
            "target_sitting_type": cd["target_sitting_type"],
            "target_sitting_date": str(cd["target_sitting_date"]) if cd["target_sitting_date"] else None,
            "budget_year": cd["budget_year"], "budget_name": cd["budget_name"],
            "amount": str(cd["amount"]) if cd["amount"] is not None else None,
            "confidential": cd["confidential"], "personal_data": cd["personal_data"],
            "committee_ids": sorted(c.pk for c in cd["committees"]),
        })
        return snap


class EditBookkeepingForm(forms.Form):
    """The optimistic-locking fields of the edit page."""

    lock_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    base_version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    seen_lock_version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    confirm_current = forms.BooleanField(required=False)

    def effective_lock_version(self) -> int:
        """The lock the save is made against: the one the form was opened with, or — only once
        the user has ticked "I have read the current version" — the one they were shown."""
        cd = self.cleaned_data
        if cd.get("confirm_current") and cd.get("seen_lock_version"):
            return cd["seen_lock_version"]
        return cd["lock_version"]


# --- Annexes received but not yet saved (kept across a refused submission) ----------------

def pending_salt(user) -> str:
    return f"acts.pending-annex.{user.pk}"


def sign_pending(user, *, sha256: str, name: str, size: int, mime_type: str) -> str:
    return signing.dumps({"sha256": sha256, "name": name, "size": size, "mime_type": mime_type},
                         salt=pending_salt(user), compress=True)


def read_pending(user, tokens) -> list[dict]:
    """Tokens signed for this user in the last day; anything else is silently ignored."""
    out, seen = [], set()
    for token in tokens or []:
        try:
            value = signing.loads(token, salt=pending_salt(user), max_age=24 * 3600)
        except signing.BadSignature:
            continue
        if value.get("sha256") in seen:
            continue
        seen.add(value.get("sha256"))
        out.append({**value, "token": token})
    return out


# --- Annexes, comments --------------------------------------------------------------------

class AnnexUploadForm(forms.Form):
    file = forms.FileField(label=_("Fichier (PDF, ODT, DOCX, PNG ou JPEG)"),
                           error_messages={"required": _("Choisissez un fichier."),
                                           "empty": _("Le fichier envoyé est vide.")})
    title = forms.CharField(label=_("Titre de l'annexe"), required=False, max_length=300,
                            widget=forms.TextInput(attrs={"class": "fr-input"}))
    sent_to_prefecture = forms.BooleanField(label=_("Transmise en préfecture"), required=False, initial=True)
    published = forms.BooleanField(label=_("Publiée"), required=False, initial=True)
    confidential = forms.BooleanField(label=_("Confidentielle"), required=False)


class AnnexFlagsForm(forms.Form):
    sent_to_prefecture = forms.BooleanField(required=False)
    published = forms.BooleanField(required=False)
    confidential = forms.BooleanField(required=False)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Commentaire"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3, "class": "fr-input"}),
                           error_messages={"required": _("Le commentaire est vide."),
                                           "max_length": _("Un commentaire ne peut pas dépasser 5000 caractères.")})
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ActFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher (objet ou référence)"), required=False, max_length=200)
    state = forms.ChoiceField(label=_("État"), required=False, choices=[("", _("Tous"))] + list(ActState.choices))
    nature = forms.ChoiceField(label=_("Nature"), required=False, choices=[("", _("Toutes"))] + list(Nature.choices))
    department = forms.ModelChoiceField(label=_("Direction"), required=False, queryset=Department.objects.none(),
                                        empty_label=_("Toutes"))

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(authority=authority).order_by("code")
