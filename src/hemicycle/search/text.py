"""French text processing of the search index. Pure Python (no Django): the same code makes the
indexed terms and the query terms, so both engines (SQLite FTS5 and PostgreSQL) see the same
words and give the same results.

- words: letters and digits; « l'école » → « l », « école »; « Jean-Jaurès » → « jean », « jaurès »;
- case and accents folded: « Délibération » and « deliberation » are the same word;
- French stop words dropped (« le », « des », « pour »…), single letters dropped;
- stemmed with the Snowball French stemmer (the algorithm PostgreSQL's ``french`` configuration
  uses): « subventions », « subvention » → « subvent »; « écoles », « école » → « ecol ».

Stemming runs on the accented word then the result is folded, and the word is also stemmed
unaccented: when the two differ both are indexed, so a word typed without its accents finds the
accented one (and the reverse). The stemmer is cached: acts use a small vocabulary.

``snippet`` makes the highlighted extract of a result: HTML-escaped text with the words that
match the query in ``<mark>``.
"""

import html
import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# Filter tokens (authority, nature, matière, dates, flags) start with this prefix; a word of the
# text never does (see ``_safe``), so text can never be mistaken for a filter.
FILTER_PREFIX = "zz"

WORD_RE = re.compile(r"[^\W_]+")

# Snowball's French stop-word list (the one PostgreSQL's french dictionary uses), folded, plus
# the elided forms. Articles, pronouns, auxiliaries: never useful alone in a search.
STOP_WORDS = frozenset("""
au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me meme mes moi
mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos
votre vous c d j l a m n s t y ete etee etees etes etant etante etants etantes suis es est sommes etes
sont serai seras sera serons serez seront serais serait serions seriez seraient etais etait etions etiez
etaient fus fut fumes futes furent sois soit soyons soyez soient fusse fusses fut fussions fussiez
fussent ayant ayante ayantes ayants eu eue eues eus ai as avons avez ont aurai auras aura aurons aurez
auront aurais aurait aurions auriez auraient avais avait avions aviez avaient eut eumes eutes eurent aie
aies ait ayons ayez aient eusse eusses eut eussions eussiez eussent
""".split())

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'"})
_stemmer = snowballstemmer.stemmer("french")


