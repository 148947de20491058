"""Pages of the archives.

Secretariat and administrator (``@roles(SECRETARIAT, ADMINISTRATOR)``): the registers of
deliberations by year (produce or bring up to date, download the PDF and the electronic twin),
and the SEDA transfers (produce a package for a sitting or a year, download it).
Signatories and members may open a register (the president and the secretaries sign it there:
who may sign in which capacity is decided by ``register.eligible_roles``).
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hemicycle.core import blobs
from hemicycle.core.access import for_authority, roles
from hemicycle.core.roles import Role
from hemicycle.documents.render import RenderError

from . import register as reg
from .actions import export_package
from .models import ArchiveTransfer, RegisterVolume

MANAGERS = (Role.SECRETARIAT, Role.ADMINISTRATOR)
READERS = (Role.SECRETARIAT, Role.ADMINISTRATOR, Role.SIGNATORY, Role.MEMBER)


def _file(data: bytes, content_type: str, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@roles(*MANAGERS)
def registers(request):
    """The years with held sittings, each with its register's state and actions."""
    authority = request.authority
    volumes = {v.year: v for v in RegisterVolume.objects.filter(authority=authority)}
    years = sorted(set(reg.register_years(authority)) | set(volumes), reverse=True)
    rows = [{"year": y, "volume": volumes.get(y)} for y in years]
    return render(request, "archives/registers.html", {
        "title": _("Registres des délibérations"), "rows": rows, "can_manage": reg.can_manage(request.user, authority),
    })


@roles(*MANAGERS)
def register_generate(request, year):
    authority = request.authority
    if year not in reg.register_years(authority):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        volume, changed = reg.generate_register(request.user, authority, year)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("archives:registers")
    except RenderError:
        messages.error(request, _("Le registre n'a pas pu être mis en page. L'incident est consigné ; réessayez plus "
                                  "tard ou contactez l'administrateur."))
        return redirect("archives:registers")
    if changed:
        messages.success(request, _("Registre %(year)s produit (version %(v)s, %(n)s pages).")
                         % {"year": year, "v": volume.version, "n": volume.pages})
    else:
        messages.info(request, _("Le registre %(year)s est déjà à jour : rien n'a changé depuis sa production.")
                      % {"year": year})
    return redirect("archives:register", year=year)


def _volume(request, year) -> RegisterVolume:
    return for_authority(RegisterVolume.objects.select_related("authority", "generated_by"), request, year=year)


@roles(*READERS)
def register_detail(request, year):
    volume = _volume(request, year)
    can_sign = reg.can_sign(request.user, volume)
    labels = reg.role_labels()
    sittings = list(reg.register_sittings(volume.authority, year))
    return render(request, "archives/register_detail.html", {
        "title": _("Registre des délibérations %(year)s") % {"year": year},
        "volume": volume, "sittings": sittings,
        "can_manage": reg.can_manage(request.user, volume.authority),
        "sign_roles": [{"role": r, "label": labels[r]} for r in reg.SIGNATURE_ORDER if r in can_sign],
        "pending": [labels[r] for r in reg.pending_roles(volume)],
        "signatures": [{**s, "at": datetime.datetime.fromisoformat(s["at"])} for s in volume.signatures if s.get("at")],
    })


@roles(Role.SIGNATORY, Role.MEMBER)
def register_sign(request, year):
    volume = _volume(request, year)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    role = request.POST.get("role", "")
    try:
        volume = reg.sign_register(request.user, volume, role)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        if volume.state == RegisterVolume.State.SIGNED:
            messages.success(request, _("Registre signé : les deux signatures sont apposées."))
        else:
            messages.success(request, _("Votre signature est apposée ; le registre attend la seconde signature."))
    return redirect("archives:register", year=year)


@roles(*READERS)
def register_pdf(request, year):
    volume = _volume(request, year)
    if not volume.current_sha256:
        raise Http404
    return _file(blobs.get(volume.current_sha256), "application/pdf",
                 f"registre-deliberations-{year}-v{volume.version}.pdf", inline=True)


@roles(*READERS)
def register_twin(request, year, fmt):
    volume = _volume(request, year)
    sha = volume.twin_sha256 if fmt == "json" else volume.twin_csv_sha256
    if fmt not in ("json", "csv") or not sha:
        raise Http404
    content_type = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
    return _file(blobs.get(sha), content_type, f"registre-deliberations-{year}-v{volume.version}-jumeau.{fmt}")


# --- SEDA transfers ---------------------------------------------------------------------------------

@roles(*MANAGERS)
def transfers(request):
    """Produce a SEDA 2.3 package for a closed sitting or a year; the packages produced."""
    from hemicycle.sittings.models import Sitting

    authority = request.authority
    if request.method == "POST":
        if not reg.can_manage(request.user, authority):
            return HttpResponseNotAllowed(["GET"])
        kwargs = {}
        sitting_id, year = request.POST.get("sitting", ""), request.POST.get("year", "")
        try:
            if sitting_id:
                sitting = Sitting.objects.filter(authority=authority, pk=int(sitting_id)).first()
                if sitting is None:
                    raise ValidationError(_("Séance introuvable."))
                kwargs["sitting"] = sitting
            elif year:
                kwargs["year"] = int(year)
            else:
                raise ValidationError(_("Choisissez une séance ou une année."))
            transfer, warnings = export_package(request.user, authority, **kwargs)
        except ValueError:
            messages.error(request, _("Choix invalide."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Paquet %(id)s produit : %(n)s fichier(s), %(a)s acte(s).")
                             % {"id": transfer.message_identifier, "n": len(transfer.files), "a": transfer.acts_count})
            for w in warnings:
                messages.warning(request, w)
        return redirect("archives:transfers")
    sittings = list(
        Sitting.objects.filter(authority=authority, state=Sitting.State.CLOSED)
        .select_related("assembly").order_by("-date", "-start_time")[:200])
    return render(request, "archives/transfers.html", {
        "title": _("Versements aux archives (SEDA 2.3)"),
        "sittings": sittings, "years": reg.register_years(authority),
        "transfers": ArchiveTransfer.objects.filter(authority=authority).select_related("sitting", "created_by")[:100],
        "can_manage": reg.can_manage(request.user, authority),
    })


@roles(*MANAGERS)
def transfer_zip(request, pk):
    transfer = for_authority(ArchiveTransfer, request, pk=pk)
    return _file(blobs.get(transfer.zip_sha256), "application/zip", transfer.filename)
