# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the ContraForce API simulator: real HTTP against a simulator subprocess, no mocks.

Run: PYTHONPATH=tests/simulator python -m pytest tests/simulator
"""

from __future__ import absolute_import, division, print_function

import json
import os
import subprocess
import sys
import time

import pytest
import requests
import yaml

from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.deserializing.media_types.util import json_loads
from openapi_spec_validator import validate

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from cfsim import contract  # noqa: E402  pylint: disable=wrong-import-position
from cfsim.harness import Simulator, SimulatorError  # noqa: E402  pylint: disable=wrong-import-position

WS_A = "aaaaaaaa-0000-4000-8000-000000000001"
WS_B = "bbbbbbbb-0000-4000-8000-000000000002"
WS_FORBIDDEN = "cccccccc-0000-4000-8000-000000000003"
WS_MISSING = "dddddddd-0000-4000-8000-000000000004"
UNKNOWN_ID = "eeeeeeee-0000-4000-8000-000000000005"
SHARED_API = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(HERE))), "shared", "contraforce-api")


@pytest.fixture(scope="module")
def running():
    sim = Simulator.start()
    try:
        yield sim
    finally:
        assert sim.stop() == 0


@pytest.fixture()
def sim(running):  # pylint: disable=redefined-outer-name
    running.reset()
    yield running
    running.reset()


@pytest.fixture(scope="module")
def spec():
    config = Config(extra_media_type_deserializers={contract.PROBLEM_JSON: json_loads})
    return OpenAPI.from_file_path(contract.SPEC_PATH, config=config)


def assert_contract(spec, response):  # pylint: disable=redefined-outer-name
    """Validate a real response against the contract independently of the simulator's own check."""
    spec.validate_response(RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response))


def create_body(**over):
    body = {
        "workspaceId": WS_A,
        "name": "soc-incidents",
        "url": "https://hooks.example.com/cf",
        "eventTypes": ["incident.created.v1"],
    }
    body.update(over)
    return body


# ---- authentication --------------------------------------------------------------------------
def test_basic_and_bearer_auth_accepted(sim, spec):  # pylint: disable=redefined-outer-name
    for auth in ("basic", "bearer"):
        response = sim.session(auth).get(sim.api_url + "/webhooks", timeout=5)
        assert response.status_code == 200, response.text
        assert_contract(spec, response)
        body = response.json()
        assert body["data"] == [] and body["pagination"] == {"continuationToken": None, "hasMore": False}
        assert body["meta"]["requestId"] == response.headers["X-Request-Id"]
    assert [e["principal"] for e in sim.journal()] == [sim.client_id, "bearer"]


@pytest.mark.parametrize("auth", [
    None,
    ("cf-demo-client", "wrong-secret"),
    ("someone-else", "cf-demo-secret"),
    "Bearer wrong-token",
    "Basic !!!not-base64",
    "Digest abc",
])
def test_bad_or_missing_credentials_401(sim, spec, auth):  # pylint: disable=redefined-outer-name
    session = sim.session(auth=None)
    if isinstance(auth, tuple):
        session.auth = auth
    elif auth:
        session.headers["Authorization"] = auth
    response = session.post(sim.api_url + "/webhooks", json=create_body(), timeout=5)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "UNAUTHORIZED" and problem["status"] == 401
    assert problem["requestId"] == response.headers["X-Request-Id"]
    assert_contract(spec, response)
    assert sim.webhooks() == []
    entry = sim.journal()[-1]
    assert entry["status"] == 401 and entry["principal"] is None


