"""OParl 1.1 API: every object type is served, links are absolute and resolve, lists paginate
and filter by date, votes are exposed as documented extension fields (never for a secret
ballot), and nothing private or confidential leaks."""

import datetime
import json
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hemicycle.acts.models import Annex
from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.documents.testing import build_decided_sitting
from hemicycle.opendata.oparl import NS
from hemicycle.opendata.testing import acknowledge, item_of, publish_act
from hemicycle.organisation.models import Mandate, Member
from hemicycle.sittings.actions.minutes import generate, on_item_decided, publish_list, submit_minutes
from hemicycle.sittings.models import AgendaItem, Ballot, Sitting
from hemicycle.sittings.samples_minutes import sitting_members

BASE = settings.HEMICYCLE_BASE_URL.rstrip("/")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TYPES = {"System", "Body", "Organization", "Person", "Membership", "Meeting", "AgendaItem", "Consultation", "Paper",
         "File"}


def path_of(url: str) -> str:
    assert url.startswith(BASE + "/"), f"URL non absolue ou hors du site : {url}"
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def get_json(client, url: str, **params):
    response = client.get(path_of(url), params)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def api(name, **kwargs) -> str:
    return BASE + reverse(f"opendata:{name}", kwargs=kwargs)


def add_annex(user, act, *, filename, content, title, confidential=False):
    """An annex recorded as it was before the vote (the act is adopted now: annexes are frozen)."""
    return Annex.objects.create(act=act, title=title, original_name=filename, mime_type="application/pdf",
                                size=len(content), sha256=blobs.put(content), confidential=confidential,
                                uploaded_by=user)


def adopt_minutes(world, sitting):
    secretariat = world.users[Role.SECRETARIAT]
    generate(sitting, actor=secretariat)
    publish_list(secretariat, sitting)
    item = submit_minutes(secretariat, sitting.minutes)
    item.state = AgendaItem.State.ADOPTED
    item.save(update_fields=["state"])
    on_item_decided(item, actor=secretariat)


@pytest.fixture
def data(world):
    """A public decided sitting (minutes adopted, list online, both adopted acts published, the
    budget acknowledged and with a public and a confidential annex), plus a huis clos sitting
    whose adopted act is published with an annex, and a confidential act on its agenda."""
    members = sitting_members(world)
    for i, member in enumerate(members):
        member.email = f"elu{i}@prive.example.org"
        member.birth_date = member.birth_date or datetime.date(1961, 2, 3)
        member.save()
    Mandate.objects.create(member=members[0], function="Maire", start_date=datetime.date(2020, 7, 3),
                           is_president=True)
    members[1].committees.add(world.committee)
    decided = build_decided_sitting(world, members=members, next_sitting=True)
    adopt_minutes(world, decided.sitting)
    drafter = world.users[Role.DRAFTER]
    budget, subsidy = decided.adopted
    public_annex = add_annex(drafter, budget, filename="budget-annexe.pdf", content=PDF, title="Annexe budgétaire")
    secret_annex = add_annex(drafter, budget, filename="rib.pdf", content=PDF + b"%rib", title="RIB",
                             confidential=True)
    for act in decided.adopted:
        publish_act(world, act, item_of(decided, act))
    acknowledge(world, budget, received_on=decided.sitting.date + datetime.timedelta(days=2))

    closed = build_decided_sitting(world, slug="huis-clos", days_ago=9, public=False, members=members)
    closed_act = closed.adopted[0]
    closed_annex = add_annex(drafter, closed_act, filename="huis-clos.pdf", content=PDF + b"%hc", title="Pièce")
    publish_act(world, closed_act, item_of(closed, closed_act))
    confidential = closed.acts[3]  # the postponed one, still on the agenda
    confidential.confidential = True
    confidential.save()
    planned = decided.next_sitting  # planned, not convened: not public yet
    assert planned.state == Sitting.State.PLANNED
    return {"decided": decided, "closed": closed, "members": members, "public_annex": public_annex,
            "secret_annex": secret_annex, "closed_annex": closed_annex, "confidential": confidential,
            "planned": planned}


