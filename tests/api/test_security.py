"""Keys, roles, limits, CORS, and what the service writes down (logs without names, and call
records)."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from moneytrail.api import security
from moneytrail.api.app import ApiConfig, create_app
from moneytrail.cli import app as cli
from moneytrail.store import Store
from moneytrail.store.access import calls, create_key, list_keys, revoke_key, verify_key
from moneytrail.store.schema import api_keys
from tests.api.conftest import LiveServer, auth, make_service

QUERY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim"]}}}}


@pytest.fixture()
def app_for(api_env):
    made = []

    def make(**config):
        service = make_service(api_env)
        client = TestClient(create_app(service, ApiConfig(**config)))
        client.__enter__()
        made.append(client)
        return client

    yield make
    for client in made:
        client.__exit__(None, None, None)


ROUTES = [("get", "/lists", None), ("get", "/entities/un_sc:6908555", None),
          ("get", "/search/default?q=Kim", None), ("get", "/metrics", None),
          ("get", "/algorithms", None), ("post", "/match/default", QUERY),
          ("get", "/v2/search?name=Kim", None),
          ("post", "/v1/screen", {"queries": [{"name": "Kim"}]}),
          ("post", "/admin/reload", None)]
NEEDS = {"/lists": "viewer", "/entities/un_sc:6908555": "viewer",
         "/search/default?q=Kim": "viewer", "/metrics": "viewer", "/algorithms": "viewer",
         "/match/default": "analyst", "/v2/search?name=Kim": "analyst", "/v1/screen": "analyst",
         "/admin/reload": "admin"}
ORDER = ["viewer", "analyst", "admin"]


@pytest.mark.parametrize("method, path, body", ROUTES)
def test_roles_decide_who_may_call_what(client, api_env, method, path, body):
    for role in ORDER:
        reply = getattr(client, method)(path, headers=auth(api_env, role),
                                        **({"json": body} if body else {}))
        allowed = ORDER.index(role) >= ORDER.index(NEEDS[path])
        if allowed:
            assert reply.status_code == 200, (role, path, reply.text)
        else:
            assert reply.status_code == 403 and reply.json() == {"detail": "forbidden"}


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer mt_nothere_secret"}, {"Authorization": "Bearer garbage"},
    {"X-API-Key": "mt_"}, {"Authorization": "Basic dXNlcjpwYXNz"},
])
def test_no_valid_key_is_401_and_says_nothing_more(client, api_env, headers):
    for method, path, body in ROUTES:
        reply = getattr(client, method)(path, headers=headers, **({"json": body} if body else {}))
        assert reply.status_code == 401, (path, reply.text)
        assert reply.json() == {"detail": "unauthorized"}
        assert reply.headers["www-authenticate"] == "Bearer"


def test_a_key_with_a_wrong_secret_is_refused(client, api_env):
    token = api_env.keys["admin"]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    reply = client.get("/lists", headers={"Authorization": f"Bearer {forged}"})
    assert reply.status_code == 401


def test_every_way_of_presenting_a_key_works(client, api_env):
    token = api_env.keys["viewer"]
    for headers in ({"Authorization": f"Bearer {token}"}, {"Authorization": f"ApiKey {token}"},
                    {"X-API-Key": token}):
        assert client.get("/lists", headers=headers).status_code == 200


def test_keys_are_stored_hashed_and_revocable(api_env, monkeypatch):
    store = Store.open(api_env.url)
    key, token = create_key(store, "viewer", "revoke me")
    with store.engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(api_keys.select())]
    secret = token.split("_", 2)[2]
    assert not any(secret in str(v) for row in stored for v in row)
    assert verify_key(store, token) == key
    monkeypatch.setattr(security, "KEY_CACHE_SECONDS", 0.0)
    service = make_service(api_env)
    with TestClient(create_app(service, ApiConfig())) as client:
        assert client.get("/lists", headers={"X-API-Key": token}).status_code == 200
        revoke_key(store, key.id)
        assert client.get("/lists", headers={"X-API-Key": token}).status_code == 401
    assert verify_key(store, token) is None
    assert next(k for k in list_keys(store) if k.id == key.id).revoked_at is not None


def test_keys_cli_creates_lists_and_revokes(api_env, monkeypatch):
    monkeypatch.setenv("MONEYTRAIL_DATABASE_URL", api_env.url)
    runner = CliRunner()
    made = runner.invoke(cli, ["keys", "create", "--role", "analyst", "--name", "cli test",
                               "--json"])
    assert made.exit_code == 0, made.output
    created = json.loads(made.stdout)
    assert created["key"].startswith(f"mt_{created['id']}_") and created["role"] == "analyst"
    store = Store.open(api_env.url)
    assert verify_key(store, created["key"]).name == "cli test"
    bad = runner.invoke(cli, ["keys", "create", "--role", "root", "--name", "x"])
    assert bad.exit_code == 2 and "viewer, analyst, admin" in bad.output
    listed = runner.invoke(cli, ["keys", "list", "--json"])
    assert created["id"] in listed.stdout and created["key"] not in listed.stdout
    assert runner.invoke(cli, ["keys", "revoke", created["id"]]).exit_code == 0
    again = runner.invoke(cli, ["keys", "revoke", created["id"]])
    assert again.exit_code == 2 and "already revoked" in again.output


def test_rate_limit_per_key(api_env, app_for):
    store = Store.open(api_env.url)
    _, slow = create_key(store, "viewer", "slow", rate=0.5)
    client = app_for()
    codes = [client.get("/algorithms", headers={"X-API-Key": slow}).status_code
             for _ in range(14)]
    assert codes[:10] == [200] * 10  # a burst of 10 at least
    assert codes[-1] == 429
    limited = client.get("/algorithms", headers={"X-API-Key": slow})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    # another key is not held back by this one
    assert client.get("/algorithms", headers=auth(api_env, "viewer")).status_code == 200


def test_oversized_bodies_are_refused_before_reading(api_env, app_for):
    client = app_for(max_body=4096)
    big = {"queries": [{"name": "x" * 500} for _ in range(20)]}
    reply = client.post("/v1/screen", json=big, headers=auth(api_env, "analyst"))
    assert reply.status_code == 413 and "4,096" in reply.json()["detail"]

    def chunks():  # no content-length: counted as it comes
        for _ in range(10):
            yield b"x" * 1000

    streamed = client.post("/v1/screen", content=chunks(),
                           headers={**auth(api_env, "analyst"),
                                    "content-type": "application/json"})
    assert streamed.status_code == 413
    small = client.post("/match/default", json=QUERY, headers=auth(api_env, "analyst"))
    assert small.status_code == 200


def test_cors_is_off_unless_configured(api_env, app_for):
    origin = {"Origin": "https://console.example.org"}
    closed = app_for()
    reply = closed.get("/healthz", headers=origin)
    assert "access-control-allow-origin" not in reply.headers
    preflight = closed.options("/match/default", headers={
        **origin, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    opened = app_for(cors_origins=("https://console.example.org",))
    reply = opened.get("/healthz", headers=origin)
    assert reply.headers["access-control-allow-origin"] == "https://console.example.org"
    other = opened.get("/healthz", headers={"Origin": "https://evil.example.com"})
    assert "access-control-allow-origin" not in other.headers


def test_no_names_or_birth_dates_in_logs_but_every_call_audited(api_env, caplog):
    service = make_service(api_env)
    name, born = "Zebulon Quaxworth", "1971-03-29"
    with caplog.at_level(logging.DEBUG):
        with LiveServer(create_app(service, ApiConfig())) as server:
            with httpx.Client(base_url=server.url, timeout=30) as http:
                headers = auth(api_env, "analyst")
                http.post("/match/default", headers=headers, json={"queries": {"q": {
                    "schema": "Person", "properties": {"name": [name], "birthDate": [born]}}}})
                http.get("/v2/search", headers=headers,
                         params={"name": name, "birthDate": born, "type": "person"})
                http.post("/v1/screen", headers=headers,
                          json={"queries": [{"name": name, "birth_dates": [born]}]})
                http.get("/search/default", params={"q": name})  # refused: no key
    # everything the server side logged (the test's own HTTP client logs its URLs: not ours)
    text = "\n".join(r.getMessage() for r in caplog.records
                     if not r.name.startswith(("httpx", "httpcore")))
    assert "/match/{dataset}" in text and "/v2/search" in text  # requests were logged ...
    assert "Zebulon" not in text and "Quaxworth" not in text and born not in text  # ... no PII
    records = {(c.route, c.status): c for c in calls(Store.open(api_env.url), limit=20)}
    match = records[("/match/{dataset}", 200)]
    assert match.dataset == "default" and match.queries == 1 and match.role == "analyst"
    assert match.key_id == api_env.keys["analyst"].split("_")[1]
    assert match.snapshots == ",".join(map(str, service.current.snapshot_ids))
    assert records[("/v1/screen", 200)].queries == 1
    assert records[("/search/{dataset}", 401)].key_id is None
    for call in records.values():
        assert "Zebulon" not in str(call.to_dict()) and born not in str(call.to_dict())
    shown = CliRunner().invoke(cli, ["keys", "calls", "--json"],
                               env={"MONEYTRAIL_DATABASE_URL": api_env.url})
    assert shown.exit_code == 0
    assert {(c["route"], c["status"]) for c in json.loads(shown.stdout)} >= \
        {("/match/{dataset}", 200), ("/v1/screen", 200), ("/search/{dataset}", 401)}


def test_no_auth_is_loopback_only_and_loud(api_env, monkeypatch, caplog):
    monkeypatch.setenv("MONEYTRAIL_DATABASE_URL", api_env.url)
    refused = CliRunner().invoke(cli, ["serve", "--no-auth", "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and "loopback" in refused.output
    service = make_service(api_env)
    with caplog.at_level(logging.WARNING, logger="moneytrail.api"):
        with TestClient(create_app(service, ApiConfig(auth=False))) as client:
            assert client.post("/admin/reload").status_code == 200  # everyone is admin
    assert any("AUTHENTICATION IS OFF" in r.getMessage() for r in caplog.records)