# ---- create / get / delete / credentials ------------------------------------------------------
def test_create_is_schema_valid_and_secret_shown_once(sim, spec):  # pylint: disable=redefined-outer-name
    api = sim.session()
    response = api.post(sim.api_url + "/webhooks", json=create_body(signingToken="sig-123", monitoredAccountIds=[WS_B]), timeout=5)
    assert response.status_code == 201, response.text
    assert_contract(spec, response)
    data = response.json()["data"]
    secret = data["secret"]
    assert secret.startswith("whsec_") and len(secret) > 20
    assert data["status"] == "Active" and data["hasSigningToken"] is True
    assert data["targetAccountId"] == WS_A and data["targetAccountName"] == "Workspace aaaaaaaa"
    assert data["authenticationType"] == "None" and data["monitoredAccountIds"] == [WS_B]
    assert data["createdAt"] == data["lastModifiedAt"] and data["createdAt"].endswith("+00:00")

    got = api.get(sim.api_url + "/webhooks/" + data["id"], timeout=5)
    assert got.status_code == 200
    assert_contract(spec, got)
    assert "secret" not in got.json()["data"]
    assert got.json()["data"] == dict((k, v) for k, v in data.items() if k != "secret")
    listed = api.get(sim.api_url + "/webhooks", params={"workspaceId": WS_A}, timeout=5)
    assert listed.json()["data"] == [got.json()["data"]]
    everything = json.dumps([sim.state(), sim.journal(), listed.json()])
    assert secret not in everything and "sig-123" not in everything


def test_duplicate_names_are_allowed(sim):  # pylint: disable=redefined-outer-name
    api = sim.session()
    first = api.post(sim.api_url + "/webhooks", json=create_body(), timeout=5).json()["data"]
    second = api.post(sim.api_url + "/webhooks", json=create_body(), timeout=5).json()["data"]
    assert first["id"] != second["id"] and first["name"] == second["name"]
    assert [w["id"] for w in sim.webhooks()] == [first["id"], second["id"]]


def test_delete_then_get_404(sim, spec):  # pylint: disable=redefined-outer-name
    api = sim.session()
    webhook = sim.seed_webhooks([{"workspaceId": WS_A, "name": "old"}])[0]
    response = api.delete(sim.api_url + "/webhooks/" + webhook["id"], timeout=5)
    assert response.status_code == 204 and response.content == b""
    assert_contract(spec, response)
    again = api.get(sim.api_url + "/webhooks/" + webhook["id"], timeout=5)
    assert again.status_code == 404 and again.json()["code"] == "NOT_FOUND"
    assert_contract(spec, again)
    assert [(e["method"], e["status"]) for e in sim.writes()] == [("DELETE", 204)]


def test_credentials_update_flags(sim, spec):  # pylint: disable=redefined-outer-name
    api = sim.session(auth="bearer")
    webhook = sim.seed_webhooks([{"workspaceId": WS_A, "createdAt": "2025-01-01T00:00:00Z"}])[0]
    url = sim.api_url + "/webhooks/%s/credentials" % webhook["id"]
    response = api.post(url, json={"authenticationType": "BearerToken", "token": "t0k", "signingToken": "s1g"}, timeout=5)
    assert response.status_code == 200, response.text
    assert_contract(spec, response)
    assert response.json()["data"] == {"id": webhook["id"], "authenticationType": "BearerToken", "hasSigningToken": True}
    stored = sim.webhooks()[0]
    assert stored["authenticationType"] == "BearerToken" and stored["hasSigningToken"] is True
    assert stored["lastModifiedAt"] > stored["createdAt"]
    bad = api.post(url, json={"authenticationType": "BasicAuth", "username": "u"}, timeout=5)
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"password"}


# ---- validation -------------------------------------------------------------------------------
def test_business_validation_field_map(sim, spec):  # pylint: disable=redefined-outer-name
    body = create_body(name=" ", url="ftp://files.example.com/x", eventTypes=["incident.created.v1", "Incident Created"],
                       authenticationType="BasicAuth", username="u")
    response = sim.session().post(sim.api_url + "/webhooks", json=body, timeout=5)
    assert response.status_code == 400
    assert_contract(spec, response)
    problem = response.json()
    assert problem["code"] == "VALIDATION_ERROR"
    assert set(problem["errors"]) == {"name", "url", "eventTypes", "password"}
    assert all(isinstance(m, list) and m for m in problem["errors"].values())
    response = sim.session().post(sim.api_url + "/webhooks", json=create_body(eventTypes=[], authenticationType="BearerToken"), timeout=5)
    assert set(response.json()["errors"]) == {"eventTypes", "token"}
    assert sim.webhooks() == []


