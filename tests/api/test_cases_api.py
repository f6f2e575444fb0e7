"""The cases routes: viewers read, analysts decide and review, and the key that decided cannot
approve (four eyes across two keys); errors as 401/403/404/409/422."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from moneytrail import cases
from moneytrail.api.app import ApiConfig, create_app
from moneytrail.api.service import Service
from moneytrail.cases import Hit
from moneytrail.store import Store, audit
from moneytrail.store.access import create_key


@pytest.fixture
def env(tmp_path):
    """A store with two open alerts on payment P-1, keys of each role (two analysts), the app."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = Store.open(url)
    keys = {}
    for name, role in (("viewer", "viewer"), ("ann", "analyst"), ("bo", "analyst"),
                       ("root", "admin")):
        key, token = create_key(store, role, name)
        keys[name] = (key.id, {"X-API-Key": token})
    opened = cases.open_alerts(store, [
        Hit("payment", "P-1", f"payee:{n}", n, f"test:{i}", f"v{i}", 1, 0.9, "name",
            {"why": "names agree"}) for i, n in enumerate(["acme", "kim"])])
    service = Service(url, tmp_path / "index")
    with TestClient(create_app(service, ApiConfig(rate=10_000))) as client:
        yield client, keys, opened, store
    store.engine.dispose()


def test_viewers_read_cases_and_cannot_decide(env):
    client, keys, opened, _ = env
    viewer = keys["viewer"][1]
    listed = client.get("/v1/cases", params={"status": "open"}, headers=viewer)
    assert listed.status_code == 200
    (case,) = listed.json()["cases"]
    assert (case["id"], case["subject_id"], case["counts"]) == (opened.case_ids[0], "P-1",
                                                                {"open": 2})
    shown = client.get(f"/v1/cases/{case['id']}", headers=viewer).json()
    assert [a["id"] for a in shown["alerts"]] == list(opened.alerts_opened)
    assert shown["alerts"][0]["evidence"][0]["detail"] == {"why": "names agree"}
    alert_id = opened.alerts_opened[0]
    assert client.post(f"/v1/alerts/{alert_id}/decisions", json={"disposition": "true_match"},
                       headers=viewer).status_code == 403
    assert client.get("/v1/cases").status_code == 401
    assert client.get("/v1/cases", params={"status": "shut"}, headers=viewer).status_code == 422
    assert client.get("/v1/cases", params={"sort": "id"}, headers=viewer).status_code == 422
    assert client.get("/v1/cases/999", headers=viewer).status_code == 404


def test_the_key_that_decided_cannot_approve(env):
    client, keys, opened, store = env
    (ann_id, ann), (bo_id, bo) = keys["ann"], keys["bo"]
    a1, a2 = opened.alerts_opened
    made = client.post(f"/v1/alerts/{a1}/decisions", headers=ann,
                       json={"disposition": "false_positive", "reason": "a bakery in Leeds"})
    assert made.status_code == 201, made.text
    decision = made.json()
    assert (decision["state"], decision["decided_by"]) == ("pending", ann_id)
    own = client.post(f"/v1/decisions/{decision['id']}/approve", headers=ann)
    assert own.status_code == 403 and "different person" in own.json()["detail"]
    approved = client.post(f"/v1/decisions/{decision['id']}/approve", headers=bo,
                           json={"note": "agreed"})
    assert approved.status_code == 200
    assert (approved.json()["state"], approved.json()["reviewed_by"]) == ("final", bo_id)
    again = client.post(f"/v1/decisions/{decision['id']}/approve", headers=keys["root"][1])
    assert again.status_code == 409

    second = client.post(f"/v1/alerts/{a2}/decisions", headers=keys["root"][1],
                         json={"disposition": "true_match"}).json()
    assert client.post(f"/v1/alerts/{a2}/decisions", headers=bo,
                       json={"disposition": "escalate"}).status_code == 409
    assert client.post(f"/v1/decisions/{second['id']}/approve", headers=ann).status_code == 200
    case = client.get(f"/v1/cases/{opened.case_ids[0]}", headers=keys["viewer"][1]).json()
    assert case["status"] == "closed"
    assert case["counts"] == {"false_positive": 1, "true_match": 1}
    assert audit.verify(store.engine).ok
    actors = {r.action: r.actor for r in audit.records(store.engine)}
    assert actors["decision.approved"] == ann_id


def test_wrong_requests_are_refused_with_the_reason(env):
    client, keys, opened, _ = env
    ann, bo = keys["ann"][1], keys["bo"][1]
    alert_id = opened.alerts_opened[0]
    no_reason = client.post(f"/v1/alerts/{alert_id}/decisions", headers=ann,
                            json={"disposition": "false_positive"})
    assert no_reason.status_code == 422 and "needs a reason" in no_reason.json()["detail"]
    assert client.post(f"/v1/alerts/{alert_id}/decisions", headers=ann,
                       json={"disposition": "ok"}).status_code == 422
    assert client.post(f"/v1/alerts/{alert_id}/decisions", headers=ann,
                       json={"disposition": "escalate", "by": "someone"}).status_code == 422
    assert client.post("/v1/alerts/999/decisions", headers=ann,
                       json={"disposition": "escalate"}).status_code == 404
    decision = client.post(f"/v1/alerts/{alert_id}/decisions", headers=ann,
                           json={"disposition": "escalate"}).json()
    assert client.post(f"/v1/decisions/{decision['id']}/reject", headers=bo,
                       json={}).status_code == 422
    rejected = client.post(f"/v1/decisions/{decision['id']}/reject", headers=bo,
                           json={"note": "not enough to escalate"})
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
