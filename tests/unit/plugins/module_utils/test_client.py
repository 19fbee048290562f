# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import os

import pytest
import requests

from ansible_collections.contraforce.platform.plugins.module_utils import _api as api
from ansible_collections.contraforce.platform.plugins.module_utils._client import (
    ContraForceClient,
    RetryPolicy,
    normalize_api_url,
    parse_list_page,
)
from ansible_collections.contraforce.platform.plugins.module_utils._errors import (
    ApiError,
    ConfigurationError,
    ResponseFormatError,
    TransportError,
)
from ansible_collections.contraforce.platform.plugins.module_utils._version import COLLECTION_VERSION

from .fake_transport import install

WS = "2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87"
SECRET = "s3cr3t-client-secret-value"


def make_client(steps, **kw):
    sleeps = []
    args = dict(api_url="https://cf.example.test", client_id="cid", client_secret=SECRET, sleep=sleeps.append)
    args.update(kw)
    client = ContraForceClient(**args)
    adapter = install(client, steps)
    return client, adapter, sleeps


def hook(name, wid="6c1f0a52-3a8e-4a53-a3f4-5b7b1fd0c2a1", ws=WS):
    return {"id": wid, "workspaceId": ws, "name": name, "url": "https://h.example.com/x", "eventTypes": ["incident.created.v1"]}


@pytest.mark.parametrize("given", [
    "https://portal.contraforce.com", "https://portal.contraforce.com/", "https://portal.contraforce.com/api/v2",
    "https://portal.contraforce.com/api/v2/", " https://portal.contraforce.com ",
])
def test_api_url_with_or_without_prefix(given):
    assert normalize_api_url(given) == "https://portal.contraforce.com/api/v2"


@pytest.mark.parametrize("given", ["portal.contraforce.com", "ftp://x.example", "https://user:pw@x.example", ""])
def test_api_url_rejected(given):
    with pytest.raises(ConfigurationError) as exc:
        normalize_api_url(given)
    assert "api_url" in str(exc.value)
    assert "pw" not in str(exc.value) or "user:pw" not in str(exc.value).replace(repr(given), "")


@pytest.mark.parametrize("kw, words", [
    (dict(client_id=None, client_secret=None), "no credentials were given"),
    (dict(client_secret=None), "client_secret (or CONTRAFORCE_CLIENT_SECRET) is missing"),
    (dict(client_id=None), "client_id (or CONTRAFORCE_CLIENT_ID) is missing"),
    (dict(api_token="tok-123"), "Conflicting credentials"),
])
def test_credentials_checked_before_any_request(kw, words):
    args = dict(api_url="https://cf.example.test", client_id="cid", client_secret=SECRET)
    args.update(kw)
    with pytest.raises(ConfigurationError) as exc:
        ContraForceClient(**args)
    assert words in str(exc.value)
    assert SECRET not in str(exc.value) and "tok-123" not in str(exc.value)


def test_basic_auth_user_agent_timeout_and_envelope():
    client, adapter, _sleeps = make_client([(200, {"data": [hook("a")], "meta": {"requestId": "r1"}})], timeout=7)
    assert client.list_webhooks(WS)[0]["name"] == "a"
    req = adapter.requests[0]
    assert req.headers["Authorization"] == "Basic " + base64.b64encode(("cid:" + SECRET).encode()).decode()
    assert req.headers["User-Agent"].startswith("contraforce.platform/%s " % COLLECTION_VERSION)
    assert req.url.startswith("https://cf.example.test/api/v2/webhooks?")
    assert "workspaceId=" + WS in req.url


def test_bearer_token():
    client, adapter, _sleeps = make_client([(200, {"data": []})], client_id=None, client_secret=None, api_token="tok-xyz")
    client.list_webhooks(WS)
    assert adapter.requests[0].headers["Authorization"] == "Bearer tok-xyz"