@pytest.mark.parametrize("method,path,kwargs,code,fields", [
    ("POST", "/webhooks", {"json": create_body(workspaceId="not-a-uuid")}, "VALIDATION_ERROR", {"workspaceId"}),
    ("POST", "/webhooks", {"json": create_body(eventTypes="incident.created.v1")}, "VALIDATION_ERROR", {"eventTypes"}),
    ("POST", "/webhooks", {"json": create_body(monitoredAccountIds=["x"])}, "VALIDATION_ERROR", {"monitoredAccountIds[0]"}),
    ("POST", "/webhooks", {"json": create_body(authenticationType="Kerberos")}, "VALIDATION_ERROR", {"authenticationType"}),
    ("POST", "/webhooks", {"json": ["not", "an", "object"]}, "VALIDATION_ERROR", {""}),
    ("POST", "/webhooks", {"data": b"{not json", "headers": {"Content-Type": "application/json"}}, "BAD_REQUEST", {""}),
    ("POST", "/webhooks", {"data": b"name=x", "headers": {"Content-Type": "text/plain"}}, "BAD_REQUEST", {""}),
    ("GET", "/webhooks", {"params": {"workspaceId": "nope"}}, "VALIDATION_ERROR", {"workspaceId"}),
    ("GET", "/webhooks", {"params": {"pageSize": "ten"}}, "BAD_REQUEST", {"pageSize"}),
    ("GET", "/webhooks/123", {}, "VALIDATION_ERROR", {"id"}),
    ("GET", "/webhooks/%s/delivery-logs" % UNKNOWN_ID, {}, "VALIDATION_ERROR", {"pageSize"}),
    ("GET", "/webhooks/%s/delivery-logs/%s" % (UNKNOWN_ID, UNKNOWN_ID), {}, "VALIDATION_ERROR", {"createdAt"}),
])
def test_contract_rejects_malformed_requests(sim, spec, method, path, kwargs, code, fields):  # pylint: disable=redefined-outer-name,too-many-arguments
    response = sim.session().request(method, sim.api_url + path, timeout=5, **kwargs)
    assert response.status_code == 400, response.text
    assert_contract(spec, response)
    problem = response.json()
    assert problem["code"] == code
    assert set(problem["errors"]) == fields
    assert sim.webhooks() == []
    assert sim.journal()[-1]["contract_violation"] is None


def test_unknown_route_and_method(sim):  # pylint: disable=redefined-outer-name
    api = sim.session()
    assert api.get(sim.api_url + "/incidents", timeout=5).status_code == 404
    response = api.put(sim.api_url + "/webhooks", json={}, timeout=5)
    assert response.status_code == 405 and response.json()["code"] == "METHOD_NOT_ALLOWED"


def test_contract_catches_an_invalid_response():
    request = contract.ContractRequest("GET", "http://127.0.0.1:1", "/api/v2/webhooks", [], [("Authorization", "Basic eDp5")], None, None)
    leaked = {"data": [{"id": UNKNOWN_ID, "secret": "whsec_leak", "status": "Active"}]}
    assert "secret" in contract.check_response(request, 200, json.dumps(leaked).encode(), "application/json", {})
    assert contract.check_response(request, 200, b'{"data": {"nope": 1}}', "application/json", {})
    assert contract.check_response(request, 418, b"{}", "application/problem+json", {})
    assert contract.check_response(request, 200, json.dumps({"data": []}).encode(), "application/json", {}) is None


def test_seeds_must_satisfy_the_contract(sim):  # pylint: disable=redefined-outer-name
    with pytest.raises(SimulatorError, match="contract"):
        sim.seed_webhooks([{"workspaceId": WS_A, "status": "Broken"}])
    with pytest.raises(SimulatorError, match="secret"):
        sim.seed_webhooks([{"workspaceId": WS_A, "secret": "x"}])
    assert sim.webhooks() == []


