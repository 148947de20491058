"""Pages of the electronic signature.

- ``verify`` (public): upload any PDF; every signature it carries is checked (who, capacity,
  when, timestamp, intact, changed since, trusted chain). Nothing is stored.
- ``final_signatures`` (authority staff allowed to read the final document): the signatures
  recorded for an act's final document and the check of its current file.
- ``sign_queue`` (signatories): the parapheur — final documents awaiting the user's
  signature; sign one now, or the selected ones in a background task ("Signer tout"); and the
  adopted minutes the user must sign as president or secretary of the sitting
  (documents/minutes_views.py signs them).
"""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from hemicycle.acts.models import Act
from hemicycle.core import blobs
from hemicycle.core.access import for_authority, public, require, roles
from hemicycle.core.roles import Role

from . import keys, signing
from .models import FinalDocument

logger = logging.getLogger(__name__)
MAX_VERIFY_BYTES = 50 * 1024 * 1024
# Same readers as the final PDF itself (final.can_read): secretariat, signatories, administrators,
# drafters of the act's department.
READERS = (Role.SECRETARIAT, Role.SIGNATORY, Role.ADMINISTRATOR, Role.DRAFTER)


@public
@require_http_methods(["GET", "POST"])
def verify(request):
    context = {"reports": None, "error": "", "filename": ""}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("pdf")
        if upload is None:
            context["error"] = _("Choisissez un fichier PDF à vérifier.")
        elif upload.size > MAX_VERIFY_BYTES:
            context["error"] = _("Ce fichier dépasse 50 Mo : il ne peut pas être vérifié ici.")
        else:
            context["filename"] = upload.name
            data = upload.read()
            try:
                context["reports"] = signing.verify_pdf(data)
            except signing.VerificationError as exc:
                context["error"] = str(exc)
        if context["error"]:
            status = 400
    return render(request, "documents/verify.html", context, status=status)


@roles(*READERS)
def final_signatures(request, slug):
    act = for_authority(Act.objects.select_related("authority"), request, slug=slug)
    from . import final

    require(final.can_read(request.user, act), _("Vous n'avez pas accès au document définitif de cet acte."))
    document = FinalDocument.objects.filter(act=act).prefetch_related("signatures").first()
    reports, error = None, ""
    if document is not None and document.signed_sha256:
        try:
            reports = signing.verify_pdf(blobs.get(document.signed_sha256))
        except (signing.VerificationError, blobs.BlobIntegrityError) as exc:
            error = str(exc)
    return render(request, "documents/verify_final.html", {
        "act": act, "document": document, "signatures": document.signatures.all() if document else [],
        "reports": reports, "error": error,
    })


@roles(Role.SIGNATORY)
@require_http_methods(["GET", "POST"])
def sign_queue(request):
    user = request.user
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("documents") if v.isdigit()]
        if not ids:
            messages.error(request, _("Cochez au moins un acte à signer."))
            return redirect("documents:sign_queue")
        if len(ids) == 1:
            document = for_authority(FinalDocument.objects.select_related("act"), request, pk=ids[0])
            try:
                signing.sign_final(user, document)
            except (PermissionDenied, ValidationError) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
            else:
                messages.success(request, _("L'acte %(ref)s est signé.") % {"ref": document.act.reference})
            return redirect("documents:sign_queue")
        mine = set(signing.awaiting_signature(user).filter(pk__in=ids).values_list("pk", flat=True))
        if not mine:
            messages.error(request, _("Aucun des actes cochés n'attend votre signature."))
            return redirect("documents:sign_queue")
        result = signing.sign_finals_task.enqueue(user.pk, sorted(mine))
        if result.is_finished:  # a backend that runs tasks at once (tests)
            _report_batch(request, result.return_value or {})
        else:
            request.session[BATCH_KEY] = {"task": str(result.id), "ids": sorted(mine)}
            messages.success(request, ngettext(
                "La signature de %(n)d acte est lancée : la liste se met à jour à mesure.",
                "La signature de %(n)d actes est lancée : la liste se met à jour à mesure.",
                len(mine)) % {"n": len(mine)})
        return redirect("documents:sign_queue")
    signing_now, batch_running, batch_signed, batch_total = 0, False, 0, 0
    batch = request.session.get(BATCH_KEY)
    if batch:
        outcome = _batch_outcome(user, batch)
        if outcome is None:
            batch_running = True
            signing_now = signing.awaiting_signature(user).filter(pk__in=batch["ids"]).count()
            # progress: the batch's documents this user has signed ("n sur N signés")
            batch_total = len(batch["ids"])
            batch_signed = (FinalDocument.objects.filter(pk__in=batch["ids"], signatures__signer=user)
                            .distinct().count())
        elif request.headers.get("HX-Request"):  # finished: a full reload shows the outcome
            response = HttpResponse("")
            response["HX-Refresh"] = "true"
            return response
        else:
            del request.session[BATCH_KEY]
            _report_batch(request, outcome)
    documents = list(signing.awaiting_signature(user).prefetch_related("signatures"))
    from .minutes_signing import awaiting_minutes

    return render(request, "documents/sign_queue.html", {
        "documents": documents,
        "minutes_to_sign": awaiting_minutes(user),
        "capacity": keys.default_capacity(user),
        "signer_name": keys.signer_name(user),
        "signing_now": signing_now, "batch_running": batch_running,
        "batch_signed": batch_signed, "batch_total": batch_total,
    })


BATCH_KEY = "documents.sign_batch"  # the background signature launched from the parapheur


def _batch_outcome(user, batch) -> dict | None:
    """The batch's result once its task is finished (None while it runs): read from the task
    backend, or, for a backend that keeps no results, done once none of its documents waits."""
    from django.tasks import TaskResultStatus

    try:
        result = signing.sign_finals_task.get_result(batch["task"])
    except Exception:  # noqa: BLE001 - no result store, or the result was purged
        result = None
    if result is not None:
        if not result.is_finished:
            return None
        if result.status != TaskResultStatus.SUCCESSFUL:
            return {"signed": [], "failed": {str(i): _("erreur technique de la tâche de signature")
                                             for i in batch["ids"]}}
        return result.return_value or {}
    if signing.awaiting_signature(user).filter(pk__in=batch["ids"]).exists():
        return None
    return {"signed": list(batch["ids"]), "failed": {}}


def _report_batch(request, outcome: dict) -> None:
    signed = outcome.get("signed") or []
    if signed:
        messages.success(request, ngettext("%(n)d acte signé.", "%(n)d actes signés.",
                                           len(signed)) % {"n": len(signed)})
    references = dict(FinalDocument.objects.filter(pk__in=[int(k) for k in outcome.get("failed") or {}])
                      .values_list("pk", "act__reference"))
    for pk, reason in (outcome.get("failed") or {}).items():
        messages.error(request, _("%(ref)s non signé : %(reason)s") % {"ref": references.get(int(pk), pk),
                                                                        "reason": reason})
