"""The public portal (no login) under /publications/<authority>/ and the notified-act pages.

R2131-1: regulatory acts and deliberations online in full as a non-modifiable PDF, with the
author's first name, name and capacity and the date put online; per sitting, the list of
deliberations (L2121-25) and the adopted minutes (L2121-15); search and filters; an Atom feed.
Only published, non-confidential acts of the authority named in the URL are shown: anything
else answers 404.
"""

import logging
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from hemicycle.core import blobs
from hemicycle.core.access import public
from hemicycle.documents.render import french_date
from hemicycle.organisation.models import Authority
from hemicycle.sittings.models import AgendaItem, Minutes, Sitting

from . import masking
from .actions import NOT_PUBLISHED_NATURES, author_of, executory_info, executory_mention, record_opening
from .forms import SearchForm
from .models import PartnerNotification, Publication

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
FEED_SIZE = 50


# --- What is online ---------------------------------------------------------------------------

def _authority(slug: str) -> Authority:
    return get_object_or_404(Authority, slug=slug)


def online(authority):
    """The publications on the portal: published, not withdrawn, not confidential, not individual."""
    return (Publication.objects.filter(authority=authority, withdrawn_at__isnull=True, act__confidential=False)
            .exclude(nature__in=NOT_PUBLISHED_NATURES).select_related("act", "sitting"))


def _minutes_adopted(minutes: Minutes | None) -> bool:
    return minutes is not None and minutes.current_state == Minutes.State.ADOPTED


def portal_sittings(authority):
    """Public sittings with something online: published acts, the list of deliberations, or
    adopted minutes."""
    return (Sitting.objects.filter(authority=authority, public=True)
            .filter(Q(publications__withdrawn_at__isnull=True, publications__act__confidential=False)
                    | Q(minutes__list_published_at__isnull=False) | Q(minutes__state=Minutes.State.ADOPTED)
                    | Q(minutes__adopted_at_item__state=AgendaItem.State.ADOPTED))
            .distinct().select_related("assembly").order_by("-date", "-pk"))


def _portal_sitting(authority, slug) -> Sitting:
    sitting = portal_sittings(authority).filter(slug=slug).first()
    if sitting is None:
        raise Http404(_("Aucune séance en ligne à cette adresse."))
    return sitting


def _publication(authority, slug) -> Publication:
    publication = online(authority).filter(act__slug=slug).first()
    if publication is None:
        raise Http404(_("Aucun acte publié à cette adresse."))
    return publication


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _base(authority) -> dict:
    return {"authority": authority, "current_authority": authority}


# --- Pages ------------------------------------------------------------------------------------

@public
def home(request, authority):
    authority = _authority(authority)
    return render(request, "publication/home.html", {
        **_base(authority), "title": _("Actes publiés — %(name)s") % {"name": authority.name},
        "publications": list(online(authority)[:10]), "sittings": list(portal_sittings(authority)[:10]),
    })


@public
def act(request, authority, slug):
    authority = _authority(authority)
    publication = _publication(authority, slug)
    act = publication.act
    info = executory_info(act)
    sitting = publication.sitting
    sitting_online = sitting is not None and portal_sittings(authority).filter(pk=sitting.pk).exists()
    from hemicycle.opendata.oparl import FILE_SOURCES, visible_annexes  # the annexes flagged "publiée"

    annexes = [{"annex": a, "key": FILE_SOURCES["annex"].key(a)}
               for a in visible_annexes(authority).filter(act=act).order_by("position", "pk")]
    return render(request, "publication/act.html", {
        **_base(authority), "title": f"{act.reference} — {publication.object}"[:120],
        "publication": publication, "act": act, "sitting": sitting, "sitting_online": sitting_online,
        "annexes": annexes,
        "decision_date_text": french_date(publication.decision_date),
        "published_text": french_date(timezone.localtime(publication.published_at).date()),
        "executory": executory_mention(act, publication), "executory_info": info,
        "published_mention": masking.PUBLISHED_MENTION,
    })


@public
def act_pdf(request, authority, slug):
    """The published PDF: the signed original, or the masked copy when passages are masked."""
    authority = _authority(authority)
    publication = _publication(authority, slug)
    try:
        pdf = blobs.get(publication.pdf_sha256)
    except (FileNotFoundError, blobs.BlobIntegrityError):
        logger.exception("PDF publié introuvable ou altéré : %s", publication.pdf_sha256)
        raise Http404(_("Le document n'est pas disponible.")) from None
    return _pdf_response(pdf, f"{publication.act.slug}.pdf")


