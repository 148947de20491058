"""B4 — full-text search over 1,000,000 acts (French stemming, accents, filters).

Data: ``--search-docs`` acts (1,000,000 by default) written straight into the search index
tables (``search_entry`` and its engine part: an FTS5 table on SQLite, generated tsvectors and GIN
indexes on PostgreSQL) and, for the reference, into a plain table ``bench_acts`` holding the same
acts' text and filter columns (indexed by authority and date). 200 authorities of very unequal
size (the largest, Paris-like, holds ~17 % of the acts), dates spread over 2000–2026 in act-id
order, 6 natures, @CTES matières, about 60 % published, 2 % confidential. Each act is made of a
topic's object, visas, considérants, articles and exposé des motifs drawn from pools of French
administrative sentences (30 topics: subsidies, crèches, schools, roads, housing, public
procurement, staff, urban planning…); the pools are processed once, so 1M rows load in minutes.

Database: a throwaway SQLite file (embedded default), or, when ``DATABASE_URL`` points to
PostgreSQL, a throwaway database ``<name>_b4`` created next to it (dropped at the end).

Queries: a fixed mix of 40 (one word, two or three words, with filters by date range, nature,
matière, published only), each scoped to an authority (most to the three largest) as every
search is. Hémicycle: ``hemicycle.search`` exactly as the portal calls it (count, ranked page
of 20, highlighted extracts). Reference: what systems without a search engine do on the same
database: ``LIKE '%word%'`` (``ILIKE`` on PostgreSQL) for each word over the act's text, with
the same filters, count + 20 most recent. The reference has no stemming nor accent folding (it
finds fewer acts); its cost is the point. Queries alternate Hémicycle/reference, after one
warm-up pass of each; p50/p95 of every query of every round.
"""

import datetime
import os
import random
import time
from pathlib import Path

AUTHORITIES = 200
START = datetime.date(2000, 1, 1)
END = datetime.date(2026, 12, 31)
NATURES = [("DE", 70), ("AR", 15), ("AI", 10), ("CC", 3), ("BF", 1), ("AU", 1)]

# --- Vocabulary ------------------------------------------------------------------------------------

ASSOCIATIONS = ["Les Amis du Théâtre de l'Est", "Compagnie des Arts mêlés", "Crèche parentale Les Lucioles",
                "Association sportive du Bois", "Collectif Jardins partagés", "Maison des Femmes",
                "Réseau d'entraide des quartiers Nord", "Orchestre des jeunes de Belleville", "Atelier vélo solidaire",
                "Ressourcerie du canal", "Ligue de l'enseignement", "Les Petits Débrouillards", "Emmaüs Connect",
                "Secours populaire", "Club de football de la Vallée", "Harmonie municipale", "Comité des fêtes",
                "Amicale des locataires", "Université populaire", "Banque alimentaire"]
STREETS = ["rue de la Roquette", "rue des Pyrénées", "avenue Jean-Jaurès", "boulevard Voltaire", "place de la Mairie",
           "rue Victor-Hugo", "chemin des Vignes", "allée des Tilleuls", "quai de l'Ourcq", "rue de la Gare",
           "impasse des Lilas", "avenue de la République", "rue Pasteur", "route de Lyon", "rue du Château"]
PLACES = ["école maternelle Jules-Ferry", "école élémentaire Paul-Bert", "groupe scolaire Marie-Curie",
          "crèche collective des Amandiers", "gymnase Jean-Moulin", "piscine municipale", "médiathèque Louise-Michel",
          "conservatoire de musique", "stade municipal", "centre social Les Tilleuls", "maison de quartier",
          "salle polyvalente", "cimetière communal", "parc des Sports", "halle du marché"]

