"""French material for realistic fictional acts (no real persons)."""

FIRST_NAMES_F = ["Claire", "Sophie", "Nadia", "Isabelle", "Camille", "Léa", "Amina", "Hélène", "Julie", "Fatou",
                 "Marion", "Chloé", "Agnès", "Élise", "Sarah", "Inès", "Anne", "Louise", "Pauline", "Mathilde"]
FIRST_NAMES_M = ["Thomas", "Karim", "Julien", "Éric", "Nicolas", "Mehdi", "François", "Antoine", "Hugo", "Olivier",
                 "Bruno", "Lucas", "Rémi", "Samuel", "Yann", "Pierre", "Mathieu", "Cédric", "Alain", "Jérôme"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
              "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
              "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
              "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin",
              "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
              "Sanchez", "Benali", "Nguyen", "Diallo", "Haddad", "Kowalski", "Da Silva", "Marchand", "Duval", "Lemoine"]

GROUPS_COMMUNE = [
    ("Belval en commun", "BEC", "#000091"),
    ("Union pour Belval", "UPB", "#0063cb"),
    ("Belval écologie et solidarités", "BES", "#18753c"),
    ("Agir pour Belval", "APB", "#b34000"),
    ("Non-inscrits", "NI", "#666666"),
]

GROUPS_PARIS = [
    ("Paris en commun", "PEC", "#e1000f"), ("Changer Paris", "CP", "#0063cb"),
    ("Écologistes de Paris", "EDP", "#18753c"), ("Communiste et citoyen", "CC", "#ce0500"),
    ("Indépendants et progressistes", "IP", "#fc5d00"), ("Démocrates et progressistes", "DP", "#ffca00"),
    ("Génération.s", "GEN", "#a94645"), ("Non-inscrits", "NI", "#666666"),
]

DEPARTMENTS_COMMUNE = [
    ("DGS", "Direction générale des services", None),
    ("DAC", "Direction des affaires culturelles", "DGS"),
    ("DFPE", "Direction des familles et de la petite enfance", "DGS"),
    ("DU", "Direction de l'urbanisme", "DGS"),
    ("DFIN", "Direction des finances", "DGS"),
    ("DRH", "Direction des ressources humaines", "DGS"),
    ("DJS", "Direction de la jeunesse et des sports", "DGS"),
    ("DVD", "Direction de la voirie et des déplacements", "DGS"),
    ("DASES", "Direction de l'action sociale", "DGS"),
    ("DAJ", "Direction des affaires juridiques", "DGS"),
]

DEPARTMENTS_PARIS = [
    ("SGCP", "Secrétariat général du Conseil de Paris"), ("DAC", "Direction des affaires culturelles"),
    ("DFPE", "Direction des familles et de la petite enfance"), ("DU", "Direction de l'urbanisme"),
    ("DFA", "Direction des finances et des achats"), ("DRH", "Direction des ressources humaines"),
    ("DJS", "Direction de la jeunesse et des sports"), ("DVD", "Direction de la voirie et des déplacements"),
    ("DSOL", "Direction des solidarités"), ("DAJ", "Direction des affaires juridiques"),
    ("DEVE", "Direction des espaces verts et de l'environnement"), ("DPE", "Direction de la propreté et de l'eau"),
    ("DLH", "Direction du logement et de l'habitat"), ("DAE", "Direction de l'attractivité et de l'emploi"),
    ("DASCO", "Direction des affaires scolaires"), ("DCPA", "Direction des constructions publiques et de l'architecture"),
    ("DPSP", "Direction de la police municipale et de la prévention"), ("DDCT", "Direction de la démocratie, des citoyen.ne.s et des territoires"),
    ("DSP", "Direction de la santé publique"), ("DICOM", "Direction de l'information et de la communication"),
    ("DSIN", "Direction des systèmes d'information et du numérique"), ("DILT", "Direction de l'immobilier, de la logistique et des transports"),
    ("DTEC", "Direction de la transition écologique et du climat"), ("DAE-ESS", "Mission économie sociale et solidaire"),
    ("DGRI", "Délégation générale aux relations internationales"),
]

COMMITTEES = [
    ("1re commission — Finances, ressources humaines, affaires générales", "C1"),
    ("2e commission — Culture, patrimoine, sport", "C2"),
    ("3e commission — Urbanisme, logement, déplacements", "C3"),
    ("4e commission — Solidarités, familles, santé", "C4"),
]

ASSOCIATIONS = ["Les Amis du Théâtre de la Loire", "Compagnie La Lanterne", "Club nautique belvalois",
                "Association Lire et faire lire", "Les Restos du quartier", "Jazz au bord de l'eau",
                "Maison des jeunes et de la culture", "Union sportive de Belval", "Atelier vélo solidaire",
                "Crèche parentale Les Petits Pas", "Festival des arts de la rue", "Chorale À travers chants"]

