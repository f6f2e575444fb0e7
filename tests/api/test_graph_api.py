"""GET /v1/graph/ownership|exposure|neighbourhood over the lists in service (the UN list and the
ZALA ownership network); viewers and up."""

from __future__ import annotations

from tests.api.conftest import auth
from tests.graph.test_ftm_ownership import AEROSCAN, CST, IZHMASH, ZAKHAROV


def get(client, api_env, path, role="viewer", **params):
    return client.get(path, params=params, headers=auth(api_env, role))


def test_ownership_gives_the_50_percent_rule_on_the_day_asked(client, api_env):
    answer = get(client, api_env, f"/v1/graph/ownership/{AEROSCAN}", as_of="2024-03-10")
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert out["as_of"] == "2024-03-10" and out["snapshots"]
    assert out["blocked"] and not out["by_listing"] and out["blocked_share"] == 100.0
    assert [(s["owner"], s["owned"], s["share"]) for s in out["proof"]] == [
        (ZAKHAROV, AEROSCAN, 100.0)]
    assert out["proof"][0]["provenance"]["source"] == "ftm_zala"
    assert out["nodes"][ZAKHAROV]["listed"] is True
    # the same generation, another day: Zakharov had sold it, nothing blocks it
    later = get(client, api_env, f"/v1/graph/ownership/{AEROSCAN}", as_of="2026-01-01").json()
    assert not later["blocked"] and later["proof"] == [] and later["owners"] == []


def test_ownership_of_a_listed_company_names_its_owners(client, api_env):
    out = get(client, api_env, f"/v1/graph/ownership/{CST}", as_of="2026-01-01").json()
    assert out["blocked"] and out["by_listing"] and out["blocked_share"] == 51.0
    owners = sorted((o["owner"], o["share"], o["owner_blocked"]) for o in out["owners"]
                    if o["share"] is not None)
    assert owners == [(ZAKHAROV, 51.0, True), (IZHMASH, 49.0, False)]
    assert out["entity"]["id"] == CST


def test_exposure_ranks_listed_parties_with_their_paths(client, api_env):
    out = get(client, api_env, f"/v1/graph/exposure/{IZHMASH}", max_hops=1).json()
    hits = {x["id"]: x for x in out["exposure"]}
    assert CST in hits and hits[CST]["hops"] == 1
    [[edge]] = hits[CST]["edges"]
    assert edge["kind"] == "ownership" and edge["provenance"]["source"] == "ftm_zala"
    assert out["nodes"][CST]["listed"] is True and out["entity"]["id"] == IZHMASH
    wider = get(client, api_env, f"/v1/graph/exposure/{IZHMASH}", max_hops=3).json()
    assert len(wider["exposure"]) >= len(out["exposure"])
    assert all(x["hops"] <= 3 for x in wider["exposure"])
    scores = [x["score"] for x in wider["exposure"]]
    assert scores == sorted(scores, reverse=True)
    assert len(get(client, api_env, f"/v1/graph/exposure/{IZHMASH}", limit=1).json()[
        "exposure"]) == 1


def test_neighbourhood_is_nodes_and_the_edges_between_them(client, api_env):
    out = get(client, api_env, f"/v1/graph/neighbourhood/{CST}", hops=1).json()
    ids = {n["id"] for n in out["nodes"]}
    assert {CST, ZAKHAROV, IZHMASH} <= ids and out["truncated"] is False
    assert out["edges"] and all(e["src"] in ids and e["dst"] in ids for e in out["edges"])
    assert all(e["provenance"]["source"] for e in out["edges"])
    assert any(e["src"] == ZAKHAROV and e["dst"] == CST and e["kind"] == "ownership"
               for e in out["edges"])
    two = get(client, api_env, f"/v1/graph/neighbourhood/{CST}").json()
    assert ids < {n["id"] for n in two["nodes"]} and len(two["nodes"]) <= 500


def test_an_unknown_id_or_a_name_is_a_404_that_says_what_to_do(client, api_env):
    unknown = get(client, api_env, "/v1/graph/exposure/un_sc:nope")
    assert unknown.status_code == 404 and "/search/default" in unknown.json()["detail"]
    name = get(client, api_env, "/v1/graph/ownership/RI WON HO")
    assert name.status_code == 404 and "is a name, not a node id" in name.json()["detail"]
    assert get(client, api_env, "/v1/graph/neighbourhood/un_sc:6908555").status_code == 200


def test_bad_parameters_and_missing_keys_are_refused(client, api_env):
    path = f"/v1/graph/ownership/{CST}"
    assert get(client, api_env, path, as_of="2024-02-30").status_code == 422
    assert get(client, api_env, path, as_of="yesterday").status_code == 422
    assert get(client, api_env, f"/v1/graph/exposure/{CST}", max_hops=9).status_code == 422
    assert get(client, api_env, f"/v1/graph/neighbourhood/{CST}", depth=2).status_code == 422
    assert client.get(path).status_code == 401


def test_the_graph_is_built_once_per_generation(api_env, monkeypatch):
    # a fresh app, so the router's cache starts empty; builds counted
    from fastapi.testclient import TestClient

    import moneytrail.api.graph as graph_api
    from moneytrail.api.app import ApiConfig, create_app
    from tests.api.conftest import make_service

    built = []
    real = graph_api.build_graph

    def counting(entities):
        built.append(1)
        return real(entities)

    monkeypatch.setattr(graph_api, "build_graph", counting)
    service = make_service(api_env)
    with TestClient(create_app(service, ApiConfig(rate=10_000))) as fresh:
        for path in (f"/v1/graph/ownership/{CST}", f"/v1/graph/exposure/{CST}",
                     f"/v1/graph/neighbourhood/{CST}", f"/v1/graph/ownership/{AEROSCAN}"):
            assert get(fresh, api_env, path).status_code == 200
        assert len(built) == 1
        # a new generation (a reload that changed the lists) gets its own graph
        now = service.current
        service._current = type(now)(now.screener, now.snapshots, now.loaded_at,
                                     now.generation + 1)
        assert get(fresh, api_env, f"/v1/graph/exposure/{CST}").status_code == 200
        assert len(built) == 2


def test_exposure_of_a_name_on_no_list_screens_it_first(client, api_env):
    viewer = auth(api_env, "viewer")
    answer = client.get("/v1/graph/exposure", params={"name": "Korea Kwangson Banking Corp."},
                        headers=viewer)
    assert answer.status_code == 200, answer.text
    out = answer.json()
    [screened] = out["screened"]
    assert screened["matched"] and screened["candidate"].startswith("un_sc:")
    # the first hop is the screened match itself, to the list entity it stands for
    assert out["exposure"] and out["exposure"][0]["id"] == screened["candidate"]
    assert client.get("/v1/graph/exposure", params={"name": " "},
                      headers=viewer).status_code == 422
    assert client.get("/v1/graph/exposure", params={"name": "x"}).status_code == 401