# topic: (matière, [objects], [specific sentences])
TOPICS = {
    "subvention": ("7.5", ["Attribution d'une subvention de fonctionnement à l'association « {assoc} »",
                           "Subvention exceptionnelle à l'association « {assoc} » pour l'année {year}",
                           "Convention pluriannuelle d'objectifs et subvention à l'association « {assoc} »"],
                   ["Une subvention d'un montant de {amount} euros est attribuée à l'association « {assoc} ».",
                    "L'association rendra compte de l'emploi des fonds publics dans les six mois suivant la clôture de l'exercice."]),
    "culture": ("8.9", ["Subvention à l'association « {assoc} » pour la saison culturelle {year}",
                        "Tarifs des spectacles et des ateliers du {place}", "Programmation culturelle estivale {year}"],
                ["Le festival se tiendra dans l'espace public au cours de l'été.",
                 "Les ateliers artistiques sont ouverts aux enfants des écoles du quartier."]),
    "creche": ("8.2", ["Avenant à la convention avec la crèche associative « {assoc} »",
                       "Tarifs des établissements d'accueil de la petite enfance", "Création de {n} berceaux à la {place}"],
               ["La participation familiale est calculée selon le barème national de la Caisse d'allocations familiales.",
                "Les places en crèche sont attribuées par la commission d'attribution."]),
    "ecole": ("8.1", ["Travaux de rénovation de l'{place}", "Carte scolaire et périmètres des écoles pour la rentrée {year}",
                      "Restauration scolaire : tarifs des cantines pour l'année {year}"],
              ["Les travaux seront réalisés pendant les vacances scolaires.",
               "Les repas de la restauration scolaire comportent une part de produits biologiques."]),
    "voirie": ("8.3", ["Aménagement de la voirie {street}", "Réfection de la chaussée et des trottoirs {street}",
                       "Plan de circulation et stationnement {street}"],
               ["Les travaux de voirie sont confiés à la direction de la voirie et des déplacements.",
                "La vitesse est limitée à 30 km/h dans les rues du quartier."]),
    "eclairage": ("8.3", ["Renouvellement de l'éclairage public {street}", "Marché de maintenance de l'éclairage public"],
                  ["Les luminaires sont remplacés par des lampes à basse consommation.",
                   "L'éclairage public est éteint entre une heure et cinq heures du matin."]),
    "logement": ("8.5", ["Garantie d'emprunt accordée au bailleur social pour {n} logements sociaux {street}",
                         "Programme de logements sociaux {street}"],
                 ["La commune accorde sa garantie à hauteur de 100 % pour le remboursement du prêt.",
                  "Le bailleur social réserve des logements au contingent communal."]),
    "marche": ("1.1", ["Marché public de travaux pour la construction du {place}", "Attribution du marché de nettoyage des bâtiments communaux",
                       "Groupement de commandes pour l'achat de fournitures de bureau"],
               ["Le marché est attribué à l'entreprise ayant présenté l'offre économiquement la plus avantageuse.",
                "La commission d'appel d'offres s'est réunie pour examiner les candidatures."]),
    "personnel": ("4.1", ["Création de {n} postes au tableau des effectifs", "Modification du tableau des effectifs du personnel titulaire",
                          "Régime indemnitaire des agents de la filière technique"],
                  ["Le tableau des effectifs est modifié à compter du premier jour du mois suivant.",
                   "Les agents titulaires et contractuels bénéficient du régime indemnitaire."]),
    "urbanisme": ("2.1", ["Modification du plan local d'urbanisme", "Révision du plan local d'urbanisme intercommunal",
                          "Instauration du droit de préemption urbain"],
                  ["L'enquête publique s'est déroulée conformément au code de l'urbanisme.",
                   "Le commissaire enquêteur a rendu un avis favorable assorti de recommandations."]),
    "acquisition": ("3.1", ["Acquisition de la parcelle cadastrée {parcel} {street}", "Acquisition amiable d'un terrain {street}"],
                    ["Le prix d'acquisition est conforme à l'avis du service des domaines.",
                     "Les frais de notaire sont à la charge de la commune."]),
    "cession": ("3.2", ["Cession d'un terrain communal {street}", "Cession de la parcelle cadastrée {parcel}"],
                ["La cession est consentie au prix de {amount} euros.", "L'acte authentique sera reçu par le notaire de la commune."]),
    "location": ("3.3", ["Convention d'occupation du domaine public avec « {assoc} »", "Bail commercial du local {street}"],
                 ["La redevance d'occupation du domaine public est fixée à {amount} euros par an.",
                  "La convention est conclue pour une durée de trois ans renouvelable."]),
    "budget": ("7.1", ["Budget primitif de l'exercice {year}", "Décision modificative n° {n} du budget principal",
                       "Compte administratif de l'exercice {year}"],
               ["Le budget est voté par nature et par chapitre.",
                "Les crédits de la section d'investissement sont ouverts en autorisations de programme."]),
    "fiscalite": ("7.2", ["Vote des taux d'imposition pour l'année {year}", "Taxe de séjour : tarifs applicables au 1er janvier {year}"],
                  ["Le taux de la taxe foncière sur les propriétés bâties est maintenu.",
                   "La taxe de séjour est perçue au réel par les hébergeurs."]),
    "emprunt": ("7.3", ["Contrat de prêt auprès de la Caisse des dépôts", "Renégociation de la dette communale"],
                ["L'emprunt est contracté pour financer le programme d'investissement.",
                 "Le taux d'intérêt est indexé sur le livret A."]),
    "designation": ("5.3", ["Désignation des représentants de la commune au conseil d'administration du collège",
                            "Désignation des délégués au syndicat intercommunal"],
                    ["Le conseil procède à la désignation au scrutin secret sauf décision unanime contraire.",
                     "Sont désignés pour représenter la commune les conseillers municipaux suivants."]),
    "assemblee": ("5.2", ["Règlement intérieur du conseil municipal", "Indemnités de fonction des élus",
                          "Création des commissions municipales"],
                  ["Le règlement intérieur fixe les conditions d'organisation du débat d'orientation budgétaire.",
                   "Les indemnités de fonction sont calculées en pourcentage de l'indice brut terminal."]),
    "police": ("6.1", ["Réglementation du stationnement {street}", "Convention de coordination de la police municipale",
                       "Installation de caméras de vidéoprotection"],
               ["Les agents de la police municipale constatent les infractions.",
                "Le système de vidéoprotection est déclaré à la préfecture."]),
    "environnement": ("8.8", ["Plan climat air énergie territorial", "Création d'un jardin partagé {street}",
                              "Plantation de {n} arbres dans les rues du quartier"],
                      ["La végétalisation de l'espace public contribue à lutter contre les îlots de chaleur.",
                       "Le jardin partagé est géré par une association d'habitants."]),
    "dechets": ("8.8", ["Redevance d'enlèvement des ordures ménagères", "Collecte des biodéchets et compostage"],
                ["La collecte sélective des emballages a lieu une fois par semaine.",
                 "Des composteurs collectifs sont installés au pied des immeubles."]),
    "eau": ("8.8", ["Tarifs de l'eau et de l'assainissement pour l'année {year}", "Délégation du service public de l'eau potable"],
            ["Le délégataire assure la distribution de l'eau potable.", "Le rapport annuel sur le prix et la qualité du service est présenté."]),
    "sport": ("8.9", ["Tarifs de la piscine municipale", "Subvention au club sportif « {assoc} »", "Travaux au {place}"],
              ["Les créneaux du gymnase sont attribués aux associations sportives.",
               "L'accès à la piscine est gratuit pour les enfants de moins de six ans."]),
    "social": ("8.2", ["Subvention au centre communal d'action sociale", "Aide sociale facultative aux familles",
                       "Convention avec la banque alimentaire"],
               ["Le centre communal d'action sociale instruit les demandes d'aide.",
                "L'aide est versée sous conditions de ressources."]),
    "denomination": ("9.1", ["Dénomination de la place {person}", "Dénomination d'une rue en hommage à {person}"],
                     ["La plaque de rue sera apposée lors d'une cérémonie publique.",
                      "La famille a donné son accord à cette dénomination."]),
    "cimetiere": ("3.5", ["Tarifs des concessions funéraires du cimetière communal", "Reprise des concessions en état d'abandon"],
                  ["Les concessions sont accordées pour quinze, trente ou cinquante ans.",
                   "Le columbarium compte de nouvelles cases."]),
    "transport": ("8.7", ["Convention avec l'autorité organisatrice des mobilités", "Aménagement de pistes cyclables {street}"],
                  ["La ligne de bus dessert le quartier toutes les dix minutes.",
                   "Les pistes cyclables sont séparées de la circulation automobile."]),
    "numerique": ("8.9", ["Déploiement de la fibre optique", "Adhésion au service numérique mutualisé"],
                  ["Les démarches en ligne sont accessibles depuis le portail citoyen.",
                   "Les données publiques sont publiées en open data."]),
    "intercommunalite": ("5.7", ["Transfert de compétences à la communauté d'agglomération", "Rapport de la commission locale d'évaluation des charges transférées"],
                         ["L'attribution de compensation est révisée.", "La compétence est exercée par l'intercommunalité."]),
    "sante": ("8.2", ["Création d'un centre de santé municipal", "Convention avec l'agence régionale de santé"],
              ["Les médecins du centre de santé sont salariés de la commune.", "La campagne de vaccination est organisée au gymnase."]),
}
TOPIC_WEIGHTS = {"subvention": 14, "culture": 5, "creche": 3, "ecole": 5, "voirie": 6, "eclairage": 2, "logement": 4,
                 "marche": 6, "personnel": 6, "urbanisme": 3, "acquisition": 3, "cession": 3, "location": 4,
                 "budget": 4, "fiscalite": 1, "emprunt": 1, "designation": 3, "assemblee": 2, "police": 3,
                 "environnement": 3, "dechets": 2, "eau": 2, "sport": 4, "social": 3, "denomination": 2,
                 "cimetiere": 1, "transport": 2, "numerique": 1, "intercommunalite": 1, "sante": 1}
