# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of ``_bulk``: validation by path, per-workspace isolation, bounded concurrency, summary, secrets."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

import pytest

from ansible_collections.contraforce.platform.plugins.module_utils import _bulk as bulk
from ansible_collections.contraforce.platform.plugins.module_utils._errors import ApiError, TransportError
from ansible_collections.contraforce.platform.plugins.module_utils._webhook import webhook_argument_spec

WS1 = "2f1b8c9e-0d4a-4c55-9a8e-3d2c1b0a9f87"
WS2 = "7d3e2a10-5b6c-4d8e-9f01-a2b3c4d5e6f7"
WS3 = "0b9f1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"


def definition(name, **kw):
    """A definition as AnsibleModule hands it to the module: every option present, defaults applied."""
    d = dict((key, spec.get("default")) for key, spec in webhook_argument_spec().items())
    d.update(name=name, url="https://hooks.example.com/" + name, event_types=["incident.created.v1"])
    d.update(kw)
    return d


def workspace(ws_id, *names, **kw):
    return dict(id=ws_id, name=kw.get("name"), webhooks=[definition(n) for n in names])


class FakeClient(object):
    """Duck-typed ContraForceClient: webhooks in memory, failures per workspace, call log, in-flight gauge."""

    def __init__(self, existing=None, list_errors=None, create_errors=None, delay=0.0):
        self.store = {}
        for ws_id, names in (existing or {}).items():
            self.store[ws_id] = [self._hook(ws_id, n) for n in names]
        self.list_errors = list_errors or {}
        self.create_errors = create_errors or {}
        self.delay = delay
        self.calls = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.warnings = []

    @staticmethod
    def _hook(ws_id, name, secret=None):
        hook = {"id": "id-%s-%s" % (ws_id[:4], name), "workspaceId": ws_id, "name": name, "url": "https://hooks.example.com/" + name,
                "eventTypes": ["incident.created.v1"], "monitoredAccountIds": [], "authenticationType": "None", "hasSigningToken": False,
                "status": "Active"}
        if secret:
            hook["secret"] = secret
        return hook

    def _enter(self, call):
        with self.lock:
            self.calls.append(call)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        if self.delay:
            time.sleep(self.delay)

    def _leave(self):
        with self.lock:
            self.in_flight -= 1

    def list_webhooks(self, workspace_id):
        self._enter(("GET", workspace_id))
        try:
            if workspace_id in self.list_errors:
                raise self.list_errors[workspace_id]
            return [dict(h) for h in self.store.get(workspace_id, [])]
        finally:
            self._leave()

    def create_webhook(self, body):
        self._enter(("POST", body["workspaceId"], body["name"]))
        try:
            error = self.create_errors.get((body["workspaceId"], body["name"]))
            if error:
                raise error
            hook = self._hook(body["workspaceId"], body["name"], secret="whsec_%s_%s" % (body["workspaceId"][:4], body["name"]))
            self.store.setdefault(body["workspaceId"], []).append(dict((k, v) for k, v in hook.items() if k != "secret"))
            return hook
        finally:
            self._leave()

    def writes(self):
        return [c for c in self.calls if c[0] != "GET"]


def forbidden(ws_id):
    return ApiError(403, "GET", "/webhooks", code="INSUFFICIENT_WORKSPACE_ROLE", title="Forbidden",
                    detail="The caller has no role on workspace %s." % ws_id, context="workspace %s" % ws_id)


# ---------------------------------------------------------------------------------------------- argument spec
def test_argument_spec_reuses_the_webhook_definition_options():
    spec = bulk.bulk_argument_spec()
    assert spec["workspaces"]["required"] is True and spec["workspaces"]["elements"] == "dict"
    suboptions = spec["workspaces"]["options"]
    assert suboptions["id"] == dict(type="str", required=True)
    assert suboptions["webhooks"]["options"] == webhook_argument_spec()
    assert spec["concurrency"] == dict(type="int", default=8)
    # secrets stay no_log inside the nested options
    assert all(suboptions["webhooks"]["options"][k]["no_log"] for k in ("token", "password", "signing_token"))


