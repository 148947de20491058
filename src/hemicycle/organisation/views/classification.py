from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from hemicycle.acts.classification import MAX_CLASSIFICATION_BYTES, ClassificationError, classification_tree
from hemicycle.acts.models import ClassificationVersion
from hemicycle.core.access import for_authority, roles

from .. import actions
from ..forms import ClassificationUploadForm
from .common import VIEWERS, page


@roles(*VIEWERS)
def classification(request):
    """The authority's classification of acts (matières): its tree, and the upload of a new one
    received from the prefecture (administrators only)."""
    form = ClassificationUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_CLASSIFICATION_BYTES:
            form.add_error("file", _("Le fichier dépasse %(mb)d Mo : ce n'est pas une classification.")
                           % {"mb": MAX_CLASSIFICATION_BYTES // (1024 * 1024)})
        else:
            try:
                result = actions.import_classification_file(request.user, request.authority, upload.read())
            except ClassificationError as exc:
                form.add_error("file", str(exc))
            else:
                (messages.success if result.created else messages.info)(request, result.message)
                return redirect("organisation:classification")
    versions = ClassificationVersion.objects.filter(authority=request.authority).order_by("-version_date")
    selected = request.GET.get("version")
    if selected and selected.isdigit():
        version = for_authority(ClassificationVersion, request, pk=int(selected))
    else:
        version = versions.first()
    return page(request, "organisation/classification.html", _("Classification des actes"), form=form,
                versions=versions, version=version, tree=classification_tree(version),
                latest=versions.first())
