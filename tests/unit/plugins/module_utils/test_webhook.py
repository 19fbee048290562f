# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.contraforce.platform.plugins.module_utils import _webhook as wh
from ansible_collections.contraforce.platform.plugins.module_utils._client import ContraForceClient

from .fake_transport import install

WS = "2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87"
ACC = "7d3e2a10-5b6c-4d8e-9f01-a2b3c4d5e6f7"


def definition(**kw):
    d = dict(name="soc", url="https://hooks.example.com/cf", event_types=["incident.created.v1"], monitored_account_ids=None,
             authentication_type=None, token=None, username=None, password=None, signing_token=None, state="present",
             update_credentials="on_create")
    d.update(kw)
    return d


def fields(problems):
    return [f for f, _why in problems]


def test_valid_definition_has_no_problems():
    assert wh.validate_definition(definition(), workspace_id=WS) == []
    assert wh.validate_definition(definition(event_types=["agent.investigation.completed.v1", "ticket.updated.v12"]), WS) == []


@pytest.mark.parametrize("kw, field", [
    (dict(name=""), "name"),
    (dict(name=" soc"), "name"),
    (dict(url=None), "url"),
    (dict(url="/relative/path"), "url"),
    (dict(url="ftp://files.example.com/x"), "url"),
    (dict(url="https://"), "url"),
    (dict(url="https://user:pw@hooks.example.com/"), "url"),
    (dict(event_types=[]), "event_types"),
    (dict(event_types=["incident"]), "event_types"),
    (dict(event_types=["incident.created"]), "event_types"),
    (dict(event_types=["incident.created.1"]), "event_types"),
    (dict(event_types=["Incident.Created.v1"]), "event_types"),
    (dict(monitored_account_ids=["not-a-uuid"]), "monitored_account_ids"),
    (dict(token="t"), "token"),
    (dict(authentication_type="none", username="u"), "username"),
    (dict(authentication_type="basic", username="u"), "password"),
    (dict(authentication_type="basic", password="p"), "username"),
    (dict(authentication_type="basic", username="u", password="p", token="t"), "token"),
    (dict(authentication_type="bearer"), "token"),
    (dict(authentication_type="bearer", token="t", password="p"), "password"),
    (dict(update_credentials="always"), "authentication_type"),
])
def test_bad_input_names_the_field(kw, field):
    problems = wh.validate_definition(definition(**kw), workspace_id=WS)
    assert field in fields(problems), problems


def test_bad_workspace_and_prefix():
    problems = wh.validate_definition(definition(), workspace_id="ws-1", prefix="workspaces[0].")
    assert fields(problems) == ["workspaces[0].workspace_id"]


def test_absent_needs_only_identity():
    assert wh.validate_definition(definition(state="absent", url=None, event_types=None), WS) == []


def test_input_error_never_holds_secret_values():
    err = wh.WebhookInputError(wh.validate_definition(definition(token="super-secret-token"), WS))
    assert "super-secret-token" not in err.message and "token:" in err.message


def test_create_body_is_the_seed_body():
    body = wh.create_body(WS, definition(event_types=["incident.created.v1", "incident.created.v1"], monitored_account_ids=[ACC.upper()],
                                         authentication_type="bearer", token="t", signing_token="s"))
    assert body == {"workspaceId": WS, "name": "soc", "url": "https://hooks.example.com/cf", "eventTypes": ["incident.created.v1"],
                    "monitoredAccountIds": [ACC], "authenticationType": "BearerToken", "token": "t", "signingToken": "s"}


def existing(**kw):
    w = {"id": "6c1f0a52-3a8e-4a53-a3f4-5b7b1fd0c2a1", "workspaceId": WS, "name": "soc", "url": "https://hooks.example.com/cf",
         "eventTypes": ["incident.created.v1"], "monitoredAccountIds": [], "authenticationType": "None", "hasSigningToken": False,
         "status": "Active"}
    w.update(kw)
    return w


def test_no_drift_when_equal_regardless_of_order_and_case():
    have = existing(eventTypes=["b.c.v1", "a.b.v1"], monitoredAccountIds=[ACC])
    assert wh.drift_of(have, definition(event_types=["a.b.v1", "b.c.v1"], monitored_account_ids=[ACC.upper()])) == {}


def test_drift_reports_have_and_want():
    drift = wh.drift_of(existing(url="https://old.example.com"), definition(event_types=["a.b.v1"], monitored_account_ids=[ACC]))
    assert drift["url"] == {"have": "https://old.example.com", "want": "https://hooks.example.com/cf"}
    assert drift["event_types"]["want"] == ["a.b.v1"]
    assert drift["monitored_account_ids"]["want"] == [ACC]