# ---- workspaces -------------------------------------------------------------------------------
def test_forbidden_and_missing_workspaces(sim, spec):  # pylint: disable=redefined-outer-name
    api = sim.session()
    hidden, visible, gone = sim.seed_webhooks([
        {"workspaceId": WS_FORBIDDEN}, {"workspaceId": WS_A}, {"workspaceId": WS_MISSING},
    ])
    sim.config(forbidden_workspaces=[WS_FORBIDDEN], missing_workspaces=[WS_MISSING.upper()])
    calls = [
        ("GET", "/webhooks", {"params": {"workspaceId": WS_FORBIDDEN}}),
        ("POST", "/webhooks", {"json": create_body(workspaceId=WS_FORBIDDEN)}),
        ("GET", "/webhooks/" + hidden["id"], {}),
        ("DELETE", "/webhooks/" + hidden["id"], {}),
        ("POST", "/webhooks/%s/credentials" % hidden["id"], {"json": {"authenticationType": "None"}}),
        ("GET", "/webhooks/%s/delivery-logs" % hidden["id"], {"params": {"pageSize": 5}}),
    ]
    for method, path, kwargs in calls:
        response = api.request(method, sim.api_url + path, timeout=5, **kwargs)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["code"] == "INSUFFICIENT_WORKSPACE_ROLE"
        assert_contract(spec, response)
    for method, path, kwargs in [
        ("GET", "/webhooks", {"params": {"workspaceId": WS_MISSING}}),
        ("POST", "/webhooks", {"json": create_body(workspaceId=WS_MISSING)}),
        ("GET", "/webhooks/" + gone["id"], {}),
        ("GET", "/webhooks/" + UNKNOWN_ID, {}),
        ("DELETE", "/webhooks/" + UNKNOWN_ID, {}),
    ]:
        response = api.request(method, sim.api_url + path, timeout=5, **kwargs)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["code"] == "NOT_FOUND"
        assert_contract(spec, response)
    listed = api.get(sim.api_url + "/webhooks", timeout=5).json()["data"]
    assert [w["id"] for w in listed] == [visible["id"]]
    assert len(sim.webhooks()) == 3


def test_service_accounts_expose_configured_workspaces(sim, spec):  # pylint: disable=redefined-outer-name
    sim.config(workspaces=[WS_A, {"workspaceId": WS_B, "workspaceName": "Contoso", "role": "WorkspaceReader"}])
    response = sim.session().get(sim.api_url + "/service-accounts", timeout=5)
    assert_contract(spec, response)
    assignments = response.json()["data"][0]["workspaceAssignments"]
    assert assignments == [
        {"workspaceId": WS_A, "workspaceName": "Workspace aaaaaaaa", "role": "Owner"},
        {"workspaceId": WS_B, "workspaceName": "Contoso", "role": "WorkspaceReader"},
    ]


# ---- lists and paging -------------------------------------------------------------------------
def _collect(sim, spec, params):  # pylint: disable=redefined-outer-name
    api = sim.session()
    pages = []
    params = dict(params)
    while True:
        response = api.get(sim.api_url + "/webhooks", params=params, timeout=5)
        assert response.status_code == 200, response.text
        assert_contract(spec, response)
        body = response.json()
        if isinstance(body["data"], dict):
            items, token, more = body["data"]["items"], body["data"]["continuationToken"], body["data"]["hasMore"]
        elif "pagination" in body:
            items, token, more = body["data"], body["pagination"]["continuationToken"], body["pagination"]["hasMore"]
        else:
            items, token, more = body["data"], None, False
        pages.append([w["name"] for w in items])
        assert bool(token) == more
        if not more:
            return pages
        params["continuationToken"] = token


@pytest.mark.parametrize("shape", [1, 2, 3])
def test_list_shapes_and_paging(sim, spec, shape):  # pylint: disable=redefined-outer-name
    names = ["wh-%02d" % i for i in range(8)]
    seeds = [{"workspaceId": WS_A, "name": n} for n in names]
    seeds.insert(3, {"workspaceId": WS_B, "name": "other"})
    sim.seed_webhooks(seeds)
    sim.config(list_shape=shape, page_size=3)
    pages = _collect(sim, spec, {"workspaceId": WS_A})
    if shape == 1:
        assert pages == [names]
    else:
        assert pages == [names[0:3], names[3:6], names[6:8]]
        assert _collect(sim, spec, {"workspaceId": WS_A, "pageSize": 2}) == [names[i:i + 2] for i in range(0, 8, 2)]
        assert _collect(sim, spec, {"workspaceId": WS_A, "pageSize": 100}) == [names[0:3], names[3:6], names[6:8]]
        assert sum(_collect(sim, spec, {}), []) == names[:3] + ["other"] + names[3:]