# ---------------------------------------------------------------------------------------------- validation
def test_valid_input_has_no_problems():
    assert bulk.validate_workspaces([workspace(WS1, "a", "b"), workspace(WS2, "a")], 8) == []


def test_every_problem_is_reported_at_once_and_named_by_its_path():
    workspaces = [
        workspace(WS1, "a"),
        dict(id="not-a-uuid", name="acme", webhooks=[definition("x", url="ftp://nope"), definition("y", event_types=["Incident"])]),
        dict(id=WS2, webhooks=[definition("z", authentication_type="bearer"), definition("p", token="t0k3n-value")]),
    ]
    problems = bulk.validate_workspaces(workspaces, 8)
    fields = [field for field, _why in problems]
    assert "workspaces[1].id" in fields
    assert "workspaces[1].webhooks[0].url" in fields
    assert "workspaces[1].webhooks[1].event_types" in fields
    assert "workspaces[2].webhooks[0].token" in fields  # bearer without token
    assert "workspaces[2].webhooks[1].token" in fields  # token without bearer
    why = dict(problems)
    # the message names the workspace and the webhook, never a secret value
    assert "acme" in why["workspaces[1].webhooks[0].url"] and "'x'" in why["workspaces[1].webhooks[0].url"]
    assert not any("t0k3n-value" in text for text in why.values())


def test_duplicate_workspace_ids_ignore_case():
    problems = bulk.validate_workspaces([workspace(WS1, "a"), workspace(WS1.upper(), "b")], 8)
    assert problems == [("workspaces[1].id", "%s is also workspaces[0].id; list each workspace once and put all its webhooks there" % WS1.upper())]


def test_duplicate_webhook_names_within_a_workspace_but_not_across_workspaces():
    problems = bulk.validate_workspaces([workspace(WS1, "a", "b", "a"), workspace(WS2, "a")], 8)
    assert [field for field, _why in problems] == ["workspaces[0].webhooks[2].name"]
    assert "workspaces[0].webhooks[0].name" in problems[0][1]


@pytest.mark.parametrize("value", [0, 33, -1, True, "8"])
def test_concurrency_is_bounded(value):
    problems = bulk.validate_workspaces([workspace(WS1, "a")], value)
    assert [field for field, _why in problems] == ["concurrency"]


@pytest.mark.parametrize("value", [1, 8, 32])
def test_concurrency_bounds_are_inclusive(value):
    assert bulk.validate_workspaces([], value) == []


def test_absent_definitions_need_no_url():
    ws = dict(id=WS1, webhooks=[definition("old", url=None, event_types=None, state="absent")])
    assert bulk.validate_workspaces([ws], 8) == []


# ---------------------------------------------------------------------------------------------- reconcile
def test_one_listing_per_workspace_and_one_create_per_missing_webhook():
    client = FakeClient(existing={WS1: ["a"]})
    outcomes = bulk.reconcile_workspaces(client, [workspace(WS1, "a", "b"), workspace(WS2, "a", "b")], False, 4)
    gets = sorted(c for c in client.calls if c[0] == "GET")
    assert gets == sorted([("GET", WS1), ("GET", WS2)])
    assert sorted(client.writes()) == sorted([("POST", WS1, "b"), ("POST", WS2, "a"), ("POST", WS2, "b")])
    assert [o["id"] for o in outcomes] == [WS1, WS2]
    assert [r["action"] for r in outcomes[0]["results"]] == ["unchanged", "created"]
    assert [r["action"] for r in outcomes[1]["results"]] == ["created", "created"]


def test_check_mode_writes_nothing():
    client = FakeClient()
    outcomes = bulk.reconcile_workspaces(client, [workspace(WS1, "a"), workspace(WS2, "b")], True, 8)
    assert client.writes() == []
    assert [r["action"] for o in outcomes for r in o["results"]] == ["created", "created"]


