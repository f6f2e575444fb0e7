"""Each endpoint's contract, in the yente, Watchman and moneytrail dialects, on real lists."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import orjson
import pytest

from tests.api.conftest import auth

DIALECTS = Path(__file__).parent / "dialects"

# yente 5.5.0's EntityResponse / ScoredEntityResponse keys (tests/api/dialects/yente.md)
ENTITY_KEYS = {"id", "caption", "schema", "properties", "datasets", "referents", "target",
               "first_seen", "last_seen", "last_change"}
SCORED_KEYS = ENTITY_KEYS | {"score", "explanations", "match"}
# Watchman v2 Entity + SearchedEntity keys (tests/api/dialects/watchman.md)
WATCHMAN_KEYS = {"name", "entityType", "sourceList", "sourceID", "person", "business",
                 "organization", "aircraft", "vessel", "contact", "addresses", "cryptoAddresses",
                 "affiliations", "sanctionsInfo", "historicalInfo", "sourceData", "match"}


def post_match(client, env, body, dataset="default", role="analyst", **params):
    return client.post(f"/match/{dataset}", json=body, params=params, headers=auth(env, role))


# -- yente: /match -------------------------------------------------------------------------

@pytest.mark.parametrize("example",
                         sorted(p.name for p in DIALECTS.glob("yente_match_request*.json")))
def test_yente_documentation_requests_get_yente_shaped_answers(client, api_env, example):
    body = json.loads((DIALECTS / example).read_text())
    reply = post_match(client, api_env, body)
    assert reply.status_code == 200, reply.text
    out = reply.json()
    assert set(out) == {"responses", "limit"} and out["limit"] == 5
    assert set(out["responses"]) == set(body["queries"])
    for key, answer in out["responses"].items():
        assert set(answer) == {"status", "results", "total", "query"}
        assert answer["status"] == 200
        assert set(answer["total"]) == {"value", "relation"}
        assert answer["query"]["schema"] == body["queries"][key]["schema"]
        assert answer["total"]["value"] == sum(r["match"] for r in answer["results"])
        for result in answer["results"]:
            assert set(result) == SCORED_KEYS
            assert all(isinstance(v, list) for v in result["properties"].values())
            for feature in result["explanations"].values():
                assert set(feature) == {"detail", "score", "query", "candidate"}
        scores = [r["score"] for r in answer["results"]]
        assert scores == sorted(scores, reverse=True)


def test_match_finds_a_dprk_official_written_in_hangul(client, api_env):
    body = {"queries": {"ri": {"schema": "Person", "properties": {
        "name": ["리원호"], "birthDate": ["1964-07-17"], "nationality": ["North Korea"]}}}}
    answer = post_match(client, api_env, body).json()["responses"]["ri"]
    top = answer["results"][0]
    assert top["id"] == "un_sc:6908555" and top["caption"] == "RI WON HO"
    assert top["match"] is True and top["score"] >= 0.8
    assert top["explanations"]["name"]["query"] == "리원호"
    assert top["explanations"]["name"]["candidate"] == "RI WON HO"
    assert "birth_date" in top["explanations"]
    # the echo is the query as understood: countries as codes
    assert answer["query"]["properties"]["nationality"] == ["kp"]
    assert answer["total"] == {"value": 1, "relation": "eq"}


def test_match_threshold_and_limit_are_honoured(client, api_env):
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ri Yong Ho"]}}}}
    low = post_match(client, api_env, body, threshold=0.5, limit=3).json()["responses"]["q"]
    assert 0 < len(low["results"]) <= 3
    assert all(r["match"] == (r["score"] >= 0.5) for r in low["results"])
    high = post_match(client, api_env, body, threshold=0.99).json()["responses"]["q"]
    assert all(r["match"] == (r["score"] >= 0.99) for r in high["results"])


def test_match_dataset_selects_lists(client, api_env):
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["RI WON HO"]}}}}
    un = post_match(client, api_env, body, dataset="un_sc").json()["responses"]["q"]["results"]
    assert un and all(r["datasets"] == ["un_sc"] for r in un)
    other = [s for s in client.get("/lists", headers=auth(api_env, "viewer")).json()["datasets"]
             if s not in ("default", "sanctions", "all", "un_sc")]
    assert other, "the test store holds a second list"
    none = post_match(client, api_env, body, dataset=other[0]).json()["responses"]["q"]
    assert all(r["datasets"] == [other[0]] for r in none["results"])
    assert not any(r["id"] == "un_sc:6908555" for r in none["results"])
    missing = post_match(client, api_env, body, dataset="us_ofac_sdn")
    assert missing.status_code == 404 and "un_sc" in missing.json()["detail"]


@pytest.mark.parametrize("body, params, status, where", [
    ({"queries": {"q": {"schema": "Person", "properties": {"nmae": ["Kim"]}}}}, {}, 422,
     "properties"),
    ({"queries": {"q": {"schema": "Persn", "properties": {"name": ["Kim"]}}}}, {}, 422,
     "schema"),
    ({"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim"]}, "x": 1}}}, {},
     422, "x"),
    ({"queries": {"q": {"schema": "Person", "properties": 5}}}, {}, 422, "properties"),
    ({"queries": {}}, {}, 422, "queries"),
    ({"queries": {f"q{i}": {"schema": "Person", "properties": {"name": ["Kim"]}}
                  for i in range(101)}}, {}, 422, "queries"),
    ({"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim"]}}},
      "extra": True}, {}, 422, "extra"),
    ({"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim"],
                                                           "birthDate": ["1984-13-45"]}}}},
     {}, 422, "q"),
    ({"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim"],
                                                           "nationality": ["Atlantis"]}}}},
     {}, 422, "q"),
    ({"queries": {"q": {"schema": "Person", "properties": {"gender": ["male"]}}}}, {}, 422,
     "q"),
    ({"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim"]}}},
      "config": {"nm_number_mismatch": 0.4}}, {}, 422, "config"),
    ({"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim"]}}}},
     {"limit": 501}, 422, "limit"),
    ({"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim"]}}}},
     {"threshold": "high"}, 422, "threshold"),
    ({"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim"]}}}},
     {"algorithm": "magic"}, 400, None),
])
def test_match_refuses_bad_requests_with_the_field_named(client, api_env, body, params, status,
                                                         where):
    reply = post_match(client, api_env, body, **params)
    assert reply.status_code == status, reply.text
    detail = reply.json()["detail"]
    if where is None:
        assert "algorithm" in detail.lower()
    else:
        assert any(where in [str(x) for x in e["loc"]] for e in detail), detail
        assert all("input" not in e for e in detail)  # the value sent is not echoed


def test_malformed_json_and_wrong_content_are_4xx(client, api_env):
    headers = {**auth(api_env, "analyst"), "content-type": "application/json"}
    broken = client.post("/match/default", content=b'{"queries": {', headers=headers)
    assert broken.status_code == 422 and broken.json()["detail"][0]["type"] == "json_invalid"
    text = client.post("/match/default", content=b"Kim Jong Un",
                       headers={**auth(api_env, "analyst"), "content-type": "text/plain"})
    assert 400 <= text.status_code < 500


# -- yente: /search, /entities, /algorithms ---------------------------------------------------

def test_search_ranks_and_counts_facets(client, api_env):
    headers = auth(api_env, "viewer")
    out = client.get("/search/default", params={"q": "Korea Mining", "limit": 3},
                     headers=headers).json()
    assert out["results"][0]["caption"] == "KOREA MINING DEVELOPMENT TRADING CORPORATION"
    assert set(out["results"][0]) == ENTITY_KEYS | {"score"}
    assert set(out["facets"]) == {"datasets", "schema", "programs", "countries"}
    total = out["total"]["value"]
    assert sum(v["count"] for v in out["facets"]["datasets"]["values"]) == total
    assert sum(v["count"] for v in out["facets"]["schema"]["values"]) == total
    page2 = client.get("/search/default", params={"q": "Korea Mining", "limit": 3,
                                                  "offset": 1}, headers=headers).json()
    assert page2["results"][0]["id"] == out["results"][1]["id"]
    kp = client.get("/search/default", params={"q": "Korea", "countries": "kp", "limit": 50},
                    headers=headers).json()
    assert kp["results"] and kp["facets"]["countries"]["values"][0]["name"] == "kp"
    assert kp["facets"]["countries"]["values"][0]["count"] == kp["total"]["value"]


def test_search_finds_an_identifier(client, api_env):
    out = client.get("/search/default", params={"q": "381310014"},
                     headers=auth(api_env, "viewer")).json()
    assert out["results"][0]["id"] == "un_sc:6908555"


def test_entity_with_its_relations_both_ways(client, api_env, service):
    headers = auth(api_env, "viewer")
    source = next(s for s in service.current.sources if s != "un_sc")
    linked = [e for e in service.store.entities(service.current.snapshot_of(source).id)
              if e.relations and e.schema.value != "Other"]
    assert linked
    entity = linked[0]
    out = client.get(f"/entities/{entity.id}", headers=headers).json()
    assert out["id"] == entity.id and ENTITY_KEYS <= set(out)
    assert len([r for r in out["relations"] if r["direction"] == "out"]) == len(entity.relations)
    target = next(r["entity"]["id"] for r in out["relations"] if r["entity"]["in_service"])
    back = client.get(f"/entities/{target}", headers=headers).json()
    assert any(r["direction"] == "in" and r["entity"]["id"] == entity.id
               for r in back["relations"])
    assert client.get("/entities/un_sc:nope", headers=headers).status_code == 404


def test_algorithms_and_lists(client, api_env, service):
    headers = auth(api_env, "viewer")
    algos = client.get("/algorithms", headers=headers).json()
    assert algos["best"] == "moneytrail" and algos["default"] == "best"
    lists = client.get("/lists", headers=headers).json()
    in_service = [s for s in lists["snapshots"] if s["in_service"]]
    assert sorted(s["id"] for s in in_service) == sorted(service.current.snapshot_ids)
    un = next(s for s in in_service if s["source"] == "un_sc")
    assert len(un["sha256"]) == 64 and un["counts"]["total"] > 900 and un["published"]


# -- Watchman: /v2/search ---------------------------------------------------------------------

def watchman_requests() -> list[dict[str, str]]:
    out = []
    for line in (DIALECTS / "watchman_v2_search_requests.txt").read_text().splitlines():
        if line.startswith("#") or "GET /v2/search?" not in line:
            continue
        url = line.split("|", 1)[1].strip().removeprefix("GET ")
        out.append(dict(parse_qsl(urlsplit(url).query)))
    return out


@pytest.mark.parametrize("params", watchman_requests())
def test_watchman_documentation_requests_get_watchman_shaped_answers(client, api_env, params):
    params = {k: v for k, v in params.items() if k != "address"}  # no address matching (yet)
    reply = client.get("/v2/search", params=params, headers=auth(api_env, "analyst"))
    assert reply.status_code == 200, reply.text
    out = reply.json()
    assert set(out) == {"query", "entities"}
    min_match = float(params.get("minMatch", 0))
    for entity in out["entities"]:
        assert set(entity) == WATCHMAN_KEYS
        assert entity["match"] >= min_match
    assert len(out["entities"]) <= int(params.get("limit", 10))


def test_watchman_search_finds_a_dprk_official(client, api_env):
    headers = auth(api_env, "analyst")
    out = client.get("/v2/search", params={"name": "Ri Won Ho", "type": "person",
                                           "birthDate": "1964-07-17", "limit": 1},
                     headers=headers).json()
    top = out["entities"][0]
    assert (top["sourceList"], top["sourceID"], top["entityType"]) == ("un_csl", "KPi.033",
                                                                      "person")
    assert top["person"]["birthDate"] == "1964-07-17T00:00:00Z" and top["match"] >= 0.8
    assert top["business"] is None and top["sanctionsInfo"]["programs"] == ["DPRK"]
    by_passport = client.get("/v2/search", params={"type": "person", "name": "Someone Else",
                                                   "gov_passport": "KP:381310014"},
                             headers=headers).json()
    assert by_passport["entities"][0]["sourceID"] == "KPi.033"
    assert by_passport["entities"][0]["match"] == 1.0


def test_watchman_refuses_unknown_and_malformed_parameters(client, api_env):
    headers = auth(api_env, "analyst")
    for params in ({"name": "Kim", "nmae": "x"}, {"name": "Kim", "type": "spaceship"},
                   {"name": "Kim", "birthDate": "64-07-17"}, {"name": "Kim", "minMatch": "2"},
                   {"type": "person"}):
        reply = client.get("/v2/search", params=params, headers=headers)
        assert reply.status_code == 422, (params, reply.text)
    capped = client.get("/v2/search", params={"name": "Kim", "limit": 1000, "minMatch": 0},
                        headers=headers)
    assert capped.status_code == 200 and len(capped.json()["entities"]) <= 100


# -- moneytrail: /v1/screen -------------------------------------------------------------------

def test_screen_streams_one_line_per_query_in_order(client, api_env):
    queries = [{"id": f"c{i}", "name": name} for i, name in
               enumerate(["RI WON HO", "Nobody In Particular", "KOREA MINING DEVELOPMENT "
                          "TRADING CORPORATION"] * 40)]
    queries.append({"id": "passport", "identifiers": [{"kind": "passport",
                                                       "value": "381310014"}]})
    reply = client.post("/v1/screen", json={"queries": queries, "limit": 2},
                        headers=auth(api_env, "analyst"))
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/x-ndjson")
    lines = [orjson.loads(line) for line in reply.content.splitlines()]
    assert len(lines) == len(queries) + 1
    assert lines[-1]["end"] is True and lines[-1]["count"] == len(queries)
    assert [line["id"] for line in lines[:-1]] == [q["id"] for q in queries]
    assert [line["index"] for line in lines[:-1]] == list(range(len(queries)))
    assert lines[0]["hit"] and lines[0]["matches"][0]["entity_id"] == "un_sc:6908555"
    assert lines[-2]["hit"] and lines[-2]["matches"][0]["entity_id"] == "un_sc:6908555"
    assert all(len(line["matches"]) <= 2 for line in lines[:-1])


def test_screen_refuses_bad_batches(client, api_env):
    headers = auth(api_env, "analyst")
    too_many = client.post("/v1/screen", json={"queries": [{"name": "x"}] * 10_001},
                           headers=headers)
    assert too_many.status_code == 422
    queries = [{"name": "Kim"}, {"countries": ["kp"]},
               {"name": "Ri", "birth_dates": ["31.02.1964"]}]
    bad = client.post("/v1/screen", json={"queries": queries}, headers=headers)
    assert bad.status_code == 422
    assert [e["loc"][-1] for e in bad.json()["detail"]] == [1, 2]
    unknown = client.post("/v1/screen", json={"queries": [{"name": "Kim", "dob": "1984"}]},
                          headers=headers)
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"][-1] == "dob"


# -- probes and metrics -----------------------------------------------------------------------

def test_probes_and_metrics(client, api_env, service):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["snapshots"] == list(service.current.snapshot_ids)
    assert client.get("/metrics").status_code == 401
    client.post("/match/default", json={"queries": {"q": {"schema": "Person",
                                                          "properties": {"name": ["Kim"]}}}},
                headers=auth(api_env, "analyst"))
    text = client.get("/metrics", headers=auth(api_env, "viewer")).text
    assert f"moneytrail_index_entities {float(len(service.current.screener.index))}" in text
    assert 'moneytrail_snapshot_age_seconds{snapshot="' in text and 'source="un_sc"' in text
    assert 'moneytrail_http_request_duration_seconds_bucket{le="0.01",route="/match/{dataset}"}' \
        in text
    assert 'moneytrail_http_requests_total{method="POST",route="/match/{dataset}",status="200"}' \
        in text
    assert "process_resident_memory_bytes" in text
    assert "moneytrail_last_reload_ok 1.0" in text


def test_openapi_and_docs_are_served(client):
    spec = client.get("/openapi.json").json()
    for path in ("/match/{dataset}", "/search/{dataset}", "/v2/search", "/v1/screen",
                 "/entities/{entity_id}", "/lists", "/healthz", "/readyz", "/metrics",
                 "/admin/reload"):
        assert path in spec["paths"], path
    assert "text/html" in client.get("/docs").headers["content-type"]


def test_yente_dataset_filters_and_excluded_ids(client, api_env):
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["RI WON HO"]}}}}
    top = [r["id"] for r in post_match(client, api_env, body, limit=4, threshold=0.5)
           .json()["responses"]["q"]["results"]]
    assert top[0] == "un_sc:6908555" and len(top) == 4
    without = post_match(client, api_env, body, limit=3, threshold=0.5,
                         exclude_entity_ids=["un_sc:6908555"]).json()["responses"]["q"]
    assert [r["id"] for r in without["results"]] == top[1:]  # the next three take its place
    excluded = post_match(client, api_env, body, exclude_dataset="un_sc").json()
    assert all(r["datasets"] != ["un_sc"] for r in excluded["responses"]["q"]["results"])
    included = post_match(client, api_env, body, include_dataset="un_sc").json()
    assert all(r["datasets"] == ["un_sc"] for r in included["responses"]["q"]["results"])
    unknown = post_match(client, api_env, body, include_dataset="us_ofac_sdn")
    assert unknown.status_code == 422 and "us_ofac_sdn" in unknown.text


@pytest.mark.parametrize("path, params", [
    ("/match/default", {"topics": "sanction"}),
    ("/match/default", {"changed_since": "2024-01-01"}),
    ("/search/default", {"q": "Kim", "fuzzy": "true"}),
    ("/lists", {"page": "2"}),
])
def test_unsupported_query_parameters_are_refused_not_ignored(client, api_env, path, params):
    if path.startswith("/match"):
        reply = client.post(path, params=params, headers=auth(api_env, "analyst"), json={
            "queries": {"q": {"schema": "Person", "properties": {"name": ["Kim"]}}}})
    else:
        reply = client.get(path, params=params, headers=auth(api_env, "analyst"))
    assert reply.status_code == 422, reply.text
    bad = [e for e in reply.json()["detail"] if e["type"] == "extra_forbidden"]
    assert bad and bad[0]["loc"][-1] in params
