"""French processing of the search index, without a database: a query word finds a text word
when they share a term."""

import datetime

import pytest

from hemicycle.search import engines, text


def finds(query: str, content: str) -> bool:
    indexed = set(text.terms(content).split())
    wanted = text.query_terms(query)
    return bool(wanted) and all(set(alts) & indexed for alts in wanted)


@pytest.mark.parametrize("query, content, expected", [
    ("subventions", "Attribution d'une subvention", True),
    ("subvention", "Attribution de subventions aux associations", True),
    ("deliberation", "Délibération du conseil municipal", True),
    ("DÉLIBÉRATIONS", "deliberation", True),
    ("écoles", "Travaux dans l'école maternelle", True),
    ("ecole", "Travaux dans les écoles", True),
    ("associations culturelles", "Aide à une association culturelle", True),
    ("municipaux", "le théâtre municipal", True),
    ("travaux voirie", "Travaux de voirie rue de la Roquette", True),
    ("Élise", "ELISE", True),
    ("cœur", "Le coeur de ville", True),
    ("l'école", "école", True),  # elision
    ("crèche", "Travaux dans l'école", False),
    ("subvention crèche", "Subvention à l'école", False),  # every word must match
    ("2026", "budget 2026", True),
    ("2025", "budget 2026", False),
])
def test_query_words_find_text_words(query, content, expected):
    assert finds(query, content) is expected


def test_stop_words_and_single_letters_are_not_terms():
    assert text.query_terms("le la des à l' d'") == []
    assert text.terms("de la ville") == text.terms("ville")


def test_text_can_never_produce_a_filter_token():
    assert not any(t.startswith(text.FILTER_PREFIX) for t in text.terms("zza17 zzconf zzpub zzzz"))
    assert all(not t.startswith(text.FILTER_PREFIX) for alts in text.query_terms("zza17 zzopen") for t in alts)


def test_html_to_text():
    assert text.html_to_text("<p>Mesdames,</p><ul><li>un &amp; deux</li></ul>") == "Mesdames,\nun & deux"


def test_highlight_marks_words_and_escapes_the_rest():
    html = text.highlight("Subventions <b>aux</b> écoles", text.query_terms("subvention ecole"))
    assert html == "<mark>Subventions</mark> &lt;b&gt;aux&lt;/b&gt; <mark>écoles</mark>"


def test_snippet_picks_the_window_with_the_query_words():
    body = " ".join(f"mot{i}" for i in range(200)) + " la subvention attribuée à la crèche " + " ".join(
        f"fin{i}" for i in range(200))
    snip = text.snippet(["rien ici", body], text.query_terms("subventions crèches"))
    assert "<mark>subvention</mark>" in snip and "<mark>crèche</mark>" in snip
    assert snip.startswith("… ") and snip.endswith(" …") and len(snip.split()) < 45


def test_snippet_without_match_is_the_start_of_the_text():
    assert text.snippet(["", "Un texte court."], text.query_terms("absent")) == "Un texte court."


@pytest.mark.parametrize("date_from, date_to, tokens, exact", [
    (datetime.date(2024, 1, 1), datetime.date(2025, 12, 31), ["zzy2024", "zzy2025"], False),
    (datetime.date(2024, 11, 1), datetime.date(2025, 2, 28), ["zzd202411", "zzd202412", "zzd202501", "zzd202502"],
     False),
    (datetime.date(2024, 3, 15), datetime.date(2024, 3, 20), ["zzd202403"], True),
    (datetime.date(2025, 1, 1), datetime.date(2024, 1, 1), [], False),
])
def test_date_tokens(date_from, date_to, tokens, exact):
    assert engines.date_tokens(date_from, date_to) == (tokens, exact)
    scoped = engines.date_tokens(date_from, date_to, 17)[0]
    assert scoped == [t.replace("zz", "zz17", 1) for t in tokens]


def test_matiere_tokens_cover_parents():
    assert engines.matiere_codes_with_parents(["7.5.2"]) == ["7", "7.5", "7.5.2"]
    assert engines.matiere_token(17, "7.5") == "zz17m7x5"


def test_terms_are_scoped_to_their_authority():
    assert text.terms("Les subventions", engines.term_prefix(17)) == "a17xsubvent"
    tokens = engines.filter_tokens(authority_id=17, nature="DE", matieres=["7.5"], date=datetime.date(2026, 3, 2),
                                   published=True, confidential=False, masked=True).split()
    assert tokens == ["zz17", "zz17nde", "zz17m7", "zz17m7x5", "zz17y2026", "zz17d202603", "zz17pub", "zz17masked"]
