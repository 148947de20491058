"""Suggestions of personal data to mask, and the masking itself (pure functions)."""

import pytest

from hemicycle.publication.masking import (
    MASK, apply_masks, apply_masks_html, mask_content, mask_everywhere, normalise, passage_found, suggest,
    suggest_for_content,
)

MEMBERS = [("Anne", "Lefèvre"), ("Bruno", "Garnier")]


@pytest.mark.parametrize("text, expected", [
    # Names introduced by a civility
    ("Subvention versée à M. Jean Dupont pour ses travaux.", [("person", "M. Jean Dupont")]),
    ("Madame DURAND a demandé une aide.", [("person", "Madame DURAND")]),
    ("Mme de La Tour, propriétaire.", [("person", "Mme de La Tour")]),
    ("M. Jean-Pierre d'Artagnan et Me Durand, avocat.",
     [("person", "M. Jean-Pierre d'Artagnan"), ("person", "Me Durand")]),
    ("Mlle Chloé Martin", [("person", "Mlle Chloé Martin")]),
    # Functions after a civility are not names
    ("M. le Maire, Monsieur Le Maire et Madame la Présidente", []),
    ("Monsieur le Préfet de la région", []),
    # Members of the assembly are public: never suggested (full name or last name)
    ("Mme Anne Lefèvre, rapporteure, présente le projet.", []),
    ("M. Garnier a voté pour.", []),
    ("Mme LEFEVRE intervient.", []),
    # …but a private person who shares a member's last name is
    ("M. Paul Garnier, riverain.", [("person", "M. Paul Garnier")]),
    # Addresses
    ("domiciliée 12 rue des Lilas, 75011 Paris, a demandé",
     [("address", "12 rue des Lilas, 75011 Paris")]),
    ("3 bis, avenue Jean-Jaurès, 75019 Paris", [("address", "3 bis, avenue Jean-Jaurès, 75019 Paris")]),
    ("au 14 rue du 8 Mai 1945", [("address", "14 rue du 8 Mai 1945")]),
    ("le local situé 5 impasse de l'Église", [("address", "5 impasse de l'Église")]),
    # E-mails and telephone numbers
    ("Contact : jean.dupont@example.org.", [("email", "jean.dupont@example.org")]),
    ("Tél. 01 23 45 67 89", [("phone", "01 23 45 67 89")]),
    ("06.12.34.56.78 ou +33 6 12 34 56 78 ou 0612345678",
     [("phone", "06.12.34.56.78"), ("phone", "+33 6 12 34 56 78"), ("phone", "0612345678")]),
    # Not personal data
    ("Le crédit est porté à 10 000 euros ; article 12 ; 250000 ; le 14 novembre 2026.", []),
    ("Vu le code général des collectivités territoriales, notamment son article L2121-29", []),
    ("SIRET 21750001600017", []),
    ("", []),
    # Each passage once, in order of appearance
    ("M. Jean Dupont écrit ; M. Jean Dupont signe.", [("person", "M. Jean Dupont")]),
])
def test_suggestions(text, expected):
    assert [(s.kind, s.text) for s in suggest(text, MEMBERS)] == expected


def test_suggestion_positions_point_at_the_text():
    text = "Aide à M. Jean Dupont, 12 rue des Lilas."
    for s in suggest(text):
        assert text[s.start:s.end] == s.text


def test_suggestions_over_content_skip_marked_passages_and_tag_the_field():
    content = {"object": "Aide à M. Jean Dupont", "visas": ["Vu la demande de M. Jean Dupont du 3 mars"],
               "considerants": ["Considérant que Mme Léa Roux réside 4 place du Marché"], "articles": []}
    found = suggest_for_content(content, MEMBERS, exclude=["M. Jean Dupont"])
    assert [(s.field, s.kind, s.text) for s in found] == [
        ("considerants", "person", "Mme Léa Roux"), ("considerants", "address", "4 place du Marché")]


@pytest.mark.parametrize("text, passages, expected", [
    ("Aide à M. Jean Dupont.", ["M. Jean Dupont"], f"Aide à {MASK}."),
    ("Dupont, Dupont", ["Dupont"], f"{MASK}, {MASK}"),
    # The longest passage wins when they overlap
    ("M. Jean Dupont", ["Jean", "M. Jean Dupont"], MASK),
    ("Rien à masquer", ["absent"], "Rien à masquer"),
    ("Texte", [], "Texte"),
    ("Texte", ["", "  "], "Texte"),
    # Regex characters are literal
    ("Prix (a+b)* = 3", ["(a+b)*"], f"Prix {MASK} = 3"),
])
def test_apply_masks(text, passages, expected):
    assert apply_masks(text, passages) == expected


def test_apply_masks_html_keeps_the_markup():
    html = '<p>Aide à <strong>M. Jean Dupont</strong>, domicilié 12 rue des Lilas.</p><ul><li>Dupont</li></ul>'
    out = apply_masks_html(html, ["M. Jean Dupont", "12 rue des Lilas", "Dupont"])
    assert out == f'<p>Aide à <strong>{MASK}</strong>, domicilié {MASK}.</p><ul><li>{MASK}</li></ul>'


def test_mask_content_per_field_and_anywhere():
    content = {"object": "Aide à M. Dupont", "visas": ["Vu la demande de M. Dupont"],
               "considerants": ["Considérant M. Dupont"], "articles": ["Article : M. Dupont, 12 rue X"],
               "report": "<p>M. Dupont</p>", "other": "M. Dupont"}
    out = mask_content(content, [("visas", "M. Dupont"), ("", "12 rue X")])
    assert out["object"] == "Aide à M. Dupont"  # only masked in the visas
    assert out["visas"] == [f"Vu la demande de {MASK}"]
    assert out["articles"] == [f"Article : M. Dupont, {MASK}"]
    assert out["other"] == "M. Dupont"  # not a content field
    assert content["visas"] == ["Vu la demande de M. Dupont"]  # the input is untouched


def test_mask_everywhere_walks_nested_data():
    data = {"a": "M. Dupont", "b": ["x M. Dupont", {"c": "M. Dupont"}], "n": 3, "none": None}
    assert mask_everywhere(data, ["M. Dupont"]) == {"a": MASK, "b": [f"x {MASK}", {"c": MASK}], "n": 3,
                                                    "none": None}


def test_passage_found():
    content = {"object": "Aide à M. Dupont", "visas": ["Vu X"], "considerants": [], "articles": [], "report": ""}
    assert passage_found(content, "", "M. Dupont")
    assert passage_found(content, "object", "M. Dupont")
    assert not passage_found(content, "visas", "M. Dupont")
    assert not passage_found(content, "", "m. dupont")  # as typed


def test_normalise():
    assert normalise("  Élise   FONTAINE ") == "elise fontaine"
    assert normalise("Délibération d’urbanisme") == "deliberation d'urbanisme"
