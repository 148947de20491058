"""Deterministic Paris-scale acts for the benchmarks.

``paris_acts(800)`` returns the 800 acts of one Conseil de Paris sitting as render dicts (the
input of ``hemicycle.documents.render.render_act_pdf``, the same shape as the acts of the
``paris`` demo preset): object, 8 visas, 8 considérants, 6 articles and a short report, so that
each act is a 2-page deliberation. Same seed, same acts, on every machine.
"""

import datetime
import random

AUTHORITY = "Ville de Paris"
SITTING_DATE = datetime.date(2026, 11, 17)
YEAR = SITTING_DATE.year

DEPARTMENTS = [
    ("DAC", "Direction des affaires culturelles"),
    ("DFPE", "Direction des familles et de la petite enfance"),
    ("DU", "Direction de l'urbanisme"),
    ("DLH", "Direction du logement et de l'habitat"),
    ("DVD", "Direction de la voirie et des déplacements"),
    ("DEVE", "Direction des espaces verts et de l'environnement"),
    ("DJS", "Direction de la jeunesse et des sports"),
    ("DASCO", "Direction des affaires scolaires"),
    ("DAE", "Direction de l'attractivité et de l'emploi"),
    ("DDCT", "Direction de la démocratie, des citoyen·ne·s et des territoires"),
    ("DRH", "Direction des ressources humaines"),
    ("DFA", "Direction des finances et des achats"),
    ("DPE", "Direction de la propreté et de l'eau"),
    ("DCPA", "Direction des constructions publiques et de l'architecture"),
    ("DSIN", "Direction des systèmes d'information et du numérique"),
    ("DILT", "Direction de l'immobilier, de la logistique et des transports"),
    ("DPMP", "Direction de la police municipale et de la prévention"),
    ("DSOL", "Direction des solidarités"),
    ("DAJ", "Direction des affaires juridiques"),
    ("DSP", "Direction de la santé publique"),
    ("DTEC", "Direction de la transition écologique et du climat"),
    ("DGRI", "Délégation générale aux relations internationales"),
    ("DICOM", "Direction de l'information et de la communication"),
    ("SG", "Secrétariat général de la Ville de Paris"),
    ("DDCT-ARR", "Direction de la démocratie — mairies d'arrondissement"),
]

FIRST_NAMES = ["Anne", "Emmanuel", "Léa", "Frédéric", "Hélène", "Jérôme", "Céline", "François", "Aurélie",
               "Grégoire", "Inès", "Loïc", "Maëlle", "Noël", "Zoé", "Étienne", "Chloé", "Raphaël"]
LAST_NAMES = ["Martin", "Lefèvre", "Dupré", "Rousseau", "Moreau", "Girard", "Lemaître", "Bérard", "Fournier",
              "Chevalier", "Gauthier", "Mercier", "Boucher", "Faure", "Renaud", "Lévêque", "Perrin", "Brunet"]
ASSOCIATIONS = ["Les Amis du Théâtre de l'Est parisien", "Compagnie des Arts mêlés", "Crèche parentale Les Lucioles",
                "Association sportive du Bois de Vincennes", "Collectif Jardins partagés", "Maison des Femmes",
                "Réseau d'entraide des quartiers Nord", "Orchestre des jeunes de Belleville",
                "Atelier vélo solidaire", "Ressourcerie du canal", "Ligue de l'enseignement — Fédération de Paris",
                "Les Petits Débrouillards", "Emmaüs Connect", "Secours populaire — comité du 18e"]
SUBJECTS = {
    "DAC": ["Subvention ({amount} euros) et convention avec l'association « {assoc} » ({arr})",
            "Apposition d'une plaque commémorative en hommage à {person} ({arr})"],
    "DFPE": ["Subvention ({amount} euros) et avenant à la convention avec l'association « {assoc} » pour "
             "l'établissement d'accueil de la petite enfance ({arr})"],
    "DU": ["Cession d'un volume immobilier dépendant de la parcelle cadastrée {parcel} ({arr})",
           "Dénomination de la place {person} ({arr})"],
    "DLH": ["Réalisation d'un programme de {n} logements sociaux par un bailleur social — garantie d'emprunt "
            "({arr})"],
    "DVD": ["Approbation du principe d'aménagement de la rue {street} et des modalités de concertation ({arr})"],
}
DEFAULT_SUBJECTS = ["Subvention ({amount} euros) et convention d'objectifs avec l'association « {assoc} » ({arr})",
                    "Convention d'occupation du domaine public avec l'association « {assoc} » ({arr})",
                    "Attribution de subventions à {n} associations au titre de l'année {year}"]
