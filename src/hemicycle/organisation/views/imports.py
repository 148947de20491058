"""CSV imports with a preview: upload → table of what will happen, errors line by line →
confirm. The uploaded file is kept as a blob between the two steps (referenced by its SHA-256
in the session), so the user does not upload it twice; nothing is written before confirming."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hemicycle.core import blobs
from hemicycle.core.access import roles

from .. import actions
from ..csv_import import (DEPARTMENT_COLUMN_HELP, DEPARTMENT_COLUMNS, MAX_CSV_BYTES, MEMBER_COLUMN_HELP,
                          MEMBER_COLUMNS, CsvFileError, plan_departments, plan_members, template_csv)
from ..forms import CsvUploadForm, MemberCsvUploadForm
from .common import ADMIN, page

SESSION_KEY = "organisation_csv_import"

KINDS = {
    "members": {
        "title": gettext_lazy("Importer des élus (CSV)"), "form": MemberCsvUploadForm, "columns": MEMBER_COLUMNS,
        "help": MEMBER_COLUMN_HELP, "back": "organisation:members", "self": "organisation:members_import",
        "template": "organisation:members_template", "filename": "modele-elus.csv",
    },
    "departments": {
        "title": gettext_lazy("Importer des directions (CSV)"), "form": CsvUploadForm, "columns": DEPARTMENT_COLUMNS,
        "help": DEPARTMENT_COLUMN_HELP, "back": "organisation:departments", "self": "organisation:departments_import",
        "template": "organisation:departments_template", "filename": "modele-directions.csv",
    },
}


def _plan(kind, authority, content, create_groups):
    if kind == "members":
        return plan_members(authority, content, create_groups=create_groups)
    return plan_departments(authority, content)


def _apply(kind, request, content, create_groups):
    if kind == "members":
        return actions.import_members(request.user, request.authority, content, create_groups=create_groups)
    return actions.import_departments(request.user, request.authority, content)


def _stored(request, kind):
    """The content kept from the preview, when the posted digest is the one this session uploaded."""
    stored = request.session.get(SESSION_KEY) or {}
    digest = request.POST.get("sha256", "")
    if stored.get("kind") != kind or stored.get("sha256") != digest or stored.get("authority") != request.authority.pk \
            or not blobs.exists(digest):
        return None, stored
    return blobs.get(digest), stored


def _import_page(request, kind):
    spec = KINDS[kind]
    step = request.POST.get("step", "preview") if request.method == "POST" else ""
    form = spec["form"](request.POST or None, request.FILES or None) if step == "preview" else spec["form"]()
    context = {"spec": spec, "kind": kind, "form": form, "max_mb": MAX_CSV_BYTES // (1024 * 1024)}
    if step == "cancel":
        request.session.pop(SESSION_KEY, None)
        messages.info(request, _("Import annulé : rien n'a été enregistré."))
        return redirect(spec["self"])
    if step in ("confirm", "refresh"):
        content, stored = _stored(request, kind)
        if content is None:
            messages.error(request, _("Le fichier à importer n'est plus disponible : déposez-le à nouveau."))
            return redirect(spec["self"])
        if step == "refresh":
            stored["create_groups"] = request.POST.get("create_groups") == "1"
            request.session[SESSION_KEY] = stored
        else:
            try:
                plan, result = _apply(kind, request, content, stored.get("create_groups", False))
            except CsvFileError as exc:
                messages.error(request, str(exc))
                return redirect(spec["self"])
            request.session.pop(SESSION_KEY, None)
            text = _("Import terminé : %(created)d création(s), %(updated)d mise(s) à jour.") % {
                "created": result.created, "updated": result.updated}
            if plan.error_lines:
                text += " " + _("%(count)d ligne(s) en erreur ignorée(s) : %(lines)s.") % {
                    "count": len(plan.error_lines), "lines": ", ".join(map(str, plan.error_lines))}
            messages.success(request, text)
            return redirect(spec["back"])
        plan = _plan(kind, request.authority, content, stored.get("create_groups", False))
        return page(request, "organisation/import.html", spec["title"], plan=plan, filename=stored.get("filename", ""),
                    create_groups=stored.get("create_groups", False), **context)
    if step == "preview" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            form.add_error("file", _("Le fichier dépasse %(mb)d Mo.") % {"mb": context["max_mb"]})
        else:
            content = upload.read()
            create_groups = bool(form.cleaned_data.get("create_groups"))
            try:
                plan = _plan(kind, request.authority, content, create_groups)
            except CsvFileError as exc:
                form.add_error("file", str(exc))
            else:
                request.session[SESSION_KEY] = {"kind": kind, "sha256": blobs.put(content), "filename": upload.name,
                                                "create_groups": create_groups, "authority": request.authority.pk}
                return page(request, "organisation/import.html", spec["title"], plan=plan, filename=upload.name,
                            create_groups=create_groups, **context)
    return page(request, "organisation/import.html", spec["title"], plan=None, **context)


@roles(*ADMIN)
def members_import(request):
    return _import_page(request, "members")


@roles(*ADMIN)
def departments_import(request):
    return _import_page(request, "departments")


def _template_response(kind):
    response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{KINDS[kind]["filename"]}"'
    return response


@roles(*ADMIN)
def members_template(request):
    return _template_response("members")


@roles(*ADMIN)
def departments_template(request):
    return _template_response("departments")
