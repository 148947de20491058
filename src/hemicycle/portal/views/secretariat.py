"""Read-only pages for the assembly secretariat: proxies per sitting, declared interests, vœux
filed from the portal. (Annotations are private: no page shows them to anyone but their author.)"""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.core.access import for_authority, roles
from hemicycle.core.roles import Role
from hemicycle.organisation.models import Member
from hemicycle.sittings.actions.proxies import check_sitting_proxies
from hemicycle.sittings.models import Interest, Motion, Sitting


@roles(Role.SECRETARIAT)
def proxies_index(request):
    today = timezone.localdate()
    sittings = (Sitting.objects.filter(authority=request.authority).select_related("assembly")
                .annotate(active=Count("proxies", filter=Q(proxies__revoked_at__isnull=True))))
    upcoming = list(sittings.filter(date__gte=today).order_by("date", "start_time")[:50])
    past = list(sittings.filter(date__lt=today).order_by("-date")[:50])
    return render(request, "portal/secretariat_proxies_index.html", {
        "title": _("Pouvoirs des élus"), "upcoming": upcoming, "past": past})


@roles(Role.SECRETARIAT)
def sitting_proxies(request, slug):
    """Every proxy of the sitting (revoked ones too), with what the rules say of them before the
    roll call (every member taken as present except the mandators)."""
    sitting = for_authority(Sitting.objects.select_related("assembly"), request, slug=slug)
    proxies = list(sitting.proxies.select_related("mandator", "holder", "given_by").prefetch_related("sittings")
                   .order_by("given_at", "pk"))
    active = [p for p in proxies if p.revoked_at is None]
    check = check_sitting_proxies(sitting, active)
    problems = {}
    for error in check.errors:
        problems.setdefault(error.member, []).append(f"{error.message} ({error.article})")
    names = {str(p.mandator_id): str(p.mandator) for p in active} | {str(p.holder_id): str(p.holder) for p in active}
    rows = []
    for proxy in proxies:
        rows.append({"proxy": proxy, "active": proxy.revoked_at is None,
                     "valid": proxy.revoked_at is None and check.valid.get(str(proxy.mandator_id)) == str(proxy.holder_id),
                     "sittings": sorted(proxy.sittings.all(), key=lambda s: s.date)})
    errors = [{"member": names.get(member, member), "messages": msgs} for member, msgs in problems.items()]
    return render(request, "portal/secretariat_proxies.html", {
        "title": _("Pouvoirs — %(sitting)s") % {"sitting": sitting}, "sitting": sitting, "rows": rows,
        "errors": errors, "active_count": len(active)})


@roles(Role.SECRETARIAT)
def interests(request):
    """The register of declared interests of the authority's members."""
    today = timezone.localdate()
    members = (Member.objects.filter(authority=request.authority).select_related("group")
               .prefetch_related(Prefetch("interests", queryset=Interest.objects.order_by("organisation", "pk")))
               .order_by("last_name", "first_name"))
    rows = []
    for member in members:
        interests = list(member.interests.all())
        rows.append({"member": member,
                     "current": [i for i in interests if i.until is None or i.until >= today],
                     "ended": [i for i in interests if i.until is not None and i.until < today]})
    return render(request, "portal/secretariat_interests.html", {
        "title": _("Intérêts déclarés par les élus"), "rows": rows,
        "declared": sum(1 for r in rows if r["current"])})


@roles(Role.SECRETARIAT)
def motions(request):
    """Vœux filed by the groups, with the sitting each asks for."""
    items = list(Motion.objects.filter(authority=request.authority)
                 .select_related("group", "filed_by", "target", "target__sitting", "target__sitting__assembly")
                 .prefetch_related("agenda_items__sitting").order_by("-filed_at")[:300])
    return render(request, "portal/secretariat_motions.html", {"title": _("Vœux déposés"), "motions": items})
