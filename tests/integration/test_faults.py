# -*- coding: utf-8 -*-
# Copyright: ContraForce platform collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Faults injected by the simulator, met by real ``ansible-playbook`` / ``ansible`` processes.

Every case ends either in success after retry with exactly the webhooks asked for, complete, or in
a failure whose message names the cause (HTTP status, code, requestId, fields), never a traceback,
never a duplicate (webhooks counted by workspace + name in the simulator's state) and never a
half-done webhook. The cases cover the list, create, delete, credentials and delivery-log calls,
through ``webhook``, ``webhook_info``, ``webhook_delivery_info``, ``webhook_bulk`` and the role.

To stay fast, the cases run as ONE playbook: before each case a ``raw`` task arms its fault rules
through the simulator's control API, then the case's task runs with ``ignore_errors`` (the role
inside a ``block`` whose ``rescue`` records its failure). Each case has its own workspaces, so the
journal entries, the stored webhooks and the task result of a case are told apart afterwards; each
case is then checked by its own test. A hung server needs the wall clock, so it runs as its own
``ansible`` process.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import os
import subprocess
import sys
import time

import pytest

from . import reliability_report as report
from .conftest import BIN, AnsibleRun, reliability_env, reliability_playbook

TIMEOUT = 2  # CONTRAFORCE_TIMEOUT of every fault run
MAX_ATTEMPTS = 4  # RetryPolicy.max_attempts
BACKOFF_BUDGET = 0.5 * 2 + 0.5 * 4 + 0.5 * 8  # the most the full-jitter sleeps before tries 2, 3 and 4 can add

WEBHOOK = "contraforce.platform.webhook"
INFO = "contraforce.platform.webhook_info"
DELIVERIES = "contraforce.platform.webhook_delivery_info"
BULK = "contraforce.platform.webhook_bulk"
ROLE = "contraforce.platform.webhooks"

LIST = {"method": "GET", "path_regex": r"^/api/v2/webhooks$"}
DELETE = {"method": "DELETE", "path_regex": r"^/api/v2/webhooks/[^/]+$"}
CREDENTIALS = {"method": "POST", "path_regex": r"^/api/v2/webhooks/[^/]+/credentials$"}
DELIVERY_LOGS = {"method": "GET", "path_regex": r"^/api/v2/webhooks/[^/]+/delivery-logs$"}
CREATE = {"method": "POST", "path_regex": r"^/api/v2/webhooks$"}
EVENT_TYPES = ["incident.created.v1", "agent.investigation.completed.v1"]


def rule(call, kind, **kw):
    out = dict(call, kind=kind)
    out.update(kw)
    return out


class Case(object):
    """One fault case: the rules armed before it, what must happen, and what the message must name."""

    def __init__(self, cid, rules, expect, words=(), args=None, posts=None, gets=None, check=None, module=WEBHOOK, left=False, seed=False):
        self.id = cid
        self.rules = rules
        self.expect = expect  # "created" (one webhook, by the webhook module), "ok" (see check) or "failed"
        self.words = words
        self.args = args or {}
        self.posts = posts  # exact number of create requests the journal must show, when set
        self.gets = gets  # exact number of list requests, when set
        self.check = check  # extra check(case, result, entries)
        self.module = module
        self.left = left  # a failed case of the bulk module leaves the webhook of its other workspace
        self.seed = seed or module == DELIVERIES  # the webhook exists before the case (seeded, not journaled)
        self.workspace = None
        self.other_workspace = None  # the second workspace of the bulk and role cases
        self.name = None
        self.webhook_ids = []  # seeded webhooks whose requests belong to this case

    def task(self):
        """The case's task: the module with its arguments, or the role inside a block that records its failure."""
        if self.module == ROLE:
            return {"name": "role " + self.id,
                    "block": [{"ansible.builtin.import_role": {"name": ROLE}, "vars": self.role_vars()}],
                    "rescue": [{"name": "case " + self.id, "ansible.builtin.debug": {"var": "ansible_failed_result"}}]}
        args = dict(self.args) if self.module != WEBHOOK else self.module_args()
        if self.module == BULK:
            args = {"workspaces": [{"id": self.workspace, "name": "first", "webhooks": self.definitions()},
                                   {"id": self.other_workspace, "name": "second", "webhooks": self.definitions()[:1]}]}
        elif self.module == INFO:
            args = {"workspace_id": self.workspace}
        elif self.module == DELIVERIES:
            args = {"workspace_id": self.workspace, "name": self.name, "since": "1h"}
        return {"name": "case " + self.id, self.module: args, "ignore_errors": True}

    def definitions(self):
        first = dict((k, v) for k, v in self.module_args().items() if k != "workspace_id")
        second = dict(first, name=self.name + "-2", authentication_type="none")
        del second["token"], second["signing_token"]
        return [first, second]

    def role_vars(self):
        return {"contraforce_webhook_sets": {"standard": self.definitions()},
                "contraforce_workspaces": [{"id": self.workspace, "sets": ["standard"]}, {"id": self.other_workspace, "sets": ["standard"]}]}

    def expected_names(self):
        """``(workspace, name)`` of every webhook a successful run leaves."""
        if self.args.get("state") == "absent":
            return []
        if self.module in (WEBHOOK, DELIVERIES):
            return [(self.workspace, self.name)]
        if self.module == BULK:
            return sorted([(self.workspace, self.name), (self.workspace, self.name + "-2"), (self.other_workspace, self.name)])
        if self.module == ROLE:
            return sorted((ws, n) for ws in (self.workspace, self.other_workspace) for n in (self.name, self.name + "-2"))
        return []

    def module_args(self):
        args = {
            "workspace_id": self.workspace,
            "name": self.name,
            "url": "https://hooks.example.com/%s" % self.name,
            "event_types": EVENT_TYPES,
            "authentication_type": "bearer",
            "token": "fault-suite-receiver-token",
            "signing_token": "fault-suite-signing-token",
        }
        args.update(self.args)
        return args


def _seconds_between(entries, first_index):
    stamp = [datetime.datetime.fromisoformat(e["time"].replace("Z", "+00:00")) for e in entries]
    return (stamp[first_index + 1] - stamp[first_index]).total_seconds()


def retry_after_honoured(case, result, entries, stored=None):
    faulted = [i for i, e in enumerate(entries) if e["fault"]]
    assert faulted and faulted[0] + 1 < len(entries), entries
    assert _seconds_between(entries, faulted[0]) >= 0.95, "Retry-After: 1 was not honoured: %s" % entries


def relisted_before_resend(case, result, entries, stored=None):
    """After a create with an unknown outcome: list, find nothing, and only then create again."""
    calls = [(e["method"], e["fault"]) for e in entries]
    first_post = [i for i, c in enumerate(calls) if c[0] == "POST"][0]
    assert calls[first_post][1], calls
    assert calls[first_post + 1][0] == "GET" and calls[first_post + 2][0] == "POST", calls


def lost_answer_warned(case, result, entries, stored=None):
    assert any("was lost" in w and "not created again" in w for w in result.get("warnings", [])), result
    assert "secret" not in result and not result.get("secret_withheld"), result


def names_workspace(case, result, entries, stored=None):
    assert case.workspace in result["msg"], result["msg"]


def names_fields(case, result, entries, stored=None):
    errors = result["error"]["errors"]
    assert "eventTypes" in errors, result
    assert result["error"]["code"] == "VALIDATION_ERROR" and result["error"]["status"] == 400


def listed_after_retry(case, result, entries, stored=None):
    assert result.get("failed") is not True and result.get("webhooks") == [], result


def deliveries_read_after_retry(case, result, entries, stored=None):
    assert result.get("failed") is not True and result.get("webhook_id") == case.webhook_ids[0], result
    assert result["summary"]["total"] == 3 and len(result["deliveries"]) == 3, result


def deleted(case, result, entries, stored=None):
    assert result["changed"] is True and result["action"] == "deleted", result
    deletes = [e for e in entries if e["method"] == "DELETE"]
    assert len(deletes) == 2 and deletes[0]["fault"], deletes


def credentials_set(case, result, entries, stored=None):
    assert result["changed"] is True and result["action"] == "credentials_updated", result
    calls = [e for e in entries if e["path"].endswith("/credentials")]
    assert len(calls) == 2 and calls[0]["fault"], calls
    assert stored[0]["authenticationType"] == "BearerToken" and stored[0]["hasSigningToken"] is True, stored


def credentials_unchanged(case, result, entries, stored=None):
    assert len([e for e in entries if e["path"].endswith("/credentials")]) == 1, entries
    assert stored[0]["authenticationType"] == "None" and stored[0]["hasSigningToken"] is False, stored


def other_workspace_still_reconciled(case, result, entries, stored=None):
    assert result.get("failed") is True and "1 of 2 workspace(s) failed" in result["msg"], result
    assert "HTTP 403 INSUFFICIENT_WORKSPACE_ROLE" in result["msg"] and case.workspace in result["msg"], result["msg"]


CASES = [
    # ---- on the list call (GET /api/v2/webhooks?workspaceId=...)
    Case("list-429-retry-after", [rule(LIST, "status", status=429, retry_after=1)], "created", gets=2, posts=1, check=retry_after_honoured),
    Case("list-500", [rule(LIST, "status", status=500)], "failed", ("HTTP 500 INTERNAL_ERROR", "GET /webhooks", "requestId"), posts=0, gets=1),
    Case("list-502", [rule(LIST, "status", status=502)], "created", gets=2, posts=1),
    Case("list-503", [rule(LIST, "status", status=503)], "created", gets=2, posts=1),
    Case("list-504", [rule(LIST, "status", status=504)], "created", gets=2, posts=1),
    Case("list-connection-reset", [rule(LIST, "reset")], "created", gets=2, posts=1),
    Case("list-read-timeout", [rule(LIST, "hang", delay_s=TIMEOUT + 3)], "created", posts=1),
    Case("list-malformed-json", [rule(LIST, "malformed_json")], "created", gets=2, posts=1),
    Case("list-html-proxy-502", [rule(LIST, "html", status=502)], "created", gets=2, posts=1),
    Case("list-html-proxy-403", [rule(LIST, "html", status=403)], "failed", ("HTTP 403", "not problem+json but text/html", "403 Forbidden"),
         posts=0, gets=1),
    Case("list-401", [rule(LIST, "status", status=401, code="UNAUTHORIZED")], "failed",
         ("refused the credentials", "HTTP 401 UNAUTHORIZED", "requestId"), posts=0, gets=1),
    Case("list-401-wrong-secret", [], "failed", ("refused the credentials", "HTTP 401 UNAUTHORIZED", "requestId"),
         args={"client_secret": "not-the-fault-suite-secret"}, posts=0, gets=1),
    Case("list-403-workspace-role", [], "failed", ("HTTP 403 INSUFFICIENT_WORKSPACE_ROLE", "requestId"), posts=0, gets=1,
         check=names_workspace),
    Case("list-404-workspace", [], "failed", ("HTTP 404 NOT_FOUND", "was not found", "requestId"), posts=0, gets=1, check=names_workspace),
    Case("list-400", [rule(LIST, "status", status=400, code="VALIDATION_ERROR", detail="pageSize must be at most 50.")], "failed",
         ("HTTP 400 VALIDATION_ERROR", "pageSize must be at most 50.", "requestId"), posts=0, gets=1),
    Case("list-503-budget-exhausted", [rule(LIST, "status", status=503, times=-1, retry_after=0)], "failed",
         ("HTTP 503 SERVICE_UNAVAILABLE", "requestId"), posts=0, gets=MAX_ATTEMPTS),
    # ---- on the create call (POST /api/v2/webhooks)
    Case("create-429-retry-after", [rule(CREATE, "status", status=429, retry_after=1)], "created", posts=2, gets=1, check=retry_after_honoured),
    Case("create-500", [rule(CREATE, "status", status=500)], "created", posts=2, gets=2, check=relisted_before_resend),
    Case("create-502", [rule(CREATE, "status", status=502)], "created", posts=2, gets=2, check=relisted_before_resend),
    Case("create-503", [rule(CREATE, "status", status=503)], "created", posts=2, gets=2, check=relisted_before_resend),
    # a gateway timeout: the create may still land, so it is never re-sent; the client looks again (RetryPolicy.poll_delay)
    Case("create-504", [rule(CREATE, "status", status=504)], "failed",
         ("HTTP 504 GATEWAY_TIMEOUT", "POST /webhooks", "requestId", "not sent again", "Re-run"), posts=1, gets=1 + MAX_ATTEMPTS),
    Case("create-connection-reset", [rule(CREATE, "reset")], "created", posts=2, gets=2, check=relisted_before_resend),
    # a slow server: the client gives up after TIMEOUT s, the server stores the webhook a little later; the client
    # must find that one and not create a second
    Case("create-read-timeout", [rule(CREATE, "hang", delay_s=TIMEOUT + 1.5)], "created", posts=1, check=lost_answer_warned),
    Case("create-stored-then-dropped", [rule(CREATE, "drop_after_store")], "created", posts=1, gets=2, check=lost_answer_warned),
    Case("create-malformed-json", [rule(CREATE, "malformed_json")], "created", posts=2, gets=2, check=relisted_before_resend),
    Case("create-html-proxy-502", [rule(CREATE, "html", status=502)], "created", posts=2, gets=2, check=relisted_before_resend),
    Case("create-401", [rule(CREATE, "status", status=401, code="UNAUTHORIZED")], "failed",
         ("refused the credentials", "HTTP 401 UNAUTHORIZED", "POST /webhooks", "requestId"), posts=1, gets=1),
    Case("create-403-workspace-role", [rule(CREATE, "status", status=403, code="INSUFFICIENT_WORKSPACE_ROLE",
                                            detail="The caller has the role WorkspaceReader, which cannot create webhooks.")],
         "failed", ("HTTP 403 INSUFFICIENT_WORKSPACE_ROLE", "POST /webhooks", "WorkspaceReader", "requestId"), posts=1, gets=1,
         check=names_workspace),
    Case("create-404", [rule(CREATE, "status", status=404, code="NOT_FOUND", detail="Workspace was not found.")], "failed",
         ("HTTP 404 NOT_FOUND", "POST /webhooks", "Workspace was not found.", "requestId"), posts=1, gets=1),
    # a real 400 from the simulator's validation, with its field map (the module allows camelCase verbs, the API does not)
    Case("create-400-field-map", [], "failed", ("HTTP 400 VALIDATION_ERROR", "Invalid fields: eventTypes:", "incident.createdNow.v1", "requestId"),
         args={"event_types": ["incident.createdNow.v1"]}, posts=1, gets=1, check=names_fields),
    Case("create-502-budget-exhausted", [rule(CREATE, "status", status=502, times=-1, retry_after=0)], "failed",
         ("HTTP 502 BAD_GATEWAY", "POST /webhooks", "requestId"), posts=MAX_ATTEMPTS, gets=1 + MAX_ATTEMPTS),
    Case("create-reset-budget-exhausted", [rule(CREATE, "reset", times=-1)], "failed", ("connection", "dropped", "POST /webhooks"),
         posts=MAX_ATTEMPTS),
    # ---- the other modules and the role
    Case("info-list-503", [rule(LIST, "status", status=503)], "ok", gets=2, posts=0, module=INFO, check=listed_after_retry),
    Case("info-list-401", [rule(LIST, "status", status=401, code="UNAUTHORIZED")], "failed", ("HTTP 401 UNAUTHORIZED", "requestId"),
         gets=1, posts=0, module=INFO),
    Case("deliveries-logs-502", [rule(DELIVERY_LOGS, "status", status=502)], "ok", posts=0, module=DELIVERIES, check=deliveries_read_after_retry),
    Case("deliveries-logs-html-504", [rule(DELIVERY_LOGS, "html", status=504, times=-1, retry_after=0)], "failed",
         ("HTTP 504", "delivery-logs", "text/html"), posts=0, module=DELIVERIES),
    Case("bulk-create-stored-then-dropped", [rule(CREATE, "drop_after_store")], "ok", posts=3, module=BULK),
    Case("bulk-create-503", [rule(CREATE, "status", status=503)], "ok", posts=4, module=BULK),
    Case("bulk-list-403-one-workspace", [], "failed", posts=1, module=BULK, left=True, check=other_workspace_still_reconciled),
    # ---- on the delete call (state: absent) of an existing webhook
    Case("delete-stored-then-dropped", [rule(DELETE, "drop_after_store")], "ok", args={"state": "absent"}, seed=True, posts=0,
         check=deleted),
    Case("delete-503", [rule(DELETE, "status", status=503)], "ok", args={"state": "absent"}, seed=True, posts=0, check=deleted),
    Case("delete-500", [rule(DELETE, "status", status=500)], "failed", ("HTTP 500 INTERNAL_ERROR", "DELETE /webhooks/", "requestId"),
         args={"state": "absent"}, seed=True, posts=0),
    # ---- on the credentials call of an existing webhook (update_credentials: always)
    Case("credentials-stored-then-dropped", [rule(CREDENTIALS, "drop_after_store")], "ok", args={"update_credentials": "always"},
         seed=True, posts=0, check=credentials_set),
    Case("credentials-502", [rule(CREDENTIALS, "status", status=502)], "ok", args={"update_credentials": "always"}, seed=True, posts=0,
         check=credentials_set),
    Case("credentials-500", [rule(CREDENTIALS, "status", status=500)], "failed", ("HTTP 500 INTERNAL_ERROR", "/credentials", "requestId"),
         args={"update_credentials": "always"}, seed=True, posts=0, check=credentials_unchanged),
    Case("role-create-500", [rule(CREATE, "status", status=500)], "ok", posts=5, module=ROLE),
    Case("role-list-reset", [rule(LIST, "reset")], "ok", gets=3, posts=4, module=ROLE),
]

for _index, _case in enumerate(CASES):
    _case.workspace = "fa017000-0000-4000-8000-%012d" % (_index + 1)
    _case.other_workspace = "fa017000-0000-4000-8000-%012d" % (_index + 501)
    _case.name = "fault-%s" % _case.id
BY_ID = dict((c.id, c) for c in CASES)
CONFIG = {
    "forbidden_workspaces": [BY_ID["list-403-workspace-role"].workspace, BY_ID["bulk-list-403-one-workspace"].workspace],
    "missing_workspaces": [BY_ID["list-404-workspace"].workspace],
}


# Arms one case's rules: clears every rule left over, then adds the case's. Run through ``raw``
# (a plain local command, about 0.3 s) rather than ``uri`` (a module, about 1 s on a busy machine).
ARM_SCRIPT = """
import json, sys, urllib.request
spec = json.load(open(sys.argv[1]))
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
calls = [("DELETE", None)] + [("POST", rule) for rule in spec["rules"]]
for method, rule in calls:
    data = None if rule is None else json.dumps(rule).encode("utf-8")
    request = urllib.request.Request(spec["url"], data=data, method=method, headers={"Content-Type": "application/json"})
    opener.open(request, timeout=10).read()
"""


def fault_playbook(sim_url, tmp_dir):
    """The playbook of every case (as JSON, which is YAML); writes the arming script and rule files into ``tmp_dir``."""
    script = os.path.join(str(tmp_dir), "arm.py")
    with open(script, "w") as handle:
        handle.write(ARM_SCRIPT)
    tasks = []
    for case in CASES:
        spec = os.path.join(str(tmp_dir), "rules-%s.json" % case.id)
        with open(spec, "w") as handle:
            json.dump({"url": sim_url + "/_sim/faults", "rules": case.rules}, handle)
        tasks.append({"name": "arm " + case.id, "ansible.builtin.raw": "%s %s %s" % (sys.executable, script, spec)})
        tasks.append(case.task())
    return [{"name": "fault cases", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]


def _workspace_of(entry):
    query = entry.get("query") or {}
    body = entry.get("body") if isinstance(entry.get("body"), dict) else {}
    return str(query.get("workspaceId") or body.get("workspaceId") or "").lower()


def _belongs(entry, case):
    if _workspace_of(entry) in (case.workspace, case.other_workspace):
        return True
    return any(webhook_id in entry["path"] for webhook_id in case.webhook_ids)


class FaultRun(object):
    def __init__(self, run, journal, webhooks):
        self.run = run
        self.results = {}
        for name, res in run.task_results():
            if name.startswith("case "):
                if "ansible_failed_result" in res:  # a role case, recorded by its rescue
                    res = dict(res["ansible_failed_result"], failed=True)
                self.results[name[len("case "):]] = res
        for case in CASES:
            if case.module == ROLE and case.id not in self.results:
                self.results[case.id] = {"failed": False, "role": "completed"}
        self.journal = journal
        self.webhooks = webhooks

    def entries(self, case):
        return [e for e in self.journal if _belongs(e, case)]

    def stored(self, case):
        return [w for w in self.webhooks if w["workspaceId"] in (case.workspace, case.other_workspace)]


@pytest.fixture(scope="module")
def fault_run(simulator, tmp_path_factory):
    """The one playbook of all cases, then the journal and the stored webhooks once every hung request has ended."""
    simulator.reset()
    simulator.config(**CONFIG)
    for case in CASES:
        if case.seed:
            seeded = simulator.seed_webhooks([{"workspaceId": case.workspace, "name": case.name, "url": "https://hooks.example.com/%s" % case.name,
                                               "eventTypes": EVENT_TYPES}])
            case.webhook_ids = [seeded[0]["id"]]
        if case.module == DELIVERIES:
            simulator.seed_delivery_logs(case.webhook_ids[0], count=3)
    tmp = tmp_path_factory.mktemp("faults")
    env = reliability_env(simulator, tmp, timeout=TIMEOUT)
    run = reliability_playbook(fault_playbook(simulator.url, tmp), env, tmp, name="faults")
    hung = [c for c in CASES if any(r["kind"] == "hang" for r in c.rules)]
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        journal = simulator.journal()
        done = set(_workspace_of(e) for e in journal if e["fault"] == "hang")
        if all(c.workspace in done for c in hung):
            break
        time.sleep(0.2)
    journal = simulator.journal()
    webhooks = simulator.webhooks()
    simulator.reset()
    return FaultRun(run, journal, webhooks)


def test_fault_playbook_ran_every_case_without_traceback(fault_run):
    run = fault_run.run
    assert run.json is not None, run
    assert sorted(fault_run.results) == sorted(BY_ID), run
    assert "Traceback" not in run.output, run
    arm_failures = [name for name, res in run.task_results() if not name.startswith("case ") and res.get("failed")]
    assert not arm_failures, run


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fault(fault_run, case):
    with report.fault_case(case.id):
        result = fault_run.results[case.id]
        entries = fault_run.entries(case)
        stored = fault_run.stored(case)
        shown = "result: %s\njournal: %s\nstored: %s" % (json.dumps(result, indent=1)[:3000], [(e["method"], e["status"], e["fault"]) for e in entries], stored)

        # never a duplicate, never a traceback, and the fault really happened
        dupes = report.duplicates(stored)
        assert not dupes, "DUPLICATE webhooks %s\n%s" % (dupes, shown)
        assert "Traceback" not in json.dumps(result) and "module_stderr" not in result, shown
        if case.rules:
            assert any(e["fault"] == case.rules[0]["kind"] for e in entries), "the fault was not injected\n" + shown
        if case.posts is not None:
            assert len([e for e in entries if e["method"] == "POST" and e["path"] == "/api/v2/webhooks"]) == case.posts, shown
        if case.gets is not None:
            assert len([e for e in entries if e["method"] == "GET"]) == case.gets, shown

        if case.expect == "ok":
            assert not result.get("failed"), shown
            assert sorted((w["workspaceId"], w["name"]) for w in stored) == case.expected_names(), shown
        elif case.expect == "created":
            assert not result.get("failed"), shown
            assert result["changed"] is True and result["action"] == "created", shown
            assert len(stored) == 1, shown
            hook = stored[0]
            # complete, never half-done: every field of the task made it into the one webhook
            assert hook["name"] == case.name and hook["url"] == "https://hooks.example.com/%s" % case.name, shown
            assert sorted(hook["eventTypes"]) == sorted(EVENT_TYPES), shown
            assert hook["authenticationType"] == "BearerToken" and hook["hasSigningToken"] is True, shown
            assert result["webhook"]["id"] == hook["id"], shown
        else:
            assert result.get("failed") is True, shown
            left = [(case.other_workspace, case.name)] if case.left else []
            if case.seed:
                left.append((case.workspace, case.name))  # a failed delete leaves the webhook whole
            assert sorted((w["workspaceId"], w["name"]) for w in stored) == left, "a failed task left webhooks behind\n" + shown
            for word in case.words:
                assert word in result["msg"], "%r not in the message %r" % (word, result["msg"])
            assert result["msg"].count("\n") == 0 and len(result["msg"]) < 1500, result["msg"]
            assert "Module failed" not in result["msg"], "the module crashed (an unhandled exception): %s" % result["msg"]
        if case.check:
            case.check(case, result, entries, stored)


def test_hung_server_fails_within_timeout_and_retry_budget(sim, tmp_path):
    """Every list request hangs: the task fails with a read timeout after its retries, and never hangs the job."""
    case = "hung-server"
    with report.fault_case(case):
        sim.fault(kind="hang", delay_s=120, times=-1, **LIST)
        env = reliability_env(sim, tmp_path, timeout=TIMEOUT, ANSIBLE_STDOUT_CALLBACK="results_json",
                              ANSIBLE_CALLBACK_PLUGINS=os.path.join(os.path.dirname(os.path.abspath(__file__)), "callback_plugins"),
                              ANSIBLE_LOAD_CALLBACK_PLUGINS="1")
        args = {"workspace_id": "fa017000-0000-4000-8000-999999999999", "name": "hung", "url": "https://hooks.example.com/hung",
                "event_types": ["incident.created.v1"]}
        cmd = [os.path.join(BIN, "ansible"), "localhost", "-m", "contraforce.platform.webhook", "-a", json.dumps(args)]
        started = time.monotonic()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, check=False)
        elapsed = time.monotonic() - started
        run = AnsibleRun(cmd, proc)
        sim.reset()  # wakes the hung handlers
        budget = MAX_ATTEMPTS * TIMEOUT + BACKOFF_BUDGET
        assert run.rc != 0, run
        assert "read timeout" in run.result["msg"] and "GET /webhooks" in run.result["msg"], run.result["msg"]
        assert "Traceback" not in run.output, run
        # at least the four timed-out tries, at most those, the backoff sleeps and ansible's own start-up (generous)
        assert MAX_ATTEMPTS * TIMEOUT <= elapsed < budget + 10, "took %.1f s (budget %.1f s + start-up)" % (elapsed, budget)
        assert report.duplicates(sim.webhooks()) == []