def test_monitored_accounts_not_compared_when_not_set():
    assert wh.drift_of(existing(monitoredAccountIds=[ACC]), definition()) == {}


@pytest.mark.parametrize("have, kw, expected", [
    (existing(), dict(), None),
    (existing(), dict(authentication_type="none"), None),
    (existing(), dict(authentication_type="bearer", token="t"), "authentication_type changes from none to bearer"),
    (existing(authenticationType="BearerToken"), dict(), None),
    (existing(), dict(signing_token="s"), "a signing_token is set and the webhook has none"),
    (existing(hasSigningToken=True), dict(signing_token="s"), None),
    (existing(), dict(authentication_type="none", update_credentials="always"), "update_credentials is always"),
])
def test_credentials_reason(have, kw, expected):
    assert wh.credentials_reason(have, definition(**kw)) == expected


def test_snake_case_and_no_secret():
    assert wh.to_snake(dict(existing(), secret="whsec")) == {
        "id": "6c1f0a52-3a8e-4a53-a3f4-5b7b1fd0c2a1", "workspace_id": WS, "name": "soc", "url": "https://hooks.example.com/cf",
        "event_types": ["incident.created.v1"], "monitored_account_ids": [], "authentication_type": "None", "has_signing_token": False,
        "status": "Active"}


# ------------------------------------------------------------- reconcile over HTTP (faked at the requests layer)

def client_with(steps):
    client = ContraForceClient(api_url="https://cf.example.test", client_id="c", client_secret="s", sleep=lambda s: None)
    return client, install(client, steps)


def test_reconcile_check_mode_sends_only_the_listing():
    client, adapter = client_with([(200, {"data": []})])
    result = wh.reconcile(client, WS, [definition(authentication_type="bearer", token="tok-1")], check_mode=True)[0]
    assert [r.method for r in adapter.requests] == ["GET"]
    assert result["action"] == "created" and result["changed"] and result["webhook"]["id"] is None
    assert result["diff"]["after"]["credentials"] == {"token": wh.MASK}
    assert "tok-1" not in json.dumps(result)


def test_reconcile_creates_missing_and_keeps_existing_with_one_listing():
    created = dict(existing(name="new", id="11111111-2222-4333-8444-555555555555"), secret="whsec_x")
    client, adapter = client_with([(200, {"data": [existing()]}), (201, {"data": created})])
    results = wh.reconcile(client, WS, [definition(), definition(name="new")], check_mode=False)
    assert [r.method for r in adapter.requests] == ["GET", "POST"]
    assert [r["action"] for r in results] == ["unchanged", "created"]
    assert results[1]["secret"] == "whsec_x" and "secret" not in results[1]["webhook"]


def test_reconcile_ambiguous_name_fails_and_writes_nothing():
    client, adapter = client_with([(200, {"data": [existing(), existing(id="99999999-2222-4333-8444-555555555555")]})])
    result = wh.reconcile(client, WS, [definition(state="absent")], check_mode=False)[0]
    assert result["failed"] and "2 webhooks named 'soc'" in result["msg"] and "99999999-2222-4333-8444-555555555555" in result["msg"]
    assert [r.method for r in adapter.requests] == ["GET"]


def test_reconcile_drift_is_reported_not_written():
    client, adapter = client_with([(200, {"data": [existing(url="https://old.example.com")]})])
    result = wh.reconcile(client, WS, [definition()], check_mode=False)[0]
    assert result["action"] == "unchanged" and not result["changed"] and result["drifted"]
    assert result["diff"]["before"]["url"] == "https://old.example.com" and result["diff"]["after"]["url"] == "https://hooks.example.com/cf"
    assert "differs from the task in url" in result["warnings"][0]
    assert len(adapter.requests) == 1


def test_check_mode_predicts_what_the_credentials_call_does():
    # The credentials call replaces all credentials: without a signing_token in the task the
    # webhook's own signing token is gone afterwards; the prediction and a warning say so.
    have = existing(authenticationType="BearerToken", hasSigningToken=True)
    d = definition(authentication_type="bearer", token="t2", update_credentials="always")
    assert wh.predicted_webhook(WS, d, have)["has_signing_token"] is False
    client, adapter = client_with([(200, {"data": [have]})])
    result = wh.reconcile(client, WS, [d], check_mode=True)[0]
    assert result["action"] == "credentials_updated" and result["webhook"]["has_signing_token"] is False
    assert any("signing token" in w for w in result["warnings"])
    assert [r.method for r in adapter.requests] == ["GET"]


def test_snake_case_drops_every_write_only_key():
    leaky = dict(existing(), secret="s1", token="t1", password="p1", signingToken="g1", clientSecret="c1")
    assert wh.to_snake(leaky) == wh.to_snake(existing())
