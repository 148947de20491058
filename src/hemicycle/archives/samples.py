"""URL parameters of the archives pages for the access-matrix test (core/tests/test_access_matrix.py).

A closed sitting of the current year, a register volume of that year (a row with small stored
files: the matrix tests access rules, not rendering) and a SEDA transfer record."""

import datetime

from django.utils import timezone

from hemicycle.core import blobs


def url_samples(world) -> dict:
    from hemicycle.sittings.models import Assembly, Sitting

    from .models import ArchiveTransfer, RegisterVolume

    authority = world.authority
    today = timezone.localdate()
    assembly = (Assembly.objects.filter(authority=authority, kind=Assembly.Kind.COUNCIL).order_by("pk").first()
                or Assembly.objects.create(authority=authority, name="Conseil municipal", seats=9))
    sitting, _ = Sitting.objects.get_or_create(
        authority=authority, slug=f"{today.year}-01-01-archives",
        defaults={"assembly": assembly, "date": datetime.date(today.year, 1, 1), "state": Sitting.State.CLOSED})
    pdf = blobs.put(b"%PDF-1.7\n% registre (exemple de la matrice des droits)\n%%EOF\n")
    volume, _ = RegisterVolume.objects.get_or_create(
        authority=authority, year=today.year,
        defaults={"pdf_sha256": pdf, "twin_sha256": blobs.put(b"{}"), "twin_csv_sha256": blobs.put(b"reference\r\n"),
                  "generated_at": timezone.now(), "sittings_count": 1})
    transfer = ArchiveTransfer.objects.filter(authority=authority).first() or ArchiveTransfer.objects.create(
        authority=authority, scope=ArchiveTransfer.Scope.SITTING, sitting=sitting, year=today.year,
        message_identifier=f"HEMICYCLE-{authority.siren}-matrice-{sitting.pk}",
        zip_sha256=blobs.put(b"PK\x05\x06" + b"\x00" * 18), manifest_sha256=blobs.put(b"<ArchiveTransfer/>"))
    year = {"year": volume.year}
    return {
        "archives:register": year,
        "archives:register_generate": year,
        "archives:register_sign": year,
        "archives:register_pdf": year,
        "archives:register_twin": {**year, "fmt": "json"},
        "archives:transfer_zip": {"pk": transfer.pk},
    }