def crawl(client, start: str, limit: int = 2000):
    """Follow every absolute URL of the site found in API answers; return {url: json or bytes}."""
    seen, queue, found = set(), [start], {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(path_of(url))
        assert response.status_code == 200, (url, response.status_code)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if not response["Content-Type"].startswith("application/json"):
            found[url] = content
            continue
        body = json.loads(content)
        found[url] = body

        def walk(value):
            if isinstance(value, dict):
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)
            elif isinstance(value, str) and value.startswith(BASE + "/"):
                queue.append(value)

        walk(body)
    return found


def objects_in(found: dict):
    """Every OParl object (top-level or embedded) in the crawled answers."""
    out = []

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("type"), str) and value["type"].startswith(NS) and "id" in value:
                out.append(value)
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for body in found.values():
        if isinstance(body, dict):
            walk(body)
    return out


def test_crawl_serves_every_type_with_absolute_resolving_links(data, client):
    found = crawl(client, api("oparl_system"))
    objects = objects_in(found)
    types = {o["type"].removeprefix(NS) for o in objects}
    assert TYPES <= types, TYPES - types
    # Every object answers at its id with the same type; created/modified are present.
    for obj in {o["id"]: o for o in objects}.values():
        assert obj["id"] in found, obj["id"]
        fetched = found[obj["id"]]
        assert fetched["type"] == obj["type"] and fetched["id"] == obj["id"]
        assert obj["type"].endswith("System") or ("created" in obj and "modified" in obj), obj
    system = found[api("oparl_system")]
    assert system["oparlVersion"] == "https://schema.oparl.org/1.1/"
    # The portal's PDF of a published act and the adopted minutes were followed and are PDFs.
    pdfs = [url for url, body in found.items() if isinstance(body, bytes) and "pdf" in url.lower()]
    assert any("/publications/" in url for url in pdfs)
    assert any("proces-verbal" in url for url in pdfs)
    assert all(found[url].startswith(b"%PDF") for url in pdfs)


def test_body_and_lists(data, world, client):
    body = get_json(client, api("oparl_body", authority=world.authority.slug))
    assert body["type"] == NS + "Body" and body["name"] == world.authority.name
    assert body["legislativeTerm"] == []
    for attr in ("organization", "person", "meeting", "paper", "agendaItem", "consultation", "file", "membership",
                 "legislativeTermList"):
        page = get_json(client, body[attr])
        assert set(page) == {"data", "pagination", "links"}
    assert body["hemicycle:scdl"] == api("scdl", authority=world.authority.slug)
    bodies = get_json(client, api("oparl_bodies"))
    assert [b["id"] for b in bodies["data"]] == [body["id"]]
    organizations = get_json(client, body["organization"])["data"]
    kinds = {o["organizationType"] for o in organizations}
    assert kinds == {"Gremium", "Fraktion"}
    assert {"Conseil municipal", "Commission culture", "Majorité municipale"} <= {o["name"] for o in organizations}


def test_votes_extension_and_secret_ballot(data, world, client):
    decided = data["decided"]
    budget, subsidy = decided.adopted
    sale = decided.acts[2]
    m = data["members"]

    subsidy_item = get_json(client, api("oparl_object", authority=world.authority.slug, kind="agendaItem",
                                        key=item_of(decided, subsidy).pk))
    ballot = subsidy_item["hemicycle:votes"][-1]
    assert ballot["method"] == "roll_call" and ballot["secret"] is False
    assert (ballot["pour"], ballot["contre"], ballot["abstention"], ballot["outcome"]) == (3, 3, 1, "adopted")
    assert ballot["castingVoteUsed"] is True
    by_person = {v["person"]: v for v in ballot["votes"]}
    person = lambda member: api("oparl_object", authority=world.authority.slug, kind="person", key=member.pk)  # noqa: E731
    assert by_person[person(m[0])]["vote"] == "pour"
    assert by_person[person(m[2])]["vote"] == "contre"
    assert by_person[person(m[6])]["castBy"] == person(m[1])  # cast by proxy
    assert person(m[3]) not in by_person  # withdrawn
    assert subsidy_item["public"] is True and subsidy_item["number"] == "2"
    assert subsidy_item["consultation"]

    sale_item = get_json(client, api("oparl_object", authority=world.authority.slug, kind="agendaItem",
                                     key=item_of(decided, sale).pk))
    secret = sale_item["hemicycle:votes"][-1]
    assert secret["method"] == "secret" and secret["secret"] is True
    assert (secret["pour"], secret["contre"], secret["outcome"]) == (3, 4, "rejected")
    assert "votes" not in secret
    assert sale_item["result"] == "Rejeté"

    budget_item = get_json(client, api("oparl_object", authority=world.authority.slug, kind="agendaItem",
                                       key=item_of(decided, budget).pk))
    amendment, final = budget_item["hemicycle:votes"]
    assert amendment["amendment"] == 1 and "amendment" not in final
    assert "votes" not in final  # show of hands: totals only
    assert budget_item["resolutionFile"]["accessUrl"] == BASE + reverse(
        "publication:act_pdf", kwargs={"authority": world.authority.slug, "slug": budget.slug})
    assert Ballot.objects.filter(item=item_of(decided, sale), method=Ballot.Method.SECRET).exists()


