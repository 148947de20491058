"""Actions of the archives that are not the register's (register.py holds those):
producing a SEDA transfer package and recording it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.core import blobs
from hemicycle.journal.services import record

from .models import ArchiveTransfer
from .register import can_manage
from .seda import build_package, validate_manifest


def export_package(user, authority, *, sitting=None, year: int | None = None) -> tuple[ArchiveTransfer, list[str]]:
    """Build, check and store the SEDA package of a sitting or a year; returns (record, warnings).

    ``user`` None: the command line (the journal says "système"). The manifest is validated
    against the SEDA 2.3 schema before anything is stored: an invalid package is never produced."""
    from .register import register_sittings
    from hemicycle.sittings.models import Sitting

    if user is not None and not can_manage(user, authority):
        raise PermissionDenied(_("Seuls le secrétariat des assemblées et l'administrateur produisent les versements."))
    if sitting is not None:
        if sitting.authority_id != authority.pk:
            raise PermissionDenied(_("Cette séance n'est pas celle de votre collectivité."))
        if sitting.state != Sitting.State.CLOSED:
            raise ValidationError(_("La séance du %(date)s n'est pas close : rien à verser.")
                                  % {"date": sitting.date.strftime("%d/%m/%Y")})
    elif year is not None:
        if not register_sittings(authority, year).exists():
            raise ValidationError(_("Aucune séance close en %(year)s : rien à verser.") % {"year": year})
    else:
        raise ValidationError(_("Indiquez une séance ou une année."))
    package = build_package(authority, sitting=sitting, year=year, now=timezone.localtime())
    errors = validate_manifest(package.manifest)
    if errors:  # a bug, not a user error: never hand over an invalid package
        raise RuntimeError("Bordereau SEDA invalide : " + " ; ".join(errors[:5]))
    data = package.zip_bytes()
    with transaction.atomic():
        files = []
        for f in package.files:
            blobs.put(f.data)  # most are already stored; the minutes PDF is made for the package
            files.append({"path": f.path, "sha256": f.sha256, "sha512": f.sha512, "size": f.size, "owner": f.owner})
        transfer = ArchiveTransfer.objects.create(
            authority=authority, scope=ArchiveTransfer.Scope.SITTING if sitting is not None else ArchiveTransfer.Scope.YEAR,
            sitting=sitting, year=year if sitting is None else sitting.date.year,
            message_identifier=package.message_identifier, zip_sha256=blobs.put(data), zip_size=len(data),
            manifest_sha256=blobs.put(package.manifest), files=files, acts_count=package.acts,
            created_by=user)
        record("seda.exported", actor=user, authority=authority, obj=transfer,
               data={"message_identifier": transfer.message_identifier, "scope": transfer.scope,
                     "sitting": sitting.slug if sitting is not None else None, "year": transfer.year,
                     "zip_sha256": transfer.zip_sha256, "files": len(files), "acts": package.acts,
                     "warnings": package.warnings[:20]})
    return transfer, package.warnings