VISAS = ["Vu le code général des collectivités territoriales",
         "Vu le code de la commande publique", "Vu le code de l'urbanisme", "Vu le code de l'éducation",
         "Vu le code de l'action sociale et des familles", "Vu le code de la construction et de l'habitation",
         "Vu le code général de la propriété des personnes publiques", "Vu le code général de la fonction publique",
         "Vu le code de l'environnement", "Vu le code de la route", "Vu le code de la santé publique",
         "Vu la loi n° 2000-321 du 12 avril 2000 relative aux droits des citoyens",
         "Vu le budget de l'exercice en cours", "Vu l'avis de la commission des finances",
         "Vu l'avis favorable de la commission compétente", "Vu le rapport de Madame la Maire",
         "Vu l'avis du comité social territorial", "Vu la délibération du conseil municipal du {date}"]
CONSIDERANTS = ["Considérant l'intérêt local du projet", "Considérant que les crédits sont inscrits au budget",
                "Considérant la nécessité d'assurer la continuité du service public",
                "Considérant que l'association poursuit un but d'intérêt général",
                "Considérant l'avis favorable des services de l'État",
                "Considérant qu'il convient de moderniser les équipements communaux",
                "Considérant la demande présentée par les habitants du quartier",
                "Considérant l'urgence des travaux de mise en sécurité",
                "Considérant les orientations du projet de mandature",
                "Considérant qu'il y a lieu d'autoriser la Maire à signer la convention"]