def test_foreign_continuation_token_rejected(sim, spec):  # pylint: disable=redefined-outer-name
    sim.seed_webhooks([{"workspaceId": WS_A} for dummy in range(3)])
    sim.config(page_size=1)
    api = sim.session()
    token = api.get(sim.api_url + "/webhooks", params={"workspaceId": WS_A}, timeout=5).json()["pagination"]["continuationToken"]
    for params in ({"workspaceId": WS_B, "continuationToken": token}, {"continuationToken": "garbage"}):
        response = api.get(sim.api_url + "/webhooks", params=params, timeout=5)
        assert response.status_code == 400 and "continuationToken" in response.json()["errors"]
        assert_contract(spec, response)


def test_delivery_logs_paging_filter_and_get(sim, spec):  # pylint: disable=redefined-outer-name
    api = sim.session()
    webhook = sim.seed_webhooks([{"workspaceId": WS_A}])[0]
    logs = sim.seed_delivery_logs(webhook["id"], [{"status": "Failed", "httpStatusCode": 500, "errorMessage": "boom"}], count=4)
    assert len(logs) == 5
    url = sim.api_url + "/webhooks/%s/delivery-logs" % webhook["id"]
    seen, params = [], {"pageSize": 2}
    while True:
        response = api.get(url, params=params, timeout=5)
        assert response.status_code == 200, response.text
        assert_contract(spec, response)
        page = response.json()["data"]
        seen.append([log["id"] for log in page["items"]])
        if not page["hasMore"]:
            assert page["continuationToken"] is None
            break
        params["continuationToken"] = page["continuationToken"]
    newest_first = [log["id"] for log in sorted(logs, key=lambda log: log["createdAt"], reverse=True)]
    assert seen == [newest_first[0:2], newest_first[2:4], newest_first[4:5]]
    window = {"pageSize": 50, "from": logs[1]["createdAt"], "to": logs[3]["createdAt"]}
    items = api.get(url, params=window, timeout=5).json()["data"]["items"]
    assert [log["id"] for log in items] == [logs[3]["id"], logs[2]["id"], logs[1]["id"]]
    one = api.get(url + "/" + logs[0]["id"], params={"createdAt": logs[0]["createdAt"]}, timeout=5)
    assert one.status_code == 200 and one.json()["data"]["errorMessage"] == "boom"
    assert_contract(spec, one)
    wrong = api.get(url + "/" + logs[0]["id"], params={"createdAt": logs[1]["createdAt"]}, timeout=5)
    assert wrong.status_code == 404


# ---- faults -----------------------------------------------------------------------------------
def test_fault_status_with_retry_after_counts_down(sim, spec):  # pylint: disable=redefined-outer-name
    api = sim.session()
    sim.fault(kind="status", status=503, retry_after=2, times=2, method="GET", path_regex=r"/webhooks$")
    sim.fault(kind="status", status=429, code="RATE_LIMITED", path_regex=r"^/api/v2/service-accounts$")
    sim.fault(kind="status", status=400, code="VALIDATION_ERROR", method="POST", errors={"url": ["unreachable"]}, times=1)
    rejected = api.post(sim.api_url + "/webhooks", json=create_body(), timeout=5)
    assert rejected.status_code == 400 and rejected.json()["errors"] == {"url": ["unreachable"]}
    statuses = []
    for dummy in range(3):
        response = api.get(sim.api_url + "/webhooks", timeout=5)
        statuses.append(response.status_code)
        assert_contract(spec, response)
        if response.status_code == 503:
            assert response.headers["Retry-After"] == "2"
            assert response.json()["code"] == "SERVICE_UNAVAILABLE"
    assert statuses == [503, 503, 200]
    assert api.post(sim.api_url + "/webhooks", json=create_body(), timeout=5).status_code == 201
    limited = api.get(sim.api_url + "/service-accounts", timeout=5)
    assert limited.status_code == 429 and limited.json()["code"] == "RATE_LIMITED"
    assert [e["fault"] for e in sim.journal()] == ["status", "status", "status", None, None, "status"]
    assert sim.state()["faults"] == []


def test_fault_reset_closes_before_answering(sim):  # pylint: disable=redefined-outer-name
    sim.fault(kind="reset", method="POST")
    with pytest.raises(requests.exceptions.ConnectionError):
        sim.session().post(sim.api_url + "/webhooks", json=create_body(), timeout=5)
    assert sim.webhooks() == []
    assert [(e["fault"], e["status"]) for e in sim.writes()] == [("reset", None)]


