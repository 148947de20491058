"""The OpenAPI 3.1 description of the public open-data API (served at /oparl/openapi.json).

Built from the same tables as the API (oparl.SOURCES, TYPE_NAMES) so that every list and
object path is described; the extension fields (``hemicycle:…``) are documented here."""

from django.urls import reverse

from . import oparl

REF = "#/components/schemas/"


def _ref(name: str) -> dict:
    return {"$ref": REF + name}


def _string(description: str = "", **extra) -> dict:
    return {"type": "string", **({"description": description} if description else {}), **extra}


URL = {"type": "string", "format": "uri"}
DATETIME = {"type": "string", "format": "date-time"}
DATE = {"type": "string", "format": "date"}
URLS = {"type": "array", "items": URL}


def _object(type_name: str, properties: dict, required=("id", "type")) -> dict:
    return {
        "type": "object",
        "required": list(required) + ["created", "modified"],
        "properties": {
            "id": {**URL, "description": "Identifiant : l'URL absolue de l'objet."},
            "type": {"type": "string", "const": oparl.typ(type_name)},
            **properties,
            "created": DATETIME, "modified": DATETIME,
            "license": URL, "keyword": {"type": "array", "items": {"type": "string"}}, "web": URL,
            "deleted": {"type": "boolean"},
        },
        "additionalProperties": True,
    }


