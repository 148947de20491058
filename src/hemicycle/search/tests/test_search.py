"""Full-text search of acts (hemicycle.search.search) on the real index, kept up to date by the
act actions: French stemming and accents, ranking, highlighting, filters, authority isolation,
confidential acts, the published text, the reindex command, the staff list of acts. Runs on
SQLite (FTS5) and on PostgreSQL (tsvector) alike."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from hemicycle.acts.actions import update_act
from hemicycle.acts.classification import load_default_classification
from hemicycle.core.roles import Role
from hemicycle.search import search
from hemicycle.search.models import SearchEntry

from .helpers import act, decide, publish


def refs(page):
    return [r.reference for r in page.results]


@pytest.fixture
def corpus(world):
    acts = {
        "subvention": act(world, "Subvention à l'association Les Amis du Théâtre",
                          articles=["Une subvention de 5 000 euros est attribuée."]),
        "ecole": act(world, "Travaux de rénovation de l'école maternelle Jean-Jaurès",
                     report="<p>Les <strong>écoles</strong> du quartier accueillent 300 élèves.</p>"),
        "deliberation": act(world, "Modification de la délibération relative aux tarifs des crèches"),
        "voirie": act(world, "Aménagement de la voirie rue des Pyrénées", department="DFPE", user="drafter2",
                      articles=["Les travaux de voirie sont confiés à la direction."]),
    }
    return acts


@pytest.mark.parametrize("query, key", [
    ("subventions", "subvention"),
    ("SUBVENTION", "subvention"),
    ("deliberation", "deliberation"),
    ("délibérations", "deliberation"),
    ("écoles", "ecole"),
    ("ecole", "ecole"),
    ("renovations ecoles", "ecole"),
    ("eleves", "ecole"),  # in the exposé des motifs (HTML stripped)
    ("creche", "deliberation"),
    ("travaux voirie", "voirie"),
    ("Pyrenees", "voirie"),
    ("theatre", "subvention"),
])
def test_french_words_find_the_act(corpus, world, query, key):
    page = search(query, authority=world.authority)
    assert refs(page) == [corpus[key].reference]
    assert page.total == 1


def test_every_word_must_match_and_stop_words_alone_find_nothing(corpus, world):
    assert search("subvention crèche", authority=world.authority).total == 0
    assert search("de la des", authority=world.authority).total == 0


def test_an_empty_query_lists_the_acts_most_recent_decision_first(corpus, world):
    decide(corpus["ecole"], datetime.date(2026, 2, 1))
    decide(corpus["voirie"], datetime.date(2026, 3, 1))
    page = search("", authority=world.authority)
    assert page.total == 4 and refs(page)[:2] == [corpus["voirie"].reference, corpus["ecole"].reference]


def test_ranking_puts_the_object_before_a_mention_in_the_text(world):
    low = act(world, "Convention d'occupation du domaine public",
              articles=["La piscine municipale est concernée par la convention."])
    high = act(world, "Rénovation de la piscine municipale des Amandiers")
    page = search("piscine", authority=world.authority)
    assert refs(page) == [high.reference, low.reference]
    assert page.results[0].rank > page.results[1].rank > 0


def test_highlighted_snippet_and_object(world):
    a = act(world, "Subventions aux crèches <associatives>",
            articles=["Une subvention est attribuée à la crèche « Les Lucioles » & à ses familles."])
    [result] = search("crèche subvention", authority=world.authority).results
    assert result.act_id == a.pk
    assert "<mark>subvention</mark>" in result.snippet and "<mark>crèche</mark>" in result.snippet
    assert "&amp;" in result.snippet and "<associatives>" not in result.object_html
    assert result.object_html.startswith("<mark>Subventions</mark> aux <mark>crèches</mark> &lt;associatives&gt;")


def test_filters_by_nature_date_and_matiere(world):
    load_default_classification(world.authority)
    a = act(world, "Subvention au club de football", matiere_codes=["7", "7.5"])
    b = act(world, "Subvention exceptionnelle au club de rugby", nature="AR", matiere_codes=["7"])
    c = act(world, "Subvention au club de tennis", target_sitting_date=datetime.date(2025, 6, 12))
    decide(a, datetime.date(2026, 1, 15))
    decide(b, datetime.date(2026, 3, 31))
    auth = world.authority
    assert set(refs(search("club", authority=auth))) == {a.reference, b.reference, c.reference}
    assert refs(search("club", authority=auth, nature="AR")) == [b.reference]
    assert set(refs(search("club", authority=auth, matiere="7"))) == {a.reference, b.reference}
    assert refs(search("club", authority=auth, matiere="7.5")) == [a.reference]
    assert refs(search("club", authority=auth, date_from="2026-01-01", date_to="2026-01-31")) == [a.reference]
    assert refs(search("club", authority=auth, date_from=datetime.date(2026, 1, 16))) == [b.reference]
    assert refs(search("club", authority=auth, date_to=datetime.date(2026, 1, 15))) == [c.reference, a.reference] \
        or set(refs(search("club", authority=auth, date_to=datetime.date(2026, 1, 15)))) == {a.reference, c.reference}
    assert refs(search("club", authority=auth, date_from="2026-03-31", date_to="2026-03-31")) == [b.reference]
    assert search("club", authority=auth, date_from="2026-04-01", date_to="2026-03-01").total == 0
    assert refs(search("", authority=auth, matiere="7.5")) == [a.reference]  # filters alone
    assert refs(search("", authority=auth, date_from="2025-01-01", date_to="2025-12-31")) == [c.reference]


def test_search_is_always_scoped_to_one_authority(world, other_world):
    mine = act(world, "Subvention à la médiathèque")
    act(other_world, "Subvention à la médiathèque d'Autreville")
    assert refs(search("médiathèque", authority=world.authority)) == [mine.reference]
    assert search("médiathèque", authority=other_world.authority).total == 1
    with pytest.raises(ValueError):
        search("médiathèque")


def test_confidential_acts_only_when_staff_asks(world):
    secret = act(world, "Protection fonctionnelle d'un agent", confidential=True)
    assert search("protection agent", authority=world.authority).total == 0
    assert refs(search("protection agent", authority=world.authority, include_confidential=True)) == [secret.reference]
    publish(world, secret)  # even if a publication row existed, a confidential act is never public
    assert search("protection", authority=world.authority, published_only=True,
                  include_confidential=True).total == 0


def test_published_only_searches_the_published_text(world):
    pub = act(world, "Aide au relogement de M. Jean Dupont",
              report="<p>Le rapport évoque la situation du gymnase.</p>",
              articles=["Une aide est accordée à M. Jean Dupont, 12 rue des Lilas."])
    draft = act(world, "Aide au relogement d'urgence")
    assert search("relogement", authority=world.authority, published_only=True).total == 0
    publish(world, pub, masks=[("", "M. Jean Dupont"), ("articles", "12 rue des Lilas")],
            object="Aide au relogement de [occulté]")
    page = search("relogement", authority=world.authority, published_only=True)
    assert refs(page) == [pub.reference]
    [result] = page.results
    assert result.object == "Aide au relogement de [occulté]" and result.published
    assert "Dupont" not in result.snippet and "Lilas" not in result.snippet and "[occulté]" in result.snippet
    # Masked passages and the exposé des motifs are not searchable by the public…
    for hidden in ("Dupont", "Lilas", "gymnase"):
        assert search(hidden, authority=world.authority, published_only=True).total == 0
    # …but staff search the whole act.
    assert refs(search("Dupont", authority=world.authority)) == [pub.reference]
    assert refs(search("gymnase", authority=world.authority)) == [pub.reference]
    assert set(refs(search("relogement", authority=world.authority))) == {pub.reference, draft.reference}


def test_unmasked_publication_and_withdrawal(world):
    a = act(world, "Tarifs des piscines municipales", report="<p>Hausse de la fréquentation.</p>")
    publication = publish(world, a)
    assert refs(search("piscine", authority=world.authority, published_only=True)) == [a.reference]
    assert search("fréquentation", authority=world.authority, published_only=True).total == 0
    from django.utils import timezone

    publication.withdrawn_at = timezone.now()
    publication.save(update_fields=["withdrawn_at"])
    assert search("piscine", authority=world.authority, published_only=True).total == 0


def test_the_index_follows_every_change_of_the_act(world):
    a = act(world, "Convention avec le conservatoire")
    assert search("conservatoire", authority=world.authority).total == 1
    update_act(world.users[Role.DRAFTER], a, lock_version=a.lock_version, object="Convention avec la bibliothèque")
    assert search("conservatoire", authority=world.authority).total == 0
    assert search("bibliotheque", authority=world.authority).total == 1
    entry = SearchEntry.objects.get(act_id=a.pk)
    assert entry.reference == a.reference and entry.authority_id == world.authority.pk


def test_deep_pages_beyond_the_ranking_window(world, monkeypatch):
    from hemicycle.search import engines

    made = [act(world, f"Subvention numéro {i} au centre social", articles=[
        "subvention " * (i % 3 + 1)]) for i in range(9)]
    monkeypatch.setattr(engines, "RANK_WINDOW", 4)
    seen = []
    for offset in range(0, 9, 2):
        page = search("subvention", authority=world.authority, limit=2, offset=offset)
        assert page.total == 9
        seen += [r.act_id for r in page.results]
    assert sorted(seen) == sorted(a.pk for a in made)  # every act once
    newest_four = {a.pk for a in made[-4:]}
    assert set(seen[:4]) == newest_four  # the ranked window: the most recent matches
    assert seen[4:] == sorted(seen[4:], reverse=True)  # then the older ones, most recent first


def test_reindex_command_rebuilds_the_index(world, capsys):
    a = act(world, "Subvention à la ressourcerie")
    SearchEntry.objects.all().delete()
    SearchEntry.objects.create(act_id=999999, authority_id=world.authority.pk, reference="X", object="fantôme",
                               nature="DE", title_terms=f"a{world.authority.pk}xfantom", filter_terms="")
    assert search("ressourcerie", authority=world.authority).total == 0
    assert search("fantôme", authority=world.authority).total == 1
    call_command("search_reindex")
    assert "1 actes indexés" in capsys.readouterr().out
    assert refs(search("ressourcerie", authority=world.authority)) == [a.reference]
    assert search("fantôme", authority=world.authority).total == 0
    call_command("search_reindex", "--authority", world.authority.siren)  # up to date: nothing written
    assert "0 lignes écrites" in capsys.readouterr().out


def test_staff_list_search_box_uses_full_text(world, client):
    shown = act(world, "Convention avec le théâtre", articles=["Les subventions sont versées en deux fois."])
    secret = act(world, "Subvention confidentielle", confidential=True)
    other = act(world, "Tarifs des musées")
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.get(reverse("acts:list"), {"q": "subventions"})
    listed = [a.pk for a in response.context["page"].object_list]
    assert set(listed) == {shown.pk, secret.pk} and other.pk not in listed
    assert "<mark>subventions</mark>" in response.content.decode()
    # A drafter of another department does not see the confidential act.
    client.force_login(world.users["drafter2"])
    listed = [a.pk for a in client.get(reverse("acts:list"), {"q": "subvention"}).context["page"].object_list]
    assert listed == [shown.pk]
