"""Helpers shared by the convocation tests."""

import io

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject


def annex_pdf(text: str) -> bytes:
    """A one-page PDF whose page shows ``text`` (Helvetica), for annexes."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica"),
                             NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 14 Tf 72 760 Td ({escaped}) Tj ET".encode("cp1252"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_text(reader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def png_bytes() -> bytes:
    """A valid 1×1 PNG image."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def convocation_world(world, *, members: int = 6, acts: int = 3, days_ahead: int = 20, paper: int = 1):
    """A sitting world whose members all have an e-mail address, the last ``paper`` of them
    convened on paper."""
    from hemicycle.sittings.testing import build_sitting_world

    sw = build_sitting_world(world, members=members, acts=acts, days_ahead=days_ahead)
    for i, member in enumerate(sw.members):
        member.email = member.email or f"membre{i}@example.org"
        member.paper_convocation = i >= len(sw.members) - paper
        member.save(update_fields=["email", "paper_convocation"])
    for i, act in enumerate(sw.acts, 1):
        act.report = f"<p>Exposé des motifs de l'affaire {i} : <em>présentation</em> du projet.</p>"
        act.save(update_fields=["report"])
    return sw


def generate(world, sitting, capture, **extra):
    """Save the convocation (default letter) and run the generation task; returns it fresh."""
    from hemicycle.core.roles import Role
    from hemicycle.sittings.actions.convocation import current_convocation, save_convocation, start_generation
    from hemicycle.sittings.convocation_documents import default_letter_text

    user = world.users[Role.SECRETARIAT]
    current = current_convocation(sitting)
    extra.setdefault("letter_text", current.letter_text if current else default_letter_text(sitting))
    conv = save_convocation(user, sitting, convocation=current, **extra)
    with capture(execute=True):
        start_generation(user, conv)
    conv.refresh_from_db()
    assert conv.state == "ready", conv.error
    return conv


def send(world, conv, capture, **kwargs):
    """Send the convocation, running the e-mail task after commit; returns it fresh."""
    from hemicycle.core.roles import Role
    from hemicycle.sittings.actions.convocation import send_convocation

    with capture(execute=True):
        send_convocation(world.users[Role.SECRETARIAT], conv, **kwargs)
    conv.refresh_from_db()
    return conv