def test_fault_drop_after_store_performs_the_write(sim):  # pylint: disable=redefined-outer-name
    sim.fault(kind="drop_after_store", method="POST", path_regex=r"^/api/v2/webhooks$")
    with pytest.raises(requests.exceptions.ConnectionError):
        sim.session().post(sim.api_url + "/webhooks", json=create_body(name="ghost"), timeout=5)
    assert [w["name"] for w in sim.webhooks()] == ["ghost"]
    assert [(e["fault"], e["status"]) for e in sim.writes()] == [("drop_after_store", 201)]


def test_fault_hang_times_out_and_reset_cancels_it(sim):  # pylint: disable=redefined-outer-name
    sim.fault(kind="hang", delay_s=5, method="POST")
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        sim.session().post(sim.api_url + "/webhooks", json=create_body(), timeout=0.3)
    assert time.monotonic() - started < 2
    sim.reset()
    time.sleep(0.2)
    assert sim.webhooks() == [] and sim.journal() == []


def test_fault_hang_then_answers(sim):  # pylint: disable=redefined-outer-name
    sim.fault(kind="hang", delay_s=0.3)
    started = time.monotonic()
    response = sim.session().get(sim.api_url + "/webhooks", timeout=5)
    assert response.status_code == 200 and time.monotonic() - started >= 0.3
    assert sim.journal()[-1]["fault"] == "hang"


def test_fault_latency_and_config_latency(sim):  # pylint: disable=redefined-outer-name
    api = sim.session()
    sim.fault(kind="latency", delay_s=0.25, times=1)
    started = time.monotonic()
    assert api.get(sim.api_url + "/webhooks", timeout=5).status_code == 200
    assert time.monotonic() - started >= 0.25
    sim.config(latency_ms=200)
    started = time.monotonic()
    assert api.get(sim.api_url + "/webhooks", timeout=5).status_code == 200
    assert time.monotonic() - started >= 0.2
    sim.reset()
    assert sim.config()["latency_ms"] == 0


def test_fault_malformed_json(sim):  # pylint: disable=redefined-outer-name
    sim.fault(kind="malformed_json", path_regex="webhooks")
    response = sim.session().get(sim.api_url + "/webhooks", timeout=5)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    with pytest.raises(ValueError):
        response.json()
    assert sim.journal()[-1]["fault"] == "malformed_json"


def test_fault_html_proxy_page(sim):  # pylint: disable=redefined-outer-name
    sim.fault(kind="html", status=504)
    response = sim.session().get(sim.api_url + "/webhooks", timeout=5)
    assert response.status_code == 504 and response.headers["Content-Type"] == "text/html"
    assert "<h1>504 Gateway Timeout</h1>" in response.text
    assert sim.session().get(sim.api_url + "/webhooks", timeout=5).status_code == 200


def test_fault_rule_validation(sim):  # pylint: disable=redefined-outer-name
    for rule in ({"kind": "explode"}, {"kind": "status", "times": 0}, {"kind": "reset", "path_regex": "("},
                 {"kind": "status", "errors": {"url": "not a list"}}, {"kind": "status", "colour": "red"}):
        with pytest.raises(SimulatorError):
            sim.fault(**rule)
    with pytest.raises(SimulatorError, match="unknown config keys"):
        sim.config(list_shapes=2)