REPORTS = ["Mesdames, Messieurs, je vous propose d'approuver le projet présenté, conforme aux orientations de la municipalité.",
           "Le présent projet de délibération vise à poursuivre l'action engagée par la commune en faveur des habitants.",
           "Après instruction par les services, il vous est proposé de retenir la solution la plus économique.",
           "Cette mesure s'inscrit dans le plan pluriannuel d'investissement adopté en début de mandat.",
           "Le dossier a été présenté en commission, qui a émis un avis favorable à l'unanimité."]
FIRST = ["Anne", "Emmanuel", "Léa", "Frédéric", "Hélène", "Jérôme", "Céline", "François", "Aurélie", "Loïc"]
LAST = ["Martin", "Lefèvre", "Dupré", "Rousseau", "Moreau", "Girard", "Lemaître", "Bérard", "Fournier", "Chevalier"]

# --- Queries ---------------------------------------------------------------------------------------
# (words, authority rank (1 = largest), filters)
Y = datetime.date
QUERIES = [
    ("subvention", 1, {}), ("subventions associations", 1, {}), ("crèche", 1, {}), ("écoles", 1, {}),
    ("voirie", 1, {}), ("éclairage public", 1, {}), ("logements sociaux", 1, {}), ("marché public travaux", 1, {}),
    ("tableau des effectifs", 1, {}), ("plan local d'urbanisme", 1, {}), ("garantie d'emprunt", 1, {}),
    ("piscine", 1, {}), ("vidéoprotection", 1, {}), ("jardin partagé", 1, {}), ("deliberation", 1, {}),
    ("restauration scolaire tarifs", 1, {}), ("concessions funéraires", 1, {}), ("fibre optique", 1, {}),
    ("subvention", 1, {"date_from": Y(2024, 1, 1), "date_to": Y(2024, 12, 31)}),
    ("convention", 1, {"date_from": Y(2019, 3, 15), "date_to": Y(2019, 9, 30)}),
    ("travaux", 1, {"nature": "AR"}),
    ("subvention", 1, {"matiere": "8.9"}),
    ("acquisition parcelle", 1, {"matiere": "3"}),
    ("budget primitif", 1, {"date_from": Y(2010, 1, 1), "date_to": Y(2020, 12, 31), "nature": "DE"}),
    ("stationnement", 1, {"published_only": True}),
    ("association culturelle", 1, {"published_only": True, "date_from": Y(2022, 1, 1)}),
    ("désignation représentants", 2, {}), ("cession terrain", 2, {}), ("crèches", 2, {"nature": "DE"}),
    ("taxe de séjour", 2, {}), ("centre de santé", 2, {"published_only": True}), ("gymnase", 2, {"matiere": "8"}),
    ("ordures ménagères", 3, {}), ("police municipale", 3, {"date_from": Y(2015, 1, 1), "date_to": Y(2025, 6, 30)}),
    ("pistes cyclables", 3, {}), ("médiathèque", 3, {}), ("subvention club sportif", 10, {}),
    ("dénomination rue", 10, {}), ("eau potable", 30, {"published_only": True}), ("indemnités élus", 60, {}),
]