OBJECTS = {
    "DAC": ["Attribution d'une subvention de fonctionnement à l'association {assoc}",
            "Convention de mise à disposition de l'auditorium au profit de {assoc}",
            "Fixation des tarifs du conservatoire municipal pour l'année scolaire {year_next}",
            "Acquisition d'œuvres pour le fonds municipal d'art contemporain",
            "Demande de subvention auprès de la DRAC pour la restauration de l'église Saint-Martin"],
    "DFPE": ["Convention d'objectifs et de financement avec la Caisse d'allocations familiales",
             "Attribution d'une subvention à la {assoc}",
             "Modification du règlement de fonctionnement des établissements d'accueil du jeune enfant",
             "Tarification des accueils de loisirs périscolaires"],
    "DU": ["Approbation de la modification n° 3 du plan local d'urbanisme",
           "Cession d'une parcelle communale cadastrée section AB n° {n} rue des Tilleuls",
           "Instauration d'un périmètre de sursis à statuer sur le secteur de la gare",
           "Dénomination de la place Simone-Veil"],
    "DFIN": ["Décision modificative n° {n} du budget principal {year}",
             "Garantie d'emprunt accordée à l'office public de l'habitat pour la réhabilitation de {n} logements",
             "Admission en non-valeur de créances irrécouvrables", "Fixation des taux d'imposition {year}"],
    "DRH": ["Modification du tableau des effectifs", "Création d'emplois saisonniers pour l'été {year}",
            "Mise à jour du régime indemnitaire tenant compte des fonctions, des sujétions, de l'expertise et de l'engagement professionnel"],
    "DJS": ["Attribution d'une subvention exceptionnelle à l'{assoc}", "Tarifs de la piscine municipale",
            "Convention d'utilisation des équipements sportifs par les collèges"],
    "DVD": ["Programme de travaux de voirie {year} — demande de subvention au département",
            "Convention de transfert de maîtrise d'ouvrage pour l'aménagement du boulevard de la Loire",
            "Extension du stationnement réglementé dans le quartier Saint-Jean"],
    "DASES": ["Subvention au centre communal d'action sociale", "Attribution d'une subvention à {assoc}",
              "Convention de partenariat pour l'accueil de jour des personnes sans domicile"],
    "DAJ": ["Désignation des représentants au sein du syndicat intercommunal d'énergie",
            "Protection fonctionnelle accordée à un agent", "Approbation du règlement intérieur du conseil municipal"],
    "DGS": ["Rapport annuel sur la situation en matière d'égalité entre les femmes et les hommes",
            "Adhésion à l'Agence France locale"],
}

VISAS = [
    "Vu le code général des collectivités territoriales, et notamment son article L2121-29",
    "Vu le code général des collectivités territoriales, et notamment ses articles L2311-7 et L1611-4",
    "Vu la loi n° 2000-321 du 12 avril 2000 relative aux droits des citoyens dans leurs relations avec les administrations, notamment son article 10",
    "Vu le décret n° 2001-495 du 6 juin 2001 pris pour l'application de l'article 10 de la loi n° 2000-321",
    "Vu le budget primitif {year} adopté par délibération du conseil municipal",
    "Vu la demande présentée par {assoc}",
    "Vu l'avis de la commission compétente",
    "Vu le rapport de M. ou Mme le maire",
]

CONSIDERANTS = [
    "Considérant que le projet présenté par {assoc} présente un intérêt public local",
    "Considérant que les actions menées contribuent à l'animation de la vie locale et au lien social",
    "Considérant que les crédits nécessaires sont inscrits au budget {year}",
    "Considérant la nécessité d'assurer la continuité du service public",
    "Considérant l'avis favorable de la commission compétente",
    "Considérant que l'association a transmis l'ensemble des pièces justificatives requises",
    "Considérant que le montant de la subvention excède 23 000 euros et qu'une convention est dès lors requise",
    "Considérant qu'il convient de délibérer sur ce point",
]

ARTICLES = [
    "Une subvention de fonctionnement d'un montant de {amount} euros est attribuée à {assoc} au titre de l'exercice {year}.",
    "Le maire est autorisé à signer la convention annexée à la présente délibération.",
    "La dépense correspondante sera imputée sur les crédits inscrits au budget {year}, chapitre 65.",
    "Le versement interviendra en une fois, après signature de la convention.",
    "Le maire est chargé de l'exécution de la présente délibération, qui sera publiée et transmise au représentant de l'État.",
    "La présente délibération peut faire l'objet d'un recours devant le tribunal administratif dans un délai de deux mois à compter de sa publication.",
]

REPORT = (
    "<p>Mesdames, Messieurs,</p>"
    "<p>La Ville soutient depuis plusieurs années les initiatives qui contribuent à <strong>l'animation de la vie locale</strong>. "
    "{assoc} porte en {year} un programme d'actions ouvert à tous les publics.</p>"
    "<ul><li>actions de médiation dans les quartiers prioritaires ;</li><li>accueil de scolaires ;</li>"
    "<li>manifestations gratuites pendant l'été.</li></ul>"
    "<p>Je vous propose en conséquence d'adopter le projet de délibération ci-joint.</p>"
)

# One act names the private person who signed the organisation's request: personal data that the
# secretariat masks in the published copy (CRPA L312-1-2). A fictional name, no member's.
REQUEST_VISA = "Vu la demande présentée par "
PERSONAL_REQUEST_VISA = "Vu la demande présentée par Mme Odile Carpentier, présidente de "