def _schemas() -> dict:
    vote = {
        "type": "object",
        "description": "Vote d'un élu lors d'un scrutin public (appel nominal, électronique, par groupe).",
        "required": ["person", "vote"],
        "properties": {
            "person": {**URL, "description": "Person (OParl) dont c'est le vote."},
            "vote": {"type": "string", "enum": ["pour", "contre", "abstention", "nppv"]},
            "castBy": {**URL, "description": "Person qui a voté par procuration, si ce n'est pas l'élu lui-même."},
            "choice": _string("Candidat choisi (désignations)."),
        },
    }
    ballot = {
        "type": "object",
        "description": ("Extension hemicycle:votes — un scrutin clos sur le point. Les votes nominatifs (votes) ne "
                        "sont donnés que pour les scrutins publics, jamais pour un scrutin secret (secret: true)."),
        "required": ["method", "round", "secret", "pour", "contre", "abstention", "outcome"],
        "properties": {
            "method": {"type": "string", "enum": ["show_of_hands", "by_group", "roll_call", "electronic", "secret",
                                                  "appointment"]},
            "methodLabel": _string("Libellé du mode de scrutin."),
            "round": {"type": "integer"},
            "amendment": {"type": "integer", "description": "Numéro de l'amendement voté (absent : vote sur le point)."},
            "secret": {"type": "boolean"},
            "present": {"type": "integer", "description": "Membres présents prenant part à la séance pour ce point."},
            "represented": {"type": "integer", "description": "Membres représentés (pouvoirs)."},
            "pour": {"type": "integer"}, "contre": {"type": "integer"},
            "abstention": {"type": "integer", "description": "Abstentions (bulletins blancs et nuls au scrutin secret)."},
            "nppv": {"type": "integer", "description": "Ne prennent pas part au vote."},
            "outcome": {"type": "string", "description": "adopted, rejected, elected, no_quorum…"},
            "castingVoteUsed": {"type": "boolean", "description": "Voix prépondérante du président utilisée."},
            "elected": _string("Personne désignée (désignations)."),
            "votes": {"type": "array", "items": _ref("HemicycleVote")},
        },
    }
    file_props = {
        "name": _string(), "fileName": _string(), "mimeType": _string(), "date": DATE, "size": {"type": "integer"},
        "accessUrl": URL, "downloadUrl": URL, "fileLicense": URL, "paper": URLS, "meeting": URLS,
        "agendaItem": URLS, "hemicycle:sha256": _string("SHA-256 du fichier (annexes)."),
    }
    item_props = {
        "meeting": URL, "number": _string("Numéro d'ordre attribué lors du vote."),
        "order": {"type": "integer", "description": "Position dans l'ordre du jour, à partir de 0."},
        "name": _string("Intitulé (« Point non public » pour un acte confidentiel)."), "public": {"type": "boolean"},
        "result": _string("Décision (Adopté, Rejeté, Reporté…)."), "consultation": URL,
        "resolutionFile": _ref("File"), "start": DATETIME, "end": DATETIME,
        "hemicycle:kind": _string("act, motion, question, minutes, urgency, information."),
        "hemicycle:votes": {"type": "array", "items": _ref("HemicycleBallot"),
                            "description": "Scrutins clos du point (points publics seulement)."},
    }
    membership_props = {"person": URL, "organization": URL, "role": _string(), "votingRight": {"type": "boolean"},
                        "startDate": DATE, "endDate": DATE, "onBehalfOf": URL}
    consultation_props = {"paper": URL, "agendaItem": URL, "meeting": URL, "organization": URLS,
                          "authoritative": {"type": "boolean"}, "role": _string()}
    list_page = {
        "type": "object", "required": ["data", "pagination", "links"],
        "properties": {
            "data": {"type": "array", "items": {"type": "object"}},
            "pagination": {"type": "object", "properties": {
                "totalElements": {"type": "integer"}, "elementsPerPage": {"type": "integer"},
                "currentPage": {"type": "integer"}, "totalPages": {"type": "integer"}}},
            "links": {"type": "object", "properties": {k: URL for k in ("first", "prev", "self", "next", "last")}},
        },
    }
    return {
        "System": _object("System", {
            "oparlVersion": URL, "otherOparlVersions": URLS, "body": URL, "name": _string(), "product": _string(),
            "website": URL, "hemicycle:openapi": URL}, required=("id", "type", "oparlVersion", "body")),
        "Body": _object("Body", {
            "system": URL, "shortName": _string(), "name": _string(), "classification": _string(),
            "organization": URL, "person": URL, "meeting": URL, "paper": URL, "agendaItem": URL, "consultation": URL,
            "file": URL, "membership": URL, "legislativeTermList": URL,
            "legislativeTerm": {"type": "array", "items": _ref("LegislativeTerm")},
            "hemicycle:siren": _string(), "hemicycle:siret": _string(),
            "hemicycle:scdl": {**URL, "description": "Fichier SCDL « Délibérations » 2.1.5 de la collectivité."}},
            required=("id", "type", "name", "organization", "person", "meeting", "paper", "legislativeTerm")),
        "LegislativeTerm": _object("LegislativeTerm", {"body": URL, "name": _string(), "startDate": DATE,
                                                       "endDate": DATE}),
        "Organization": _object("Organization", {
            "body": URL, "name": _string(), "shortName": _string(), "membership": URLS,
            "organizationType": _string("Gremium (assemblée, commission) ou Fraktion (groupe politique)."),
            "classification": _string(), "subOrganizationOf": URL, "hemicycle:kind": _string(),
            "hemicycle:membersInOffice": {"type": "integer"}}),
        "Person": _object("Person", {
            "body": URL, "name": _string(), "familyName": _string(), "givenName": _string(),
            "formOfAddress": _string("Mme ou M."), "status": {"type": "array", "items": {"type": "string"}},
            "membership": {"type": "array", "items": _ref("Membership")}}),
        "Membership": _object("Membership", membership_props),
        "Meeting": _object("Meeting", {
            "body": URL, "name": _string(), "meetingState": _string("eingeladen (convoquée) ou durchgeführt (tenue)."),
            "cancelled": {"type": "boolean"}, "start": DATETIME, "end": DATETIME, "organization": URLS,
            "participant": {**URLS, "description": "Élus présents (séances closes)."},
            "verbatimProtocol": _ref("File"), "resultsProtocol": _ref("File"),
            "agendaItem": {"type": "array", "items": _ref("AgendaItem")},
            "hemicycle:state": _string(), "hemicycle:public": {"type": "boolean", "description": "false : huis clos."},
            "hemicycle:place": _string()}),
        "AgendaItem": _object("AgendaItem", item_props),
        "Consultation": _object("Consultation", consultation_props),
        "Paper": _object("Paper", {
            "body": URL, "name": _string(), "reference": _string("Référence de l'acte, ex. « 2026 DAC 123 »."),
            "date": DATE, "paperType": _string(), "mainFile": _ref("File"),
            "auxiliaryFile": {"type": "array", "items": _ref("File")},
            "consultation": {"type": "array", "items": _ref("Consultation")},
            "hemicycle:state": _string(), "hemicycle:matieres": {"type": "array", "items": {"type": "string"}},
            "hemicycle:published": {"type": "boolean"},
            "hemicycle:legalityControl": {"type": "object", "description": "Accusé de réception de la préfecture.",
                                          "properties": {"idActe": _string(), "receivedOn": DATE}}}),
        "File": _object("File", file_props, required=("id", "type", "accessUrl")),
        "HemicycleBallot": ballot,
        "HemicycleVote": vote,
        "ListPage": list_page,
        "Error": {"type": "object", "properties": {"type": {"type": "string"}, "message": {"type": "string"}}},
    }