def test_paper_of_a_published_acknowledged_act(data, world, client):
    budget = data["decided"].adopted[0]
    paper = get_json(client, api("oparl_object", authority=world.authority.slug, kind="paper", key=budget.pk))
    assert paper["reference"] == budget.reference and paper["name"] == budget.object
    assert paper["date"] == data["decided"].sitting.date.isoformat()
    assert paper["paperType"] == "Délibération"
    assert paper["mainFile"]["mimeType"] == "application/pdf"
    assert paper["hemicycle:legalityControl"]["receivedOn"] == (
        data["decided"].sitting.date + datetime.timedelta(days=2)).isoformat()
    annexes = paper["auxiliaryFile"]
    assert [a["name"] for a in annexes] == ["Annexe budgétaire"]  # the confidential one is not there
    response = client.get(path_of(annexes[0]["accessUrl"]))
    assert response.status_code == 200 and response.content == PDF
    consultation = paper["consultation"][0]
    assert consultation["authoritative"] is True
    assert consultation["agendaItem"] == api("oparl_object", authority=world.authority.slug, kind="agendaItem",
                                             key=item_of(data["decided"], budget).pk)
    secret_key = f"annex-{data['secret_annex'].pk}"
    assert client.get(reverse("opendata:oparl_annex_download",
                              kwargs={"authority": world.authority.slug, "key": secret_key})).status_code == 404
    assert client.get(reverse("opendata:oparl_object", kwargs={"authority": world.authority.slug, "kind": "file",
                                                               "key": secret_key})).status_code == 404


def test_huis_clos_and_confidential_items_expose_no_documents(data, world, client):
    closed = data["closed"]
    slug = world.authority.slug
    meeting = get_json(client, api("oparl_object", authority=slug, kind="meeting", key=closed.sitting.pk))
    assert meeting["hemicycle:public"] is False
    assert "verbatimProtocol" not in meeting and "resultsProtocol" not in meeting and "participant" not in meeting
    public_meeting = get_json(client, api("oparl_object", authority=slug, kind="meeting", key=data["decided"].sitting.pk))
    assert len(public_meeting["participant"]) == 7  # present at some point (one left during item 3)
    for item in meeting["agendaItem"]:
        assert item["public"] is False
        assert "hemicycle:votes" not in item and "start" not in item
    # The huis clos act is published (its PDF is on the portal) but its annex is not exposed.
    closed_act = closed.adopted[0]
    paper = get_json(client, api("oparl_object", authority=slug, kind="paper", key=closed_act.pk))
    assert paper["mainFile"] and paper.get("auxiliaryFile", []) == []
    key = f"annex-{data['closed_annex'].pk}"
    assert client.get(reverse("opendata:oparl_annex_download", kwargs={"authority": slug, "key": key})).status_code \
        == 404
    files = get_json(client, api("oparl_list", authority=slug, kind="file"), limit=1000)["data"]
    file_ids = {f["id"] for f in files}
    assert api("oparl_object", authority=slug, kind="file", key=key) not in file_ids
    assert api("oparl_object", authority=slug, kind="file", key=f"minutes-{closed.sitting.pk}") not in file_ids
    assert api("oparl_object", authority=slug, kind="file", key=f"minutes-{data['decided'].sitting.pk}") in file_ids
    # The confidential act: its item is a « Point non public » with no paper, consultation, votes.
    confidential = data["confidential"]
    item = next(i for i in meeting["agendaItem"] if i["id"] == api(
        "oparl_object", authority=slug, kind="agendaItem", key=item_of(closed, confidential).pk))
    assert item["name"] == "Point non public" and "consultation" not in item
    assert client.get(reverse("opendata:oparl_object", kwargs={"authority": slug, "kind": "paper",
                                                               "key": confidential.pk})).status_code == 404
    papers = json.dumps(get_json(client, api("oparl_list", authority=slug, kind="paper"), limit=1000))
    assert confidential.reference not in papers
    assert api("oparl_object", authority=slug, kind="paper", key=confidential.pk) not in papers
    # A sitting not yet convened is not shown.
    assert client.get(reverse("opendata:oparl_object", kwargs={"authority": slug, "kind": "meeting",
                                                               "key": data["planned"].pk})).status_code == 404