# --- Data ----------------------------------------------------------------------------------------

def _fill(template: str, rng) -> str:
    return template.format(assoc=rng.choice(ASSOCIATIONS), street=rng.choice(STREETS), place=rng.choice(PLACES),
                           amount=f"{rng.randrange(1000, 150000, 500):,}".replace(",", " "),
                           year=rng.randint(2000, 2026), n=rng.randint(2, 60), person=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                           parcel=f"{rng.choice('ABCDEK')}{rng.choice('ABKM')} {rng.randint(1, 400)}",
                           date=f"{rng.randint(1, 28)} {rng.choice(['janvier', 'mars', 'juin', 'octobre'])} {rng.randint(2000, 2026)}")


class Pools:
    """Sentences drawn once per topic, each with its indexed terms (stemming runs once)."""

    def __init__(self, seed: int = 4):
        from hemicycle.search import text

        rng = random.Random(seed)
        self.topics = list(TOPICS)
        self.weights = [TOPIC_WEIGHTS[t] for t in self.topics]

        def pool(templates, count):
            out = []
            for _ in range(count):
                sentence = _fill(rng.choice(templates), rng)
                out.append((sentence, text.terms(sentence, "\x00")))  # \x00: the authority's prefix
            return out

        self.objects = {t: pool(TOPICS[t][1], 300) for t in self.topics}
        self.specific = {t: pool(TOPICS[t][2], 60) for t in self.topics}
        self.visas = pool(VISAS, 200)
        self.considerants = pool(CONSIDERANTS, 50)
        self.reports = pool(REPORTS, 20)


def _nature(rng) -> str:
    return rng.choices([n for n, _w in NATURES], weights=[w for _n, w in NATURES])[0]