@public
def sitting(request, authority, slug):
    """Per sitting: the list of deliberations (date and object of every item examined, adopted
    or rejected) once published, the published acts, and the minutes once adopted."""
    from hemicycle.sittings.minutes import deliberations_list

    authority = _authority(authority)
    sitting = _portal_sitting(authority, slug)
    minutes = Minutes.objects.filter(sitting=sitting).select_related("adopted_at_item__sitting").first()
    publications = list(online(authority).filter(sitting=sitting).order_by("number", "pk"))
    by_reference = {p.act.reference: p for p in publications}
    rows = []
    list_published = minutes is not None and minutes.list_published_at is not None
    if list_published:
        for item in deliberations_list(sitting)["items"]:
            pub = by_reference.get(item["reference"])
            rows.append({**item, "publication": pub, "title": pub.object if pub else item["title"]})
    return render(request, "publication/sitting.html", {
        **_base(authority), "title": _("Séance du %(date)s") % {"date": french_date(sitting.date)},
        "sitting": sitting, "minutes": minutes, "minutes_adopted": _minutes_adopted(minutes),
        "list_published": list_published, "rows": rows, "publications": publications,
    })


@public
def minutes_pdf(request, authority, slug):
    """The adopted minutes of a public sitting, as PDF: the file signed by the president and the
    secretaries once they all signed it (documents/minutes_signing.py), else rendered now."""
    from hemicycle.sittings.minutes import render_minutes_pdf

    authority = _authority(authority)
    sitting = _portal_sitting(authority, slug)
    minutes = Minutes.objects.filter(sitting=sitting).select_related("adopted_at_item__sitting").first()
    if not _minutes_adopted(minutes):
        raise Http404(_("Le procès-verbal de cette séance n'est pas encore adopté."))
    from hemicycle.documents.minutes_signing import signed_minutes_pdf

    try:
        pdf = signed_minutes_pdf(minutes) or render_minutes_pdf(minutes)  # signed by the president and secretaries
    except Exception:  # a document that cannot be rendered must never be a 500
        logger.exception("Rendu du procès-verbal impossible : %s", sitting.slug)
        return render(request, "publication/unavailable.html", {
            **_base(authority), "title": _("Document indisponible"),
            "back_url": reverse("publication:sitting", kwargs={"authority": authority.slug, "slug": sitting.slug})},
            status=503)
    return _pdf_response(pdf, f"proces-verbal-{sitting.slug}.pdf")


def _matiere_choices(authority) -> list[tuple[str, str]]:
    from hemicycle.acts.matieres import latest_classification

    version = latest_classification(authority)
    if version is None:
        return []
    return [(m.code, f"{m.code} {m.label}") for m in version.matieres.filter(level=1).order_by("code")]


def _sitting_choices(authority) -> list[tuple[str, str]]:
    sittings = (Sitting.objects.filter(authority=authority, publications__withdrawn_at__isnull=True)
                .distinct().select_related("assembly").order_by("-date")[:200])
    return [(s.slug, f"{s.assembly.name} — {s.date:%d/%m/%Y}") for s in sittings]


def search_publications(authority, data: dict):
    """Published acts matching the filters (cleaned SearchForm data): every word of ``q`` in the
    object, reference or matière (accents and case ignored); decision dates; nature; matière
    (level-1 code); sitting slug."""
    qs = online(authority)
    for word in masking.normalise(data.get("q") or "").split()[:10]:
        qs = qs.filter(search_text__icontains=word)
    if data.get("date_from"):
        qs = qs.filter(decision_date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(decision_date__lte=data["date_to"])
    if data.get("nature"):
        qs = qs.filter(nature=data["nature"])
    if data.get("matiere"):
        qs = qs.filter(matiere_root=data["matiere"])
    if data.get("sitting"):
        qs = qs.filter(sitting__slug=data["sitting"])
    return qs.order_by("-decision_date", "-published_at", "-pk")


class RankedPublications:
    """The portal's full-text results (hemicycle.search: French stemming, accents folded,
    ranked, highlighted) as a sequence the Paginator slices: each slice is one search call, its
    rows the Publications in rank order, each with its highlighted ``snippet``."""

    def __init__(self, authority, data: dict):
        self.authority, self.data = authority, data
        self._total = None

    def _search(self, offset: int, limit: int):
        from hemicycle.search import search as full_text

        found = full_text(self.data.get("q") or "", authority=self.authority, published_only=True,
                          date_from=self.data.get("date_from"), date_to=self.data.get("date_to"),
                          nature=self.data.get("nature") or None, matiere=self.data.get("matiere") or None,
                          limit=limit, offset=offset)
        self._total = found.total
        return found

    def count(self) -> int:
        if self._total is None:
            self._search(0, 1)
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1][0]
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        found = self._search(start, max(0, stop - start))
        rows = {p.act_id: p for p in online(self.authority).filter(act_id__in=[r.act_id for r in found.results])}
        ordered = []
        for result in found.results:
            row = rows.get(result.act_id)
            if row is not None:
                row.snippet, row.object_html = result.snippet, result.object_html
                ordered.append(row)
        return ordered


