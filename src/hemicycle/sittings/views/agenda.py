"""Before the sitting: assemblies, the list and calendar of sittings, the sitting page (the
hub other parts of the sitting add their panels to) and the agenda builder.

Views only parse input and call ``sittings.actions.agenda``; every object is fetched through
``for_authority`` (another authority's sitting answers 404)."""

import calendar
import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from hemicycle.acts.models import Act, SittingType
from hemicycle.core.access import for_authority, roles
from hemicycle.core.roles import Role
from hemicycle.organisation.forms import DateInput, DsfrMixin
from hemicycle.organisation.models import Committee, Department, Member, PoliticalGroup
from hemicycle.organisation.views.common import run_action

from ..actions import agenda as actions
from ..models import AgendaItem, Assembly, CommitteeOpinion, ItemConcern, Motion, Sitting

SECRETARIAT = (Role.SECRETARIAT,)
VIEWERS = (Role.SECRETARIAT, Role.ADMINISTRATOR)
CANDIDATES_PER_PAGE = 100
PAST_PER_PAGE = 20


# --- Forms (they only parse; the actions validate against the database) --------------------

class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class AssemblyForm(DsfrMixin, forms.Form):
    kind = forms.ChoiceField(label=_l("Type d'assemblée"), choices=Assembly.Kind.choices)
    name = forms.CharField(label=_l("Nom"), max_length=200)
    committee = forms.ModelChoiceField(label=_l("Commission (pour une assemblée de type « Commission »)"),
                                       queryset=Committee.objects.none(), required=False)
    seats = forms.IntegerField(label=_l("Nombre de sièges"), min_value=0, max_value=1000, required=False,
                               help_text=_l("Laisser vide ou 0 : le nombre de sièges de la collectivité."))
    vacancies = forms.IntegerField(label=_l("Sièges vacants"), min_value=0, max_value=1000, required=False)
    convocation_days = forms.IntegerField(label=_l("Délai de convocation du règlement intérieur (jours francs)"),
                                          min_value=0, max_value=60, required=False)

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(authority=authority)
        law = authority.regime
        self.fields["convocation_days"].help_text = _(
            "Délai légal pour %(regime)s : %(n)s jours francs (%(article)s). Le règlement intérieur peut seulement "
            "l'allonger ; laisser vide pour appliquer la loi.") % {
            "regime": law.name, "n": law.convocation_days, "article": law.convocation_article}