def test_every_request_has_a_timeout(monkeypatch):
    seen = []
    real = requests.Session.request

    def spy(self, method, url, **kw):
        seen.append(kw.get("timeout"))
        return real(self, method, url, **kw)

    monkeypatch.setattr(requests.Session, "request", spy)
    client, _adapter, _sleeps = make_client([(200, {"data": []}), (201, {"data": hook("n")})], timeout=3)
    client.list_webhooks(WS)
    client.create_webhook({"workspaceId": WS, "name": "n"})
    assert seen == [3.0, 3.0]


@pytest.mark.parametrize("pages", [
    # shape 2: data list + pagination
    [{"data": [hook("a")], "pagination": {"continuationToken": "t1", "hasMore": True}},
     {"data": [hook("b")], "pagination": {"continuationToken": "t2", "hasMore": True}},
     {"data": [hook("c")], "pagination": {"continuationToken": None, "hasMore": False}}],
    # shape 3: data.items
    [{"data": {"items": [hook("a")], "continuationToken": "t1", "hasMore": True}},
     {"data": {"items": [hook("b")], "continuationToken": "t2", "hasMore": True}},
     {"data": {"items": [hook("c")], "continuationToken": None, "hasMore": False}}],
])
def test_paging_follows_every_page(pages):
    client, adapter, _sleeps = make_client([(200, p) for p in pages])
    assert [w["name"] for w in client.list_webhooks(WS)] == ["a", "b", "c"]
    assert "continuationToken=t1" in adapter.requests[1].url
    assert "continuationToken=t2" in adapter.requests[2].url


def test_unpaged_shape_is_one_page():
    client, adapter, _sleeps = make_client([(200, {"data": [hook("a"), hook("b")]})])
    assert len(client.list_webhooks(WS)) == 2
    assert len(adapter.requests) == 1


def test_list_in_unknown_shape_is_an_error():
    with pytest.raises(ResponseFormatError):
        parse_list_page({"data": {"webhooks": []}}, "/webhooks")


def test_repeated_continuation_token_stops():
    page = {"data": [hook("a")], "pagination": {"continuationToken": "same", "hasMore": True}}
    client, _adapter, _sleeps = make_client([(200, page), (200, page)])
    with pytest.raises(ResponseFormatError):
        client.list_webhooks(WS)


def test_problem_json_becomes_typed_error_with_fields():
    problem = {"type": "about:blank", "title": "One or more validation errors occurred.", "status": 400, "code": "VALIDATION_ERROR",
               "requestId": "req-42", "errors": {"url": ["must be absolute"], "eventTypes": ["required"]}}
    client, _adapter, _sleeps = make_client([(400, problem)])
    with pytest.raises(ApiError) as exc:
        client.create_webhook({"workspaceId": WS, "name": "n", "token": "hidden-token"})
    err = exc.value
    assert (err.status, err.code, err.request_id) == (400, "VALIDATION_ERROR", "req-42")
    assert err.errors["url"] == ["must be absolute"]
    text = str(err)
    assert "HTTP 400 VALIDATION_ERROR" in text and "url: must be absolute" in text and "eventTypes: required" in text
    assert "req-42" in text and "hidden-token" not in text and SECRET not in text


@pytest.mark.parametrize("status, code, words", [
    (401, "UNAUTHORIZED", "refused the credentials"),
    (403, "INSUFFICIENT_WORKSPACE_ROLE", "not allowed"),
    (404, "NOT_FOUND", "did not find"),
])
def test_error_words_per_status(status, code, words):
    client, _adapter, _sleeps = make_client([(status, {"status": status, "code": code, "detail": "d", "requestId": "r"})])
    with pytest.raises(ApiError) as exc:
        client.list_webhooks(WS)
    assert words in str(exc.value) and code in str(exc.value) and WS in str(exc.value)
    assert SECRET not in str(exc.value)


def test_legacy_error_shape():
    body = {"error": {"code": "BAD_REQUEST", "message": "workspace id malformed", "target": "workspaceId"}}
    client, _adapter, _sleeps = make_client([(400, body)])
    with pytest.raises(ApiError) as exc:
        client.list_webhooks(WS)
    assert exc.value.code == "BAD_REQUEST" and "workspace id malformed" in str(exc.value)