def generate(count: int, *, seed: int = 2026):
    """Rows (entry values as a tuple, reference values) for ``count`` acts."""
    from hemicycle.search import engines, text

    pools = Pools()
    rng = random.Random(seed)
    span = (END - START).days
    authority_weights = [1 / (k + 1) for k in range(AUTHORITIES)]
    cum_auth = []
    total = 0.0
    for w in authority_weights:
        total += w
        cum_auth.append(total)
    counters = [0] * AUTHORITIES
    class_pool = {m: text.terms(m, "\x00") for m, _o, _s in TOPICS.values()}
    for i in range(count):
        act_id = i + 1
        k = rng.choices(range(AUTHORITIES), cum_weights=cum_auth)[0]
        authority_id = k + 1
        counters[k] += 1
        topic = rng.choices(pools.topics, weights=pools.weights)[0]
        obj, obj_terms = rng.choice(pools.objects[topic])
        parts = [rng.choice(pools.visas), rng.choice(pools.visas), rng.choice(pools.considerants),
                 rng.choice(pools.specific[topic]), rng.choice(pools.specific[topic])]
        body = "\n".join(p[0] for p in parts)
        report, report_terms = rng.choice(pools.reports)
        day = START + datetime.timedelta(days=span * i // count)
        nature = _nature(rng)
        matiere = TOPICS[topic][0]
        confidential = rng.random() < 0.02
        published = not confidential and nature != "AI" and rng.random() < 0.65
        masked = published and rng.random() < 0.05
        reference = f"{day.year} {authority_id}-{counters[k]}"
        prefix = engines.term_prefix(authority_id)
        title_terms = f"{prefix}{day.year} {prefix}{authority_id} {prefix}{counters[k]} " + obj_terms.replace("\x00", prefix)
        body_terms = " ".join(p[1] for p in parts).replace("\x00", prefix)
        report_terms = report_terms.replace("\x00", prefix)
        class_terms = class_pool[matiere].replace("\x00", prefix)
        ptitle = pbody = public_text = ""
        if masked:
            public_text = body.replace("Madame la Maire", "[occulté]")
            ptitle, pbody = title_terms, body_terms
        codes = engines.matiere_codes_with_parents([matiere])
        filters = engines.filter_tokens(authority_id=authority_id, nature=nature, matieres=[matiere], date=day,
                                        published=published, confidential=confidential, masked=masked)
        matieres = " " + " ".join(codes) + " "
        entry = (act_id, authority_id, reference, obj, obj if published else "", body, report, public_text, day,
                 nature, matieres, matiere, published, confidential, masked, title_terms, body_terms, report_terms,
                 class_terms, filters, ptitle, pbody, "")
        plain = (act_id, authority_id, day, nature, matieres, published, confidential,
                 f"{reference}\n{obj}\n{body}\n{report}")
        yield entry, plain


ENTRY_COLUMNS = ("act_id", "authority_id", "reference", "object", "public_object", "text", "report_text",
                 "public_text", "date", "nature", "matieres", "matiere_labels", "published", "confidential", "masked",
                 "title_terms", "body_terms", "report_terms", "class_terms", "filter_terms", "ptitle_terms",
                 "pbody_terms", "checksum")
PLAIN_COLUMNS = ("id", "authority_id", "date", "nature", "matieres", "published", "confidential", "body")


# --- Database ------------------------------------------------------------------------------------

class Database:
    """A throwaway database with the search tables, reached through Django's backend (the same
    cursor wrapper the application uses)."""

    def __init__(self, work: Path, database_url: str | None):
        import dj_database_url
        from django.db.utils import ConnectionHandler

        self.admin = None
        if database_url and database_url.startswith(("postgres://", "postgresql://")):
            settings = dj_database_url.parse(database_url)
            self.name = f"{settings['NAME']}_b4"
            admin_settings = dict(settings, NAME="postgres")
            self.admin = ConnectionHandler({"default": admin_settings})["default"]
            self.admin.ensure_connection()
            self.admin.connection.autocommit = True
            with self.admin.connection.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                cur.execute(f'CREATE DATABASE "{self.name}"')
            settings = dict(settings, NAME=self.name)
        else:
            path = work / "b4.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            settings = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path),
                        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}}
            self.name = str(path)
        self.connection = ConnectionHandler({"default": settings})["default"]
        self.vendor = self.connection.vendor

    def close(self):
        self.connection.close()
        if self.admin is not None:
            with self.admin.connection.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            self.admin.close()
        elif self.vendor == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.name}{suffix}").unlink(missing_ok=True)

    def size_mb(self) -> float:
        if self.vendor == "sqlite":
            return sum(Path(f"{self.name}{s}").stat().st_size for s in ("", "-wal") if Path(f"{self.name}{s}").exists()) / 1e6
        with self.connection.cursor() as cur:
            cur.execute("SELECT pg_database_size(current_database())")
            return cur.fetchone()[0] / 1e6

    def load(self, count: int, batch: int = 20_000) -> dict:
        """Create the tables, insert ``count`` acts, build the full-text index. Timed parts."""
        from hemicycle.search import engines
        from hemicycle.search.models import SearchEntry

        conn = self.connection
        started = time.perf_counter()
        with conn.schema_editor() as editor:
            editor.create_model(SearchEntry)
        text_type = "TEXT"
        bool_type = "BOOLEAN" if self.vendor == "postgresql" else "INTEGER"
        with conn.cursor() as cur:
            cur.execute(f"CREATE TABLE bench_acts (id BIGINT PRIMARY KEY, authority_id BIGINT NOT NULL, date DATE, "
                        f"nature VARCHAR(2), matieres VARCHAR(200), published {bool_type}, confidential {bool_type}, "
                        f"body {text_type})")
        if self.vendor == "sqlite":
            conn.ensure_connection()
            conn.connection.execute("PRAGMA journal_mode=OFF")
            conn.connection.execute("PRAGMA synchronous=OFF")
            engines.create_schema(conn, triggers=False)
        else:
            engines.create_schema(conn, indexes=False)
        timings = {}
        t = time.perf_counter()
        if self.vendor == "sqlite":
            self._insert_sqlite(count, batch)
        else:
            self._copy_postgres(count)
        timings["rows_s"] = time.perf_counter() - t
        t = time.perf_counter()
        with conn.cursor() as cur:
            cur.execute("CREATE INDEX bench_acts_auth_date ON bench_acts (authority_id, date)")
        if self.vendor == "sqlite":
            engines.rebuild(conn)
            engines.create_schema(conn)  # the triggers, as in the application
            conn.connection.execute("PRAGMA journal_mode=WAL")
        else:
            engines.create_schema(conn)  # the GIN indexes
            with conn.cursor() as cur:
                cur.execute("ANALYZE")
        timings["index_s"] = time.perf_counter() - t
        timings["load_s"] = time.perf_counter() - started
        return {k: round(v, 1) for k, v in timings.items()}

    def _insert_sqlite(self, count, batch):
        raw = self.connection.connection
        entry_sql = (f"INSERT INTO search_entry ({', '.join(ENTRY_COLUMNS)}) VALUES "
                     f"({', '.join('?' * len(ENTRY_COLUMNS))})")
        plain_sql = f"INSERT INTO bench_acts ({', '.join(PLAIN_COLUMNS)}) VALUES ({', '.join('?' * len(PLAIN_COLUMNS))})"
        entries, plains = [], []
        raw.execute("BEGIN")
        for entry, plain in generate(count):
            entries.append(entry[:8] + (entry[8].isoformat(),) + entry[9:])
            plains.append(plain[:2] + (plain[2].isoformat(),) + plain[3:])
            if len(entries) >= batch:
                raw.executemany(entry_sql, entries)
                raw.executemany(plain_sql, plains)
                entries, plains = [], []
        if entries:
            raw.executemany(entry_sql, entries)
            raw.executemany(plain_sql, plains)
        raw.execute("COMMIT")

    def _copy_postgres(self, count):
        conn = self.connection
        conn.ensure_connection()
        raw = conn.connection
        rows = generate(count)
        plains = []
        with raw.cursor() as cur:
            with cur.copy(f"COPY search_entry ({', '.join(ENTRY_COLUMNS)}) FROM STDIN") as copy:
                for entry, plain in rows:
                    copy.write_row(entry)
                    plains.append(plain)
            with cur.copy(f"COPY bench_acts ({', '.join(PLAIN_COLUMNS)}) FROM STDIN") as copy:
                for plain in plains:
                    copy.write_row(plain)
        raw.commit()