def test_no_private_data_anywhere(data, world, client):
    found = crawl(client, api("oparl_system"))
    text = "\n".join(json.dumps(body, ensure_ascii=False) for body in found.values() if isinstance(body, dict))
    assert "prive.example.org" not in text and "@example.org" not in text
    for member in Member.objects.filter(authority=world.authority):
        if member.birth_date:
            assert member.birth_date.isoformat() not in text
    assert "birth" not in text.lower() and '"email"' not in text
    persons = get_json(client, api("oparl_list", authority=world.authority.slug, kind="person"))["data"]
    allowed = {"id", "type", "body", "name", "familyName", "givenName", "formOfAddress", "status", "membership",
               "created", "modified"}
    for person in persons:
        assert set(person) <= allowed, set(person) - allowed
    mayor = next(p for p in persons if p["familyName"] == "Lefèvre")
    assert mayor["status"] == ["Maire"]
    assert {m["role"] for m in mayor["membership"]} >= {"Maire"}


def test_pagination_walks_every_object_once(data, world, client):
    url = api("oparl_list", authority=world.authority.slug, kind="person")
    first = get_json(client, url, limit=4)
    total = first["pagination"]["totalElements"]
    assert total == Member.objects.filter(authority=world.authority).count() and total > 8
    assert first["pagination"]["elementsPerPage"] == 4
    assert first["pagination"]["totalPages"] == (total + 3) // 4
    assert "prev" not in first["links"]
    ids, page = [], first
    while True:
        ids += [p["id"] for p in page["data"]]
        if "next" not in page["links"]:
            break
        assert page["links"]["next"].startswith(BASE + "/") and "limit=4" in page["links"]["next"]
        page = get_json(client, page["links"]["next"])
    assert len(ids) == total == len(set(ids))
    assert page["links"]["self"] == first["links"]["last"]
    # Chained sources (organizations of three kinds) paginate the same way.
    orgs = api("oparl_list", authority=world.authority.slug, kind="organization")
    all_ids = [o["id"] for o in get_json(client, orgs)["data"]]
    paged = []
    for n in range(1, len(all_ids) + 1):
        paged += [o["id"] for o in get_json(client, orgs, limit=1, page=n)["data"]]
    assert paged == all_ids and len(all_ids) >= 3


