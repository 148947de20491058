"""Versions of an act: the list (who, when, what), one version's text, and the differences
between any two of them."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hemicycle.core.access import roles
from hemicycle.organisation.models import Committee, Department, Member

from .. import matieres
from ..diff import diff_snapshots, has_changes
from ..models import ActVersion, Nature, SittingType
from .common import STAFF_ROLES, get_act


@roles(*STAFF_ROLES)
def version_list(request, slug):
    act = get_act(request, slug)
    versions = list(act.versions.select_related("author").order_by("-number"))
    a, b = request.GET.get("a"), request.GET.get("b")
    if a and b and a.isdigit() and b.isdigit():
        low, high = sorted((int(a), int(b)))
        return redirect("acts:diff", act.slug, low, high)
    return render(request, "acts/act_versions.html", {
        "title": _("Versions de l'acte %(ref)s") % {"ref": act.reference}, "act": act, "versions": versions,
    })


def snapshot_display(snapshot: dict) -> dict:
    """Names for the ids a version holds, for the version page."""
    dept = Department.objects.filter(pk=snapshot.get("department_id")).first()
    rapporteur = Member.objects.filter(pk=snapshot.get("rapporteur_id")).first() if snapshot.get("rapporteur_id") else None
    return {
        "nature": dict(Nature.choices).get(snapshot.get("nature"), snapshot.get("nature")),
        "sitting_type": dict(SittingType.choices).get(snapshot.get("target_sitting_type"), ""),
        "department": dept, "rapporteur": rapporteur,
        "committees": list(Committee.objects.filter(pk__in=snapshot.get("committee_ids") or [])),
        "classification": matieres.display_code(snapshot.get("matiere_codes") or []),
    }


@roles(*STAFF_ROLES)
def version_detail(request, slug, number):
    act = get_act(request, slug)
    version = get_object_or_404(ActVersion.objects.select_related("author"), act=act, number=number)
    latest = act.versions.order_by("-number").values_list("number", flat=True).first()
    return render(request, "acts/act_version.html", {
        "title": _("Version %(n)d de l'acte %(ref)s") % {"n": number, "ref": act.reference},
        "act": act, "version": version, "content": version.content, "shown": snapshot_display(version.content),
        "latest_number": latest,
    })


@roles(*STAFF_ROLES)
def version_diff(request, slug, a, b):
    act = get_act(request, slug)
    old = get_object_or_404(ActVersion.objects.select_related("author"), act=act, number=a)
    new = get_object_or_404(ActVersion.objects.select_related("author"), act=act, number=b)
    rows = diff_snapshots(old.content, new.content)
    return render(request, "acts/act_diff.html", {
        "title": _("Différences entre les versions %(a)d et %(b)d — %(ref)s") % {"a": a, "b": b, "ref": act.reference},
        "act": act, "old": old, "new": new, "rows": rows, "differs": has_changes(rows),
        "versions": list(act.versions.order_by("number").values_list("number", flat=True)),
    })