@public
def search(request, authority):
    authority = _authority(authority)
    form = SearchForm(request.GET or None, matieres=_matiere_choices(authority),
                      sittings=_sitting_choices(authority))
    results = online(authority).none()
    searched = bool(request.GET)
    if not searched:
        results = search_publications(authority, {})
    elif form.is_valid():
        data = form.cleaned_data
        # Words without a sitting filter: the full-text index, ranked and highlighted. Within one
        # sitting (at most a few hundred acts) the simple filter does.
        use_index = bool((data.get("q") or "").strip()) and not data.get("sitting")
        results = RankedPublications(authority, data) if use_index else search_publications(authority, data)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(request, "publication/search.html", {
        **_base(authority), "title": _("Rechercher un acte — %(name)s") % {"name": authority.name},
        "form": form, "page": page, "querystring": urlencode(params), "searched": searched,
    })


class PublicationsFeed(Feed):
    """Atom feed of an authority's published acts, newest first."""

    feed_type = Atom1Feed

    def get_object(self, request, authority):
        return _authority(authority)

    def title(self, obj):
        return _("Actes publiés — %(name)s") % {"name": obj.name}

    def subtitle(self, obj):
        return _("Délibérations et actes réglementaires mis en ligne (article R2131-1 du CGCT).")

    def link(self, obj):
        return reverse("publication:home", kwargs={"authority": obj.slug})

    def feed_url(self, obj):
        return reverse("publication:feed", kwargs={"authority": obj.slug})

    def author_name(self, obj):
        return obj.name

    def items(self, obj):
        return list(online(obj).order_by("-published_at", "-pk")[:FEED_SIZE])

    def item_title(self, item):
        return f"{item.act.reference} — {item.object}"

    def item_description(self, item):
        return _("%(object)s. Décision du %(date)s ; %(author)s, %(capacity)s ; mis en ligne le %(online)s.") % {
            "object": item.object, "date": french_date(item.decision_date), "author": item.author_name,
            "capacity": item.author_capacity, "online": french_date(timezone.localtime(item.published_at).date())}

    def item_link(self, item):
        return reverse("publication:act", kwargs={"authority": item.authority.slug, "slug": item.act.slug})

    def item_guid(self, item):
        return f"tag:hemicycle,{item.published_at:%Y-%m-%d}:{item.authority.slug}/{item.act.slug}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return f"{item.author_name}, {item.author_capacity}"

    def item_categories(self, item):
        return [item.matiere_label] if item.matiere_label else []


_feed = PublicationsFeed()


@public
def feed(request, authority):
    return _feed(request, authority=authority)


# --- Notified acts (personal link) -------------------------------------------------------------

def _notification(token: str) -> PartnerNotification:
    notification = (PartnerNotification.objects.select_related("act", "authority", "act__final")
                    .filter(token=token).first())
    if notification is None or not token:
        raise Http404(_("Ce lien de notification n'est pas valide."))
    return notification


@public
def notified(request, token):
    """The act notified to a partner; each visit is recorded (proof of opening)."""
    notification = record_opening(_notification(token))
    act = notification.act
    final = getattr(act, "final", None)
    author = author_of(final) if final is not None else ("", "")
    return render(request, "publication/notified.html", {
        **_base(notification.authority), "title": f"{act.reference} — {act.object}"[:120],
        "notification": notification, "act": act, "final": final, "author": author,
        "decision_date_text": french_date(final.decision_date) if final else "",
        "executory_info": executory_info(act),
    })


@public
def notified_pdf(request, token):
    notification = _notification(token)
    try:
        pdf = blobs.get(notification.pdf_sha256)
    except (FileNotFoundError, blobs.BlobIntegrityError):
        logger.exception("PDF notifié introuvable ou altéré : %s", notification.pdf_sha256)
        raise Http404(_("Le document n'est pas disponible.")) from None
    return _pdf_response(pdf, f"{notification.act.slug}.pdf")