def test_modified_since_and_created_since(data, world, client):
    url = api("oparl_list", authority=world.authority.slug, kind="person")
    everyone = get_json(client, url)["pagination"]["totalElements"]
    assert get_json(client, url, modified_since="2000-01-01T00:00:00+01:00")["pagination"]["totalElements"] == everyone
    mark = timezone.now()
    assert get_json(client, url, modified_since=mark.isoformat())["data"] == []
    member = data["members"][4]
    member.first_name = "Élisabeth"
    member.save()
    changed = get_json(client, url, modified_since=mark.isoformat())["data"]
    assert [p["givenName"] for p in changed] == ["Élisabeth"]
    assert get_json(client, url, modified_until=mark.isoformat())["pagination"]["totalElements"] == everyone - 1
    assert get_json(client, url, created_since=mark.isoformat())["data"] == []
    Member.objects.create(authority=world.authority, civility="M.", first_name="Nouveau", last_name="Venu")
    created = get_json(client, url, created_since=mark.isoformat())["data"]
    assert [p["familyName"] for p in created] == ["Venu"]
    # A vote closing touches its agenda item and meeting; publishing touches the paper.
    items = api("oparl_list", authority=world.authority.slug, kind="agendaItem")
    mark = timezone.now()
    subsidy_item = item_of(data["decided"], data["decided"].adopted[1])
    Ballot.objects.filter(item=subsidy_item).last().save()
    changed = get_json(client, items, modified_since=mark.isoformat())["data"]
    assert [i["id"] for i in changed] == [api("oparl_object", authority=world.authority.slug, kind="agendaItem",
                                              key=subsidy_item.pk)]
    meetings = get_json(client, api("oparl_list", authority=world.authority.slug, kind="meeting"),
                        modified_since=mark.isoformat())["data"]
    assert [m["id"] for m in meetings] == [api("oparl_object", authority=world.authority.slug, kind="meeting",
                                               key=data["decided"].sitting.pk)]
    # Withdrawing a publication changes the paper (its file goes away).
    from hemicycle.publication.actions import withdraw

    mark = timezone.now()
    budget = data["decided"].adopted[0]
    withdraw(world.users[Role.SECRETARIAT], budget, reason="Erreur matérielle")
    papers = get_json(client, api("oparl_list", authority=world.authority.slug, kind="paper"),
                      modified_since=mark.isoformat())["data"]
    assert [p["reference"] for p in papers] == [budget.reference] and "mainFile" not in papers[0]
    # Filters are kept in the pagination links; a bad date is a 400 with an OParl error object.
    page = get_json(client, url, modified_since="2000-01-01T00:00:00+01:00", limit=2)
    assert "modified_since=2000-01-01T00%3A00%3A00%2B01%3A00" in page["links"]["next"]
    response = client.get(path_of(url), {"modified_since": "hier"})
    assert response.status_code == 400 and "modified_since" in json.loads(response.content)["message"]


def test_unknown_things_are_json_404(data, world, client):
    slug = world.authority.slug
    for path in (reverse("opendata:oparl_body", kwargs={"authority": "nulle-part"}),
                 reverse("opendata:oparl_list", kwargs={"authority": slug, "kind": "vote"}),
                 reverse("opendata:oparl_object", kwargs={"authority": slug, "kind": "person", "key": "999999"}),
                 reverse("opendata:oparl_object", kwargs={"authority": slug, "kind": "organization",
                                                          "key": "assembly-x"})):
        response = client.get(path)
        assert response.status_code == 404, path
        assert json.loads(response.content)["type"] == NS + "Error"


def test_other_authority_objects_are_not_served_under_this_body(data, world, other_world, client):
    other_member = Member.objects.create(authority=other_world.authority, civility="M.", first_name="Autre",
                                         last_name="Élu")
    response = client.get(reverse("opendata:oparl_object", kwargs={"authority": world.authority.slug,
                                                                   "kind": "person", "key": other_member.pk}))
    assert response.status_code == 404
    budget = data["decided"].adopted[0]
    response = client.get(reverse("opendata:oparl_object", kwargs={"authority": other_world.authority.slug,
                                                                   "kind": "paper", "key": budget.pk}))
    assert response.status_code == 404


def test_openapi_describes_the_api(db, client):
    response = client.get(reverse("opendata:oparl_openapi"))
    assert response.status_code == 200
    doc = json.loads(response.content)
    assert doc["openapi"].startswith("3.1")
    paths = doc["paths"]
    for kind in ("organization", "person", "membership", "meeting", "agendaItem", "consultation", "paper", "file"):
        assert f"/oparl/v1/body/{{authority}}/{kind}/" in paths
        assert f"/oparl/v1/body/{{authority}}/{kind}/{{key}}/" in paths
    assert "/oparl/v1/" in paths and "/oparl/v1/body/" in paths and "/donnees/{authority}/deliberations.csv" in paths
    schemas = doc["components"]["schemas"]
    assert "hemicycle:votes" in schemas["AgendaItem"]["properties"]
    assert "votes" in schemas["HemicycleBallot"]["properties"]
    params = {p["name"] for p in paths["/oparl/v1/body/{authority}/paper/"]["get"]["parameters"]}
    assert {"modified_since", "created_since", "limit", "page"} <= params

    def refs(value):
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "$ref":
                    yield v
                else:
                    yield from refs(v)
        elif isinstance(value, list):
            for v in value:
                yield from refs(v)

    for ref in refs(doc):
        assert ref.removeprefix("#/components/schemas/") in schemas, ref
