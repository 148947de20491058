"""Search inside a sitting pack.

The text of each page is extracted once per pack (by SHA-256) with pypdf into ``PackPage``
rows — in the background (``index_pack_task``), since a Paris pack runs to thousands of
pages — together with the pack's bookmarks. A search folds the query and the pages the same
way (no case, no accents, typographic apostrophes and any run of spaces made plain), asks
the database for the pages holding every word, and cuts a short excerpt around each hit in
the original text, with the hit marked.
"""

import io
import logging
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from hemicycle.core import blobs

from .models import PackPage, PackText

logger = logging.getLogger(__name__)

MAX_TERMS = 8
MAX_RESULTS = 200  # pages listed for one search
EXCERPT = 70  # characters shown on each side of a hit
_SAME = {"’": "'", "‘": "'", "ʼ": "'", "«": '"', "»": '"', "‐": "-", "‑": "-", "–": "-", "—": "-", "\u00ad": ""}


def _fold_char(char: str) -> str:
    char = _SAME.get(char, char)
    if char.isspace():
        return " "
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the original character."""
    out: list[str] = []
    where: list[int] = []
    last_space = True
    for index, char in enumerate(text):
        for piece in _fold_char(char):
            if piece == " ":
                if last_space:
                    continue
                last_space = True
            else:
                last_space = False
            out.append(piece)
            where.append(index)
    while out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


def fold(text: str) -> str:
    """"École  MATERNELLE l’Île" → "ecole maternelle l'ile"."""
    return fold_with_map(text)[0]


def terms_of(query: str) -> list[str]:
    """The words to find, folded; a quoted phrase stays one term."""
    terms, rest = [], query
    while '"' in rest or "«" in rest:
        rest = rest.replace("«", '"').replace("»", '"')
        before, _, after = rest.partition('"')
        phrase, closed, after = after.partition('"')
        terms.extend(fold(before).split())
        if fold(phrase):
            terms.append(fold(phrase))
        rest = after if closed else ""
    terms.extend(fold(rest).split())
    return list(dict.fromkeys(t for t in terms if t))[:MAX_TERMS]


# --- Indexing -----------------------------------------------------------------------------


def _outline(reader) -> list[dict]:
    entries: list[dict] = []

    def walk(nodes, level):
        for node in nodes:
            if isinstance(node, list):
                walk(node, level + 1)
                continue
            try:
                page = reader.get_destination_page_number(node) + 1
            except Exception:  # noqa: BLE001 - a broken bookmark is skipped, not fatal
                continue
            entries.append({"title": str(node.title or "")[:300], "page": page, "level": level})

    try:
        walk(reader.outline, 0)
    except Exception:  # noqa: BLE001
        logger.warning("Signets illisibles dans un dossier de séance.")
    return entries[:5000]


def index_pack(sha256: str) -> PackText:
    """Extract the pages' text and the bookmarks of the pack (idempotent)."""
    from pypdf import PdfReader

    pack, _ = PackText.objects.get_or_create(sha256=sha256)
    try:
        reader = PdfReader(io.BytesIO(blobs.get(sha256)))
        rows = []
        for number, page in enumerate(reader.pages, start=1):
            try:
                text = page.extract_text() or ""
            except Exception:  # noqa: BLE001 - one unreadable page does not stop the others
                text = ""
            text = text.replace("\x00", "")
            rows.append(PackPage(sha256=sha256, page=number, text=text, folded=fold(text)))
        outline = _outline(reader)
    except Exception as exc:  # noqa: BLE001 - a damaged or missing file is reported, not raised
        logger.warning("Indexation du dossier %s impossible : %s", sha256, exc)
        PackText.objects.filter(pk=pack.pk).update(state=PackText.State.FAILED, error=str(exc)[:300])
        pack.refresh_from_db()
        return pack
    with transaction.atomic():
        PackPage.objects.filter(sha256=sha256).delete()
        PackPage.objects.bulk_create(rows, batch_size=500)
        PackText.objects.filter(pk=pack.pk).update(state=PackText.State.DONE, pages=len(rows), outline=outline,
                                                   error="", indexed_at=timezone.now())
    pack.refresh_from_db()
    return pack


@task()
def index_pack_task(sha256: str) -> int:
    return index_pack(sha256).pages


def ensure_indexed(sha256: str) -> PackText:
    """The pack's index, asking for it in the background the first time (and after a failure
    or an index left pending for more than ten minutes)."""
    pack, created = PackText.objects.get_or_create(sha256=sha256)
    waited = (timezone.now() - pack.requested_at).total_seconds()
    if created or (pack.state != PackText.State.DONE and waited > 600):
        if not created:
            PackText.objects.filter(pk=pack.pk).update(state=PackText.State.PENDING, requested_at=timezone.now())
        index_pack_task.enqueue(sha256)
        pack.refresh_from_db()
    return pack


# --- Searching ----------------------------------------------------------------------------


@dataclass
class Hit:
    page: int
    excerpts: list[list[tuple[str, bool]]] = field(default_factory=list)  # [(text, is_hit), …] per excerpt


def _excerpt(text: str, where: list[int], start: int, length: int) -> list[tuple[str, bool]]:
    begin, end = where[start], where[start + length - 1] + 1
    left = max(0, begin - EXCERPT)
    right = min(len(text), end + EXCERPT)
    before = " ".join(text[left:begin].split())
    after = " ".join(text[end:right].split())
    return [(("…" if left > 0 else "") + before + (" " if text[left:begin][-1:].isspace() else ""), False),
            (" ".join(text[begin:end].split()), True),
            ((" " if text[end:right][:1].isspace() else "") + after + ("…" if right < len(text) else ""), False)]


def search(sha256: str, query: str) -> tuple[list[Hit], bool]:
    """Pages of the pack holding every term of ``query`` (accent- and case-insensitive), with
    excerpts; and whether the list was cut at MAX_RESULTS."""
    terms = terms_of(query)
    if not terms:
        return [], False
    pages = PackPage.objects.filter(sha256=sha256)
    for term in terms:
        pages = pages.filter(folded__contains=term)
    pages = list(pages.order_by("page")[:MAX_RESULTS + 1])
    truncated = len(pages) > MAX_RESULTS
    hits = []
    for row in pages[:MAX_RESULTS]:
        folded, where = fold_with_map(row.text)
        hit = Hit(page=row.page)
        for term in terms:
            at = folded.find(term)
            if at >= 0:
                hit.excerpts.append(_excerpt(row.text, where, at, len(term)))
        hits.append(hit)
    return hits, truncated