# --- Queries -------------------------------------------------------------------------------------

def authority_ids(db: Database) -> list[int]:
    """Authority ids, largest first."""
    with db.connection.cursor() as cur:
        cur.execute("SELECT authority_id FROM search_entry GROUP BY authority_id ORDER BY count(*) DESC, authority_id")
        return [r[0] for r in cur.fetchall()]


def hemicycle_query(db: Database, words: str, authority_id: int, filters: dict):
    from hemicycle.search.service import search

    return search(words, authority=authority_id, connection=db.connection, limit=20, **filters)


def reference_query(db: Database, words: str, authority_id: int, filters: dict) -> tuple[int, list[int]]:
    """LIKE/ILIKE scan: every word somewhere in the text, same filters, count + 20 most recent."""
    like = "ILIKE" if db.vendor == "postgresql" else "LIKE"
    where, params = ["authority_id = %s"], [authority_id]
    if filters.get("published_only"):
        where.append("published = %s")
        params.append(True)
    where.append("confidential = %s")
    params.append(False)
    if filters.get("nature"):
        where.append("nature = %s")
        params.append(filters["nature"])
    if filters.get("matiere"):
        where.append("matieres LIKE %s")
        params.append(f"% {filters['matiere']} %")
    for key, op in (("date_from", ">="), ("date_to", "<=")):
        if filters.get(key):
            where.append(f"date {op} %s")
            params.append(filters[key].isoformat() if db.vendor == "sqlite" else filters[key])
    for word in words.split():
        where.append(f"body {like} %s")
        params.append(f"%{word}%")
    sql_where = " AND ".join(where)
    with db.connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM bench_acts WHERE {sql_where}", params)
        total = cur.fetchone()[0]
        cur.execute(f"SELECT id FROM bench_acts WHERE {sql_where} ORDER BY date DESC, id DESC LIMIT 20", params)
        return total, [r[0] for r in cur.fetchall()]