STREETS = ["de la Roquette", "des Pyrénées", "du Faubourg-Saint-Antoine", "de Ménilmontant", "d'Alésia",
           "Lecourbe", "de Belleville", "des Martyrs", "Championnet", "de l'Ourcq"]


def _arr(rng) -> str:
    n = rng.randint(1, 20)
    return "1er" if n == 1 else f"{n}e"


def _amount(rng) -> str:
    return f"{rng.randrange(1_000, 150_000, 500):,}".replace(",", " ")


def _person(rng) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _date(rng, year) -> str:
    from hemicycle.documents.render import french_date

    return french_date(datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)))


def _visas(rng, code, assoc, arr) -> list[str]:
    return [
        "Vu le Code général des collectivités territoriales, et notamment ses articles L. 2511-1 et suivants, "
        "L. 1611-4 et L. 2121-29 ;",
        "Vu la loi n° 2000-321 du 12 avril 2000 relative aux droits des citoyens dans leurs relations avec les "
        "administrations, et notamment son article 10 ;",
        "Vu le décret n° 2001-495 du 6 juin 2001 pris pour l'application de l'article 10 de la loi n° 2000-321 "
        "relatif à la transparence financière des aides octroyées par les personnes publiques ;",
        f"Vu la délibération {YEAR - 1} {code} {rng.randint(1, 400)} des {_date(rng, YEAR - 1)} approuvant le "
        "règlement budgétaire et financier de la Ville de Paris ;",
        f"Vu le projet de délibération en date du {_date(rng, YEAR)} par lequel Madame la Maire de Paris lui "
        f"propose d'approuver les dispositions du présent acte ;",
        f"Vu la demande présentée par l'association « {assoc} », dont le siège social est situé dans le {arr} "
        f"arrondissement, enregistrée sous le numéro {rng.randint(10_000, 99_999)} ;",
        f"Vu l'avis du Conseil du {arr} arrondissement en date du {_date(rng, YEAR)} ;",
        f"Vu le rapport présenté par {rng.choice(['Mme', 'M.'])} {_person(rng)}, au nom de la "
        f"{rng.randint(1, 9)}e Commission ;",
    ]


def _considerants(rng, assoc) -> list[str]:
    return [
        f"Considérant que l'association « {assoc} » mène depuis {rng.randint(3, 40)} ans des actions d'intérêt "
        "local au bénéfice des habitantes et des habitants ;",
        "Considérant que ces actions répondent aux orientations de la politique municipale en matière de "
        "cohésion sociale, d'accès de toutes et tous à la culture et de vie des quartiers ;",
        "Considérant que le budget prévisionnel présenté par l'association est équilibré et que sa situation "
        "financière ne présente pas de risque particulier ;",
        "Considérant que l'association s'engage à rendre compte de l'emploi des fonds publics qui lui sont "
        "attribués, dans les conditions prévues par la convention ;",
        f"Considérant que le montant de l'aide sollicitée s'élève à {_amount(rng)} euros pour l'exercice {YEAR} ;",
        "Considérant l'avis favorable de la commission compétente et l'instruction menée par la direction ;",
        "Considérant que les crédits nécessaires sont inscrits au budget de fonctionnement de la Ville de Paris ;",
        "Considérant, enfin, qu'il y a lieu d'autoriser Madame la Maire de Paris à signer la convention "
        "correspondante ;",
    ]