# ---- journal ----------------------------------------------------------------------------------
def test_journal_redacts_every_secret(sim):  # pylint: disable=redefined-outer-name
    api = sim.session()
    created = api.post(sim.api_url + "/webhooks", json=create_body(
        authenticationType="BasicAuth", username="hook-user", password="Pa55-w0rd!", signingToken="sign-me-please",
    ), timeout=5).json()["data"]
    api.post(sim.api_url + "/webhooks/%s/credentials" % created["id"], json={
        "authenticationType": "BearerToken", "token": "bearer-value-xyz", "signingToken": "another-signing",
    }, timeout=5)
    sim.session(auth="bearer").get(sim.api_url + "/webhooks", params={"token": "query-token-123"}, timeout=5)
    api.post(sim.api_url + "/webhooks", data=b"password=raw-form-secret", headers={"Content-Type": "text/plain"}, timeout=5)
    entries = sim.journal()
    dumped = json.dumps(entries) + json.dumps(sim.state())
    for value in ("Pa55-w0rd!", "sign-me-please", "bearer-value-xyz", "another-signing", "query-token-123",
                  "raw-form-secret", created["secret"], sim.client_secret, sim.api_token, "Authorization"):
        assert value not in dumped, value
    assert entries[0]["body"]["password"] == "***REDACTED***" and entries[0]["body"]["username"] == "hook-user"
    assert entries[1]["body"]["token"] == "***REDACTED***"
    assert entries[2]["query"] == {"token": "***REDACTED***"} and entries[2]["principal"] == "bearer"
    assert entries[3]["body"] == "<24 bytes, not JSON>"
    assert [e["seq"] for e in entries] == [1, 2, 3, 4]
    assert set(entries[0]) >= {"seq", "method", "path", "query", "status", "body", "principal", "fault", "contract_violation"}
    assert sim.journal(since=3) == entries[3:]
    assert not any(e["contract_violation"] for e in entries)


def test_control_calls_are_not_journaled(sim):  # pylint: disable=redefined-outer-name
    sim.seed_webhooks([{"workspaceId": WS_A}])
    sim.config(page_size=5)
    sim.state()
    assert sim.journal() == []


# ---- process level ----------------------------------------------------------------------------
def test_tls_with_trustme_ca(spec):  # pylint: disable=redefined-outer-name
    with Simulator.start(tls=True) as secure:
        assert secure.url.startswith("https://127.0.0.1:")
        assert os.path.isfile(secure.ca_path)
        response = secure.session().get(secure.api_url + "/webhooks", timeout=5)
        assert response.status_code == 200
        assert_contract(spec, response)
        untrusting = requests.Session()
        untrusting.trust_env = False  # loopback only, whatever the proxy settings say
        with pytest.raises(requests.exceptions.SSLError):
            untrusting.get(secure.api_url + "/webhooks", timeout=5)
        secure.fault(kind="reset")
        with pytest.raises(requests.exceptions.ConnectionError):
            secure.session().get(secure.api_url + "/webhooks", timeout=5)
        banner = os.path.join(secure.workdir, "stdout.log")
        with open(banner, encoding="utf-8") as handle:
            assert handle.read() == "cfsim listening on %s\n" % secure.url
        assert secure.stop() == 0  # SIGTERM: clean exit


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "example.com", "::"])
def test_refuses_non_loopback_bind(host):
    env = dict(os.environ, PYTHONPATH=HERE)
    result = subprocess.run([sys.executable, "-m", "cfsim", "--host", host, "--port", "0"], env=env,
                            capture_output=True, timeout=20, check=False)
    assert result.returncode == 2
    assert b"loopback" in result.stderr
    assert b"listening" not in result.stdout


def test_openapi_document_is_valid():
    with open(contract.SPEC_PATH, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    validate(document)
    assert document["openapi"].startswith("3.1")
    paths = document["paths"]
    assumed = [(path, method) for path, item in paths.items() for method, op in item.items()
               if isinstance(op, dict) and op.get("x-provenance") == "assumed"]
    assert sorted(assumed) == [("/api/v2/webhooks", "get"), ("/api/v2/webhooks/{id}", "delete"), ("/api/v2/webhooks/{id}", "get")]


def test_seed_schemas_kept_verbatim():
    seed_path = os.path.join(SHARED_API, "create-webhook.openapi.yaml")
    if not os.path.isfile(seed_path):
        pytest.skip("the seed document (shared/contraforce-api) is not beside this work tree")
    with open(seed_path, encoding="utf-8") as handle:
        seed = yaml.safe_load(handle)
    with open(contract.SPEC_PATH, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    for name, schema in seed["components"]["schemas"].items():
        assert document["components"]["schemas"][name] == schema, name
    seed_create = seed["paths"]["/api/v2/webhooks"]["post"]
    ours = document["paths"]["/api/v2/webhooks"]["post"]
    assert ours["requestBody"] == seed_create["requestBody"] and ours["operationId"] == seed_create["operationId"]
    for status, response in seed_create["responses"].items():
        assert ours["responses"][status] == response, status