def _pct(values, q) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def bench_b4(documents: int = 1_000_000, *, rounds: int = 2, work: Path, database_url: str | None = None,
             reference: bool = True) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    db = Database(work, database_url)
    engine = "PostgreSQL" if db.vendor == "postgresql" else "SQLite FTS5"
    print(f"B4 : {documents} actes dans l'index ({engine}), {len(QUERIES)} requêtes × {rounds} tour(s)", flush=True)
    try:
        timings = db.load(documents)
        print(f"  chargement : {timings['load_s']:.1f} s (lignes {timings['rows_s']:.1f} s, index {timings['index_s']:.1f} s), "
              f"{db.size_mb():.0f} Mo", flush=True)
        ids = authority_ids(db)
        plan = [(words, ids[min(rank, len(ids)) - 1], filters) for words, rank, filters in QUERIES]
        for words, auth, filters in plan:  # warm-up (page cache, stemmer cache), not measured
            hemicycle_query(db, words, auth, filters)
        if reference:
            for words, auth, filters in plan[:5]:
                reference_query(db, words, auth, filters)
        ours, theirs, problems = [], [], []
        per_query = [{"query": words, "filters": {k: str(v) for k, v in filters.items()}, "authority_rank": QUERIES[n][1]}
                     for n, (words, _auth, filters) in enumerate(plan)]
        for r in range(rounds):
            for n, (words, auth, filters) in enumerate(plan):
                order = ("h", "r") if (n + r) % 2 == 0 else ("r", "h")
                for side in order:
                    if side == "h":
                        t = time.perf_counter()
                        page = hemicycle_query(db, words, auth, filters)
                        ms = (time.perf_counter() - t) * 1000
                        ours.append(ms)
                        if r == 0:
                            per_query[n].update(total=page.total, ms=round(ms, 2))
                            if page.total and not any("<mark>" in (x.snippet + x.object_html) for x in page.results):
                                problems.append(f"« {words} » : aucun extrait surligné")
                    elif reference:
                        t = time.perf_counter()
                        total, _ids = reference_query(db, words, auth, filters)
                        ms = (time.perf_counter() - t) * 1000
                        theirs.append(ms)
                        if r == 0:
                            per_query[n].update(reference_total=total, reference_ms=round(ms, 1))
            print(f"  tour {r + 1} : Hémicycle p50 {_pct(ours, 0.5):.1f} ms, p95 {_pct(ours, 0.95):.1f} ms"
                  + (f" ; référence p50 {_pct(theirs, 0.5):.0f} ms, p95 {_pct(theirs, 0.95):.0f} ms" if theirs else ""),
                  flush=True)
        zero = [q["query"] for q in per_query if not q.get("total")]
        if zero:
            problems.append(f"requêtes sans résultat : {', '.join(zero)}")
        result = {
            "documents": documents, "engine": engine, "queries": len(plan), "rounds": rounds,
            "p50_ms": round(_pct(ours, 0.5), 2), "p95_ms": round(_pct(ours, 0.95), 2),
            "max_ms": round(max(ours), 2),
            "load_seconds": timings["load_s"], "rows_seconds": timings["rows_s"], "index_seconds": timings["index_s"],
            "database_mb": round(db.size_mb()),
            "authorities": AUTHORITIES, "largest_authority_documents": _count(db, ids[0]),
            "check": "ok" if not problems else "ÉCHEC", "problems": problems, "per_query": per_query,
            "cpus": os.cpu_count(),
        }
        if theirs:
            result.update({"reference_p50_ms": round(_pct(theirs, 0.5), 1),
                           "reference_p95_ms": round(_pct(theirs, 0.95), 1),
                           "ratio_p50": round(_pct(theirs, 0.5) / max(_pct(ours, 0.5), 1e-6), 1),
                           "reference": f"{'ILIKE' if db.vendor == 'postgresql' else 'LIKE'} '%mot%' sur le texte "
                                        "des actes, mêmes filtres, index (collectivité, date)"})
        return result
    finally:
        db.close()


def _count(db: Database, authority_id: int) -> int:
    with db.connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM search_entry WHERE authority_id = %s", [authority_id])
        return cur.fetchone()[0]
