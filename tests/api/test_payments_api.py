"""POST /v1/payments/screen: a payment file in the body, a verdict per payment, alerts opened by
the calling key; rejected messages named; analysts only."""

from __future__ import annotations

from tests.api.conftest import auth
from tests.payments.test_screen import pacs008


def mt103(reference: str, amount: str, beneficiary: str) -> str:
    return ("{1:F01BANKBEBBAXXX0000000000}{2:O1031200260301BANKDEFFAXXX00000000002603011200N}"
            f"{{4:\n:20:{reference}\n:23B:CRED\n{amount}:50K:/1\nJOHN SMITH\n:59:/2\n"
            f"{beneficiary}\n:71A:SHA\n-}}")


def test_a_held_payment_opens_a_case_that_viewers_see(client, api_env):
    body = pacs008(creditor="KOREA KWANGSON BANKING CORPORATION", e2e="E2E-API-1")
    answer = client.post("/v1/payments/screen", content=body, params={"name": "day1.xml"},
                         headers={**auth(api_env, "analyst"), "Content-Type": "application/xml"})
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert out["held"] == 1 and out["errors"] == [] and out["snapshots"]
    [payment] = out["payments"]
    assert (payment["payment_id"], payment["source"], payment["status"]) == \
        ("MSG-1/E2E-API-1/TX-1", "day1.xml", "hold")
    assert {(h["kind"], h["field"], h["source"]) for h in payment["hits"]} == \
        {("name", "creditor.name", "un_sc")}
    [case_id] = out["alerts"]["case_ids"]
    assert len(out["alerts"]["alerts_opened"]) == 1
    case = client.get(f"/v1/cases/{case_id}", headers=auth(api_env, "viewer")).json()
    assert case["subject_id"] == "MSG-1/E2E-API-1/TX-1"
    [alert] = case["alerts"]
    assert alert["evidence"][0]["detail"]["field"] == "creditor.name"


def test_without_alerts_and_with_a_bad_message(client, api_env):
    body = "$".join([mt103("R1", ":32A:260301USD10,\n", "HANS BECKER GMBH"),
                     mt103("R2", ":32A:2603XXUSD10,\n", "HANS BECKER GMBH")])
    answer = client.post("/v1/payments/screen", content=body, params={"alerts": "false"},
                         headers={**auth(api_env, "analyst"), "Content-Type": "text/plain"})
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert [p["status"] for p in out["payments"]] == ["pass"]
    [error] = out["errors"]
    assert (error["message_index"], error["field"]) == (2, "32A")
    assert out["alerts"] is None


def test_what_is_refused(client, api_env):
    analyst = auth(api_env, "analyst")
    body = pacs008()
    assert client.post("/v1/payments/screen", content=body).status_code == 401
    assert client.post("/v1/payments/screen", content=body,
                       headers=auth(api_env, "viewer")).status_code == 403
    empty = client.post("/v1/payments/screen", content=b"  ", headers=analyst)
    assert empty.status_code == 422 and "empty" in empty.json()["detail"]
    other = client.post("/v1/payments/screen", content=b"name,amount\nx,1\n", headers=analyst)
    assert other.status_code == 422 and "not a payment file" in other.json()["detail"]
    broken = client.post("/v1/payments/screen", content=b"<Document><FIToFICstmrCdtTrf>",
                         headers=analyst)
    assert broken.status_code == 422 and "line" in broken.json()["detail"]
    unknown = client.post("/v1/payments/screen", content=body, params={"nmae": "x"},
                          headers=analyst)
    assert unknown.status_code == 422
