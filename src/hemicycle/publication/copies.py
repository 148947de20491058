"""The publication copy of an act whose personal data is masked (CRPA L312-1-2).

The signed original is never modified (its hash does not change): the copy is a new PDF/A-2b
rendered by the final document's own renderer (documents/final.py) from the same render data,
the marked passages replaced by « [occulté] » and the mention « Version publiée — données
personnelles occultées (CRPA L312-1-2) » printed at the foot of every page. It is not signed:
the signed original stays with the authority (and is what the prefecture receives).
"""

from hemicycle.documents import final

from . import masking


def render_published_copy(document, masks) -> bytes:
    """PDF of the final document with the passages ``masks`` ([(field, text)]) masked."""
    data, _signatory = final.document_data(document)
    return final.render_final_pdf(masked_final_data(data, masks))


UNMASKED_KEYS = ("labels", "signature", "kind")  # template settings, never text of the act


def masked_final_data(data: dict, masks) -> dict:
    """The final document's render data with the marked passages replaced: per field (object —
    also in the document title —, visas, considérants, articles; the exposé des motifs is not
    part of the final document), and « anywhere » passages in every text of the document."""
    by_field = masking.masks_by_field(masks)
    data = dict(data)
    for field in ("object", "visas", "considerants", "articles"):
        if field in data:
            data[field] = masking.mask_content({field: data[field]}, [(field, t) for t in by_field[field]])[field]
    if "doc_title" in data:
        data["doc_title"] = masking.apply_masks(data["doc_title"], by_field["object"])
    anywhere = [t for f, t in masks if not f]
    for key, value in data.items():
        if key not in UNMASKED_KEYS:
            data[key] = masking.mask_everywhere(value, anywhere)
    data["published_mention"] = masking.PUBLISHED_MENTION
    # On every page, in place of the usual footer (which repeats the title and the assembly).
    data["footer"] = f"{data.get('reference', '')} — {masking.PUBLISHED_MENTION}".lstrip(" —")
    return data
