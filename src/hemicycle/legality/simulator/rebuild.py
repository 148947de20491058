"""Rebuild the @CTES archive of a posted transaction, as the operator does (S²LOW builds the
envelope and the ``actes:Acte`` message from the form fields), and validate it against the XSD."""

from __future__ import annotations

from datetime import date

from hemicycle.legality import actes

from .messages import NATURE_ABBREV


def _extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else "pdf"


def rebuild_archive(account, fields: dict, *, serial: int) -> dict:
    """``fields`` as checked by the server. Returns {archive_name, archive, message, files, errors}.
    Raises actes.ActesError when the data cannot make a message at all (the server answers KO)."""
    act_name, act_bytes = fields["act_file"]
    annexes = tuple(actes.Piece(content=content, piece_type=code, extension=_extension(name), title=name)
                    for (name, content), code in zip(fields["attachments"], fields["type_pj"], strict=True))
    classification_date = (date.fromisoformat(fields["classification_date"]) if fields["classification_date"]
                           else date.fromisoformat(account.classification_date or "2017-12-08"))
    data = actes.ActeData(
        siren=account.siren, department=account.department, arrondissement=account.arrondissement or "0",
        decision_date=fields["decision_date"], number=fields["number"], nature=NATURE_ABBREV[fields["nature_code"]],
        matieres=tuple(int(c) for c in fields["classification"]), object=fields["subject"],
        classification_date=classification_date,
        act=actes.Piece(content=act_bytes, piece_type=fields["type_acte"], extension=_extension(act_name)),
        annexes=annexes, authority_nature=account.nature or "31",
        return_emails=(account.email,), paper_documents=fields["document_papier"])
    archive = actes.build_archive(data, serial, trigramme="SIM")
    message = archive.files[data.message_name]
    errors = [f"{data.message_name} : {e}" for e in actes.validate_message(message)]
    errors += [f"{archive.envelope_name} : {e}" for e in actes.validate_message(archive.files[archive.envelope_name])]
    return {"archive_name": archive.name, "archive": archive.data, "message": message,
            "files": list(archive.files), "errors": errors}


def validate(xml: bytes) -> list[str]:
    return actes.validate_message(xml)