class SittingForm(DsfrMixin, forms.Form):
    assembly = forms.ModelChoiceField(label=_l("Assemblée"), queryset=Assembly.objects.none())
    date = forms.DateField(label=_l("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_l("Heure"), required=False, widget=TimeInput())
    place = forms.CharField(label=_l("Lieu"), max_length=200, required=False)
    publicity = forms.ChoiceField(label=_l("Publicité"), choices=[("public", _l("Séance publique")),
                                                                   ("closed", _l("Huis clos"))])
    urgency = forms.BooleanField(label=_l("Convocation en urgence"), required=False,
                                 help_text=_l("Délai abrégé (au moins un jour franc) ; l'assemblée se prononce sur "
                                              "l'urgence à l'ouverture de la séance."))
    second_convocation = forms.BooleanField(label=_l("Seconde convocation après défaut de quorum (L2121-17)"),
                                            required=False,
                                            help_text=_l("Aucun quorum n'est alors exigé pour les affaires de "
                                                         "l'ordre du jour de la première séance."))
    failed_sitting = forms.ModelChoiceField(label=_l("Séance qui n'a pas atteint le quorum"),
                                            queryset=Sitting.objects.none(), required=False)

    def __init__(self, *args, authority, sitting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assembly"].queryset = Assembly.objects.filter(authority=authority)
        failed = Q(state=Sitting.State.NO_QUORUM)
        if sitting is not None and sitting.failed_sitting_id:
            failed |= Q(pk=sitting.failed_sitting_id)
        qs = Sitting.objects.filter(failed, authority=authority).select_related("assembly")
        if sitting is not None:
            qs = qs.exclude(pk=sitting.pk)
        self.fields["failed_sitting"].queryset = qs

    def action_kwargs(self) -> dict:
        cd = dict(self.cleaned_data)
        cd["public"] = cd.pop("publicity") == "public"
        return cd

    @classmethod
    def initial_for(cls, sitting: Sitting) -> dict:
        return {"assembly": sitting.assembly_id, "date": sitting.date, "start_time": sitting.start_time,
                "place": sitting.place, "publicity": "public" if sitting.public else "closed",
                "urgency": sitting.urgency, "second_convocation": sitting.second_convocation,
                "failed_sitting": sitting.failed_sitting_id}


TYPE_CHOICES = [("", _l("Tous les types"))] + [c for c in SittingType.choices if c[0] != SittingType.NONE]


class CandidateFilterForm(DsfrMixin, forms.Form):
    """Filters of the ready acts shown in the agenda builder (GET)."""

    f = forms.CharField(required=False, widget=forms.HiddenInput)  # "1" once the form was submitted
    type = forms.ChoiceField(label=_l("Type de séance visé"), choices=TYPE_CHOICES, required=False)
    date = forms.DateField(label=_l("Date de séance visée"), required=False, widget=DateInput())
    department = forms.ModelChoiceField(label=_l("Direction"), queryset=Department.objects.none(), required=False)
    committee = forms.ModelChoiceField(label=_l("Commission"), queryset=Committee.objects.none(), required=False)
    rapporteur = forms.ModelChoiceField(label=_l("Rapporteur"), queryset=Member.objects.none(), required=False)
    q = forms.CharField(label=_l("Recherche (objet ou référence)"), required=False, max_length=200)

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(authority=authority)
        self.fields["committee"].queryset = Committee.objects.filter(authority=authority)
        self.fields["rapporteur"].queryset = Member.objects.filter(authority=authority)

    def apply(self, acts):
        if not self.is_valid():
            return acts
        cd = self.cleaned_data
        if cd["type"]:
            acts = acts.filter(target_sitting_type=cd["type"])
        if cd["date"]:
            acts = acts.filter(target_sitting_date=cd["date"])
        if cd["department"]:
            acts = acts.filter(department=cd["department"])
        if cd["committee"]:
            acts = acts.filter(committees=cd["committee"])
        if cd["rapporteur"]:
            acts = acts.filter(rapporteur=cd["rapporteur"])
        if cd["q"].strip():
            q = cd["q"].strip()
            acts = acts.filter(Q(object__icontains=q) | Q(reference__icontains=q))
        return acts.distinct()


class ItemForm(DsfrMixin, forms.Form):
    title = forms.CharField(label=_l("Intitulé"), max_length=500)
    section = forms.CharField(label=_l("Rubrique"), max_length=200, required=False,
                              help_text=_l("Les points d'une même rubrique sont regroupés sur l'ordre du jour."))
    rapporteur = forms.ModelChoiceField(label=_l("Rapporteur"), queryset=Member.objects.none(), required=False)
    text = forms.CharField(label=_l("Texte"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, authority, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rapporteur"].queryset = Member.objects.filter(authority=authority)
        if item.kind == AgendaItem.Kind.ACT:
            del self.fields["text"]


class MotionForm(DsfrMixin, forms.Form):
    group = forms.ModelChoiceField(label=_l("Groupe politique qui dépose le vœu"), queryset=PoliticalGroup.objects.none())
    title = forms.CharField(label=_l("Titre du vœu"), max_length=500)
    text = forms.CharField(label=_l("Texte du vœu"), widget=forms.Textarea(attrs={"rows": 8}))
    section = forms.CharField(label=_l("Rubrique"), max_length=200, required=False)

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = PoliticalGroup.objects.filter(authority=authority)


class QuestionForm(DsfrMixin, forms.Form):
    title = forms.CharField(label=_l("Titre de la question"), max_length=500)
    text = forms.CharField(label=_l("Texte de la question"), widget=forms.Textarea(attrs={"rows": 8}))
    section = forms.CharField(label=_l("Rubrique"), max_length=200, required=False)


class OpinionForm(DsfrMixin, forms.Form):
    committee = forms.ModelChoiceField(label=_l("Commission"), queryset=Committee.objects.none())
    opinion = forms.ChoiceField(label=_l("Avis"), choices=[("", _l("- Choisir l'avis -"))] + CommitteeOpinion.Opinion.choices)
    given_on = forms.DateField(label=_l("Date de l'avis"), required=False, widget=DateInput())
    note = forms.CharField(label=_l("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(authority=authority)


class ConcernForm(DsfrMixin, forms.Form):
    organisation = forms.CharField(label=_l("Organisme concerné"), max_length=300,
                                   help_text=_l("Par exemple l'association bénéficiaire de la subvention : les élus "
                                                "qui y ont déclaré un intérêt seront signalés."))


# --- Helpers --------------------------------------------------------------------------------

def get_sitting(request, slug) -> Sitting:
    return for_authority(Sitting.objects.select_related("assembly", "assembly__committee", "failed_sitting",
                                                        "authority"), request, slug=slug)


def _item(sitting, pk) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("act", "motion", "sitting", "rapporteur"),
                             pk=pk, sitting=sitting)


def _page(request, template, title, status=200, **context):
    context.setdefault("can_manage_agenda", request.user.has_role(Role.SECRETARIAT))
    return render(request, template, {"title": title, **context}, status=status)


def _messages_of(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _builder_url(sitting, query: str = "") -> str:
    url = reverse("sittings:agenda", args=[sitting.slug])
    return f"{url}?{query}" if query else url


def _back_to_builder(request, sitting):
    return redirect(_builder_url(sitting, request.POST.get("filters", "")))


def agenda_items(sitting):
    return list(sitting.items.select_related("act__department", "rapporteur", "motion__group")
                .prefetch_related("opinions__committee", "concerns", "act__committees").order_by("position", "pk"))


def _sittings_for(request):
    return Sitting.objects.filter(authority=request.authority).select_related("assembly")


# --- Assemblies -----------------------------------------------------------------------------

@roles(*VIEWERS)
def assembly_list(request):
    assemblies = list(Assembly.objects.filter(authority=request.authority).select_related("committee", "authority")
                      .annotate(sitting_count=Count("sittings")))
    return _page(request, "sittings/agenda_assemblies.html", _("Assemblées"), assemblies=assemblies,
                 can_manage_assemblies=request.user.has_role(Role.ADMINISTRATOR), law=request.authority.regime)


@roles(Role.ADMINISTRATOR)
def assembly_edit(request, pk=None):
    assembly = for_authority(Assembly, request, pk=pk) if pk else None
    initial = {}
    if assembly is not None:
        initial = {"kind": assembly.kind, "name": assembly.name, "committee": assembly.committee_id,
                   "seats": assembly.seats, "vacancies": assembly.vacancies,
                   "convocation_days": assembly.regime_overrides.get("convocation_days")}
    form = AssemblyForm(request.POST or None, initial=initial, authority=request.authority)
    if request.method == "POST" and form.is_valid():
        saved = run_action(form, actions.save_assembly, request.user, request.authority, assembly,
                           **form.cleaned_data)
        if saved is not None:
            messages.success(request, _("Assemblée « %(name)s » enregistrée.") % {"name": saved.name})
            return redirect("sittings:assemblies")
    title = _("Modifier l'assemblée « %(name)s »") % {"name": assembly.name} if assembly else _("Nouvelle assemblée")
    return _page(request, "sittings/agenda_assembly_form.html", title, status=400 if form.errors else 200,
                 form=form, assembly=assembly)


# --- Sittings: list, calendar, create/edit, page --------------------------------------------

def _assembly_filter(request):
    assemblies = list(Assembly.objects.filter(authority=request.authority))
    chosen = None
    raw = request.GET.get("assemblee", "")
    if raw.isdigit():
        chosen = next((a for a in assemblies if a.pk == int(raw)), None)
    return assemblies, chosen


@roles(*VIEWERS)
def sitting_list(request):
    assemblies, chosen = _assembly_filter(request)
    sittings = _sittings_for(request).annotate(item_count=Count("items"))
    if chosen:
        sittings = sittings.filter(assembly=chosen)
    today = timezone.localdate()
    upcoming = sittings.filter(date__gte=today).order_by("date", "start_time")
    past = Paginator(sittings.filter(date__lt=today).order_by("-date", "-start_time"), PAST_PER_PAGE).get_page(
        request.GET.get("page"))
    query = urlencode({"assemblee": chosen.pk}) if chosen else ""
    return _page(request, "sittings/agenda_sitting_list.html", _("Séances"), upcoming=upcoming, past=past,
                 assemblies=assemblies, chosen=chosen, query=query)


MONTHS = [_l("janvier"), _l("février"), _l("mars"), _l("avril"), _l("mai"), _l("juin"), _l("juillet"), _l("août"),
          _l("septembre"), _l("octobre"), _l("novembre"), _l("décembre")]


@roles(*VIEWERS)
def sitting_calendar(request):
    """A month of sittings (?mois=2026-11), by assembly (?assemblee=pk)."""
    today = timezone.localdate()
    year, month = today.year, today.month
    raw = request.GET.get("mois", "")
    try:
        parsed = datetime.date.fromisoformat(raw + "-01") if raw else None
    except ValueError:
        parsed = None
    if parsed and 1900 < parsed.year < 2200:
        year, month = parsed.year, parsed.month
    assemblies, chosen = _assembly_filter(request)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    sittings = _sittings_for(request).filter(date__gte=weeks[0][0], date__lte=weeks[-1][-1])
    if chosen:
        sittings = sittings.filter(assembly=chosen)
    by_day: dict = {}
    for sitting in sittings.order_by("date", "start_time"):
        by_day.setdefault(sitting.date, []).append(sitting)
    grid = [[{"day": d, "in_month": d.month == month, "today": d == today, "sittings": by_day.get(d, [])}
             for d in week] for week in weeks]
    first = datetime.date(year, month, 1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    extra = {"assemblee": chosen.pk} if chosen else {}
    label = f"{MONTHS[month - 1]} {year}"
    return _page(request, "sittings/agenda_calendar.html", _("Calendrier des séances — %(month)s") % {"month": label},
                 grid=grid, month_label=label, assemblies=assemblies, chosen=chosen,
                 weekdays=[_("lundi"), _("mardi"), _("mercredi"), _("jeudi"), _("vendredi"), _("samedi"),
                           _("dimanche")],
                 previous_query=urlencode({"mois": f"{previous:%Y-%m}", **extra}),
                 next_query=urlencode({"mois": f"{following:%Y-%m}", **extra}),
                 today_query=urlencode(extra))


@roles(*SECRETARIAT)
def sitting_create(request):
    return _sitting_form(request, None)


@roles(*SECRETARIAT)
def sitting_edit(request, slug):
    return _sitting_form(request, get_sitting(request, slug))


def _sitting_form(request, sitting):
    initial = SittingForm.initial_for(sitting) if sitting else {"publicity": "public"}
    if sitting is None:
        if request.GET.get("assemblee", "").isdigit():
            initial["assembly"] = int(request.GET["assemblee"])
        else:
            only = list(Assembly.objects.filter(authority=request.authority).values_list("pk", flat=True)[:2])
            if len(only) == 1:
                initial["assembly"] = only[0]
    form = SittingForm(request.POST or None, initial=initial, authority=request.authority, sitting=sitting)
    if request.method == "POST" and form.is_valid():
        saved = run_action(form, actions.save_sitting, request.user, request.authority, sitting,
                           **form.action_kwargs())
        if saved is not None:
            messages.success(request, _("Séance du %(d)s enregistrée.") % {"d": saved.date.strftime("%d/%m/%Y")})
            return redirect("sittings:detail", slug=saved.slug)
    title = (_("Modifier la séance du %(d)s") % {"d": sitting.date.strftime("%d/%m/%Y")} if sitting
             else _("Nouvelle séance"))
    return _page(request, "sittings/agenda_sitting_form.html", title, status=400 if form.errors else 200,
                 form=form, sitting=sitting, has_assemblies=Assembly.objects.filter(authority=request.authority).exists(),
                 convocation_sent=actions.convocation_sent(sitting) if sitting else False)


@roles(*VIEWERS)
def sitting_detail(request, slug):
    """The sitting's hub: state, legal summary, agenda, then the convocation, live and minutes
    panels (templates of the other parts of the sitting)."""
    sitting = get_sitting(request, slug)
    return _page(request, "sittings/agenda_sitting_detail.html", str(sitting), sitting=sitting,
                 legal=actions.legal_summary(sitting), items=agenda_items(sitting),
                 convocation_sent=actions.convocation_sent(sitting),
                 agenda_open=sitting.state in actions.AGENDA_OPEN_STATES)


# --- The agenda builder -----------------------------------------------------------------------

def builder_context(request, sitting, **overrides) -> dict:
    submitted = request.GET.get("f") == "1"
    data = request.GET if submitted else {"f": "1", "type": sitting.assembly.kind}
    if sitting.assembly.kind not in SittingType.values:
        data = request.GET if submitted else {"f": "1"}
    filter_form = CandidateFilterForm(data, authority=request.authority)
    candidates = filter_form.apply(actions.ready_acts(sitting).select_related("department", "rapporteur")
                                   .prefetch_related("committees"))
    page = Paginator(candidates.order_by("department__code", "reference", "pk"), CANDIDATES_PER_PAGE).get_page(
        request.GET.get("page"))
    filters = urlencode({k: v for k, v in filter_form.data.items() if v and k != "page"})
    items = agenda_items(sitting)
    sections = []
    for item in items:
        if item.section and item.section not in sections:
            sections.append(item.section)
    context = {
        "sitting": sitting, "items": items, "filter_form": filter_form, "candidates": page,
        "ready_total": actions.ready_acts(sitting).count(), "filters": filters,
        "convocation_sent": actions.convocation_sent(sitting),
        "warning": actions.not_on_convocation_warning(sitting),
        "agenda_open": sitting.state in actions.AGENDA_OPEN_STATES,
        "details_open": sitting.state in actions.DETAIL_OPEN_STATES,
        "sort_rules": [(key, label) for key, (label, _key) in actions.SORT_RULES.items()],
        "pending_motions": list(actions.pending_motions(sitting)[:50]), "sections": sections,
        "selected_acts": [], "selected_items": [], "section_value": "", "errors": [],
    }
    context.update(overrides)
    return context


def _builder(request, sitting, status=200, **overrides):
    return _page(request, "sittings/agenda_builder.html", _("Ordre du jour — %(s)s") % {"s": sitting}, status=status,
                 **builder_context(request, sitting, **overrides))


@roles(*SECRETARIAT)
def agenda(request, slug):
    sitting = get_sitting(request, slug)
    return _builder(request, sitting)


def _post_only(request):
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


@roles(*SECRETARIAT)
def agenda_add(request, slug):
    sitting = get_sitting(request, slug)
    if (refused := _post_only(request)) is not None:
        return refused
    ids = [v for v in request.POST.getlist("acts") if v.isdigit()]
    # In the order ticked on the page (the list's order), not the acts' default (newest first).
    found = {str(a.pk): a for a in Act.objects.filter(authority=request.authority, pk__in=ids)}
    acts = [found[pk] for pk in dict.fromkeys(ids) if pk in found]
    try:
        if len(acts) != len(set(ids)):
            raise ValidationError(_("Un des actes choisis n'existe pas dans votre collectivité."))
        items = actions.add_acts(request.user, sitting, acts)
    except ValidationError as exc:
        return _builder(request, sitting, status=400, errors=_messages_of(exc), selected_acts=ids)
    messages.success(request, _("%(n)s acte(s) inscrit(s) à l'ordre du jour.") % {"n": len(items)})
    if warning := actions.not_on_convocation_warning(sitting):
        messages.warning(request, warning)
    return _back_to_builder(request, sitting)


@roles(*SECRETARIAT)
def agenda_remove(request, slug, pk):
    sitting = get_sitting(request, slug)
    item = _item(sitting, pk)
    if (refused := _post_only(request)) is not None:
        return refused
    try:
        actions.remove_item(request.user, item)
    except ValidationError as exc:
        return _builder(request, sitting, status=400, errors=_messages_of(exc))
    messages.success(request, _("« %(title)s » a été retiré de l'ordre du jour.") % {"title": item.title})
    return _back_to_builder(request, sitting)


@roles(*SECRETARIAT)
def agenda_move(request, slug, pk):
    sitting = get_sitting(request, slug)
    item = _item(sitting, pk)
    if (refused := _post_only(request)) is not None:
        return refused
    try:
        actions.move_item(request.user, item, request.POST.get("direction", ""))
    except ValidationError as exc:
        return _builder(request, sitting, status=400, errors=_messages_of(exc))
    response = _back_to_builder(request, sitting)
    response["Location"] += f"#point-{item.pk}"
    return response


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@roles(*SECRETARIAT)
def agenda_reorder(request, slug):
    """The new order after a drag and drop: ``order`` = every item's id, in order."""
    sitting = get_sitting(request, slug)
    if (refused := _post_only(request)) is not None:
        return refused
    ids = request.POST.getlist("order")
    if len(ids) == 1 and "," in ids[0]:
        ids = ids[0].split(",")
    try:
        order = actions.reorder(request.user, sitting, ids)
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        return _builder(request, sitting, status=400, errors=_messages_of(exc))
    if _wants_json(request):
        return JsonResponse({"order": order, "message": _("Nouvel ordre enregistré.")})
    messages.success(request, _("Nouvel ordre enregistré."))
    return _back_to_builder(request, sitting)


@roles(*SECRETARIAT)
def agenda_sort(request, slug):
    sitting = get_sitting(request, slug)
    if (refused := _post_only(request)) is not None:
        return refused
    rule = request.POST.get("rule", "")
    try:
        actions.sort_by_rule(request.user, sitting, rule)
    except ValidationError as exc:
        return _builder(request, sitting, status=400, errors=_messages_of(exc))
    messages.success(request, _("Ordre du jour ordonné par %(rule)s.") % {"rule": actions.SORT_RULES[rule][0]})
    return _back_to_builder(request, sitting)


@roles(*SECRETARIAT)
def agenda_section(request, slug):
    sitting = get_sitting(request, slug)
    if (refused := _post_only(request)) is not None:
        return refused
    ids = [v for v in request.POST.getlist("items") if v.isdigit()]
    section = request.POST.get("section", "")
    items = list(AgendaItem.objects.filter(sitting=sitting, pk__in=ids))
    try:
        if len(items) != len(set(ids)):
            raise ValidationError(_("Ce point n'appartient pas à l'ordre du jour de cette séance."))
        count = actions.set_section(request.user, sitting, items, section)
    except ValidationError as exc:
        return _builder(request, sitting, status=400, errors=_messages_of(exc), selected_items=ids,
                        section_value=section)
    section = " ".join(section.split())
    if section:
        messages.success(request, _("%(n)s point(s) classé(s) dans la rubrique « %(s)s ».") % {"n": count, "s": section})
    else:
        messages.success(request, _("%(n)s point(s) retiré(s) de leur rubrique.") % {"n": count})
    return _back_to_builder(request, sitting)


# --- An item: details, committee opinions, concerned organisations ------------------------------

def _item_page(request, sitting, item, status=200, **overrides):
    suggestions = []
    if item.act_id:
        existing = {c.lower() for c in item.concerns.values_list("organisation", flat=True)}
        suggestions = [s for s in actions.suggest_concerns(item.act.object) if s.lower() not in existing]
    context = {
        "sitting": sitting, "item": item,
        "form": ItemForm(initial={"title": item.title, "section": item.section, "rapporteur": item.rapporteur_id,
                                  "text": item.text}, authority=request.authority, item=item),
        "opinion_form": OpinionForm(authority=request.authority), "concern_form": ConcernForm(),
        "opinions": list(item.opinions.select_related("committee").order_by("committee__name")),
        "concerns": list(item.concerns.order_by("organisation")), "suggestions": suggestions,
        "details_open": sitting.state in actions.DETAIL_OPEN_STATES,
        "convocation_sent": actions.convocation_sent(sitting),
        "act_committees": list(item.act.committees.all()) if item.act_id else [],
    }
    context.update(overrides)
    return _page(request, "sittings/agenda_item.html", item.title[:120], status=status, **context)


@roles(*SECRETARIAT)
def agenda_item(request, slug, pk):
    sitting = get_sitting(request, slug)
    item = _item(sitting, pk)
    if request.method != "POST":
        return _item_page(request, sitting, item)
    form = ItemForm(request.POST, authority=request.authority, item=item)
    if form.is_valid():
        cd = form.cleaned_data
        updated = run_action(form, actions.update_item, request.user, item, title=cd["title"], section=cd["section"],
                             rapporteur=cd["rapporteur"], text=cd.get("text", item.text))
        if updated is not None:
            messages.success(request, _("Point enregistré."))
            return redirect("sittings:agenda_item", slug=sitting.slug, pk=item.pk)
    return _item_page(request, sitting, item, status=400, form=form)


@roles(*SECRETARIAT)
def agenda_opinion(request, slug, pk):
    sitting = get_sitting(request, slug)
    item = _item(sitting, pk)
    if (refused := _post_only(request)) is not None:
        return refused
    form = OpinionForm(request.POST, authority=request.authority)
    if form.is_valid():
        opinion = run_action(form, actions.record_opinion, request.user, item, **form.cleaned_data)
        if opinion is not None:
            messages.success(request, _("Avis de la commission « %(c)s » enregistré : %(o)s.")
                             % {"c": opinion.committee.name, "o": opinion.get_opinion_display()})
            return redirect("sittings:agenda_item", slug=sitting.slug, pk=item.pk)
    return _item_page(request, sitting, item, status=400, opinion_form=form)


@roles(*SECRETARIAT)
def agenda_opinion_delete(request, slug, pk, opinion_pk):
    sitting = get_sitting(request, slug)
    item = _item(sitting, pk)
    opinion = get_object_or_404(CommitteeOpinion, pk=opinion_pk, item=item)
    if (refused := _post_only(request)) is not None:
        return refused
    try:
        actions.remove_opinion(request.user, opinion)
    except ValidationError as exc:
        return _item_page(request, sitting, item, status=400, errors=_messages_of(exc))
    messages.success(request, _("Avis supprimé."))
    return redirect("sittings:agenda_item", slug=sitting.slug, pk=item.pk)


@roles(*SECRETARIAT)
def agenda_concern(request, slug, pk):
    sitting = get_sitting(request, slug)
    item = _item(sitting, pk)
    if (refused := _post_only(request)) is not None:
        return refused
    form = ConcernForm(request.POST)
    if form.is_valid():
        concern = run_action(form, actions.add_concern, request.user, item, form.cleaned_data["organisation"])
        if concern is not None:
            messages.success(request, _("Organisme « %(o)s » ajouté.") % {"o": concern.organisation})
            return redirect(reverse("sittings:agenda_item", args=[sitting.slug, item.pk]) + "#organismes")
    return _item_page(request, sitting, item, status=400, concern_form=form)


@roles(*SECRETARIAT)
def agenda_concern_delete(request, slug, pk, concern_pk):
    sitting = get_sitting(request, slug)
    item = _item(sitting, pk)
    concern = get_object_or_404(ItemConcern, pk=concern_pk, item=item)
    if (refused := _post_only(request)) is not None:
        return refused
    try:
        actions.remove_concern(request.user, concern)
    except ValidationError as exc:
        return _item_page(request, sitting, item, status=400, errors=_messages_of(exc))
    messages.success(request, _("Organisme « %(o)s » retiré.") % {"o": concern.organisation})
    return redirect(reverse("sittings:agenda_item", args=[sitting.slug, item.pk]) + "#organismes")


# --- Vœux and questions -------------------------------------------------------------------------

@roles(*SECRETARIAT)
def agenda_motion(request, slug):
    """Register a vœu filed by a group and put it on the agenda."""
    sitting = get_sitting(request, slug)
    form = MotionForm(request.POST or None, authority=request.authority)
    if request.method == "POST" and form.is_valid():
        item = run_action(form, actions.file_motion, request.user, sitting, **form.cleaned_data)
        if item is not None:
            messages.success(request, _("Vœu « %(t)s » enregistré et inscrit à l'ordre du jour.") % {"t": item.title})
            if warning := actions.not_on_convocation_warning(sitting):
                messages.warning(request, warning)
            return redirect("sittings:agenda", slug=sitting.slug)
    return _page(request, "sittings/agenda_motion_form.html", _("Inscrire un vœu"),
                 status=400 if form.errors else 200, form=form, sitting=sitting,
                 warning=actions.not_on_convocation_warning(sitting))


@roles(*SECRETARIAT)
def agenda_motion_add(request, slug, motion_pk):
    """Put an already filed vœu (e.g. postponed from an earlier sitting) on this agenda."""
    sitting = get_sitting(request, slug)
    motion = for_authority(Motion, request, pk=motion_pk)
    if (refused := _post_only(request)) is not None:
        return refused
    try:
        item = actions.add_motion(request.user, sitting, motion)
    except ValidationError as exc:
        return _builder(request, sitting, status=400, errors=_messages_of(exc))
    messages.success(request, _("Vœu « %(t)s » inscrit à l'ordre du jour.") % {"t": item.title})
    if warning := actions.not_on_convocation_warning(sitting):
        messages.warning(request, warning)
    return _back_to_builder(request, sitting)


@roles(*SECRETARIAT)
def agenda_question(request, slug):
    sitting = get_sitting(request, slug)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = run_action(form, actions.add_question, request.user, sitting, **form.cleaned_data)
        if item is not None:
            messages.success(request, _("Question « %(t)s » inscrite à l'ordre du jour.") % {"t": item.title})
            if warning := actions.not_on_convocation_warning(sitting):
                messages.warning(request, warning)
            return redirect("sittings:agenda", slug=sitting.slug)
    return _page(request, "sittings/agenda_question_form.html", _("Inscrire une question"),
                 status=400 if form.errors else 200, form=form, sitting=sitting,
                 warning=actions.not_on_convocation_warning(sitting))