def test_reads_retry_with_retry_after_then_succeed():
    client, adapter, sleeps = make_client([
        (429, {"status": 429, "code": "TOO_MANY_REQUESTS"}, {"Retry-After": "2"}),
        (503, "<html><body>Service Unavailable</body></html>"),
        (200, {"data": [hook("a")]}),
    ])
    assert client.list_webhooks(WS)[0]["name"] == "a"
    assert len(adapter.requests) == 3
    assert sleeps[0] == 2.0 and 0 <= sleeps[1] <= 8


def test_retry_after_is_capped():
    client, _adapter, sleeps = make_client([(429, {"status": 429}, {"Retry-After": "3600"}), (200, {"data": []})])
    client.list_webhooks(WS)
    assert sleeps == [RetryPolicy().retry_after_max]


def test_reads_give_up_after_max_attempts():
    client, adapter, sleeps = make_client([(502, "bad gateway")] * 4)
    with pytest.raises(ApiError) as exc:
        client.list_webhooks(WS)
    assert exc.value.status == 502 and "not problem+json" in str(exc.value)
    assert len(adapter.requests) == 4 and len(sleeps) == 3


def test_non_retriable_status_fails_at_once():
    client, adapter, _sleeps = make_client([(400, {"status": 400, "code": "BAD_REQUEST"})])
    with pytest.raises(ApiError):
        client.list_webhooks(WS)
    assert len(adapter.requests) == 1


def test_connection_errors_are_retried_for_reads():
    client, adapter, _sleeps = make_client([requests.exceptions.ConnectionError("reset by peer"), (200, {"data": []})])
    assert client.list_webhooks(WS) == []
    assert len(adapter.requests) == 2


def test_malformed_json_on_read_is_retried():
    client, _adapter, _sleeps = make_client([(200, "{not json"), (200, {"data": []})])
    assert client.list_webhooks(WS) == []


def test_transport_error_messages_name_the_cause():
    client, _adapter, _sleeps = make_client([requests.exceptions.ReadTimeout("slow")] * 4, timeout=2)
    with pytest.raises(TransportError) as exc:
        client.list_webhooks(WS)
    assert "read timeout" in str(exc.value) and exc.value.outcome_unknown
    client, _adapter, _sleeps = make_client([requests.exceptions.SSLError("CERTIFICATE_VERIFY_FAILED")])
    with pytest.raises(TransportError) as exc:
        client.list_webhooks(WS)
    assert "TLS certificate verification failed" in str(exc.value) and "ca_path" in str(exc.value)


# ---------------------------------------------------------------- safe create

def test_create_sends_seed_body_once():
    client, adapter, _sleeps = make_client([(201, {"data": dict(hook("n"), secret="whsec_1")})])
    created = client.create_webhook({"workspaceId": WS, "name": "n"})
    assert created["secret"] == "whsec_1"
    assert adapter.requests[0].method == "POST" and adapter.requests[0].url.endswith(api.API_PREFIX + "/webhooks")
    assert json.loads(adapter.requests[0].body) == {"workspaceId": WS, "name": "n"}


def test_create_lost_answer_that_landed_is_not_resent():
    client, adapter, _sleeps = make_client([
        requests.exceptions.ConnectionError("Connection aborted."),
        (200, {"data": [hook("n")]}),
    ])
    created = client.create_webhook({"workspaceId": WS, "name": "n"})
    assert created["id"] and "secret" not in created
    assert [r.method for r in adapter.requests] == ["POST", "GET"]
    assert "was lost" in client.warnings[0]


def test_create_lost_answer_that_did_not_land_is_resent_once():
    client, adapter, _sleeps = make_client([
        (502, "bad gateway"),
        (200, {"data": []}),
        (201, {"data": dict(hook("n"), secret="whsec_2")}),
    ])
    assert client.create_webhook({"workspaceId": WS, "name": "n"})["secret"] == "whsec_2"
    assert [r.method for r in adapter.requests] == ["POST", "GET", "POST"]


def test_create_read_timeout_is_never_resent():
    client, adapter, _sleeps = make_client([requests.exceptions.ReadTimeout("t")] + [(200, {"data": [hook("other")]})] * 4)
    with pytest.raises(TransportError) as exc:
        client.create_webhook({"workspaceId": WS, "name": "n"})
    assert [r.method for r in adapter.requests] == ["POST", "GET", "GET", "GET", "GET"]
    assert "was not sent again" in str(exc.value) and "Re-run the task" in str(exc.value)