def _params() -> list:
    names = {
        "created_since": "Objets créés depuis (date-heure ISO 8601).",
        "created_until": "Objets créés jusqu'à (date-heure ISO 8601).",
        "modified_since": "Objets modifiés depuis (date-heure ISO 8601).",
        "modified_until": "Objets modifiés jusqu'à (date-heure ISO 8601).",
    }
    params = [{"name": n, "in": "query", "required": False, "description": d, "schema": DATETIME}
              for n, d in names.items()]
    params.append({"name": "limit", "in": "query", "required": False,
                   "description": f"Objets par page (défaut {oparl.DEFAULT_LIMIT}, au plus {oparl.MAX_LIMIT}) ; "
                                  "alias elementsPerPage.",
                   "schema": {"type": "integer", "minimum": 1}})
    params.append({"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}})
    return params


def _json_response(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {"400": _json_response(_ref("Error"), "Paramètre invalide"),
          "404": _json_response(_ref("Error"), "Inconnu ou non public")}
AUTHORITY = {"name": "authority", "in": "path", "required": True, "schema": {"type": "string"},
             "description": "Identifiant (slug) de la collectivité."}


def _path(name: str, **kwargs) -> str:
    return reverse(f"opendata:{name}", kwargs=kwargs)


def openapi_document() -> dict:
    placeholder = "AUTHORITYPLACEHOLDER"
    paths = {
        _path("oparl_system"): {"get": {"summary": "System OParl", "operationId": "system",
                                        "responses": {"200": _json_response(_ref("System"))}}},
        _path("oparl_bodies"): {"get": {"summary": "Liste des Body (collectivités)", "operationId": "bodies",
                                        "parameters": _params(),
                                        "responses": {"200": _json_response(_ref("ListPage")), **ERRORS}}},
        _path("oparl_body", authority=placeholder): {"get": {
            "summary": "Body (une collectivité)", "operationId": "body", "parameters": [AUTHORITY],
            "responses": {"200": _json_response(_ref("Body")), "404": ERRORS["404"]}}},
    }
    for kind, type_name in oparl.TYPE_NAMES.items():
        list_path = _path("oparl_list", authority=placeholder, kind=kind)
        paths[list_path] = {"get": {
            "summary": f"Liste des {type_name}", "operationId": f"list_{kind}", "parameters": [AUTHORITY, *_params()],
            "responses": {"200": _json_response({"allOf": [_ref("ListPage"), {"properties": {
                "data": {"type": "array", "items": _ref(type_name)}}}]}), **ERRORS}}}
        object_path = _path("oparl_object", authority=placeholder, kind=kind, key="KEYPLACEHOLDER")
        paths[object_path] = {"get": {
            "summary": type_name, "operationId": f"get_{kind}",
            "parameters": [AUTHORITY, {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": _json_response(_ref(type_name)), "404": ERRORS["404"]}}}
    paths[_path("oparl_annex_download", authority=placeholder, key="KEYPLACEHOLDER")] = {"get": {
        "summary": "Télécharger une annexe publique (accessUrl d'un File annex-…)", "operationId": "annex_download",
        "parameters": [AUTHORITY, {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "Le fichier", "content": {"*/*": {}}}, "404": {"description": "Inconnu"}}}}
    paths[_path("scdl", authority=placeholder)] = {"get": {
        "summary": "Délibérations publiées au format SCDL « Délibérations » 2.1.5 (CSV UTF-8)", "operationId": "scdl",
        "parameters": [AUTHORITY, {"name": "annee", "in": "query", "required": False,
                                   "schema": {"type": "integer"}, "description": "Année des séances."}],
        "responses": {"200": {"description": "CSV", "content": {"text/csv": {}}}, "404": {"description": "Inconnu"}}}}
    paths[_path("oparl_openapi")] = {"get": {"summary": "Cette description", "operationId": "openapi",
                                             "responses": {"200": {"description": "OpenAPI 3.1"}}}}
    fixed = {}
    for path, item in paths.items():
        fixed[path.replace(placeholder, "{authority}").replace("KEYPLACEHOLDER", "{key}")] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hémicycle — données ouvertes (OParl 1.1, SCDL)",
            "version": "1.1",
            "description": ("API publique en lecture seule suivant OParl 1.1 (https://oparl.org), plus le fichier SCDL "
                            "« Délibérations ». Les identifiants sont des URL absolues ; les listes sont paginées "
                            "(data, pagination, links) et filtrables par date de création ou de modification. "
                            "Extensions préfixées « hemicycle: » : votes sur les points de l'ordre du jour "
                            "(hemicycle:votes ; votes nominatifs pour les scrutins publics seulement, jamais pour un "
                            "scrutin secret), contrôle de légalité sur les actes (hemicycle:legalityControl). Aucune "
                            "donnée personnelle des élus (courriel, date de naissance, adresse) n'est exposée."),
            "license": {"name": "Licence Ouverte 2.0", "url": oparl.LICENSE},
        },
        "servers": [{"url": oparl.base_url()}],
        "paths": fixed,
        "components": {"schemas": _schemas()},
    }
