"""Pages of the signature of the minutes (documents/minutes_signing.py).

- ``minutes_signatures`` (secretariat, administrators, signatories, members of the authority):
  state of the signature of a sitting's adopted minutes, who signed and who must still sign,
  the check of the signed file, and the "Signer le procès-verbal" button for the president and
  the secretaries of the sitting (their accounts: organisation ``Member.user``);
- ``minutes_sign`` (POST): sign; ``minutes_prepare`` (POST, secretariat): put up for signature;
- ``minutes_signed_pdf``: the signed file (or the frozen one while signatures are missing).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hemicycle.core import blobs
from hemicycle.core.access import for_authority, roles
from hemicycle.core.roles import Role
from hemicycle.documents.render import RenderError, french_date
from hemicycle.sittings.models import Minutes, Sitting

from . import minutes_signing, signing

READERS = (Role.SECRETARIAT, Role.ADMINISTRATOR, Role.SIGNATORY, Role.MEMBER)


def _sitting(request, slug) -> Sitting:
    return for_authority(Sitting.objects.select_related("assembly", "authority", "president"), request, slug=slug)


def _minutes(sitting) -> Minutes | None:
    return Minutes.objects.select_related("sitting__authority", "adopted_at_item__sitting").filter(
        sitting=sitting).first()


def _error_text(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


@roles(*READERS)
def minutes_signatures(request, slug):
    sitting = _sitting(request, slug)
    minutes = _minutes(sitting)
    signed = minutes_signing.signed_record(minutes) if minutes is not None else None
    adopted = minutes is not None and minutes.current_state == Minutes.State.ADOPTED
    reports, error = None, ""
    if signed is not None and signed.signed_sha256:
        try:
            reports = signing.verify_pdf(blobs.get(signed.signed_sha256))
        except (signing.VerificationError, blobs.BlobIntegrityError) as exc:
            error = str(exc)
    return render(request, "documents/minutes_signatures.html", {
        "title": _("Signature du procès-verbal — séance du %(date)s") % {"date": french_date(sitting.date)},
        "sitting": sitting, "minutes": minutes, "signed": signed, "adopted": adopted,
        "rows": minutes_signing.signatory_rows(minutes, signed) if minutes is not None else [],
        "can_sign": minutes is not None and minutes_signing.can_sign_minutes(request.user, minutes),
        "can_prepare": adopted and signed is None and minutes_signing.can_prepare(request.user, minutes),
        "reports": reports, "error": error,
    })


@roles(*READERS)
def minutes_sign(request, slug):
    sitting = _sitting(request, slug)  # another authority's sitting: 404 before anything else
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    minutes = _minutes(sitting)
    if minutes is None:
        raise Http404(_("Le procès-verbal de cette séance n'est pas établi."))
    try:
        signature = minutes_signing.sign_minutes(request.user, minutes)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    except RenderError:
        messages.error(request, _("Le procès-verbal n'a pas pu être mis en page pour la signature. L'incident est "
                                  "consigné ; réessayez plus tard."))
    else:
        if signature.minutes.is_signed:
            messages.success(request, _("Votre signature est apposée : le procès-verbal est signé par tous."))
        else:
            messages.success(request, _("Votre signature est apposée ; le procès-verbal attend les autres signatures."))
    return redirect("documents:minutes_signatures", slug=sitting.slug)


@roles(Role.SECRETARIAT)
def minutes_prepare(request, slug):
    sitting = _sitting(request, slug)  # another authority's sitting: 404 before anything else
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    minutes = _minutes(sitting)
    if minutes is None:
        raise Http404(_("Le procès-verbal de cette séance n'est pas établi."))
    try:
        minutes_signing.prepare_minutes_signature(request.user, minutes)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    except RenderError:
        messages.error(request, _("Le procès-verbal n'a pas pu être mis en page pour la signature. L'incident est "
                                  "consigné ; réessayez plus tard."))
    else:
        messages.success(request, _("Le procès-verbal est mis en signature : le président et les secrétaires de "
                                    "séance sont prévenus."))
    return redirect("documents:minutes_signatures", slug=sitting.slug)


@roles(*READERS)
def minutes_signed_pdf(request, slug):
    sitting = _sitting(request, slug)
    minutes = _minutes(sitting)
    signed = minutes_signing.signed_record(minutes) if minutes is not None else None
    if signed is None:
        raise Http404(_("Le procès-verbal de cette séance n'est pas encore mis en signature."))
    response = HttpResponse(blobs.get(signed.current_sha256), content_type="application/pdf")
    suffix = "signe" if signed.is_signed else "a-signer"
    response["Content-Disposition"] = f'inline; filename="proces-verbal-{sitting.slug}-{suffix}.pdf"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