def test_create_read_timeout_found_on_a_later_look():
    client, adapter, _sleeps = make_client([(504, "gateway timeout"), (200, {"data": []}), (200, {"data": [hook("n")]})])
    assert client.create_webhook({"workspaceId": WS, "name": "n"})["name"] == "n"
    assert [r.method for r in adapter.requests] == ["POST", "GET", "GET"]


def test_create_refused_connection_is_retried_without_listing():
    client, adapter, _sleeps = make_client([requests.exceptions.ConnectionError("NewConnectionError: refused"), (201, {"data": hook("n")})])
    client.create_webhook({"workspaceId": WS, "name": "n"})
    assert [r.method for r in adapter.requests] == ["POST", "POST"]


def test_create_429_is_retried_without_listing():
    client, adapter, sleeps = make_client([(429, {"status": 429}, {"Retry-After": "1"}), (201, {"data": hook("n")})])
    client.create_webhook({"workspaceId": WS, "name": "n"})
    assert [r.method for r in adapter.requests] == ["POST", "POST"] and sleeps == [1.0]


def test_create_400_is_not_retried():
    client, adapter, _sleeps = make_client([(400, {"status": 400, "code": "VALIDATION_ERROR", "errors": {"url": ["bad"]}})])
    with pytest.raises(ApiError):
        client.create_webhook({"workspaceId": WS, "name": "n"})
    assert len(adapter.requests) == 1


def test_create_unreadable_2xx_is_recovered_by_listing():
    client, adapter, _sleeps = make_client([(201, "<html>ok</html>"), (200, {"data": [hook("n")]})])
    assert client.create_webhook({"workspaceId": WS, "name": "n"})["name"] == "n"
    assert [r.method for r in adapter.requests] == ["POST", "GET"]


def test_create_gives_up_and_never_duplicates():
    steps = []
    for _attempt in range(4):
        steps += [(503, "down"), (200, {"data": []})]
    client, adapter, _sleeps = make_client(steps)
    with pytest.raises(ApiError):
        client.create_webhook({"workspaceId": WS, "name": "n"})
    assert [r.method for r in adapter.requests].count("POST") == 4


def test_delete_404_after_unknown_outcome_counts_as_done():
    client, adapter, _sleeps = make_client([requests.exceptions.ReadTimeout("t"), (404, {"status": 404, "code": "NOT_FOUND"})])
    client.delete_webhook("6c1f0a52-3a8e-4a53-a3f4-5b7b1fd0c2a1")
    assert [r.method for r in adapter.requests] == ["DELETE", "DELETE"]


def test_delete_404_first_time_is_an_error():
    client, _adapter, _sleeps = make_client([(404, {"status": 404, "code": "NOT_FOUND"})])
    with pytest.raises(ApiError):
        client.delete_webhook("6c1f0a52-3a8e-4a53-a3f4-5b7b1fd0c2a1")


def test_version_matches_galaxy_yml():
    root = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..")
    with open(os.path.join(root, "galaxy.yml")) as f:
        assert "version: %s\n" % COLLECTION_VERSION in f.read()


def test_validate_certs_false_wins_over_ca_path(tmp_path):
    client = ContraForceClient(api_url="https://cf.example.test", client_id="c", client_secret="s", validate_certs=False,
                               ca_path=str(tmp_path / "missing.pem"))
    assert client.session.verify is False


def test_ca_path_must_be_a_readable_file(tmp_path):
    missing = str(tmp_path / "missing.pem")
    with pytest.raises(ConfigurationError) as exc:
        ContraForceClient(api_url="https://cf.example.test", client_id="c", client_secret="s", ca_path=missing)
    assert "ca_path" in str(exc.value) and missing in str(exc.value)
    pem = tmp_path / "ca.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\n")
    assert ContraForceClient(api_url="https://cf.example.test", client_id="c", client_secret="s", ca_path=str(pem)).session.verify == str(pem)