def _articles(rng, assoc, amount, code) -> list[str]:
    return [
        f"Une subvention d'un montant de {amount} euros est attribuée à l'association « {assoc} » au titre de "
        f"l'exercice {YEAR}, pour la réalisation des actions décrites dans l'exposé des motifs.",
        "Madame la Maire de Paris est autorisée à signer avec l'association la convention annexée à la présente "
        "délibération, qui fixe les objectifs, les modalités de versement et les conditions de contrôle de "
        "l'emploi de la subvention.",
        f"La dépense correspondante sera imputée sur les crédits de la direction {code} inscrits au budget de "
        f"fonctionnement de la Ville de Paris pour l'exercice {YEAR}, sous réserve de la décision de financement.",
        "L'association produira, dans les six mois suivant la clôture de l'exercice, un compte rendu financier "
        "signé par son président et conforme à l'arrêté du 11 octobre 2006.\n\nÀ défaut, la Ville de Paris "
        "pourra exiger le reversement de tout ou partie des sommes versées.",
        "La présente délibération peut faire l'objet d'un recours devant le tribunal administratif de Paris dans "
        "un délai de deux mois à compter de sa publication ou de sa notification.",
        "Madame la Maire de Paris et le directeur général des services sont chargés, chacun en ce qui le "
        "concerne, de l'exécution de la présente délibération.",
    ]


def _report(rng, assoc, amount, arr) -> str:
    actions = rng.sample(["des ateliers hebdomadaires ouverts à tous les publics",
                          "un accompagnement individualisé des familles",
                          "des sorties culturelles pour les enfants des écoles du quartier",
                          "une permanence d'accès aux droits deux fois par semaine",
                          "un festival annuel dans l'espace public",
                          "des actions de prévention auprès des jeunes de 11 à 25 ans"], 3)
    return (
        "<p>Mesdames, Messieurs,</p>"
        f"<p>L'association <strong>« {assoc} »</strong>, implantée dans le {arr} arrondissement, développe "
        "depuis plusieurs années un projet reconnu par les habitantes et les habitants ainsi que par les "
        "partenaires institutionnels. Son action s'inscrit pleinement dans les orientations de la <em>politique "
        "de la ville</em> et du contrat de ville parisien.</p>"
        "<h3>Les actions soutenues</h3>"
        f"<p>Pour l'année {YEAR}, l'association propose :</p>"
        f"<ul><li>{actions[0]} ;</li><li>{actions[1]} ;</li><li>{actions[2]}.</li></ul>"
        f"<p>Le budget prévisionnel de ces actions s'élève à {_amount(rng)} euros, dont <strong>{amount} "
        "euros</strong> sollicités auprès de la Ville de Paris, le solde étant apporté par l'État, la Région "
        "Île-de-France et des fonds propres.</p>"
        "<p>Je vous propose en conséquence d'attribuer à l'association la subvention sollicitée et de "
        "m'autoriser à signer la convention correspondante.</p>"
    )


def paris_acts(count: int = 800, seed: int = 2026) -> list[dict]:
    """``count`` acts of one sitting, spread over the 25 departments, numbered per department."""
    rng = random.Random(seed)
    counters: dict[str, int] = {}
    acts = []
    for i in range(count):
        code, name = DEPARTMENTS[i % len(DEPARTMENTS)]
        counters[code] = counters.get(code, 0) + rng.randint(1, 4)
        assoc, arr, amount = rng.choice(ASSOCIATIONS), _arr(rng), _amount(rng)
        subject = rng.choice(SUBJECTS.get(code, []) + DEFAULT_SUBJECTS)
        obj = subject.format(amount=amount, assoc=assoc, arr=arr, person=_person(rng), n=rng.randint(2, 60),
                             year=YEAR, parcel=f"{rng.randint(100, 999)} AB {rng.randint(1, 99)}",
                             street=rng.choice(STREETS))
        acts.append({
            "object": obj,
            "nature": "DE",
            "reference": f"{YEAR} {code} {counters[code]}",
            "authority_name": AUTHORITY,
            "department": f"{code} — {name}",
            "rapporteur": f"{rng.choice(['Mme', 'M.'])} {_person(rng)}",
            "report": _report(rng, assoc, amount, arr),
            "visas": _visas(rng, code, assoc, arr),
            "considerants": _considerants(rng, assoc),
            "articles": _articles(rng, assoc, amount, code),
            "target_sitting_date": SITTING_DATE.isoformat(),
        })
    return acts