def fold(text: str) -> str:
    """Lower case, accents and ligatures removed: « Délibération » → « deliberation »."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_LIGATURES).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _safe(term: str) -> str:
    """A text term never starts with the filter prefix (« zzz » → « z »)."""
    while term.startswith(FILTER_PREFIX):
        term = term[1:]
    return term


@lru_cache(maxsize=200_000)
def word_terms(word: str) -> tuple[str, ...]:
    """The index terms of one word (already lower-cased): () for a stop word, else the folded
    stem, then the stem of the folded word when it differs."""
    folded = fold(word)
    if not folded or folded in STOP_WORDS or (len(folded) == 1 and not folded.isdigit()):
        return ()
    if folded.isdigit():
        return (folded,)
    primary = _safe(fold(_stemmer.stemWord(word)))
    alternate = _safe(_stemmer.stemWord(folded))
    if not primary:
        return ()
    return (primary,) if alternate in ("", primary) else (primary, alternate)


def words(text: str) -> list[str]:
    return WORD_RE.findall((text or "").casefold())


def terms(text: str, prefix: str = "") -> str:
    """The indexed form of a text: its terms separated by spaces (each with ``prefix``: the
    engines scope terms to their authority, see engines.term_prefix)."""
    out = []
    for word in words(text):
        out.extend(word_terms(word))
    return " ".join(prefix + t for t in out) if prefix else " ".join(out)


def query_terms(query: str) -> list[tuple[str, ...]]:
    """The words of a query as alternatives of terms (each word must match one of its terms);
    stop words dropped, repeated words once, at most 12 words."""
    seen, out = set(), []
    for word in words(query):
        found = word_terms(word)
        if found and found not in seen:
            seen.add(found)
            out.append(found)
    return out[:12]


# --- Plain text -------------------------------------------------------------------------------

_TAG_RE = re.compile(r"<[^>]*>")
_BLOCK_RE = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote)\b[^>]*>", re.I)


def html_to_text(value: str) -> str:
    """The text of a (sanitised) HTML fragment: blocks become line breaks, entities decoded."""
    if not value:
        return ""
    text = _BLOCK_RE.sub("\n", value)
    text = html.unescape(_TAG_RE.sub("", text))
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


# --- Highlighting -----------------------------------------------------------------------------

_TERMS_OF: dict = {}  # word (lower case) → terms: a plain dict is the fastest look-up per word


def _terms_of(word: str) -> tuple[str, ...]:
    found = _TERMS_OF.get(word)
    if found is None:
        found = word_terms(word)
        if len(_TERMS_OF) < 500_000:
            _TERMS_OF[word] = found
    return found


def _lower(text: str) -> str:
    lower = text.lower()
    if len(lower) != len(text):  # a rare letter whose lower case is longer: keep offsets exact
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lower


def _scan(text: str, wanted: set[str]) -> list:
    """(start, end, term) of the words of ``text`` that have one of the wanted terms. The
    distinct words are looked up once, then found with one regular expression (C speed)."""
    if not wanted or not text:
        return []
    lower = _lower(text)
    term_of = {}
    for word in set(WORD_RE.findall(lower)):
        for term in _terms_of(word):
            if term in wanted:
                term_of[word] = term
                break
    if not term_of:
        return []
    pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(re.escape(w) for w in sorted(term_of, key=len, reverse=True))
                         + r")(?![^\W_])")
    return [(m.start(), m.end(), term_of[m.group(0)]) for m in pattern.finditer(lower)]


def highlight(text: str, query: list[tuple[str, ...]]) -> str:
    """The whole text, HTML-escaped, with the matching words in <mark>."""
    text = text or ""
    return _marked(text, _scan(text, {t for alts in query for t in alts}), 0, len(text))


def _marked(text: str, hits, start: int, end: int) -> str:
    out, pos = [], start
    for s, e, _term in hits:
        if s < start or e > end:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def _word_start(text: str, pos: int) -> int:
    """The start of the word at ``pos`` (or of the next word)."""
    pos = max(0, pos)
    while pos > 0 and not text[pos - 1].isspace():
        pos -= 1
    return pos


def _word_end(text: str, pos: int) -> int:
    pos = min(len(text), pos)
    while pos < len(text) and not text[pos].isspace():
        pos += 1
    return pos


def snippet(texts, query: list[tuple[str, ...]], *, size: int = 220) -> str:
    """The best extract of about ``size`` characters among ``texts`` (in order of preference):
    the window with the most distinct query words, then the most matches; matches in <mark>,
    « … » where the text is cut. The start of the first non-empty text when nothing matches."""
    wanted = {t for alts in query for t in alts}
    group_of = {t: n for n, alts in enumerate(query) for t in alts}
    best = None  # (score, text, start_char, end_char, hits)
    for text in texts:
        if not text or not text.strip():
            continue
        hits = _scan(text, wanted)
        if best is None and not hits:
            best = ((0, 0), text, 0, _word_end(text, size), [])
        j = 0
        for k in range(len(hits)):  # windows starting a little before each hit
            lo = max(0, hits[k][0] - 40)
            j = max(j, k)
            while j < len(hits) and hits[j][1] <= lo + size:
                j += 1
            window = hits[k:j] or hits[k:k + 1]
            score = (len({group_of[h[2]] for h in window}), len(window))
            if best is None or score > best[0]:
                best = (score, text, _word_start(text, lo), _word_end(text, max(lo + size, window[-1][1])), hits)
    if best is None:
        return ""
    _score, text, start, end, hits = best
    # Extend to the text's edges when only punctuation is left out.
    if not WORD_RE.search(text, 0, start):
        start = 0
    if not WORD_RE.search(text, end):
        end = len(text)
    body = " ".join(_marked(text, hits, start, end).split())
    return ("… " if start > 0 else "") + body + (" …" if end < len(text) else "")