def test_workspace_without_definitions_is_not_listed():
    client = FakeClient()
    outcomes = bulk.reconcile_workspaces(client, [dict(id=WS1, name=None, webhooks=[]), workspace(WS2, "a")], False, 8)
    assert [c for c in client.calls if c[0] == "GET"] == [("GET", WS2)]
    assert outcomes[0]["results"] == []


def test_a_failing_listing_fails_only_its_workspace():
    client = FakeClient(list_errors={WS2: forbidden(WS2)})
    outcomes = bulk.reconcile_workspaces(client, [workspace(WS1, "a"), workspace(WS2, "a", "b"), workspace(WS3, "a")], False, 3)
    assert [o["msg"] is None for o in outcomes] == [True, False, True]
    failed = outcomes[1]["results"]
    assert [r["name"] for r in failed] == ["a", "b"]
    assert all(r["failed"] and r["action"] == "failed" and "INSUFFICIENT_WORKSPACE_ROLE" in r["msg"] for r in failed)
    assert failed[0]["error"]["status"] == 403
    assert sorted(client.writes()) == sorted([("POST", WS1, "a"), ("POST", WS3, "a")])


def test_an_unexpected_exception_is_contained_in_its_workspace():
    client = FakeClient(list_errors={WS1: KeyError("boom")})
    outcomes = bulk.reconcile_workspaces(client, [workspace(WS1, "a"), workspace(WS2, "a")], False, 2)
    assert "internal error" in outcomes[0]["msg"] and "KeyError" in outcomes[0]["msg"]
    assert outcomes[0]["results"][0]["failed"] is True
    assert outcomes[1]["results"][0]["action"] == "created"


def test_a_failing_create_fails_only_that_webhook():
    error = TransportError("could not connect", "connect", False)
    client = FakeClient(create_errors={(WS1, "b"): error})
    outcomes = bulk.reconcile_workspaces(client, [workspace(WS1, "a", "b", "c")], False, 1)
    assert [r["action"] for r in outcomes[0]["results"]] == ["created", "failed", "created"]
    assert outcomes[0]["msg"] is None


def test_concurrency_is_bounded_and_used():
    client = FakeClient(delay=0.05)
    wss = [workspace("%08d-0000-4000-8000-000000000000" % i, "a") for i in range(12)]
    start = time.time()
    outcomes = bulk.reconcile_workspaces(client, wss, True, 4)
    elapsed = time.time() - start
    assert client.max_in_flight == 4
    assert [o["id"] for o in outcomes] == [w["id"] for w in wss]  # input order kept
    assert elapsed < 12 * 0.05 * 0.75  # in parallel, not one after the other

    serial = FakeClient(delay=0.01)
    bulk.reconcile_workspaces(serial, wss, True, 1)
    assert serial.max_in_flight == 1


# ---------------------------------------------------------------------------------------------- summary and result
def outcome(ws_id, results, name=None, msg=None):
    return {"id": ws_id, "name": name, "results": results, "msg": msg}


def res(name, action, **kw):
    r = {"name": name, "action": action, "changed": action in ("created", "deleted", "credentials_updated"), "drifted": False,
         "drift": {}, "warnings": [], "webhook": {}, "diff": {"before": {}, "after": {"name": name}}}
    r.update(kw)
    if action == "failed":
        r["failed"] = True
    return r


def test_summary_counts_actions_once_and_drift_as_an_overlay():
    outcomes = [
        outcome(WS1, [res("a", "created"), res("b", "unchanged", drifted=True), res("c", "unchanged"),
                      res("d", "credentials_updated", drifted=True)], name="acme"),
        outcome(WS2, [res("a", "failed", msg="HTTP 403"), res("b", "failed", msg="HTTP 403")], msg="HTTP 403"),
        outcome(WS3, []),
    ]
    summary = bulk.summarize(outcomes)
    first, second, third = summary["workspaces"]
    assert (first["created"], first["unchanged"], first["credentials_updated"], first["drifted"], first["failed"], first["total"]) == (1, 2, 1, 2, 0, 4)
    assert first["failed_workspace"] is False and first["msg"] is None
    assert second["failed"] == 2 and second["failed_workspace"] is True and second["msg"] == "HTTP 403"
    assert third["total"] == 0 and third["failed_workspace"] is False
    totals = summary["totals"]
    assert (totals["workspaces"], totals["failed_workspaces"], totals["total"], totals["created"], totals["failed"]) == (3, 1, 6, 1, 2)
    assert summary["lines"][0] == "acme (%s): created 1, unchanged 2, drifted 2, credentials updated 1, failed 0" % WS1
    assert summary["lines"][1].startswith(WS2 + ": created 0, unchanged 0, drifted 0, failed 2 - FAILED: HTTP 403")


def test_a_webhook_failure_marks_its_workspace_failed_with_the_message():
    summary = bulk.summarize([outcome(WS1, [res("a", "created"), res("b", "failed", msg="HTTP 400 VALIDATION_ERROR")])])
    assert summary["workspaces"][0]["failed_workspace"] is True
    assert summary["workspaces"][0]["msg"] == "HTTP 400 VALIDATION_ERROR"


def test_secrets_only_with_no_log():
    outcomes = [outcome(WS1, [res("a", "created", secret="whsec_1"), res("b", "unchanged")], name="acme")]
    shown, warnings = bulk.bulk_result(outcomes, no_log=True, diff=False)
    assert shown["secrets"] == {WS1: {"a": "whsec_1"}}
    assert shown["webhooks"][0]["secret"] == "whsec_1" and shown["webhooks"][0]["workspace_name"] == "acme"
    assert warnings == []
    assert "diff" not in shown and "diff" not in shown["webhooks"][0]

    hidden, warnings = bulk.bulk_result(outcomes, no_log=False, diff=False)
    assert "secrets" not in hidden
    assert "secret" not in hidden["webhooks"][0] and hidden["webhooks"][0]["secret_withheld"] is True
    assert len(warnings) == 1 and "no_log" in warnings[0]
    assert "whsec_1" not in repr(hidden) + repr(warnings)


def test_diff_lists_changed_and_drifted_webhooks_only():
    outcomes = [outcome(WS1, [res("a", "created"), res("b", "unchanged"), res("c", "unchanged", drifted=True)])]
    result, _warnings = bulk.bulk_result(outcomes, no_log=False, diff=True)
    assert [d["after"]["name"] for d in result["diff"]] == ["a", "c"]
    assert result["changed"] is True and "failed" not in result


def test_result_fails_at_the_end_but_keeps_everything():
    outcomes = [outcome(WS1, [res("a", "created", secret="whsec_1")], name="acme"),
                outcome(WS2, [res("a", "failed", msg="HTTP 403 INSUFFICIENT_WORKSPACE_ROLE")], name="globex", msg="HTTP 403 INSUFFICIENT_WORKSPACE_ROLE")]
    result, _warnings = bulk.bulk_result(outcomes, no_log=True, diff=False)
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"].startswith("1 of 2 workspace(s) failed")
    assert "globex: HTTP 403 INSUFFICIENT_WORKSPACE_ROLE" in result["msg"]
    assert result["secrets"] == {WS1: {"a": "whsec_1"}}
    assert len(result["webhooks"]) == 2 and result["summary"]["totals"]["failed_workspaces"] == 1


def test_nothing_to_do():
    result, warnings = bulk.bulk_result(bulk.reconcile_workspaces(FakeClient(), [], False, 8), no_log=True, diff=True)
    assert result["changed"] is False and result["webhooks"] == [] and result["diff"] == [] and warnings == []
    assert result["summary"]["totals"]["workspaces"] == 0
